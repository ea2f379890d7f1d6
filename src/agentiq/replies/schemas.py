from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)
    # Replacing an answer buyers already see (WB allows one edit) must be confirmed.
    confirm_edit: bool = False


class OutboxOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    interaction_id: int
    kind: str
    text: str
    state: str
    attempts: int
    is_auto: bool
    last_error: str | None
    next_attempt_at: datetime
    sent_at: datetime | None
    confirmed_at: datetime | None
    created_at: datetime


class ReplyOut(BaseModel):
    outbox: OutboxOut
    warnings: list[dict[str, Any]]
    quality: str | None


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    outbox_id: int
    started_at: datetime
    outcome: str
    http_status: int | None
    latency_ms: int
    wb_error: str | None


class ReplyStatusOut(BaseModel):
    replies: list[OutboxOut]
    attempts: list[AttemptOut]
