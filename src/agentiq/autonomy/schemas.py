from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

SHADOW, AUTO = "shadow", "auto"


class AutonomySettings(BaseModel):
    """How a bucket earns auto-sending: N drafts in a row sent unchanged, and overall
    acceptance above a threshold."""

    required_streak: int = Field(default=20, ge=1, le=1000)
    min_acceptance: float = Field(default=0.9, ge=0.5, le=1.0)


class BucketOut(BaseModel):
    id: int
    channel: str
    rating: int
    intent: str
    label: str
    mode: str
    killed: bool
    streak: int
    accepted: int
    edited: int
    manual: int
    acceptance: float | None
    auto_sent: int
    auto_today: int
    daily_cap: int
    min_interval_s: int
    last_auto_at: datetime | None
    promoted_at: datetime | None
    demoted_at: datetime | None
    demoted_reason: str


class BucketChange(BaseModel):
    killed: bool | None = None
    daily_cap: int | None = Field(default=None, ge=0, le=1000)
    min_interval_s: int | None = Field(default=None, ge=0, le=86_400)
