"""Operator actions on one item or many: each is a set-based UPDATE scoped by seller, one
interaction_event per changed row, and a live signal published after commit."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.analytics.facts import record_closed
from agentiq.eventstream.service import COUNTS_CHANGED, interaction_changed, publish_after_commit
from agentiq.interactions.repository import InteractionRepository
from agentiq.interactions.schemas import BULK_LIMIT, BulkIn, BulkResult, InboxFilter
from agentiq.kit.errors import ValidationFailed
from agentiq.kit.time import utcnow
from agentiq.models import Interaction, InteractionEvent, Status
from agentiq.runtime import Runtime
from agentiq.tenancy.repository import MembershipRepository

Ids = int | Sequence[int]


def _as_list(ids: Ids) -> list[int]:
    return [ids] if isinstance(ids, int) else list(dict.fromkeys(ids))


async def _apply(
    session: AsyncSession,
    seller_id: int,
    ids: Ids,
    *,
    kind: str,
    values: dict[str, Any],
    payload: dict[str, Any],
    actor_user_id: int | None,
    runtime: Runtime | None,
    changes: ColumnElement[bool] | None = None,
) -> list[int]:
    """Update the seller's rows among `ids` that `changes` selects; return the changed ids.

    A single id that is not the seller's raises NotFound (404), like every item route.
    """
    wanted = _as_list(ids)
    repo = InteractionRepository(session, seller_id)
    if isinstance(ids, int):
        await repo.get(ids)
    if not wanted:
        return []
    stmt = select(Interaction.id).where(
        Interaction.seller_id == seller_id, Interaction.id.in_(wanted)
    )
    if changes is not None:
        stmt = stmt.where(changes)
    changed = sorted((await session.scalars(stmt)).all())
    if not changed:
        return []
    await repo.update_ids(changed, values)
    now = utcnow()
    await session.execute(
        insert(InteractionEvent),
        [
            {
                "seller_id": seller_id,
                "interaction_id": id_,
                "kind": kind,
                "actor_user_id": actor_user_id,
                "payload": payload,
                "created_at": now,
            }
            for id_ in changed
        ],
    )
    publish_after_commit(session, runtime, seller_id, interaction_changed(changed), COUNTS_CHANGED)
    return changed


async def assign(
    session: AsyncSession,
    seller_id: int,
    ids: Ids,
    user_id: int | None,
    actor_user_id: int | None,
    *,
    runtime: Runtime | None = None,
) -> list[int]:
    """Give items to a member of this seller (or take them back with `user_id=None`)."""
    repo = InteractionRepository(session, seller_id)
    if isinstance(ids, int):
        await repo.get(ids)  # another seller's item is 404 before anything else is judged
    if user_id is not None and not await MembershipRepository(session, seller_id).is_member(
        user_id
    ):
        message = "Этот пользователь не состоит в команде продавца"
        raise ValidationFailed(message, details={"user_id": message})
    changes = (
        Interaction.assigned_user_id.is_not(None)
        if user_id is None
        else (Interaction.assigned_user_id.is_(None) | (Interaction.assigned_user_id != user_id))
    )
    return await _apply(
        session,
        seller_id,
        ids,
        kind="assigned",
        values={"assigned_user_id": user_id},
        payload={"user_id": user_id},
        actor_user_id=actor_user_id,
        runtime=runtime,
        changes=changes,
    )


async def mark_viewed(
    session: AsyncSession,
    seller_id: int,
    ids: Ids,
    actor_user_id: int | None,
    *,
    runtime: Runtime | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Record the first time an operator opened an item. `unread` is NOT touched: it means
    "a buyer message with no answer after it" and only an answer clears it."""
    return await _apply(
        session,
        seller_id,
        ids,
        kind="viewed",
        values={"viewed_at": now or utcnow()},
        payload={},
        actor_user_id=actor_user_id,
        runtime=runtime,
        changes=Interaction.viewed_at.is_(None),
    )


