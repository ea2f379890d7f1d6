"""Repository base: every query starts from one seller-scoped statement.

Tenancy is enforced here, once: a repository is built for a seller id and every read goes
through `scoped()`, so another seller's row is simply not found (404), never forbidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.kit.errors import NotFound
from agentiq.models.base import Base

ModelT = TypeVar("ModelT", bound=Base)


class TenantRepository(Generic[ModelT]):
    model: type[ModelT]
    not_found_message = "Не найдено"

    def __init__(self, session: AsyncSession, seller_id: int) -> None:
        self.session = session
        self.seller_id = seller_id

    def scoped(self) -> Select[tuple[ModelT]]:
        return select(self.model).where(self.model.seller_id == self.seller_id)  # type: ignore[attr-defined]

    async def get(self, id_: int) -> ModelT:
        row = await self.find(id_)
        if row is None:
            raise NotFound(self.not_found_message)
        return row

    async def find(self, id_: int) -> ModelT | None:
        stmt = self.scoped().where(self.model.id == id_)  # type: ignore[attr-defined]
        return (await self.session.scalars(stmt)).first()

    async def list(
        self, *criteria: Any, order_by: Any = None, limit: int | None = None
    ) -> Sequence[ModelT]:
        stmt = self.scoped().where(*criteria)
        if order_by is not None:
            stmt = stmt.order_by(order_by)
        if limit is not None:
            stmt = stmt.limit(limit)
        return (await self.session.scalars(stmt)).all()

    def add(self, obj: ModelT) -> ModelT:
        obj.seller_id = self.seller_id  # type: ignore[attr-defined]
        self.session.add(obj)
        return obj

    async def delete(self, obj: ModelT) -> None:
        await self.session.delete(obj)
