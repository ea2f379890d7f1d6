from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.models.base import Base, IdMixin, TenantMixin, TimestampMixin


class MarketplaceConnection(IdMixin, TenantMixin, TimestampMixin, Base):
    """One WB cabinet. The token is stored encrypted (kit.crypto) and never returned."""

    __tablename__ = "marketplace_connections"

    marketplace: Mapped[str] = mapped_column(String(20), default="wb")
    name: Mapped[str] = mapped_column(String(200))
    token_encrypted: Mapped[str] = mapped_column(Text)
    token_type: Mapped[str] = mapped_column(String(20), default="unknown")
    token_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    token_check: Mapped[dict[str, Any]] = mapped_column(default=dict)
    is_sandbox: Mapped[bool] = mapped_column(default=False)
    # Demo cabinets talk to the built-in emulator and mark their data source "demo".
    is_demo: Mapped[bool] = mapped_column(default=False)
    sync_status: Mapped[str] = mapped_column(String(20), default="idle")
    sync_error: Mapped[str | None] = mapped_column(Text, default=None)
    sync_started_at: Mapped[datetime | None] = mapped_column(default=None)
    last_sync_at: Mapped[datetime | None] = mapped_column(default=None)
