from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.models.base import Base, BigId, IdMixin, TenantMixin, TimestampMixin


class Channel(StrEnum):
    review = "review"
    question = "question"
    chat = "chat"


class Status(StrEnum):
    open = "open"
    responded = "responded"
    closed = "closed"


class Priority(StrEnum):
    urgent = "urgent"
    high = "high"
    normal = "normal"
    low = "low"


# Sort key for "most important first" keyset pagination.
PRIORITY_RANK = {Priority.urgent: 0, Priority.high: 1, Priority.normal: 2, Priority.low: 3}


class Interaction(IdMixin, TenantMixin, TimestampMixin, Base):
    """The canonical entity: one review, question or chat thread."""

    __tablename__ = "interactions"
    __table_args__ = (
        UniqueConstraint("seller_id", "marketplace", "channel", "external_id"),
        # Inbox default order: priority, then SLA due, then id (keyset).
        Index("ix_interactions_inbox", "seller_id", "priority_rank", "sla_due_at", "id"),
        Index(
            "ix_interactions_queue",
            "seller_id",
            "needs_response",
            "priority_rank",
            "sla_due_at",
            "id",
        ),
        Index("ix_interactions_recent", "seller_id", "channel", "occurred_at", "id"),
        Index("ix_interactions_nm", "seller_id", "nm_id", "occurred_at"),
        Index("ix_interactions_customer", "seller_id", "customer_id"),
        Index("ix_interactions_order", "seller_id", "order_id"),
    )

    connection_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("marketplace_connections.id", ondelete="SET NULL"), default=None
    )
    marketplace: Mapped[str] = mapped_column(String(20), default="wb")
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[str | None] = mapped_column(String(100), default=None)
    order_id: Mapped[str | None] = mapped_column(String(100), default=None)
    nm_id: Mapped[int | None] = mapped_column(default=None)
    product_article: Mapped[str | None] = mapped_column(String(100), default=None)
    buyer_name: Mapped[str | None] = mapped_column(String(200), default=None)
    text: Mapped[str] = mapped_column(Text, default="")
    pros: Mapped[str] = mapped_column(Text, default="")
    cons: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    status: Mapped[str] = mapped_column(String(20), default=Status.open.value)
    priority: Mapped[str] = mapped_column(String(20), default=Priority.normal.value)
    priority_rank: Mapped[int] = mapped_column(SmallInteger, default=2)
    priority_reason: Mapped[str] = mapped_column(String(300), default="")
    intent: Mapped[str | None] = mapped_column(String(40), default=None)
    needs_response: Mapped[bool] = mapped_column(default=True)
    # "Unread" = a buyer message with no answer after it; opening an item does not change it.
    unread: Mapped[bool] = mapped_column(default=True)
    source: Mapped[str] = mapped_column(String(20), default="wb_api")
    occurred_at: Mapped[datetime]
    last_buyer_message_at: Mapped[datetime | None] = mapped_column(default=None)
    sla_due_at: Mapped[datetime | None] = mapped_column(default=None)
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)
    first_response_at: Mapped[datetime | None] = mapped_column(default=None)
    viewed_at: Mapped[datetime | None] = mapped_column(default=None)
    assigned_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    # Intent detail, last reply and its moderation state, media, order status, draft cache...
    extra_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Change detection for idempotent upserts: a row is rewritten only when this differs.
    content_hash: Mapped[str] = mapped_column(String(64), default="")
