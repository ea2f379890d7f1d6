from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CabinetCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    token: str = Field(min_length=10, max_length=4000)
    is_sandbox: bool = False
    # A token without «Отзывы и вопросы» (or read-only) is refused unless the seller says so.
    accept_missing_access: bool = False


class CabinetTokenIn(BaseModel):
    token: str = Field(min_length=10, max_length=4000)
    accept_missing_access: bool = False


class CabinetRename(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class CabinetOut(BaseModel):
    """A cabinet as shown to users: never the token itself."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    marketplace: str
    token_type: str
    token_expires_at: datetime | None
    token_check: dict[str, Any]
    is_sandbox: bool
    is_demo: bool
    sync_status: str
    sync_error: str | None
    last_sync_at: datetime | None
