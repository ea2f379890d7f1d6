"""Outbox queries. Request-side ones are seller-scoped; the dispatcher's claim queries work
across sellers on purpose (one worker serves every tenant) and touch rows only by id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.kit.repository import TenantRepository
from agentiq.models import OutboxState, ReplyAttempt, ReplyOutbox, RuntimeSetting

S = OutboxState
# A reply in one of these states is still on its way: a second one must wait.
IN_FLIGHT = (S.pending.value, S.sending.value, S.sent.value, S.unknown.value)
# The answer is (or, in a sandbox, would be) on WB: the next one is an edit.
DELIVERED = (S.published.value, S.stored.value)
# Rows the dispatcher picks up when due; `sent` ones only need their read-back confirmation.
DUE_STATES = (S.pending.value, S.unknown.value, S.sent.value)


class OutboxRepository(TenantRepository[ReplyOutbox]):
    model = ReplyOutbox
    not_found_message = "Ответ не найден"

    async def for_interaction(self, interaction_id: int) -> Sequence[ReplyOutbox]:
        stmt = (
            self.scoped()
            .where(ReplyOutbox.interaction_id == interaction_id)
            .order_by(ReplyOutbox.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def sent_today(self, since: datetime, *, is_auto: bool) -> int:
        stmt = select(func.count(ReplyOutbox.id)).where(
            ReplyOutbox.seller_id == self.seller_id,
            ReplyOutbox.is_auto == is_auto,
            ReplyOutbox.created_at >= since,
        )
        return int(await self.session.scalar(stmt) or 0)


class AttemptRepository(TenantRepository[ReplyAttempt]):
    model = ReplyAttempt

    async def for_outbox(self, outbox_ids: Sequence[int]) -> Sequence[ReplyAttempt]:
        if not outbox_ids:
            return []
        stmt = self.scoped().where(ReplyAttempt.outbox_id.in_(outbox_ids)).order_by(ReplyAttempt.id)
        return (await self.session.scalars(stmt)).all()


def _due(now: datetime) -> object:
    return or_(
        and_(
            ReplyOutbox.state.in_(DUE_STATES),
            ReplyOutbox.next_attempt_at <= now,
            or_(ReplyOutbox.lease_until.is_(None), ReplyOutbox.lease_until < now),
        ),
        # A worker died mid-send: its lease ran out. Read back before anything else.
        and_(ReplyOutbox.state == S.sending.value, ReplyOutbox.lease_until < now),
    )


async def due_ids(session: AsyncSession, now: datetime, limit: int) -> list[int]:
    stmt = (
        select(ReplyOutbox.id)
        .where(_due(now))  # type: ignore[arg-type]
        .order_by(ReplyOutbox.next_attempt_at, ReplyOutbox.id)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def claim(
    session: AsyncSession, outbox_id: int, now: datetime, lease_until: datetime
) -> bool:
    """Compare-and-set: take the row only if it is still due and nobody holds a live lease.

    Two workers racing for one row both run this UPDATE; the database lets exactly one of
    them match. `attempts` counts claims, so a claimed-then-crashed send is never forgotten.
    A `sent` row keeps its state: it is only being confirmed, never sent again.
    """
    is_sent = ReplyOutbox.state == S.sent.value
    stmt = (
        update(ReplyOutbox)
        .where(ReplyOutbox.id == outbox_id, _due(now))  # type: ignore[arg-type]
        .values(
            state=case((is_sent, S.sent.value), else_=S.sending.value),
            attempts=case((is_sent, ReplyOutbox.attempts), else_=ReplyOutbox.attempts + 1),
            lease_until=lease_until,
        )
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def renew_lease(
    session: AsyncSession, outbox_id: int, held: datetime, new_until: datetime
) -> bool:
    """Extend our lease just before the write to WB; False if someone else owns the row now."""
    stmt = (
        update(ReplyOutbox)
        .where(ReplyOutbox.id == outbox_id, ReplyOutbox.lease_until == held)
        .values(lease_until=new_until)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def auto_answer_candidates(
    session: AsyncSession,
    seller_id: int,
    buckets: Sequence[tuple[str, int, str]],
    limit: int,
    after: tuple[datetime, int] | None = None,
) -> list[tuple[datetime, int]]:
    """Open items of the given buckets (channel, rating, intent) that still need a response
    and never had a reply queued, oldest first, one keyset page after `after`.

    The bucket filter is in SQL, so a backlog of other items can never starve a bucket.
    """
    from sqlalchemy import exists

    from agentiq.models import Interaction

    if not buckets:
        return []
    rating = func.coalesce(Interaction.rating, 0)
    intent = func.coalesce(Interaction.intent, "general")
    clauses = [
        # Reviews are bucketed by stars, questions and chats by intent (autonomy.bucket_key).
        and_(Interaction.channel == channel, rating == stars)
        if channel == "review"
        else and_(Interaction.channel == channel, intent == kind)
        for channel, stars, kind in buckets
    ]
    in_bucket = or_(*clauses)
    has_reply = exists().where(ReplyOutbox.interaction_id == Interaction.id)
    stmt = select(Interaction.occurred_at, Interaction.id).where(
        Interaction.seller_id == seller_id,
        Interaction.status == "open",
        Interaction.needs_response.is_(True),
        in_bucket,
        ~has_reply,
    )
    if after is not None:
        # Spelled out (not a row value) so the datetime binds through the column's type.
        occurred, last_id = after
        stmt = stmt.where(
            or_(
                Interaction.occurred_at > occurred,
                and_(Interaction.occurred_at == occurred, Interaction.id > last_id),
            )
        )
    stmt = stmt.order_by(Interaction.occurred_at, Interaction.id).limit(limit)
    return [(occurred, id_) for occurred, id_ in (await session.execute(stmt)).all()]


async def sellers_with_auto_answer(session: AsyncSession) -> list[int]:
    """A system job's view across sellers: who has auto-answer switched on."""
    rows = await session.scalars(
        select(RuntimeSetting).where(
            RuntimeSetting.namespace == "replies", RuntimeSetting.key == "auto_answer"
        )
    )
    return [row.seller_id for row in rows if (row.value or {}).get("enabled")]
