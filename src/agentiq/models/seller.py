from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.models.base import Base, IdMixin, TimestampMixin


class Seller(IdMixin, TimestampMixin, Base):
    """The tenant: a seller company or an agency running several WB cabinets."""

    __tablename__ = "sellers"

    name: Mapped[str] = mapped_column(String(200))
    is_demo: Mapped[bool] = mapped_column(default=False)
