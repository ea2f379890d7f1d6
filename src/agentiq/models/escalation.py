from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.models.base import Base, BigId, IdMixin, TenantMixin, TimestampMixin


class Escalation(IdMixin, TenantMixin, TimestampMixin, Base):
    """A review or question moved to a chat: awaiting_chat → chat_opened → resolved | expired."""

    __tablename__ = "escalations"
    __table_args__ = (
        Index("ix_escalations_state", "seller_id", "state", "deadline_at"),
        Index("ix_escalations_source", "seller_id", "source_interaction_id"),
    )

    source_interaction_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("interactions.id", ondelete="CASCADE")
    )
    chat_interaction_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("interactions.id", ondelete="SET NULL"), default=None, index=True
    )
    state: Mapped[str] = mapped_column(String(20), default="awaiting_chat")
    deadline_at: Mapped[datetime]
    opened_by_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    chat_opened_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    expired_at: Mapped[datetime | None] = mapped_column(default=None)
    # How the chat was tied to it: "deterministic" link or an operator-"confirmed" one.
    link_basis: Mapped[str | None] = mapped_column(String(20), default=None)
