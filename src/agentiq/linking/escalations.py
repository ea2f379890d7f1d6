"""Escalation from a review or question to a chat: «Перевести в чат».

States: awaiting_chat → chat_opened → resolved | expired. Each transition is one function
here, and each writes its reporting event (`escalation_opened`, `escalation_chat_opened`,
`escalation_resolved`, `escalation_expired`) where it happens, so analytics counts exactly
what the product did.

A chat continues an escalation when it is linked to the escalated item by a link the policy
lets act on its own (the same order) — or by any link an operator confirmed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.analytics import facts
from agentiq.kit.errors import Conflict, ValidationFailed
from agentiq.kit.time import utcnow
from agentiq.linking.policy import allows_auto_action
from agentiq.linking.schemas import EscalationCounts
from agentiq.linking.scoring import Score
from agentiq.models import (
    PRIORITY_RANK,
    Escalation,
    Interaction,
    InteractionEvent,
    LinkCandidate,
    Priority,
)

OPEN_STATES = ("awaiting_chat", "chat_opened")
# The public answer that invites the buyer to the chat; public-channel guardrails accept it
# (no contacts, no promises of refunds).
INVITATION = (
    "Здравствуйте! Нам очень жаль, что покупка огорчила. Пожалуйста, напишите нам в чат "
    "с продавцом на Wildberries — разберёмся в ситуации и поможем."
)
CONTINUATION_REASON = "Продолжение отзыва: покупатель перешёл в чат"


def _event(
    session: AsyncSession,
    seller_id: int,
    interaction_id: int,
    kind: str,
    user_id: int | None,
    payload: dict[str, Any],
) -> None:
    session.add(
        InteractionEvent(
            seller_id=seller_id,
            interaction_id=interaction_id,
            kind=kind,
            actor_user_id=user_id,
            payload=payload,
        )
    )


class _Escalatable(Protocol):
    channel: str
    rating: int | None


def can_escalate(item: _Escalatable) -> bool:
    """A negative review (1–3★) or a question; never a chat."""
    if item.channel == "review":
        return item.rating is not None and item.rating <= 3
    return item.channel == "question"


async def open_for(session: AsyncSession, seller_id: int, interaction_id: int) -> Escalation | None:
    """The item's escalation that is still going (as source or as continuation chat)."""
    return await session.scalar(
        select(Escalation)
        .where(
            Escalation.seller_id == seller_id,
            (Escalation.source_interaction_id == interaction_id)
            | (Escalation.chat_interaction_id == interaction_id),
        )
        .order_by(Escalation.id.desc())
        .limit(1)
    )


async def open_escalation(
    session: AsyncSession,
    seller_id: int,
    item: Interaction,
    *,
    user_id: int | None,
    deadline_hours: int = 72,
) -> Escalation:
    """awaiting_chat: the buyer was invited to the chat and has `deadline_hours` to come."""
    if not can_escalate(item):
        raise ValidationFailed(
            "Перевести в чат можно негативный отзыв (1–3★) или вопрос", code="not_escalatable"
        )
    existing = await session.scalar(
        select(Escalation).where(
            Escalation.seller_id == seller_id,
            Escalation.source_interaction_id == item.id,
            Escalation.state.in_(OPEN_STATES),
        )
    )
    if existing is not None:
        raise Conflict("Это обращение уже переведено в чат", code="already_escalated")
    now = utcnow()
    escalation = Escalation(
        seller_id=seller_id,
        source_interaction_id=item.id,
        state="awaiting_chat",
        deadline_at=now + timedelta(hours=deadline_hours),
        opened_by_user_id=user_id,
    )
    session.add(escalation)
    await session.flush()
    extra = dict(item.extra_data or {})
    extra["escalation"] = {"id": escalation.id, "state": "awaiting_chat"}
    item.extra_data = extra
    _event(
        session,
        seller_id,
        item.id,
        "escalation_opened",
        user_id,
        {"escalation_id": escalation.id, "deadline_at": escalation.deadline_at.isoformat()},
    )
    await facts.record(session, seller_id, facts.ESCALATION_OPENED, item=item, user_id=user_id)
    await session.flush()
    return escalation


