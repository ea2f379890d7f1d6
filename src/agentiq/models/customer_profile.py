from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.models.base import Base, IdMixin, TenantMixin, TimestampMixin


class CustomerProfile(IdMixin, TenantMixin, TimestampMixin, Base):
    """What we know of one buyer across channels (a weak signal: WB hides identities)."""

    __tablename__ = "customer_profiles"
    __table_args__ = (UniqueConstraint("seller_id", "marketplace", "customer_key"),)

    marketplace: Mapped[str] = mapped_column(String(20), default="wb")
    customer_key: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    first_seen_at: Mapped[datetime | None] = mapped_column(default=None)
    last_seen_at: Mapped[datetime | None] = mapped_column(default=None)
    touches: Mapped[int] = mapped_column(default=0)
    extra_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
