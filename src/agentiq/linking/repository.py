"""Linking queries. Each one is set-based (one statement per chunk of ids, never per item) and
starts from the seller: a link or an interaction of another seller is never read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.kit.repository import TenantRepository
from agentiq.linking.scoring import HIGH, MEDIUM
from agentiq.models import Interaction, LinkCandidate

CHUNK = 500
# The columns a Touch is built from.
TOUCH_COLUMNS = (
    Interaction.id,
    Interaction.channel,
    Interaction.occurred_at,
    Interaction.nm_id,
    Interaction.order_id,
    Interaction.customer_id,
    Interaction.buyer_name,
    Interaction.intent,
    Interaction.text,
    Interaction.cons,
    Interaction.extra_data,
)


SLIM_COLUMNS = (
    Interaction.id,
    Interaction.channel,
    Interaction.occurred_at,
    Interaction.nm_id,
    Interaction.order_id,
    Interaction.customer_id,
    Interaction.buyer_name,
    Interaction.intent,
    Interaction.text,
    Interaction.cons,
    Interaction.extra_data[("triage", "signals")].label("signals"),
    Interaction.extra_data["size"].label("size"),
    Interaction.extra_data[("chat", "first_ms")].label("first_ms"),
)


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _insert(session: AsyncSession, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


class LinkRepository(TenantRepository[LinkCandidate]):
    model = LinkCandidate
    not_found_message = "Связь не найдена"

    # --- touches ------------------------------------------------------------------------------

    async def touch_rows(self, ids: Sequence[int]) -> list[Row[Any]]:
        rows: list[Row[Any]] = []
        for chunk in _chunks(list(ids)):
            stmt = select(*TOUCH_COLUMNS).where(
                Interaction.seller_id == self.seller_id, Interaction.id.in_(chunk)
            )
            rows.extend((await self.session.execute(stmt)).all())
        return rows

    async def same_key_ids(self, column: Any, keys: Sequence[str]) -> list[tuple[int, str]]:
        """(id, key) of touches sharing an order or customer id with `keys` (indexed)."""
        found: list[tuple[int, str]] = []
        for chunk in _chunks(sorted(set(keys))):
            stmt = select(Interaction.id, column).where(
                Interaction.seller_id == self.seller_id, column.in_(chunk)
            )
            found.extend((await self.session.execute(stmt)).tuples().all())
        return found

    async def product_rows(
        self, nm_ids: Sequence[int], channels: Sequence[str], since: datetime, until: datetime
    ) -> list[Row[Any]]:
        """Touches of these products in these channels within [since, until].

        Only the JSON fields the scorer reads are extracted (in SQL): decoding whole
        `extra_data` documents of thousands of reviews would cost more than the scoring.
        """
        rows: list[Row[Any]] = []
        for chunk in _chunks(sorted(set(nm_ids))):
            stmt = select(*SLIM_COLUMNS).where(
                Interaction.seller_id == self.seller_id,
                Interaction.nm_id.in_(chunk),
                Interaction.occurred_at >= since,
                Interaction.occurred_at <= until,
                Interaction.channel.in_(list(channels)),
            )
            rows.extend((await self.session.execute(stmt)).all())
        return rows

    async def seller_ids_page(self, after_id: int, limit: int) -> list[int]:
        stmt = (
            select(Interaction.id)
            .where(Interaction.seller_id == self.seller_id, Interaction.id > after_id)
            .order_by(Interaction.id)
            .limit(limit)
        )
        return list((await self.session.scalars(stmt)).all())

    # --- candidates ---------------------------------------------------------------------------

    async def clear_unjudged(self, ids: Sequence[int]) -> None:
        """Forget the computed links of these items (judged ones stay: they are the truth)."""
        for chunk in _chunks(list(ids)):
            await self.session.execute(
                delete(LinkCandidate)
                .where(
                    LinkCandidate.seller_id == self.seller_id,
                    LinkCandidate.verdict.is_(None),
                    or_(
                        LinkCandidate.interaction_id.in_(chunk),
                        LinkCandidate.candidate_id.in_(chunk),
                    ),
                )
                .execution_options(synchronize_session=False)
            )

    async def upsert(self, rows: list[dict[str, Any]]) -> None:
        """Insert or refresh pairs; an operator's verdict on a pair is kept."""
        if not rows:
            return
        table = LinkCandidate.__table__
        for row in rows:
            row["seller_id"] = self.seller_id
        stmt = _insert(self.session, table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["interaction_id", "candidate_id"],
            set_={
                "level": stmt.excluded.level,
                "confidence": stmt.excluded.confidence,
                "reasoning_signals": stmt.excluded.reasoning_signals,
                "updated_at": stmt.excluded.updated_at,
            },
        )
        for chunk in _chunks(rows):
            await self.session.execute(stmt, list(chunk))

    async def links_of(self, interaction_id: int) -> Sequence[LinkCandidate]:
        stmt = self.scoped().where(
            or_(
                LinkCandidate.interaction_id == interaction_id,
                LinkCandidate.candidate_id == interaction_id,
            )
        )
        return (await self.session.scalars(stmt)).all()

    async def get_for_update(self, link_id: int) -> LinkCandidate:
        link = await self.session.scalar(
            self.scoped().where(LinkCandidate.id == link_id).with_for_update()
        )
        if link is None:
            from agentiq.kit.errors import NotFound

            raise NotFound(self.not_found_message)
        return link

    async def verdict_counts(self, since: datetime | None = None) -> list[Row[Any]]:
        """(level, band, verdict, count) over judged links — the ground of linking precision."""
        band = case(
            (LinkCandidate.confidence >= HIGH, "high"),
            (LinkCandidate.confidence >= MEDIUM, "medium"),
            else_="low",
        ).label("band")
        stmt = (
            select(LinkCandidate.level, band, LinkCandidate.verdict, func.count())
            .where(LinkCandidate.seller_id == self.seller_id, LinkCandidate.verdict.is_not(None))
            .group_by(LinkCandidate.level, band, LinkCandidate.verdict)
        )
        if since is not None:
            stmt = stmt.where(LinkCandidate.verdict_at >= since)
        return list((await self.session.execute(stmt)).all())

    async def interactions(self, ids: Sequence[int]) -> Sequence[Interaction]:
        if not ids:
            return []
        stmt = select(Interaction).where(
            Interaction.seller_id == self.seller_id, Interaction.id.in_(list(ids))
        )
        return (await self.session.scalars(stmt)).all()

    async def product_neighbours(
        self, item: Interaction, since: datetime, until: datetime, limit: int
    ) -> Sequence[Interaction]:
        """Level A: the product's other touches in every channel within the window."""
        if item.nm_id is None:
            return []
        stmt = (
            select(Interaction)
            .where(
                Interaction.seller_id == self.seller_id,
                Interaction.nm_id == item.nm_id,
                Interaction.id != item.id,
                and_(Interaction.occurred_at >= since, Interaction.occurred_at <= until),
            )
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()
