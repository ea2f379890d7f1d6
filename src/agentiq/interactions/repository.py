"""Every inbox query, scoped by seller. The list is one statement: page ids by keyset
(walking one of migration 0002's indexes), joined to product names and assignees."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    and_,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.interactions import sortkeys
from agentiq.interactions.schemas import CHANNELS, COUNT_CAP, QUEUES, InboxFilter, Queue
from agentiq.interactions.search import search_condition
from agentiq.kit.errors import NotFound
from agentiq.kit.repository import TenantRepository
from agentiq.models import Interaction, ProductCard, ReplyOutbox, User

# Columns of one inbox row (heavy fields such as pros/cons/extra_data are left out).
ROW_COLUMNS = (
    Interaction.id,
    Interaction.channel,
    Interaction.external_id,
    Interaction.connection_id,
    Interaction.nm_id,
    Interaction.product_article,
    Interaction.buyer_name,
    Interaction.text,
    Interaction.rating,
    Interaction.status,
    Interaction.priority,
    Interaction.priority_reason,
    Interaction.intent,
    Interaction.needs_response,
    Interaction.unread,
    Interaction.source,
    Interaction.occurred_at,
    Interaction.last_buyer_message_at,
    Interaction.sla_due_at,
    Interaction.viewed_at,
    Interaction.assigned_user_id,
)


def product_name_column() -> ColumnElement[Any]:
    # Product cards may lag behind sync; the review itself carries the name WB sent.
    return func.coalesce(ProductCard.name, Interaction.extra_data["product_name"].as_string())


def auto_answered_column() -> ColumnElement[Any]:
    """Whether an auto answer was queued for the item: the list's «авто» chip."""
    return (
        exists()
        .where(ReplyOutbox.interaction_id == Interaction.id, ReplyOutbox.is_auto.is_(True))
        .label("auto_answered")
    )


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def queue_condition(queue: Queue, now: datetime) -> ColumnElement[bool] | None:
    if queue == "unanswered":
        return Interaction.needs_response == true()
    if queue == "done":
        return Interaction.needs_response == false()
    if queue == "urgent":
        overdue = and_(Interaction.sla_due_at.is_not(None), Interaction.sla_due_at < now)
        return and_(
            Interaction.needs_response == true(),
            or_(Interaction.priority_rank == 0, overdue),
        )
    return None