async def attach_chat(
    session: AsyncSession,
    seller_id: int,
    escalation: Escalation,
    chat_id: int,
    *,
    basis: str,
    user_id: int | None = None,
) -> None:
    """awaiting_chat → chat_opened: the chat is the escalation's continuation.

    The chat gets a high priority, the reason, and a pointer to the review it continues.
    """
    if escalation.state != "awaiting_chat":
        return
    now = utcnow()
    escalation.state = "chat_opened"
    escalation.chat_interaction_id = chat_id
    escalation.chat_opened_at = now
    escalation.link_basis = basis
    chat = await session.scalar(
        select(Interaction).where(Interaction.seller_id == seller_id, Interaction.id == chat_id)
    )
    if chat is not None:
        extra = dict(chat.extra_data or {})
        extra["continues"] = {
            "escalation_id": escalation.id,
            "interaction_id": escalation.source_interaction_id,
        }
        chat.extra_data = extra
        if PRIORITY_RANK[Priority(chat.priority)] > PRIORITY_RANK[Priority.high]:
            chat.priority = Priority.high.value
            chat.priority_rank = PRIORITY_RANK[Priority.high]
        chat.priority_reason = CONTINUATION_REASON
    source = await session.scalar(
        select(Interaction).where(
            Interaction.seller_id == seller_id,
            Interaction.id == escalation.source_interaction_id,
        )
    )
    if source is not None:
        extra = dict(source.extra_data or {})
        extra["escalation"] = {"id": escalation.id, "state": "chat_opened", "chat_id": chat_id}
        source.extra_data = extra
        await facts.record(session, seller_id, facts.ESCALATION_CONVERTED, item=source)
    payload = {"escalation_id": escalation.id, "chat_id": chat_id, "basis": basis}
    for interaction_id in (escalation.source_interaction_id, chat_id):
        _event(session, seller_id, interaction_id, "escalation_chat_opened", user_id, payload)
    await session.flush()


async def continue_on_links(
    session: AsyncSession, seller_id: int, pairs: Sequence[tuple[tuple[int, int], Score]]
) -> int:
    """After links are stored: a chat linked to an awaiting escalation by a link the policy
    lets act alone continues it. One query for the whole batch."""
    acting = [
        (a, b) for (a, b), found in pairs if allows_auto_action(found.basis, found.confidence)
    ]
    if not acting:
        return 0
    ids = sorted({i for pair in acting for i in pair})
    waiting = {
        e.source_interaction_id: e
        for e in await session.scalars(
            select(Escalation).where(
                Escalation.seller_id == seller_id,
                Escalation.state == "awaiting_chat",
                Escalation.source_interaction_id.in_(ids),
            )
        )
    }
    if not waiting:
        return 0
    channels: dict[int, str] = dict(
        (
            await session.execute(
                select(Interaction.id, Interaction.channel).where(
                    Interaction.seller_id == seller_id, Interaction.id.in_(ids)
                )
            )
        )
        .tuples()
        .all()
    )
    attached = 0
    for a, b in acting:
        for source, other in ((a, b), (b, a)):
            escalation = waiting.get(source)
            if escalation is not None and channels.get(other) == "chat":
                await attach_chat(session, seller_id, escalation, other, basis="deterministic")
                attached += 1
    return attached


async def continue_on_confirmed(session: AsyncSession, seller_id: int, link: LinkCandidate) -> bool:
    """An operator-confirmed link between a chat and an awaiting escalation continues it."""
    pair = (link.interaction_id, link.candidate_id)
    rows: dict[int, str] = dict(
        (
            await session.execute(
                select(Interaction.id, Interaction.channel).where(
                    Interaction.seller_id == seller_id, Interaction.id.in_(pair)
                )
            )
        )
        .tuples()
        .all()
    )
    for source, other in (pair, pair[::-1]):
        if rows.get(other) != "chat":
            continue
        escalation = await session.scalar(
            select(Escalation).where(
                Escalation.seller_id == seller_id,
                Escalation.state == "awaiting_chat",
                Escalation.source_interaction_id == source,
            )
        )
        if escalation is not None:
            await attach_chat(
                session,
                seller_id,
                escalation,
                other,
                basis="confirmed",
                user_id=link.verdict_by_user_id,
            )
            return True
    return False


