from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.models.base import Base, BigId, IdMixin, TenantMixin, TimestampMixin


class SyncState(IdMixin, TenantMixin, TimestampMixin, Base):
    """Watermark (date) and cursor (chat events `next`) per cabinet and channel."""

    __tablename__ = "sync_state"
    __table_args__ = (UniqueConstraint("connection_id", "channel"),)

    connection_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("marketplace_connections.id", ondelete="CASCADE")
    )
    channel: Mapped[str] = mapped_column(String(20))
    watermark: Mapped[datetime | None] = mapped_column(default=None)
    cursor: Mapped[str | None] = mapped_column(String(100), default=None)
    backfill_done: Mapped[bool] = mapped_column(default=False)
