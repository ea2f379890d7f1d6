"""Queries of the DB side of triage: SLA rules, triage switches, overdue items, and the
questions the LLM intent fallback works on."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Interval,
    String,
    Table,
    and_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from agentiq.kit.repository import TenantRepository
from agentiq.models import (
    PRIORITY_RANK,
    Interaction,
    InteractionEvent,
    Priority,
    RuntimeSetting,
    SlaRule,
    Status,
)
from agentiq.triage.llm_mark import LLM_CHECKED_AT, LLM_TEXT, text_fingerprint
from agentiq.triage.needs_response import EMPTY_REVIEW_QUIET_SUFFIX
from agentiq.triage.rules import GENERAL
from agentiq.triage.text import WORD_CHAR_CLASS

TRIAGE_NAMESPACE = "triage"
TRIAGE_KEY = "settings"


class SlaRuleRepository(TenantRepository[SlaRule]):
    model = SlaRule

    async def all(self) -> Sequence[SlaRule]:
        return await self.list(order_by=SlaRule.id)

    async def replace(self, rows: list[SlaRule]) -> None:
        await self.session.execute(delete(SlaRule).where(SlaRule.seller_id == self.seller_id))
        for row in rows:
            self.add(row)
        await self.session.flush()


async def triage_switches(session: AsyncSession, seller_id: int) -> dict[str, Any]:
    value = await session.scalar(
        select(RuntimeSetting.value).where(
            RuntimeSetting.seller_id == seller_id,
            RuntimeSetting.namespace == TRIAGE_NAMESPACE,
            RuntimeSetting.key == TRIAGE_KEY,
        )
    )
    return dict(value or {})


async def save_triage_switches(
    session: AsyncSession, seller_id: int, value: dict[str, Any]
) -> None:
    row = await session.scalar(
        select(RuntimeSetting).where(
            RuntimeSetting.seller_id == seller_id,
            RuntimeSetting.namespace == TRIAGE_NAMESPACE,
            RuntimeSetting.key == TRIAGE_KEY,
        )
    )
    if row is None:
        row = RuntimeSetting(seller_id=seller_id, namespace=TRIAGE_NAMESPACE, key=TRIAGE_KEY)
        session.add(row)
    row.value = dict(value)  # a new dict, so the JSON column is marked dirty
    await session.flush()


# (id, priority, escalated) of an item that stopped waiting for an answer.
QuietedItem = tuple[int, str, bool]


class OpenItemNeeds(TenantRepository[Interaction]):
    """`needs_response` of the seller's open items, rewritten in bulk after a triage switch
    changes: the verdict ingestion would give the item now (triage/needs_response.py).

    Every statement starts from `_open(channel)`: the seller's own items of that channel that
    are open — not answered, not closed, no reply of ours on its way. Items are recognised
    by their stored content and by the reason triage stored with them; an item an operator
    re-opened by hand (waiting, with a "no answer needed" reason) stays as the operator left it.
    `unread` follows `needs_response`, as at ingestion.
    """

    model = Interaction

    def __init__(self, session: AsyncSession, seller_id: int) -> None:
        super().__init__(session, seller_id)
        self.dialect = session.get_bind().dialect.name

    def _open(self, channel: str) -> tuple[ColumnElement[bool], ...]:
        return (
            Interaction.seller_id == self.seller_id,
            Interaction.channel == channel,
            Interaction.status == Status.open.value,
        )

    def _no_words(
        self, column: ColumnElement[str] | InstrumentedAttribute[str]
    ) -> ColumnElement[bool]:
        """The column has no word for triage, like `Text.of(value).is_empty`."""
        value = func.coalesce(column, "")
        if self.dialect == "sqlite":
            return value.op("NOT GLOB", is_comparison=True)(f"*{WORD_CHAR_CLASS}*")
        return value.op("!~", is_comparison=True)(WORD_CHAR_CLASS)

    def _empty_review(self) -> tuple[ColumnElement[bool], ...]:
        """No text, pros, cons, photos or video (media as normalise.py stores them)."""
        return (
            self._no_words(Interaction.text),
            self._no_words(Interaction.pros),
            self._no_words(Interaction.cons),
            Interaction.extra_data[("photos", 0)].as_string().is_(None),
            Interaction.extra_data["video"].as_string().is_(None),
        )

    async def quiet_empty_reviews(self, rating: int, reason: str) -> list[QuietedItem]:
        """Waiting reviews with this rating and no content stop waiting, with `reason`."""
        return await self._set_needed(
            *self._open("review"),
            *self._empty_review(),
            Interaction.needs_response.is_(True),
            Interaction.rating == rating,
            func.coalesce(_reason(), "").not_like(f"%{EMPTY_REVIEW_QUIET_SUFFIX}"),
            needed=False,
            reason=reason,
        )

    async def wake_empty_reviews(self, quiet_ratings: Sequence[int], reason: str) -> list[int]:
        """Reviews triage let go as empty ("5★ без текста …") wait again, with `reason`,
        unless their rating is still one of `quiet_ratings`."""
        rating_kept = (
            or_(Interaction.rating.is_(None), Interaction.rating.not_in(list(quiet_ratings)))
            if quiet_ratings
            else literal(True)
        )
        woken = await self._set_needed(
            *self._open("review"),
            Interaction.needs_response.is_(False),
            _reason().like(f"%{EMPTY_REVIEW_QUIET_SUFFIX}"),
            rating_kept,
            needed=True,
            reason=reason,
        )
        return [id_ for id_, _, _ in woken]

    async def quiet_chats(self, topic: str, reason: str) -> list[QuietedItem]:
        """Waiting chats on `topic` whose last message is the buyer's stop waiting."""
        return await self._set_needed(
            *self._open("chat"),
            Interaction.needs_response.is_(True),
            Interaction.intent == topic,
            Interaction.extra_data[("chat", "last_sender")].as_string().is_distinct_from("seller"),
            _reason().is_distinct_from(reason),
            needed=False,
            reason=reason,
        )

    async def wake_chats(self, topic: str, quiet_reason: str, reason: str) -> list[int]:
        """Chats on `topic` triage let go with `quiet_reason` wait again, with `reason`."""
        woken = await self._set_needed(
            *self._open("chat"),
            Interaction.needs_response.is_(False),
            Interaction.intent == topic,
            _reason() == quiet_reason,
            needed=True,
            reason=reason,
        )
        return [id_ for id_, _, _ in woken]

    async def overdue(self, ids: Sequence[int], now: datetime) -> int:
        """How many of these waiting items are past their deadline."""
        count = 0
        for chunk in _chunks(ids, ROW_CHUNK):
            count += (
                await self.session.scalar(
                    select(func.count()).where(
                        Interaction.seller_id == self.seller_id,
                        Interaction.id.in_(list(chunk)),
                        Interaction.needs_response.is_(True),
                        Interaction.sla_due_at < now,
                    )
                )
                or 0
            )
        return count

    async def _set_needed(
        self, *where: ColumnElement[bool], needed: bool, reason: str
    ) -> list[QuietedItem]:
        stmt = (
            update(Interaction)
            .where(*where)
            .values(
                needs_response=needed,
                unread=needed,
                extra_data=with_triage_keys(self.dialect, {"needs_response_reason": reason}),
            )
            .returning(Interaction.id, Interaction.priority, Interaction.escalated_at)
            .execution_options(synchronize_session=False)
        )
        rows = await self.session.execute(stmt)
        return [(row.id, row.priority, row.escalated_at is not None) for row in rows]


