from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.kit.time import utcnow
from agentiq.models.base import Base, BigId, IdMixin, TenantMixin


class ChatMessage(IdMixin, TenantMixin, Base):
    __tablename__ = "chat_messages"
    __table_args__ = (
        UniqueConstraint("seller_id", "interaction_id", "external_id"),
        Index("ix_chat_messages_thread", "interaction_id", "sent_at", "id"),
    )

    interaction_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("interactions.id", ondelete="CASCADE")
    )
    external_id: Mapped[str] = mapped_column(String(100))
    direction: Mapped[str] = mapped_column(
        String(10)
    )  # "in" (buyer) | "out" (seller) | "system" (WB)
    sender: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sent_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
