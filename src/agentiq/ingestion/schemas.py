from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class SyncRunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    channel: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    fetched: int
    created: int
    updated: int
    skipped: int
    errors: int
    rate_limited_wait_s: float
    duration_ms: int
    error_message: str | None
    malformed_samples: dict[str, Any]


class ChannelStateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    channel: str
    watermark: datetime | None
    cursor: str | None
    backfill_done: bool


class SyncStatusOut(BaseModel):
    cabinet_id: int
    sync_status: str
    sync_error: str | None
    last_sync_at: datetime | None
    started: str | None = None  # how a "sync now" was started: celery | background
    channels: list[ChannelStateOut] = []
    runs: list[SyncRunOut] = []
