from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.models.base import Base, IdMixin, TenantMixin, TimestampMixin


class PromoCode(IdMixin, TenantMixin, TimestampMixin, Base):
    """A promo code made in the WB cabinet and registered here for answers to offer."""

    __tablename__ = "promo_codes"
    __table_args__ = (UniqueConstraint("seller_id", "code"),)

    code: Mapped[str] = mapped_column(String(50))
    discount_percent: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    valid_until: Mapped[date | None] = mapped_column(Date, default=None)
    all_products: Mapped[bool] = mapped_column(default=True)
    # {"nm_ids": [...], "placements": [...]}: the articles (when not all) and where to offer.
    scope: Mapped[dict[str, Any]] = mapped_column(default=dict)
    send_count: Mapped[int] = mapped_column(default=0)
    last_offered_at: Mapped[datetime | None] = mapped_column(default=None)
