"""Typed inputs and outputs of triage."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from agentiq.kit.time import ensure_utc

Channel = Literal["review", "question", "chat"]
Priority = Literal["urgent", "high", "normal", "low"]
IntentMethod = Literal["rule_based", "llm"]

PRIORITY_RANK: dict[str, int] = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


class TriageInput(BaseModel):
    """One normalised item as the sync engine sees it (no DB objects)."""

    model_config = ConfigDict(frozen=True)

    channel: Channel
    occurred_at: datetime
    text: str = ""
    pros: str = ""
    cons: str = ""
    rating: int | None = Field(default=None, ge=1, le=5)
    has_photos: bool = False
    has_video: bool = False
    is_answered: bool = False
    # Chats only: the seller spoke last, so the ball is in the buyer's court.
    last_message_from_seller: bool = False
    # WB review `matchingSize`: "", "ok", "smaller" or "bigger".
    matching_size: str = ""

    @field_validator("occurred_at")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        return ensure_utc(value)


Rating = Annotated[int, Field(ge=1, le=5)]


class TriageSettings(BaseModel):
    """Seller-level switches that change triage (stored in the seller's settings)."""

    model_config = ConfigDict(frozen=True)

    # By default a top-rated review with no text, pros, cons or media needs no answer.
    reply_to_empty_top_reviews: bool = False
    empty_review_silent_ratings: frozenset[Rating] = frozenset({5})
    # By default a chat that only says «спасибо» / «ок» needs no answer.
    reply_to_chat_thanks: bool = False
    # Ask an LLM about questions the rules call "general" (see llm_fallback.py).
    llm_intent_fallback: bool = False


DEFAULT_SETTINGS = TriageSettings()


class TriageSettingsUpdate(BaseModel):
    """A change to the switches from the owner; a field left out keeps its stored value.

    Ratings are checked by the service (`triage.service.update_triage_settings`), so the API
    and the settings page give the same Russian message.
    """

    reply_to_empty_top_reviews: bool | None = None
    empty_review_silent_ratings: list[int] | None = Field(default=None, max_length=20)
    reply_to_chat_thanks: bool | None = None
    llm_intent_fallback: bool | None = None


class TriageResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    priority: Priority
    priority_reason: str
    # Questions: a question intent; chats: a chat topic; reviews: None.
    intent: str | None
    intent_method: IntentMethod = "rule_based"
    needs_response: bool
    needs_response_reason: str
    sla_minutes: int
    sla_due_at: datetime
    sla_source: Literal["seller", "default"]
    # Content signals found (e.g. "defect", "photos"), most serious first.
    signals: tuple[str, ...] = ()
