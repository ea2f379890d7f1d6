from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agentiq.models.base import Base, BigId, IdMixin, TenantMixin, TimestampMixin
from agentiq.models.membership import Role


class MembershipInvitation(IdMixin, TenantMixin, TimestampMixin, Base):
    """An owner asked an existing account to join their seller; it becomes a Membership only
    when that user accepts (adding someone to a company is never done over their head)."""

    __tablename__ = "membership_invitations"
    __table_args__ = (UniqueConstraint("seller_id", "user_id"),)

    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20), default=Role.operator.value)
    invited_by_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
