"""Queries the drafting service needs; every one starts from a seller-scoped statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.kit.repository import TenantRepository
from agentiq.models import (
    ChatMessage,
    Draft,
    InteractionEvent,
    ProductCard,
    ResponseHistory,
)


class ProductCardRepository(TenantRepository[ProductCard]):
    model = ProductCard

    async def by_nm_id(self, nm_id: int) -> ProductCard | None:
        return await self.session.scalar(self.scoped().where(ProductCard.nm_id == nm_id))


class ResponseHistoryRepository(TenantRepository[ResponseHistory]):
    model = ResponseHistory

    async def latest_for_product(self, nm_id: int, *, limit: int = 5) -> Sequence[ResponseHistory]:
        stmt = (
            self.scoped()
            .where(ResponseHistory.nm_id == nm_id)
            .order_by(ResponseHistory.created_at.desc(), ResponseHistory.id.desc())
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()


class ChatMessageRepository(TenantRepository[ChatMessage]):
    model = ChatMessage

    async def thread_tail(self, interaction_id: int, *, limit: int = 20) -> list[ChatMessage]:
        stmt = (
            self.scoped()
            .where(ChatMessage.interaction_id == interaction_id)
            .order_by(ChatMessage.sent_at.desc(), ChatMessage.id.desc())
            .limit(limit)
        )
        rows = list((await self.session.scalars(stmt)).all())
        rows.reverse()
        return rows


class DraftRepository(TenantRepository[Draft]):
    model = Draft
    not_found_message = "Черновик не найден"

    async def next_variant(self, interaction_id: int) -> int:
        stmt = select(func.max(Draft.variant)).where(
            Draft.seller_id == self.seller_id, Draft.interaction_id == interaction_id
        )
        latest = await self.session.scalar(stmt)
        return 0 if latest is None else latest + 1


def record_event(
    session: AsyncSession,
    seller_id: int,
    interaction_id: int,
    kind: str,
    *,
    actor_user_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> InteractionEvent:
    """Append a reporting event (draft generated, reply sent, quality class, ...)."""
    event = InteractionEvent(
        seller_id=seller_id,
        interaction_id=interaction_id,
        kind=kind,
        actor_user_id=actor_user_id,
        payload=payload or {},
    )
    session.add(event)
    return event