class InteractionRepository(TenantRepository[Interaction]):
    model = Interaction
    not_found_message = "Обращение не найдено"

    def __init__(self, session: AsyncSession, seller_id: int) -> None:
        super().__init__(session, seller_id)
        self.dialect = dialect_of(session)

    # --- filters -------------------------------------------------------------------------

    def conditions(
        self,
        flt: InboxFilter,
        now: datetime,
        *,
        channel: str | bool | None = True,
        queue: Queue | None = None,
    ) -> list[ColumnElement[bool]]:
        """WHERE terms for `flt`; `channel`/`queue` override the filter's own (for counts)."""
        chosen_channel = flt.channel if channel is True else channel
        chosen_queue = flt.queue if queue is None else queue
        terms: list[ColumnElement[bool]] = [Interaction.seller_id == self.seller_id]
        if chosen_channel:
            terms.append(Interaction.channel == chosen_channel)
        queue_term = queue_condition(chosen_queue, now)
        if queue_term is not None:
            terms.append(queue_term)
        if flt.rating:
            terms.append(Interaction.rating.in_(flt.rating))
        if flt.cabinet_id is not None:
            terms.append(Interaction.connection_id == flt.cabinet_id)
        if flt.nm_id is not None:
            terms.append(Interaction.nm_id == flt.nm_id)
        if flt.source:
            terms.append(Interaction.source == flt.source)
        if flt.status:
            terms.append(Interaction.status == flt.status)
        if flt.priority:
            terms.append(Interaction.priority == flt.priority)
        if flt.unread is not None:
            terms.append(Interaction.unread == flt.unread)
        assigned = flt.assigned_user_id()
        if assigned == "none":
            terms.append(Interaction.assigned_user_id.is_(None))
        elif assigned is not None:
            terms.append(Interaction.assigned_user_id == assigned)
        found = search_condition(self.dialect, self.seller_id, flt.q)
        if found is not None:
            terms.append(found)
        return terms

    # --- the list --------------------------------------------------------------------------

    async def page_rows(
        self, flt: InboxFilter, now: datetime, cursor_values: list[Any] | None, limit: int
    ) -> Sequence[Row[Any]]:
        """`limit + 1` rows after the cursor with product name and assignee, in one statement.

        The last selected column is the keyset's value of the sort expression `due_key`.
        """
        keys = sortkeys.sort_columns(flt.sort, self.dialect)
        terms = self.conditions(flt, now)
        branches = (
            sortkeys.after_cursor(flt.sort, self.dialect, cursor_values)
            if cursor_values is not None
            else [None]
        )
        id_selects = []
        for branch in branches:
            stmt = select(*[k.label(f"k{i}") for i, k in enumerate(keys)]).where(*terms)
            if branch is not None:
                stmt = stmt.where(branch)
            stmt = stmt.order_by(*sortkeys.order_by(flt.sort, keys)).limit(limit + 1)
            id_selects.append(stmt)
        if len(id_selects) == 1:
            page = id_selects[0].subquery("page")
        else:
            # SQLite only: each branch walks its own index range; merge them.
            wrapped = [select(*s.subquery().c) for s in id_selects]
            page = union_all(*wrapped).subquery("page")
        page_keys = list(page.c)
        stmt = (
            select(
                *ROW_COLUMNS, product_name_column(), User.name, auto_answered_column(), *page_keys
            )
            .join(page, page.c[f"k{len(keys) - 1}"] == Interaction.id)
            .outerjoin(
                ProductCard,
                and_(
                    ProductCard.seller_id == Interaction.seller_id,
                    ProductCard.marketplace == Interaction.marketplace,
                    ProductCard.nm_id == Interaction.nm_id,
                ),
            )
            .outerjoin(User, User.id == Interaction.assigned_user_id)
            .order_by(*sortkeys.order_by(flt.sort, page_keys))
            .limit(limit + 1)
        )
        return (await self.session.execute(stmt)).all()

    async def capped_counts(self, flt: InboxFilter, now: datetime) -> dict[str, dict[str, int]]:
        """Per-channel and per-queue counts for the current filter, each capped, one statement."""

        def capped(terms: list[ColumnElement[bool]]) -> Any:
            inner = select(literal(1)).select_from(Interaction).where(*terms).limit(COUNT_CAP)
            return select(func.count()).select_from(inner.subquery()).scalar_subquery()

        labels: list[tuple[str, str]] = []
        columns = []
        for channel in (None, *CHANNELS):
            labels.append(("channels", channel or "all"))
            columns.append(capped(self.conditions(flt, now, channel=channel)))
        for queue in QUEUES:
            labels.append(("queues", queue))
            columns.append(capped(self.conditions(flt, now, queue=queue)))
        row = (await self.session.execute(select(*columns))).one()
        result: dict[str, dict[str, int]] = {"channels": {}, "queues": {}}
        for (group, name), value in zip(labels, row, strict=True):
            result[group][name] = int(value)
        return result

    # --- item-level reads --------------------------------------------------------------------

    async def rows_by_ids(self, ids: Sequence[int]) -> Sequence[Row[Any]]:
        if not ids:
            return []
        stmt = (
            select(*ROW_COLUMNS, product_name_column(), User.name, auto_answered_column())
            .outerjoin(
                ProductCard,
                and_(
                    ProductCard.seller_id == Interaction.seller_id,
                    ProductCard.marketplace == Interaction.marketplace,
                    ProductCard.nm_id == Interaction.nm_id,
                ),
            )
            .outerjoin(User, User.id == Interaction.assigned_user_id)
            .where(Interaction.seller_id == self.seller_id, Interaction.id.in_(ids))
        )
        return (await self.session.execute(stmt)).all()

    # --- set-based writes --------------------------------------------------------------------

    async def existing_ids(self, ids: Sequence[int]) -> list[int]:
        if not ids:
            return []
        stmt = select(Interaction.id).where(
            Interaction.seller_id == self.seller_id, Interaction.id.in_(list(ids))
        )
        return sorted((await self.session.scalars(stmt)).all())

    async def matching_ids(self, flt: InboxFilter, now: datetime, limit: int) -> list[int]:
        stmt = (
            select(Interaction.id)
            .where(*self.conditions(flt, now))
            .order_by(Interaction.id)
            .limit(limit)
        )
        return list((await self.session.scalars(stmt)).all())

    async def update_ids(self, ids: Sequence[int], values: dict[str, Any]) -> None:
        if not ids:
            return
        await self.session.execute(
            update(Interaction)
            .where(Interaction.seller_id == self.seller_id, Interaction.id.in_(list(ids)))
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def get_for_update(self, id_: int) -> Interaction:
        """The item, locked on PostgreSQL so two replies to it are decided one after another."""
        row = await self.session.scalar(
            self.scoped().where(Interaction.id == id_).with_for_update()
        )
        if row is None:
            raise NotFound(self.not_found_message)
        return row

    async def recent_for_product(
        self, nm_id: int, *, since: datetime, exclude_id: int, limit: int = 300
    ) -> Sequence[Interaction]:
        stmt = (
            self.scoped()
            .where(
                Interaction.nm_id == nm_id,
                Interaction.occurred_at >= since,
                Interaction.id != exclude_id,
            )
            .order_by(Interaction.occurred_at.desc())
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()
