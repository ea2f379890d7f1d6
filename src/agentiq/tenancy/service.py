"""The single helper that maps a user to the sellers they may work in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.models import Membership, Role, Seller


@dataclass(frozen=True)
class SellerAccess:
    seller_id: int
    seller_name: str
    role: Role
    is_demo: bool

    @property
    def is_owner(self) -> bool:
        return self.role is Role.owner


async def sellers_for_user(session: AsyncSession, user_id: int) -> list[SellerAccess]:
    rows = await session.execute(
        select(Seller.id, Seller.name, Seller.is_demo, Membership.role)
        .join(Membership, Membership.seller_id == Seller.id)
        .where(Membership.user_id == user_id)
        .order_by(Seller.name, Seller.id)
    )
    return [
        SellerAccess(seller_id=sid, seller_name=name, role=Role(role), is_demo=demo)
        for sid, name, demo, role in rows
    ]


async def access_to_seller(
    session: AsyncSession, user_id: int, seller_id: int | None
) -> SellerAccess | None:
    """The user's access to `seller_id`, or to their first seller when none is chosen."""
    sellers = await sellers_for_user(session, user_id)
    if not sellers:
        return None
    for access in sellers:
        if access.seller_id == seller_id:
            return access
    return sellers[0]