async def resolve(
    session: AsyncSession, seller_id: int, escalation: Escalation, *, user_id: int | None
) -> None:
    """chat_opened → resolved: the problem was solved in the chat."""
    if escalation.state != "chat_opened":
        raise Conflict("Завершить можно только эскалацию, по которой открыт чат", code="bad_state")
    escalation.state = "resolved"
    escalation.resolved_at = utcnow()
    await _set_source_state(session, seller_id, escalation)
    payload = {"escalation_id": escalation.id, "chat_id": escalation.chat_interaction_id}
    _event(
        session,
        seller_id,
        escalation.source_interaction_id,
        "escalation_resolved",
        user_id,
        payload,
    )
    await facts.record(
        session,
        seller_id,
        facts.ESCALATION_RESOLVED,
        item=await session.get(Interaction, escalation.source_interaction_id),
        user_id=user_id,
    )
    await session.flush()


async def _set_source_state(session: AsyncSession, seller_id: int, escalation: Escalation) -> None:
    source = await session.scalar(
        select(Interaction).where(
            Interaction.seller_id == seller_id,
            Interaction.id == escalation.source_interaction_id,
        )
    )
    if source is not None:
        extra = dict(source.extra_data or {})
        extra["escalation"] = {
            "id": escalation.id,
            "state": escalation.state,
            "chat_id": escalation.chat_interaction_id,
        }
        source.extra_data = extra


async def sweep(
    session: AsyncSession, seller_id: int, *, now: datetime | None = None
) -> dict[str, int]:
    """The escalation follows its chat: a closed continuation chat resolves it; an invitation
    nobody took by the deadline expires. Set-based per seller."""
    now = now or utcnow()
    resolved = list(
        await session.scalars(
            select(Escalation)
            .join(Interaction, Interaction.id == Escalation.chat_interaction_id)
            .where(
                Escalation.seller_id == seller_id,
                Escalation.state == "chat_opened",
                Interaction.status == "closed",
            )
        )
    )
    for escalation in resolved:
        await resolve(session, seller_id, escalation, user_id=None)
    expired = list(
        await session.scalars(
            select(Escalation).where(
                Escalation.seller_id == seller_id,
                Escalation.state == "awaiting_chat",
                Escalation.deadline_at < now,
            )
        )
    )
    for escalation in expired:
        escalation.state = "expired"
        escalation.expired_at = now
        await _set_source_state(session, seller_id, escalation)
        _event(
            session,
            seller_id,
            escalation.source_interaction_id,
            "escalation_expired",
            None,
            {"escalation_id": escalation.id},
        )
    await session.flush()
    return {"resolved": len(resolved), "expired": len(expired)}


async def counts(
    session: AsyncSession, seller_id: int, *, since: datetime | None = None
) -> EscalationCounts:
    """Opened, converted to chat, resolved in chat («спасённые рейтинги»), expired, waiting."""
    stmt = select(
        func.count(),
        func.count(Escalation.chat_opened_at),
        func.count(Escalation.resolved_at),
        func.count(Escalation.expired_at),
    ).where(Escalation.seller_id == seller_id)
    if since is not None:
        stmt = stmt.where(Escalation.created_at >= since)
    opened, converted, resolved, expired = (await session.execute(stmt)).one()
    awaiting = await session.scalar(
        select(func.count()).where(
            Escalation.seller_id == seller_id, Escalation.state == "awaiting_chat"
        )
    )
    return EscalationCounts(
        opened=opened,
        converted_to_chat=converted,
        resolved_in_chat=resolved,
        expired=expired,
        awaiting=awaiting or 0,
    )


async def expire_all(session: AsyncSession, now: datetime | None = None) -> int:
    """Expire every seller's overdue invitations (for the periodic sweep)."""
    now = now or utcnow()
    sellers = list(
        await session.scalars(
            select(Escalation.seller_id).where(Escalation.state.in_(OPEN_STATES)).distinct()
        )
    )
    done = 0
    for seller_id in sellers:
        figures = await sweep(session, seller_id, now=now)
        done += figures["resolved"] + figures["expired"]
    return done


__all__ = [
    "INVITATION",
    "attach_chat",
    "can_escalate",
    "continue_on_confirmed",
    "continue_on_links",
    "counts",
    "expire_all",
    "open_escalation",
    "open_for",
    "resolve",
    "sweep",
]
