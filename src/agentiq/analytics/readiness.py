"""Pilot go/no-go: the plan's deterministic checks, thresholds in and out of the payload.

The decision is `go` when no blocking check fails. Every figure comes from the daily
roll-up, the sync runs and the live queue counts — nothing here is an estimate.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.analytics.facts import FIRST_RESPONSE, REPLY_SENT
from agentiq.kit.time import ensure_utc, utcnow
from agentiq.models import Interaction, MetricDaily, SyncRun

REQUIRED_CHANNELS = ("review", "question")
RECOMMENDED_CHANNELS = ("chat",)
CHANNEL_TITLES = {"review": "отзывы", "question": "вопросы", "chat": "чаты"}


class ReadinessThresholds(BaseModel):
    max_sync_age_minutes: int = Field(default=60, ge=1, le=10080)
    max_overdue: int = Field(default=0, ge=0)
    max_manual_rate: float = Field(default=0.7, ge=0, le=1)
    manual_rate_min_replies: int = Field(default=10, ge=1)
    max_regression_points: float = Field(default=15.0, ge=0, le=100)
    max_backlog: int = Field(default=200, ge=0)
    min_reply_activity: int = Field(default=1, ge=0)
    reply_activity_window_days: int = Field(default=7, ge=1, le=90)


class Check(BaseModel):
    name: str
    title: str
    status: Literal["pass", "fail", "warn"]
    blocking: bool
    value: float | int | str | None
    threshold: float | int | str | None
    detail: str


class Readiness(BaseModel):
    decision: Literal["go", "no_go"]
    checked_at: datetime
    thresholds: ReadinessThresholds
    checks: list[Check]


def _check(
    name: str, title: str, ok: bool, blocking: bool, value: object, threshold: object, detail: str
) -> Check:
    status: Literal["pass", "fail", "warn"] = "pass" if ok else ("fail" if blocking else "warn")
    return Check(
        name=name,
        title=title,
        status=status,
        blocking=blocking,
        value=value,
        threshold=threshold,
        detail=detail,
    )


async def _last_ok_by_channel(session: AsyncSession, seller_id: int) -> dict[str, datetime]:
    rows = await session.execute(
        select(SyncRun.channel, func.max(SyncRun.finished_at))
        .where(SyncRun.seller_id == seller_id, SyncRun.status == "ok")
        .group_by(SyncRun.channel)
    )
    return {channel: ensure_utc(at) for channel, at in rows if at is not None}


async def _replies(
    session: AsyncSession, seller_id: int, since: datetime, until: datetime | None = None
) -> dict[str, int]:
    criteria = [
        MetricDaily.seller_id == seller_id,
        MetricDaily.metric == REPLY_SENT,
        MetricDaily.day >= since.date(),
    ]
    if until is not None:
        criteria.append(MetricDaily.day < until.date())
    rows = await session.execute(
        select(MetricDaily.outcome, func.sum(MetricDaily.count))
        .where(*criteria)
        .group_by(MetricDaily.outcome)
    )
    return {outcome: int(n) for outcome, n in rows}


def _manual_share(counts: dict[str, int]) -> tuple[float | None, int]:
    human = sum(counts.get(k, 0) for k in ("accepted", "edited", "manual"))
    if not human:
        return None, 0
    return (counts.get("edited", 0) + counts.get("manual", 0)) / human, human


async def pilot_readiness(
    session: AsyncSession, seller_id: int, t: ReadinessThresholds, *, now: datetime | None = None
) -> Readiness:
    now = now or utcnow()
    checks: list[Check] = []
    last_ok = await _last_ok_by_channel(session, seller_id)

    fresh = {
        ch: at
        for ch, at in last_ok.items()
        if at >= now - timedelta(minutes=t.max_sync_age_minutes)
    }
    oldest = min((last_ok[ch] for ch in REQUIRED_CHANNELS if ch in last_ok), default=None)
    age = int((now - oldest).total_seconds() // 60) if oldest else None
    checks.append(
        _check(
            "sync_freshness",
            "Свежесть синхронизации",
            all(ch in fresh for ch in REQUIRED_CHANNELS),
            True,
            age,
            t.max_sync_age_minutes,
            "Минут с последней успешной синхронизации (самый отстающий обязательный канал)"
            if age is not None
            else "Успешной синхронизации отзывов и вопросов ещё не было",
        )
    )
    missing = [CHANNEL_TITLES[ch] for ch in REQUIRED_CHANNELS if ch not in last_ok]
    checks.append(
        _check(
            "channel_coverage",
            "Обязательные каналы подключены",
            not missing,
            True,
            len(REQUIRED_CHANNELS) - len(missing),
            len(REQUIRED_CHANNELS),
            "Отзывы и вопросы синхронизируются"
            if not missing
            else "Нет данных: " + ", ".join(missing),
        )
    )
    chat_ok = all(ch in last_ok for ch in RECOMMENDED_CHANNELS)
    checks.append(
        _check(
            "chat_coverage",
            "Чаты подключены (рекомендуется)",
            chat_ok,
            False,
            int(chat_ok),
            1,
            "Чаты синхронизируются" if chat_ok else "Чаты ещё не синхронизировались",
        )
    )

    waiting = and_(Interaction.seller_id == seller_id, Interaction.needs_response == true())
    overdue = int(
        await session.scalar(
            select(func.count()).where(
                waiting, Interaction.sla_due_at.is_not(None), Interaction.sla_due_at < now
            )
        )
        or 0
    )
    checks.append(
        _check(
            "sla_overdue",
            "Просроченные ответы",
            overdue <= t.max_overdue,
            True,
            overdue,
            t.max_overdue,
            "Сообщений с прошедшим сроком ответа сейчас",
        )
    )
    backlog = int(await session.scalar(select(func.count()).where(waiting)) or 0)
    checks.append(
        _check(
            "backlog",
            "Очередь без ответа",
            backlog <= t.max_backlog,
            True,
            backlog,
            t.max_backlog,
            "Сообщений, ждущих ответа, сейчас",
        )
    )

    this_week = await _replies(session, seller_id, now - timedelta(days=6))
    last_week = await _replies(
        session, seller_id, now - timedelta(days=13), now - timedelta(days=6)
    )
    share, human = _manual_share(this_week)
    enough = human >= t.manual_rate_min_replies
    checks.append(
        _check(
            "manual_rate",
            "Доля правленых и ручных ответов",
            not enough or share is None or share <= t.max_manual_rate,
            True,
            None if share is None else round(share, 4),
            t.max_manual_rate,
            f"За 7 дней, ответов операторов: {human}"
            + ("" if enough else f" — меньше {t.manual_rate_min_replies}, проверка не применяется"),
        )
    )
    before, human_before = _manual_share(last_week)
    rise = None if share is None or before is None else round((share - before) * 100, 1)
    comparable = enough and human_before >= t.manual_rate_min_replies
    checks.append(
        _check(
            "quality_regression",
            "Регрессия качества за неделю",
            not comparable or rise is None or rise <= t.max_regression_points,
            True,
            rise,
            t.max_regression_points,
            "Рост доли правленых черновиков, п.п., к прошлой неделе"
            + ("" if comparable else " — мало ответов для сравнения"),
        )
    )

    since = now - timedelta(days=t.reply_activity_window_days - 1)
    ours = sum((await _replies(session, seller_id, since)).values())
    wb_seen = int(
        await session.scalar(
            select(func.coalesce(func.sum(MetricDaily.count), 0)).where(
                MetricDaily.seller_id == seller_id,
                MetricDaily.metric == FIRST_RESPONSE,
                MetricDaily.day >= since.date(),
            )
        )
        or 0
    )
    checks.append(
        _check(
            "reply_activity",
            "Ответы отправляются",
            ours >= t.min_reply_activity,
            True,
            ours,
            t.min_reply_activity,
            f"Ответов из AgentIQ за {t.reply_activity_window_days} дн.; первых ответов, "
            f"замеченных в WB за то же время: {wb_seen}",
        )
    )
    decision: Literal["go", "no_go"] = (
        "no_go" if any(c.blocking and c.status == "fail" for c in checks) else "go"
    )
    return Readiness(decision=decision, checked_at=now, thresholds=t, checks=checks)
