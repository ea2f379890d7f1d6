from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.kit.time import utcnow
from agentiq.models.base import Base, BigId, IdMixin, TenantMixin


class OpsAlert(IdMixin, TenantMixin, Base):
    """An operations alert: raised by the alert job, acknowledged / resolved by a person or
    resolved by the job when the situation is over. One unresolved alert per (seller, key)."""

    __tablename__ = "ops_alerts"
    __table_args__ = (
        Index(
            "uq_ops_alerts_open_key",
            "seller_id",
            "key",
            unique=True,
            sqlite_where=text("status != 'resolved'"),
            postgresql_where=text("status != 'resolved'"),
        ),
        Index("ix_ops_alerts_feed", "seller_id", "status", "last_seen_at"),
    )

    kind: Mapped[str] = mapped_column(String(40))
    # Identity of the situation (kind + cabinet + channel...): a repeat updates, not duplicates.
    key: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(20))  # critical | warning | info
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|acknowledged|resolved
    title: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
    acknowledged_by: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    # Delivery to the seller's Telegram chat / webhook: done once, retried with backoff.
    delivery_state: Mapped[str] = mapped_column(String(20), default="pending")
    delivery_attempts: Mapped[int] = mapped_column(default=0)
    delivery_next_at: Mapped[datetime | None] = mapped_column(default=None)
    delivery_error: Mapped[str | None] = mapped_column(Text, default=None)
