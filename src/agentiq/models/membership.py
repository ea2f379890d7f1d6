from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.models.base import Base, BigId, IdMixin, TenantMixin, TimestampMixin


class Role(StrEnum):
    owner = "owner"
    operator = "operator"


class Membership(IdMixin, TenantMixin, TimestampMixin, Base):
    """A user's role in one seller; agencies' users hold several."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("seller_id", "user_id"),)

    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20), default=Role.operator.value)
