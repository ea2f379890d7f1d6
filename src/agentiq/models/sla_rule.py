from __future__ import annotations

from sqlalchemy import SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.models.base import Base, IdMixin, TenantMixin, TimestampMixin


class SlaRule(IdMixin, TenantMixin, TimestampMixin, Base):
    """A seller's SLA target for a channel (and optionally an intent or rating range)."""

    __tablename__ = "sla_rules"

    channel: Mapped[str] = mapped_column(String(20))
    intent: Mapped[str | None] = mapped_column(String(40), default=None)
    rating_min: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    rating_max: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    target_minutes: Mapped[int]
