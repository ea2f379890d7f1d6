"""Inbox reads: the list, capped counts, an item with its context, chat pages.

Actions (assign, note, viewed, close, reopen, bulk) live in `actions.py`, SLA figures in
`metrics.py`; both are re-exported here so callers (the JSON API, the UI routes) import one
module. The thread timeline belongs to the linking module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.interactions import sortkeys
from agentiq.interactions.actions import (
    add_note,
    assign,
    bulk_action,
    close,
    count_matching,
    mark_viewed,
    reopen,
    undo_close,
)
from agentiq.interactions.metrics import sla_metrics
from agentiq.interactions.repository import ROW_COLUMNS, InteractionRepository
from agentiq.interactions.schemas import (
    AssigneeOut,
    ChatMessageOut,
    ChatPage,
    EarlierAnswer,
    EventOut,
    InboxCounts,
    InboxFilter,
    InboxPage,
    InboxRow,
    InteractionDetail,
    InteractionItem,
    ItemDraftOut,
    ItemOutboxOut,
    ProductOut,
)
from agentiq.kit.time import utcnow
from agentiq.linking.service import buyer_links
from agentiq.models import (
    ChatMessage,
    Draft,
    Interaction,
    InteractionEvent,
    ProductCard,
    ReplyOutbox,
    ResponseHistory,
)
from agentiq.tenancy.repository import MembershipRepository

__all__ = [
    "add_note",
    "assign",
    "bulk_action",
    "channel_counts",
    "chat_messages_page",
    "close",
    "count_matching",
    "get_interaction_detail",
    "list_interactions",
    "mark_viewed",
    "reopen",
    "sla_metrics",
    "undo_close",
]

MAX_PAGE = 200
DUE_SOON = timedelta(hours=2)


def sla_state(needs_response: bool, due: datetime | None, now: datetime) -> str | None:
    if not needs_response or due is None:
        return None
    if due < now:
        return "overdue"
    return "due_soon" if due - now <= DUE_SOON else "ok"


def row_to_inbox(row: Any, now: datetime) -> InboxRow:
    data = {column.key: row[i] for i, column in enumerate(ROW_COLUMNS)}
    data["product_name"] = row[len(ROW_COLUMNS)]
    data["assigned_user_name"] = row[len(ROW_COLUMNS) + 1]
    data["auto_answered"] = bool(row[len(ROW_COLUMNS) + 2])
    data["sla_state"] = sla_state(data["needs_response"], data["sla_due_at"], now)
    return InboxRow(**data)


async def list_interactions(
    session: AsyncSession,
    seller_id: int,
    flt: InboxFilter,
    *,
    cursor: str | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> InboxPage:
    """One page of the inbox in `flt.sort` order; one SQL statement whatever `limit` is.

    Keyset pagination: `next_cursor` encodes the last row's sort key, so rows inserted or
    re-prioritised meanwhile never shift the pages already read into duplicates or gaps.
    """
    now = now or utcnow()
    limit = max(1, min(limit, MAX_PAGE))
    repo = InteractionRepository(session, seller_id)
    values = sortkeys.decode_cursor(cursor, flt.sort, repo.dialect) if cursor else None
    rows = await repo.page_rows(flt, now, values, limit)
    key_count = 3 if flt.sort == "priority" else 2
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = sortkeys.encode_cursor(flt.sort, list(rows[-1][-key_count:]))
    return InboxPage(items=[row_to_inbox(r, now) for r in rows], next_cursor=next_cursor)


async def channel_counts(
    session: AsyncSession, seller_id: int, flt: InboxFilter, *, now: datetime | None = None
) -> InboxCounts:
    """Counts per channel tab (current queue) and per queue pill (current channel), capped
    at COUNT_CAP rows each so they stay index-cheap at a million rows."""
    counts = await InteractionRepository(session, seller_id).capped_counts(flt, now or utcnow())
    return InboxCounts(channels=counts["channels"], queues=counts["queues"])


async def inbox_rows(
    session: AsyncSession, seller_id: int, ids: Sequence[int], *, now: datetime | None = None
) -> list[InboxRow]:
    """List rows for known ids (e.g. to re-render rows named by a live signal), in id order."""
    now = now or utcnow()
    rows = await InteractionRepository(session, seller_id).rows_by_ids(ids)
    return sorted((row_to_inbox(r, now) for r in rows), key=lambda r: r.id)


async def chat_messages_page(
    session: AsyncSession,
    seller_id: int,
    interaction_id: int,
    *,
    before_id: int | None = None,
    limit: int = 30,
) -> ChatPage:
    """The newest `limit` messages before `before_id`, returned oldest first."""
    await InteractionRepository(session, seller_id).get(interaction_id)
    limit = max(1, min(limit, MAX_PAGE))
    stmt = select(ChatMessage).where(
        ChatMessage.seller_id == seller_id, ChatMessage.interaction_id == interaction_id
    )
    if before_id is not None:
        anchor = (
            select(ChatMessage.sent_at)
            .where(ChatMessage.seller_id == seller_id, ChatMessage.id == before_id)
            .scalar_subquery()
        )
        stmt = stmt.where(
            or_(
                ChatMessage.sent_at < anchor,
                and_(ChatMessage.sent_at == anchor, ChatMessage.id < before_id),
            )
        )
    stmt = stmt.order_by(ChatMessage.sent_at.desc(), ChatMessage.id.desc()).limit(limit + 1)
    rows = list((await session.scalars(stmt)).all())
    older = rows[limit - 1].id if len(rows) > limit else None
    rows = rows[:limit]
    rows.reverse()
    return ChatPage(items=[ChatMessageOut.model_validate(r) for r in rows], older_cursor=older)


def _item(
    interaction: Interaction, product_name: str | None, assignee: str | None, now: datetime
) -> InteractionItem:
    data = {column.key: getattr(interaction, column.key) for column in ROW_COLUMNS}
    return InteractionItem(
        **data,
        product_name=product_name,
        assigned_user_name=assignee,
        sla_state=sla_state(interaction.needs_response, interaction.sla_due_at, now),
        pros=interaction.pros,
        cons=interaction.cons,
        customer_id=interaction.customer_id,
        order_id=interaction.order_id,
        escalated_at=interaction.escalated_at,
        first_response_at=interaction.first_response_at,
        extra_data=interaction.extra_data or {},
    )


async def get_interaction_detail(
    session: AsyncSession, seller_id: int, interaction_id: int, *, now: datetime | None = None
) -> InteractionDetail:
    """The item with everything the operator needs beside it (a fixed number of queries)."""
    now = now or utcnow()
    repo = InteractionRepository(session, seller_id)
    item = await repo.get(interaction_id)
    product = None
    answers: list[EarlierAnswer] = []
    if item.nm_id is not None:
        product = await session.scalar(
            select(ProductCard).where(
                ProductCard.seller_id == seller_id,
                ProductCard.marketplace == item.marketplace,
                ProductCard.nm_id == item.nm_id,
            )
        )
        history = await session.scalars(
            select(ResponseHistory)
            .where(
                ResponseHistory.seller_id == seller_id,
                ResponseHistory.nm_id == item.nm_id,
                or_(
                    ResponseHistory.interaction_id.is_(None),
                    ResponseHistory.interaction_id != item.id,
                ),
            )
            .order_by(ResponseHistory.created_at.desc(), ResponseHistory.id.desc())
            .limit(5)
        )
        answers = [
            EarlierAnswer(
                interaction_id=h.interaction_id,
                channel=h.channel,
                text=h.text,
                origin=h.origin,
                created_at=h.created_at,
            )
            for h in history
        ]
    # The same buyer's other touches: the linking module decides which (one source of truth).
    linked_ids = [link.other_id for link in await buyer_links(session, seller_id, item.id)]
    linked = sorted(
        await inbox_rows(session, seller_id, linked_ids, now=now),
        key=lambda r: (r.occurred_at, r.id),
    )
    messages = None
    if item.channel == "chat":
        messages = await chat_messages_page(session, seller_id, item.id)
    draft = await session.scalar(
        select(Draft)
        .where(Draft.seller_id == seller_id, Draft.interaction_id == item.id)
        .order_by(Draft.created_at.desc(), Draft.id.desc())
        .limit(1)
    )
    outbox = await session.scalar(
        select(ReplyOutbox)
        .where(ReplyOutbox.seller_id == seller_id, ReplyOutbox.interaction_id == item.id)
        .order_by(ReplyOutbox.created_at.desc(), ReplyOutbox.id.desc())
        .limit(1)
    )
    events = await session.scalars(
        select(InteractionEvent)
        .where(InteractionEvent.seller_id == seller_id, InteractionEvent.interaction_id == item.id)
        .order_by(InteractionEvent.created_at.desc(), InteractionEvent.id.desc())
        .limit(50)
    )
    assigned = None
    if item.assigned_user_id is not None:
        user = await MembershipRepository(session, seller_id).member(item.assigned_user_id)
        if user is not None:
            assigned = AssigneeOut(id=user.id, name=user.name, email=user.email)
    product_name = product.name if product is not None else None
    if not product_name:
        product_name = (item.extra_data or {}).get("product_name")
    return InteractionDetail(
        item=_item(item, product_name, assigned.name if assigned else None, now),
        product=ProductOut.model_validate(product) if product is not None else None,
        earlier_answers=answers,
        linked=linked,
        messages=messages,
        latest_draft=ItemDraftOut.model_validate(draft) if draft is not None else None,
        outbox=ItemOutboxOut.model_validate(outbox) if outbox is not None else None,
        events=[EventOut.model_validate(e) for e in events],
        assigned=assigned,
    )
