from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.kit.time import utcnow
from agentiq.models.base import Base, BigId, IdMixin, TenantMixin


class ReplyAttempt(IdMixin, TenantMixin, Base):
    __tablename__ = "reply_attempts"

    outbox_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("reply_outbox.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str] = mapped_column(String(20))  # ok | error | timeout | unknown | readback
    http_status: Mapped[int | None] = mapped_column(default=None)
    latency_ms: Mapped[int] = mapped_column(default=0)
    wb_error: Mapped[str | None] = mapped_column(Text, default=None)
