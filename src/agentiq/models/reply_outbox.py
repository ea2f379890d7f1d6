from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.kit.time import utcnow
from agentiq.models.base import Base, BigId, IdMixin, TenantMixin, TimestampMixin


class OutboxState(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    published = "published"
    failed = "failed"
    unknown = "unknown"
    stored = "stored"  # sandbox cabinets: kept, never sent


class ReplyOutbox(IdMixin, TenantMixin, TimestampMixin, Base):
    """An approved reply waiting to reach WB exactly once."""

    __tablename__ = "reply_outbox"
    __table_args__ = (Index("ix_reply_outbox_due", "state", "next_attempt_at"),)

    interaction_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("interactions.id", ondelete="CASCADE"), index=True
    )
    connection_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("marketplace_connections.id", ondelete="SET NULL"), default=None
    )
    kind: Mapped[str] = mapped_column(String(20))  # answer | edit | chat_message
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=OutboxState.pending.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    requested_by_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    is_auto: Mapped[bool] = mapped_column(default=False)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
