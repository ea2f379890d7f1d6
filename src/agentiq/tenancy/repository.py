"""Memberships: who belongs to a seller and in which role. The one place they are queried.

Bound to one seller like every tenant-owned repository: a user of another seller is simply
not a member here.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.models import Membership, Role, User


class MembershipRepository:
    def __init__(self, session: AsyncSession, seller_id: int) -> None:
        self.session = session
        self.seller_id = seller_id

    def add(self, user_id: int, role: Role) -> Membership:
        membership = Membership(seller_id=self.seller_id, user_id=user_id, role=role.value)
        self.session.add(membership)
        return membership

    async def get(self, user_id: int) -> Membership | None:
        return await self.session.scalar(
            select(Membership).where(
                Membership.seller_id == self.seller_id, Membership.user_id == user_id
            )
        )

    async def is_member(self, user_id: int) -> bool:
        return await self.get(user_id) is not None

    async def member(self, user_id: int) -> User | None:
        """The user, when they belong to this seller."""
        return await self.session.scalar(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.seller_id == self.seller_id, User.id == user_id)
        )

    async def members(self) -> Sequence[tuple[Membership, User]]:
        rows = await self.session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.seller_id == self.seller_id)
            .order_by(Membership.role, User.email)
        )
        return [(m, u) for m, u in rows.tuples()]
