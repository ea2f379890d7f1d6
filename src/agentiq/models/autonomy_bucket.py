from __future__ import annotations

from datetime import datetime

from sqlalchemy import SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.models.base import Base, IdMixin, TenantMixin, TimestampMixin


class AutonomyBucket(IdMixin, TenantMixin, TimestampMixin, Base):
    """One kind of item (channel × rating × intent) and how far its drafts are trusted.

    `rating` is 0 for items without stars (questions, chats); `intent` is "" when none.
    """

    __tablename__ = "autonomy_buckets"
    __table_args__ = (UniqueConstraint("seller_id", "channel", "rating", "intent"),)

    channel: Mapped[str] = mapped_column(String(20))
    rating: Mapped[int] = mapped_column(SmallInteger, default=0)
    intent: Mapped[str] = mapped_column(String(40), default="")
    mode: Mapped[str] = mapped_column(String(10), default="shadow")  # shadow | auto
    killed: Mapped[bool] = mapped_column(default=False)
    streak: Mapped[int] = mapped_column(default=0)  # consecutive drafts sent unchanged
    accepted: Mapped[int] = mapped_column(default=0)
    edited: Mapped[int] = mapped_column(default=0)
    manual: Mapped[int] = mapped_column(default=0)
    auto_sent: Mapped[int] = mapped_column(default=0)
    daily_cap: Mapped[int] = mapped_column(default=20)
    min_interval_s: Mapped[int] = mapped_column(default=300)  # pacing between auto answers
    last_auto_at: Mapped[datetime | None] = mapped_column(default=None)
    promoted_at: Mapped[datetime | None] = mapped_column(default=None)
    demoted_at: Mapped[datetime | None] = mapped_column(default=None)
    demoted_reason: Mapped[str] = mapped_column(String(200), default="")
