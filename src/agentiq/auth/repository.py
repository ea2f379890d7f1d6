"""Queries for accounts, sessions and API tokens (users are not tenant-owned)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.kit.time import utcnow
from agentiq.models import ApiToken, MembershipInvitation, Seller, User, UserSession


class AccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def user_by_email(self, email: str) -> User | None:
        return await self.session.scalar(
            select(User).where(func.lower(User.email) == email.lower())
        )

    async def user_by_id(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def any_user(self) -> bool:
        return (await self.session.scalar(select(User.id).limit(1))) is not None

    async def live_session(self, token_hash: str, now: datetime) -> UserSession | None:
        return await self.session.scalar(
            select(UserSession).where(
                UserSession.token_hash == token_hash,
                UserSession.revoked_at.is_(None),
                UserSession.expires_at > now,
            )
        )

    async def revoke_sessions(self, user_id: int, *, except_id: int | None = None) -> None:
        stmt = update(UserSession).where(
            UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
        )
        if except_id is not None:
            stmt = stmt.where(UserSession.id != except_id)
        await self.session.execute(stmt.values(revoked_at=utcnow()))

    async def last_used_seller(self, user_id: int) -> int | None:
        """The seller of the user's most recently used session (switching seller moves it)."""
        return await self.session.scalar(
            select(UserSession.seller_id)
            .where(UserSession.user_id == user_id, UserSession.seller_id.is_not(None))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
            .limit(1)
        )

    async def revoke_api_tokens(self, user_id: int) -> int:
        """Revoke every live API token the user issued, in every seller; how many."""
        result = await self.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def live_api_token(self, token_hash: str) -> ApiToken | None:
        return await self.session.scalar(
            select(ApiToken).where(ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None))
        )

    async def invitation(self, seller_id: int, user_id: int) -> MembershipInvitation | None:
        return await self.session.scalar(
            select(MembershipInvitation).where(
                MembershipInvitation.seller_id == seller_id,
                MembershipInvitation.user_id == user_id,
            )
        )

    async def invitations_for_user(
        self, user_id: int
    ) -> Sequence[tuple[MembershipInvitation, Seller]]:
        """Invitations addressed to this user (the invitee's view spans sellers by design:
        each row is one the user may accept or decline, nothing more)."""
        rows = await self.session.execute(
            select(MembershipInvitation, Seller)
            .join(Seller, Seller.id == MembershipInvitation.seller_id)
            .where(MembershipInvitation.user_id == user_id)
            .order_by(MembershipInvitation.created_at, MembershipInvitation.id)
        )
        return [(i, s) for i, s in rows.tuples()]

    async def api_tokens(self, seller_id: int, user_id: int) -> Sequence[ApiToken]:
        return (
            await self.session.scalars(
                select(ApiToken)
                .where(ApiToken.seller_id == seller_id, ApiToken.user_id == user_id)
                .order_by(ApiToken.created_at.desc())
            )
        ).all()