async def close(
    session: AsyncSession,
    seller_id: int,
    ids: Ids,
    actor_user_id: int | None,
    *,
    runtime: Runtime | None = None,
) -> list[int]:
    """Done without (further) answer: leaves the "unanswered" and "urgent" queues."""
    changed = await _apply(
        session,
        seller_id,
        ids,
        kind="closed",
        values={"status": Status.closed.value, "needs_response": False},
        payload={},
        actor_user_id=actor_user_id,
        runtime=runtime,
        changes=Interaction.status != Status.closed.value,
    )
    await record_closed(session, seller_id, changed)
    return changed


UNDO_WINDOW = timedelta(hours=12)
_BATCH = re.compile(r"^[0-9a-f]{32}$")


async def close_batch(
    session: AsyncSession,
    seller_id: int,
    ids: Sequence[int],
    actor_user_id: int | None,
    *,
    runtime: Runtime | None = None,
) -> tuple[str, list[int]]:
    """Close many items as one undoable step: each closed row's event records the batch and
    the row's state before, so `undo_close` can put back exactly what this step changed."""
    wanted = _as_list(ids)
    if not wanted:
        return uuid.uuid4().hex, []
    rows = (
        await session.execute(
            select(Interaction.id, Interaction.status, Interaction.needs_response).where(
                Interaction.seller_id == seller_id,
                Interaction.id.in_(wanted),
                Interaction.status != Status.closed.value,
            )
        )
    ).all()
    batch = uuid.uuid4().hex
    changed = sorted(row.id for row in rows)
    if not changed:
        return batch, []
    await InteractionRepository(session, seller_id).update_ids(
        changed, {"status": Status.closed.value, "needs_response": False}
    )
    now = utcnow()
    await session.execute(
        insert(InteractionEvent),
        [
            {
                "seller_id": seller_id,
                "interaction_id": row.id,
                "kind": "closed",
                "actor_user_id": actor_user_id,
                "payload": {
                    "batch": batch,
                    "status": row.status,
                    "needs_response": bool(row.needs_response),
                },
                "created_at": now,
            }
            for row in rows
        ],
    )
    publish_after_commit(session, runtime, seller_id, interaction_changed(changed), COUNTS_CHANGED)
    return batch, changed


