from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.kit.time import utcnow
from agentiq.models.base import Base, BigId, IdMixin, TenantMixin


class ResponseHistory(IdMixin, TenantMixin, Base):
    """The seller's answers, per product and intent: context for drafts and near-duplicates."""

    __tablename__ = "response_history"
    __table_args__ = (Index("ix_response_history_nm", "seller_id", "nm_id", "created_at"),)

    interaction_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("interactions.id", ondelete="SET NULL"), default=None
    )
    nm_id: Mapped[int | None] = mapped_column(default=None)
    channel: Mapped[str] = mapped_column(String(20))
    intent: Mapped[str | None] = mapped_column(String(40), default=None)
    text: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(20), default="agentiq")  # agentiq | wb
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