def _reason() -> ColumnElement[str | None]:
    return Interaction.extra_data[("triage", "needs_response_reason")].as_string()


# Escalation raises an item one level; an urgent item stays urgent but is still marked.
NEXT_LEVEL = {
    Priority.low.value: Priority.normal.value,
    Priority.normal.value: Priority.high.value,
    Priority.high.value: Priority.urgent.value,
    Priority.urgent.value: Priority.urgent.value,
}


async def escalate_overdue(
    session: AsyncSession, now: datetime, *, seller_id: int | None = None
) -> list[tuple[int, int, str, str]]:
    """Mark overdue, unanswered, not-yet-escalated items; returns (id, seller, from, to).

    The `escalated_at IS NULL` guard sits inside each UPDATE, so two sweeps racing each other
    escalate an item once.
    """
    escalated: list[tuple[int, int, str, str]] = []
    for level, target in NEXT_LEVEL.items():
        stmt = (
            update(Interaction)
            .where(
                Interaction.needs_response.is_(True),
                Interaction.escalated_at.is_(None),
                Interaction.sla_due_at.is_not(None),
                Interaction.sla_due_at < now,
                Interaction.priority == level,
            )
            .values(
                priority=target,
                priority_rank=PRIORITY_RANK[Priority(target)],
                escalated_at=now,
            )
            .returning(Interaction.id, Interaction.seller_id)
            .execution_options(synchronize_session=False)
        )
        if seller_id is not None:
            stmt = stmt.where(Interaction.seller_id == seller_id)
        rows = await session.execute(stmt)
        escalated.extend((row.id, row.seller_id, level, target) for row in rows)
    return escalated


