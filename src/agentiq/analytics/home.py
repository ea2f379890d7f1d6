"""Главная: the set-up checklist, today's figures, what needs attention now, open alerts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.analytics import service
from agentiq.analytics.schemas import Kpi
from agentiq.kit.time import utcnow
from agentiq.models import (
    Interaction,
    MarketplaceConnection,
    OpsAlert,
    ReplyOutbox,
    RuntimeSetting,
)
from agentiq.settings.service import AI_KEY, AI_NAMESPACE

DUE_SOON = timedelta(hours=2)
ATTENTION_LIMIT = 8
SLA_GOAL = 0.9


@dataclass
class Step:
    title: str
    hint: str
    done: bool
    href: str


@dataclass
class AttentionItem:
    id: int
    channel: str
    who: str
    text: str
    due_at: datetime
    overdue: bool
    minutes: int  # past due (overdue) or left (due soon)


@dataclass
class Home:
    steps: list[Step]
    unanswered: int
    urgent: int
    overdue: int
    sla: Kpi
    sla_goal: float
    attention: list[AttentionItem]
    alerts: list[OpsAlert] = field(default_factory=list)

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.steps if s.done)


async def _exists(session: AsyncSession, stmt: Select[Any]) -> bool:
    return bool(await session.scalar(select(exists(stmt))))


async def checklist(session: AsyncSession, seller_id: int) -> list[Step]:
    connected = await _exists(
        session,
        select(MarketplaceConnection.id).where(MarketplaceConnection.seller_id == seller_id),
    )
    ai_set = await _exists(
        session,
        select(RuntimeSetting.id).where(
            RuntimeSetting.seller_id == seller_id,
            RuntimeSetting.namespace == AI_NAMESPACE,
            RuntimeSetting.key == AI_KEY,
        ),
    )
    answered = await _exists(
        session, select(ReplyOutbox.id).where(ReplyOutbox.seller_id == seller_id)
    )
    return [
        Step("Подключить Wildberries", "Добавьте API-ключ кабинета", connected, "/onboarding"),
        Step(
            "Настроить AI-ассистента",
            "Выберите тон ответов и правила авто-ответов",
            ai_set,
            "/settings/ai",
        ),
        Step(
            "Ответить на первое сообщение",
            "Используйте подсказку AI или напишите свой ответ",
            answered,
            "/inbox",
        ),
    ]


async def attention(
    session: AsyncSession, seller_id: int, now: datetime
) -> tuple[list[AttentionItem], int]:
    """Overdue and due-soon items waiting for an answer, most overdue first (queue index)."""
    waiting = and_(
        Interaction.seller_id == seller_id,
        Interaction.needs_response == true(),
        Interaction.sla_due_at.is_not(None),
    )
    overdue = int(
        await session.scalar(select(func.count()).where(waiting, Interaction.sla_due_at < now)) or 0
    )
    rows = await session.scalars(
        select(Interaction)
        .where(waiting, Interaction.sla_due_at < now + DUE_SOON)
        .order_by(Interaction.sla_due_at, Interaction.id)
        .limit(ATTENTION_LIMIT)
    )
    items = []
    for row in rows:
        due = row.sla_due_at
        assert due is not None
        late = due < now
        items.append(
            AttentionItem(
                id=row.id,
                channel=row.channel,
                who=row.buyer_name or "Покупатель",
                text=(row.text or row.cons or row.pros or "")[:140],
                due_at=due,
                overdue=late,
                minutes=int(abs((now - due).total_seconds()) // 60),
            )
        )
    return items, overdue


async def home(session: AsyncSession, seller_id: int, *, now: datetime | None = None) -> Home:
    now = now or utcnow()
    queue = and_(Interaction.seller_id == seller_id, Interaction.needs_response == true())
    unanswered = int(await session.scalar(select(func.count()).where(queue)) or 0)
    urgent = int(
        await session.scalar(select(func.count()).where(queue, Interaction.priority == "urgent"))
        or 0
    )
    items, overdue = await attention(session, seller_id, now)
    figures = await service.communication(
        session, seller_id, service.make_scope(30, None, None, today=now.date())
    )
    alerts = (
        await session.scalars(
            select(OpsAlert)
            .where(OpsAlert.seller_id == seller_id, OpsAlert.status != "resolved")
            .order_by(OpsAlert.last_seen_at.desc())
            .limit(5)
        )
    ).all()
    return Home(
        steps=await checklist(session, seller_id),
        unanswered=unanswered,
        urgent=urgent,
        overdue=overdue,
        sla=figures.kpis["sla_hit_rate"],
        sla_goal=SLA_GOAL,
        attention=items,
        alerts=list(alerts),
    )
