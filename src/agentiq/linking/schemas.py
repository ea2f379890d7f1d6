"""Linking API shapes: links, the thread timeline, verdicts, precision, escalations."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Scope = Literal["customer_order", "customer", "product", "single"]
ActionModeOut = Literal["current", "auto_allowed", "assist_only", "analytics_only"]
Verdict = Literal["confirmed", "rejected"]


class LinkOut(BaseModel):
    """One link of an item to another touch, seen from the item."""

    link_id: int | None
    other_id: int
    level: Literal["A", "B", "C"]
    basis: str
    confidence: float
    band: str
    signals: list[dict[str, Any]]
    verdict: Verdict | None
    action_mode: ActionModeOut
    policy_reason: str
    confidence_label: str


class TimelineStep(BaseModel):
    interaction_id: int
    channel: str
    occurred_at: datetime
    text: str
    rating: int | None
    status: str
    buyer_name: str | None
    is_current: bool
    match_reason: str
    level: Literal["A", "B", "C"] | None
    confidence: float
    confidence_label: str
    action_mode: ActionModeOut
    policy_reason: str
    link_id: int | None
    verdict: Verdict | None
    signals: list[dict[str, Any]]
    wb_url: str | None
    last_reply_text: str | None
    last_ai_draft_text: str | None


class Timeline(BaseModel):
    interaction_id: int
    thread_scope: Scope
    available_scopes: list[Scope]
    steps: list[TimelineStep]


class VerdictIn(BaseModel):
    verdict: Verdict


class RecomputeIn(BaseModel):
    interaction_id: int | None = None


class RecomputeOut(BaseModel):
    job: str
    scope: Literal["seller", "item"]
    interaction_id: int | None
    started: str


class PrecisionRow(BaseModel):
    level: str
    band: str
    judged: int
    confirmed: int
    rejected: int
    precision: float | None


class LinkSettingsOut(BaseModel):
    window_days: int


class LinkSettingsIn(BaseModel):
    window_days: int = Field(ge=1, le=60)


class EscalationOut(BaseModel):
    id: int
    source_interaction_id: int
    chat_interaction_id: int | None
    state: Literal["awaiting_chat", "chat_opened", "resolved", "expired"]
    deadline_at: datetime
    chat_opened_at: datetime | None
    resolved_at: datetime | None
    expired_at: datetime | None
    link_basis: str | None
    created_at: datetime

    model_config = {"from_attributes": True}


class EscalateIn(BaseModel):
    """«Перевести в чат»: the public answer that invites the buyer to the chat."""

    text: str | None = Field(default=None, max_length=5000)
    # False when the public answer is already there and should not be edited.
    send_invitation: bool = True
    deadline_hours: int = Field(default=72, ge=1, le=24 * 14)


class EscalationCounts(BaseModel):
    opened: int
    converted_to_chat: int
    resolved_in_chat: int
    expired: int
    awaiting: int