# NEXT_LEVEL reversed: the level an escalated item was raised from. "urgent" is ambiguous
# (high → urgent, and urgent stays urgent), so for urgent items the escalation event decides.
PREVIOUS_LEVEL = {
    Priority.urgent.value: Priority.high.value,
    Priority.high.value: Priority.normal.value,
    Priority.normal.value: Priority.low.value,
    Priority.low.value: Priority.low.value,
}

# (channel, intent, rating) of open items: everything an SLA target depends on.
SlaGroup = tuple[str, str | None, int | None]
# Groups per UPDATE and rows per executemany batch: well under the bound-parameter limits.
GROUP_CHUNK = 100
ROW_CHUNK = 900


def _chunks(values: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class OpenItemDeadlines(TenantRepository[Interaction]):
    """Deadlines of the seller's items that still need an answer, rewritten in bulk.

    Every statement here starts from the seller's own open items (`_open()`): set-based
    UPDATEs per SLA target, never one ORM object per row, because a seller may have 100k+.
    """

    model = Interaction

    def __init__(self, session: AsyncSession, seller_id: int) -> None:
        super().__init__(session, seller_id)
        self.dialect = session.get_bind().dialect.name

    def _open(self) -> tuple[ColumnElement[bool], ...]:
        return (Interaction.seller_id == self.seller_id, Interaction.needs_response.is_(True))

    async def groups(self) -> list[SlaGroup]:
        stmt = (
            select(Interaction.channel, Interaction.intent, Interaction.rating)
            .where(*self._open())
            .distinct()
        )
        return [(row.channel, row.intent, row.rating) for row in await self.session.execute(stmt)]

    async def retarget(self, groups: Sequence[SlaGroup], minutes: int, source: str) -> int:
        """Give the groups' open items the target `minutes` (from `source`); the number of
        items whose deadline moved. The deadline is `occurred_at + minutes`, as at ingestion."""
        moved = 0
        due = self._due(minutes)
        for chunk in _chunks(groups, GROUP_CHUNK):
            match = or_(*(_group_match(group) for group in chunk))
            result = await self.session.execute(
                update(Interaction)
                .where(*self._open(), match, Interaction.sla_due_at.is_distinct_from(due))
                .values(sla_due_at=due, extra_data=self._with_target(minutes, source))
                .execution_options(synchronize_session=False)
            )
            moved += max(int(getattr(result, "rowcount", 0) or 0), 0)
            # Same deadline, stale stored target (e.g. a seller rule equal to the default).
            stored_minutes = Interaction.extra_data[("triage", "sla_minutes")].as_integer()
            stored_source = Interaction.extra_data[("triage", "sla_source")].as_string()
            await self.session.execute(
                update(Interaction)
                .where(
                    *self._open(),
                    match,
                    or_(
                        stored_minutes.is_distinct_from(minutes),
                        stored_source.is_distinct_from(source),
                    ),
                )
                .values(extra_data=self._with_target(minutes, source))
                .execution_options(synchronize_session=False)
            )
        return moved

    def _due(self, minutes: int) -> ColumnElement[Any]:
        if self.dialect == "sqlite":
            # SQLite keeps naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' and the inbox's keyset
            # cursors compare that text, so the result must have exactly the same shape.
            # Whole minutes never change the fraction: shift the seconds part, re-attach it.
            stored = type_coerce(Interaction.occurred_at, String)
            whole = func.strftime(
                "%Y-%m-%d %H:%M:%S", func.substr(stored, 1, 19), f"+{minutes} minutes"
            )
            fraction = func.substr(stored + ".000000", 20, 7)
            return type_coerce(whole, String) + fraction
        return Interaction.occurred_at + literal(timedelta(minutes=minutes), Interval())

    def _with_target(self, minutes: int, source: str) -> ColumnElement[Any]:
        """extra_data with triage.sla_minutes/sla_source replaced, every other key kept."""
        return with_triage_keys(self.dialect, {"sla_minutes": minutes, "sla_source": source})

    async def escalated_not_overdue(self, now: datetime) -> list[tuple[int, str]]:
        """(id, priority) of escalated open items whose deadline has not passed."""
        stmt = select(Interaction.id, Interaction.priority).where(
            *self._open(),
            Interaction.escalated_at.is_not(None),
            Interaction.sla_due_at.is_not(None),
            Interaction.sla_due_at > now,
        )
        return [(row.id, row.priority) for row in await self.session.execute(stmt)]

    async def level_before_escalation(self, ids: Sequence[int]) -> dict[int, str]:
        """The `from` level of each item's latest escalation event (the sweep writes them)."""
        levels: dict[int, str] = {}
        for chunk in _chunks(ids, ROW_CHUNK):
            stmt = (
                select(InteractionEvent.interaction_id, InteractionEvent.payload)
                .where(
                    InteractionEvent.seller_id == self.seller_id,
                    InteractionEvent.kind == "escalated",
                    InteractionEvent.interaction_id.in_(chunk),
                )
                .order_by(InteractionEvent.id)
            )
            for row in await self.session.execute(stmt):
                level = (row.payload or {}).get("from")
                if level in PRIORITY_RANK:
                    levels[row.interaction_id] = level
        return levels

    async def deescalate(self, rows: Sequence[tuple[int, str]]) -> None:
        """Clear `escalated_at` and give each (id, level) its level back, batched."""
        table: Table = Interaction.__table__  # type: ignore[assignment]
        stmt = (
            update(table)
            .where(table.c.seller_id == self.seller_id, table.c.id == bindparam("b_id"))
            .values(
                priority=bindparam("b_level"),
                priority_rank=bindparam("b_rank"),
                escalated_at=None,
            )
        )
        for chunk in _chunks(rows, ROW_CHUNK):
            params = [
                {"b_id": id_, "b_level": level, "b_rank": PRIORITY_RANK[Priority(level)]}
                for id_, level in chunk
            ]
            await self.session.execute(stmt, params)

    async def record_events(
        self, kind: str, events: Sequence[tuple[int, dict[str, Any]]], now: datetime
    ) -> None:
        rows = [
            {
                "seller_id": self.seller_id,
                "interaction_id": id_,
                "kind": kind,
                "payload": payload,
                "created_at": now,
            }
            for id_, payload in events
        ]
        await insert_events(self.session, rows)


async def insert_events(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Interaction events as batched multi-row INSERTs (a sweep may write tens of thousands)."""
    for chunk in _chunks(rows, ROW_CHUNK):
        await session.execute(insert(InteractionEvent), list(chunk))


def with_triage_keys(dialect: str, values: dict[str, Any]) -> ColumnElement[Any]:
    """extra_data with these keys of extra_data["triage"] set, every other key kept.

    Done in SQL, so a concurrent change to another part of extra_data is never overwritten.
    """
    if dialect == "sqlite":
        # A JSON merge patch merges nested objects, so only these keys change.
        return func.json_patch(Interaction.extra_data, json.dumps({"triage": values}))
    triage = func.coalesce(Interaction.extra_data["triage"], literal_column("'{}'::jsonb"))
    return func.jsonb_set(
        Interaction.extra_data,
        literal_column("'{triage}'::text[]"),
        triage.op("||")(cast(literal(json.dumps(values)), JSONB)),
    )


def _group_match(group: SlaGroup) -> ColumnElement[bool]:
    channel, intent, rating = group
    return and_(
        Interaction.channel == channel,
        Interaction.intent.is_(None) if intent is None else Interaction.intent == intent,
        Interaction.rating.is_(None) if rating is None else Interaction.rating == rating,
    )


# --- the LLM intent fallback's view of a seller's questions --------------------------------


async def sellers_with_llm_intent_fallback(session: AsyncSession) -> list[int]:
    """A system job's view across sellers: who switched the LLM intent fallback on."""
    rows = await session.execute(
        select(RuntimeSetting.seller_id, RuntimeSetting.value).where(
            RuntimeSetting.namespace == TRIAGE_NAMESPACE, RuntimeSetting.key == TRIAGE_KEY
        )
    )
    return sorted(
        row.seller_id for row in rows if (row.value or {}).get("llm_intent_fallback") is True
    )


def _llm_checked_at() -> ColumnElement[str | None]:
    return Interaction.extra_data[("triage", LLM_CHECKED_AT)].as_string()


class GeneralQuestions(TenantRepository[Interaction]):
    """The seller's unanswered questions the rules call "general", and the LLM fallback's
    claim on each (`extra_data["triage"]["llm_checked_at"]`, see triage/llm_mark.py).

    Every statement starts from `_waiting()`: the seller's own questions that still wait for
    an answer and are still "general". Writes are single-row UPDATEs guarded by the claim, so
    a question answered, re-synced with a new text or claimed by another run in the meantime
    is left alone.
    """

    model = Interaction

    def __init__(self, session: AsyncSession, seller_id: int) -> None:
        super().__init__(session, seller_id)
        self.dialect = session.get_bind().dialect.name

    def _waiting(self) -> tuple[ColumnElement[bool], ...]:
        return (
            Interaction.seller_id == self.seller_id,
            Interaction.channel == "question",
            Interaction.needs_response.is_(True),
            Interaction.intent == GENERAL,
        )

    async def untried(self, limit: int) -> list[tuple[int, str]]:
        """(id, text) of questions never shown to the LLM, newest first."""
        stmt = (
            select(Interaction.id, Interaction.text)
            .where(*self._waiting(), _llm_checked_at().is_(None), Interaction.text != "")
            .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
            .limit(limit)
        )
        return [(row.id, row.text) for row in await self.session.execute(stmt)]

    async def claim(self, id_: int, text: str, stamp: str) -> bool:
        """Mark the question tried (before the call); False if it no longer qualifies or
        another run got there first."""
        result = await self.session.execute(
            update(Interaction)
            .where(
                *self._waiting(),
                Interaction.id == id_,
                Interaction.text == text,
                _llm_checked_at().is_(None),
            )
            .values(
                extra_data=with_triage_keys(
                    self.dialect, {LLM_CHECKED_AT: stamp, LLM_TEXT: text_fingerprint(text)}
                )
            )
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    async def claimed(self, ids: Sequence[int], stamp: str) -> list[Any]:
        """Current state of the questions this run claimed that still wait as "general"."""
        if not ids:
            return []
        stmt = select(
            Interaction.id,
            Interaction.text,
            Interaction.pros,
            Interaction.cons,
            Interaction.rating,
            Interaction.occurred_at,
            Interaction.priority,
            Interaction.sla_due_at,
            Interaction.escalated_at,
        ).where(*self._waiting(), Interaction.id.in_(list(ids)), _llm_checked_at() == stamp)
        return list(await self.session.execute(stmt))

    async def reclassify(
        self,
        id_: int,
        stamp: str,
        *,
        was_escalated: bool,
        values: dict[str, Any],
        triage_keys: dict[str, Any],
    ) -> bool:
        """Write a new verdict if the row is still as `claimed()` read it (still waiting,
        still "general", still this run's claim, escalation unchanged)."""
        escalation = (
            Interaction.escalated_at.is_not(None)
            if was_escalated
            else Interaction.escalated_at.is_(None)
        )
        result = await self.session.execute(
            update(Interaction)
            .where(*self._waiting(), Interaction.id == id_, _llm_checked_at() == stamp, escalation)
            .values(**values, extra_data=with_triage_keys(self.dialect, triage_keys))
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1
