"""Every analytics query reads the daily roll-up (`metric_daily`), scoped to one seller."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.models import MetricDaily, ProductCard


@dataclass(frozen=True, slots=True)
class Scope:
    """The period (inclusive days) plus the previous period of the same length, and filters."""

    start: date
    end: date
    previous_start: date
    cabinet_id: int | None = None
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    current: bool  # False: the row belongs to the previous period
    key: tuple[Any, ...]
    source: str
    count: int
    total: float


class AnalyticsRepository:
    def __init__(self, session: AsyncSession, seller_id: int) -> None:
        self.session = session
        self.seller_id = seller_id

    def _where(self, scope: Scope, metrics: Sequence[str]) -> list[ColumnElement[bool]]:
        d = MetricDaily
        criteria = [
            d.seller_id == self.seller_id,
            d.metric.in_(metrics),
            d.day >= scope.previous_start,
            d.day <= scope.end,
        ]
        if scope.cabinet_id is not None:
            criteria.append(d.connection_id == scope.cabinet_id)
        if scope.channel is not None:
            criteria.append(d.channel == scope.channel)
        return criteria

    async def aggregate(
        self,
        scope: Scope,
        metrics: Sequence[str],
        by: Sequence[str],
        *,
        where: Sequence[ColumnElement[bool]] = (),
        current_only: bool = False,
    ) -> list[Row]:
        """sum(count), sum(total) per (period, *by, source) over the daily rows."""
        d = MetricDaily
        is_current = case((d.day >= scope.start, 1), else_=0).label("is_current")
        columns = [getattr(d, name) for name in by]
        criteria = self._where(scope, metrics) + list(where)
        if current_only:
            criteria.append(d.day >= scope.start)
        stmt = (
            select(is_current, *columns, d.source, func.sum(d.count), func.sum(d.total))
            .where(*criteria)
            .group_by(is_current, *columns, d.source)
        )
        result = await self.session.execute(stmt)
        return [
            Row(bool(r[0]), tuple(r[1 : 1 + len(by)]), r[1 + len(by)], int(r[-2]), float(r[-1]))
            for r in result
        ]

    async def product_names(self, nm_ids: Sequence[int]) -> dict[int, str]:
        if not nm_ids:
            return {}
        rows = await self.session.execute(
            select(ProductCard.nm_id, ProductCard.name).where(
                ProductCard.seller_id == self.seller_id, ProductCard.nm_id.in_(nm_ids)
            )
        )
        return {nm: name for nm, name in rows}