async def undo_close(
    session: AsyncSession,
    seller_id: int,
    batch: str,
    actor_user_id: int | None,
    *,
    runtime: Runtime | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Reopen exactly the items a `close_batch` closed, with the state each had before.

    An item reopened or closed again since then is left alone (someone acted on it later);
    another seller's batch, an expired one or a made-up token changes nothing.
    """
    if not _BATCH.match(batch or ""):
        raise ValidationFailed("Отменить нельзя: неизвестное действие")
    since = (now or utcnow()) - UNDO_WINDOW
    events = (
        await session.execute(
            select(InteractionEvent.id, InteractionEvent.interaction_id, InteractionEvent.payload)
            .where(
                InteractionEvent.seller_id == seller_id,
                InteractionEvent.kind == "closed",
                InteractionEvent.created_at >= since,
            )
            .order_by(InteractionEvent.id)
        )
    ).all()
    closed = {e.interaction_id: e for e in events if (e.payload or {}).get("batch") == batch}
    if not closed:
        return []
    later = set(
        (
            await session.scalars(
                select(InteractionEvent.interaction_id).where(
                    InteractionEvent.seller_id == seller_id,
                    InteractionEvent.interaction_id.in_(list(closed)),
                    InteractionEvent.kind.in_(("closed", "reopened")),
                    InteractionEvent.id > min(e.id for e in closed.values()),
                    InteractionEvent.id.not_in([e.id for e in closed.values()]),
                )
            )
        ).all()
    )
    still_closed = set(
        (
            await session.scalars(
                select(Interaction.id).where(
                    Interaction.seller_id == seller_id,
                    Interaction.id.in_(list(closed)),
                    Interaction.status == Status.closed.value,
                )
            )
        ).all()
    )
    groups: dict[tuple[str, bool], list[int]] = {}
    for item_id, event in closed.items():
        if item_id in later or item_id not in still_closed:
            continue
        before = (str(event.payload.get("status")), bool(event.payload.get("needs_response")))
        groups.setdefault(before, []).append(item_id)
    repo = InteractionRepository(session, seller_id)
    restored: list[int] = []
    for (status, needs_response), group in groups.items():
        await repo.update_ids(group, {"status": status, "needs_response": needs_response})
        restored.extend(group)
    if not restored:
        return []
    stamp = utcnow()
    await session.execute(
        insert(InteractionEvent),
        [
            {
                "seller_id": seller_id,
                "interaction_id": item_id,
                "kind": "reopened",
                "actor_user_id": actor_user_id,
                "payload": {"undo": batch},
                "created_at": stamp,
            }
            for item_id in sorted(restored)
        ],
    )
    publish_after_commit(
        session, runtime, seller_id, interaction_changed(sorted(restored)), COUNTS_CHANGED
    )
    return sorted(restored)


async def count_matching(
    session: AsyncSession, seller_id: int, flt: InboxFilter, *, now: datetime | None = None
) -> int:
    """How many items «все по фильтру» would touch (at most BULK_LIMIT + 1)."""
    repo = InteractionRepository(session, seller_id)
    return len(await repo.matching_ids(flt, now or utcnow(), BULK_LIMIT + 1))


async def reopen(
    session: AsyncSession,
    seller_id: int,
    ids: Ids,
    actor_user_id: int | None,
    *,
    runtime: Runtime | None = None,
) -> list[int]:
    """Back to work: needs a response again; keeps "responded" if it was answered before."""
    status = case(
        (Interaction.first_response_at.is_not(None), Status.responded.value),
        else_=Status.open.value,
    )
    return await _apply(
        session,
        seller_id,
        ids,
        kind="reopened",
        values={"status": status, "needs_response": True},
        payload={},
        actor_user_id=actor_user_id,
        runtime=runtime,
        changes=(Interaction.status == Status.closed.value)
        | (Interaction.needs_response.is_(False)),
    )


async def add_note(
    session: AsyncSession,
    seller_id: int,
    interaction_id: int,
    text: str,
    actor_user_id: int | None,
    *,
    runtime: Runtime | None = None,
) -> InteractionEvent:
    """An internal note for the team (never sent to WB)."""
    item = await InteractionRepository(session, seller_id).get(interaction_id)
    text = text.strip()
    if not text:
        raise ValidationFailed("Заметка пустая", details={"text": "Напишите текст заметки"})
    event = InteractionEvent(
        seller_id=seller_id,
        interaction_id=item.id,
        kind="note",
        actor_user_id=actor_user_id,
        payload={"text": text[:4000]},
    )
    session.add(event)
    await session.flush()
    publish_after_commit(session, runtime, seller_id, interaction_changed([item.id]))
    return event


async def bulk_action(
    session: AsyncSession,
    seller_id: int,
    body: BulkIn,
    actor_user_id: int | None,
    *,
    runtime: Runtime | None = None,
    now: datetime | None = None,
) -> BulkResult:
    """One action on explicit ids or on everything matching a filter (at most BULK_LIMIT).

    The caller resolves `assigned="me"` in the filter (`InboxFilter.for_user`).
    """
    now = now or utcnow()
    truncated = False
    undo: str | None = None
    if body.all_matching:
        if body.filter is None:
            raise ValidationFailed("Не задан фильтр", details={"filter": "Нужен фильтр списка"})
        repo = InteractionRepository(session, seller_id)
        ids = await repo.matching_ids(body.filter, now, BULK_LIMIT + 1)
        truncated = len(ids) > BULK_LIMIT
        ids = ids[:BULK_LIMIT]
    elif body.ids:
        ids = list(body.ids)
    else:
        raise ValidationFailed("Не выбрано ни одного обращения", details={"ids": "Пусто"})
    if body.action == "assign":
        changed = await assign(
            session, seller_id, ids, body.user_id, actor_user_id, runtime=runtime
        )
    elif body.action == "close":
        undo, changed = await close_batch(session, seller_id, ids, actor_user_id, runtime=runtime)
    elif body.action == "reopen":
        changed = await reopen(session, seller_id, ids, actor_user_id, runtime=runtime)
    else:
        changed = await mark_viewed(
            session, seller_id, ids, actor_user_id, runtime=runtime, now=now
        )
    return BulkResult(
        affected=len(changed), ids=changed, truncated=truncated, undo=undo if changed else None
    )
