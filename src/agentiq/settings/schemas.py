"""Settings payloads. The LLM key goes in, never out: responses only say `has_key`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Tone = Literal["friendly", "formal", "neutral"]
Address = Literal["Вы", "вы", "ты"]
ChannelName = Literal["review", "question", "chat"]

MIN_PENDING_MINUTES = 30
MAX_PENDING_MINUTES = 1440
DEFAULT_PENDING_MINUTES = 180


class AISettingsOut(BaseModel):
    enabled: bool
    provider: str
    base_url: str
    model: str
    has_key: bool
    tone: Tone
    address: Address
    signature: str | None
    avoid_topics: list[str]
    # Brands and shops the guardrails treat as competitors, on top of the built-in marketplaces.
    competitors: list[str] = []
    reply_pending_minutes: int


class AISettingsIn(BaseModel):
    """A partial update: omitted fields keep their value. `api_key: ""` removes the key."""

    enabled: bool | None = None
    provider: str | None = Field(default=None, max_length=50)
    base_url: str | None = Field(default=None, max_length=300)
    model: str | None = Field(default=None, max_length=100)
    api_key: str | None = Field(default=None, max_length=500)
    tone: Tone | None = None
    address: Address | None = None
    signature: str | None = Field(default=None, max_length=200)
    avoid_topics: list[str] | None = Field(default=None, max_length=50)
    competitors: list[str] | None = Field(default=None, max_length=100)
    reply_pending_minutes: int | None = Field(
        default=None, ge=MIN_PENDING_MINUTES, le=MAX_PENDING_MINUTES
    )


class AutoAnswerRule(BaseModel):
    """One rule: items of `channel` with a rating in [min_rating, max_rating] and an intent
    in `intents` (empty = any); `only_without_text` limits it to bare star ratings."""

    channel: ChannelName = "review"
    min_rating: int = Field(default=5, ge=1, le=5)
    max_rating: int = Field(default=5, ge=1, le=5)
    intents: list[str] = Field(default_factory=list, max_length=20)
    only_without_text: bool = True


class AutoAnswerSettings(BaseModel):
    enabled: bool = False
    rules: list[AutoAnswerRule] = Field(default_factory=list, max_length=20)
    daily_cap: int = Field(default=50, ge=0, le=5000)
    min_delay_s: int = Field(default=60, ge=0, le=86_400)
    max_delay_s: int = Field(default=600, ge=0, le=86_400)
