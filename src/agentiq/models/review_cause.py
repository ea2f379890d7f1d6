from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.models.base import Base, BigId, IdMixin, TenantMixin, TimestampMixin


class AppealStatus(StrEnum):
    none = "none"  # about the product, or not sure enough: never proposed
    proposed = "proposed"  # in the «Обжалование» queue, not filed yet
    submitted = "submitted"  # the operator filed it in the WB cabinet
    approved = "approved"  # WB excluded the review from the rating
    rejected = "rejected"
    dismissed = "dismissed"  # the operator decided not to file it


class ReviewCause(IdMixin, TenantMixin, TimestampMixin, Base):
    """The cause of one negative review and the seller's appeal against it, if any."""

    __tablename__ = "review_causes"
    __table_args__ = (
        UniqueConstraint("seller_id", "interaction_id"),
        Index("ix_review_causes_status", "seller_id", "appeal_status"),
        Index("ix_review_causes_nm", "seller_id", "nm_id"),
    )

    interaction_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("interactions.id", ondelete="CASCADE")
    )
    nm_id: Mapped[int | None] = mapped_column(default=None)
    rating: Mapped[int] = mapped_column(SmallInteger)
    cause: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[float] = mapped_column(Float)
    # [[start, end], ...] into the review's text + cons (see appeals.causes.review_text).
    spans: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The interaction's content hash when classified: a changed review is classified again.
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    appeal_status: Mapped[str] = mapped_column(String(20), default=AppealStatus.none.value)
    appeal_text: Mapped[str] = mapped_column(Text, default="")
    appeal_submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    appeal_decided_at: Mapped[datetime | None] = mapped_column(default=None)
    appeal_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
