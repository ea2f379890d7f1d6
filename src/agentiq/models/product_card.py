from __future__ import annotations

from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.models.base import Base, IdMixin, TenantMixin, TimestampMixin


class ProductCard(IdMixin, TenantMixin, TimestampMixin, Base):
    __tablename__ = "product_cards"
    __table_args__ = (UniqueConstraint("seller_id", "marketplace", "nm_id"),)

    marketplace: Mapped[str] = mapped_column(String(20), default="wb")
    nm_id: Mapped[int]
    imt_id: Mapped[int | None] = mapped_column(default=None)
    name: Mapped[str] = mapped_column(String(500), default="")
    brand: Mapped[str] = mapped_column(String(200), default="")
    supplier_article: Mapped[str] = mapped_column(String(100), default="")
    colour: Mapped[str] = mapped_column(String(100), default="")
    photo_url: Mapped[str] = mapped_column(String(500), default="")
    sizes: Mapped[dict[str, Any]] = mapped_column(default=dict)
