"""Ops alerts: what is wrong now, computed by a scheduled job, kept as one row per situation.

`evaluate` looks at the seller's queue, replies, syncs and drafts; `apply` opens a new alert
for a new situation (to be delivered once), refreshes a continuing one, and resolves alerts
whose situation is over. People acknowledge or resolve alerts in the feed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.analytics.alert_settings import AlertThresholds
from agentiq.analytics.facts import REPLY_SENT
from agentiq.drafting.drafter import llm_failure_ru
from agentiq.kit.errors import Conflict, NotFound
from agentiq.kit.time import ensure_utc, utcnow
from agentiq.models import (
    Interaction,
    InteractionEvent,
    MarketplaceConnection,
    MetricDaily,
    OpsAlert,
    ReplyOutbox,
    SyncRun,
)

DUE_SOON = timedelta(hours=2)
RUNS_LOOKED_AT = 200
CHANNEL_TITLES = {"review": "отзывы", "question": "вопросы", "chat": "чаты"}
KINDS = {
    "sla_overdue": "Просроченные ответы",
    "sla_due_soon": "Скоро срок ответа",
    "manual_rate": "Черновики стали править чаще",
    "sync_stale": "Синхронизация давно не проходила",
    "sync_errors": "Синхронизация с ошибками",
    "sync_rate_limited": "WB ограничивает частоту запросов",
    "sync_zero": "Синхронизация ничего не получает",
    "dispatch_failed": "Ответы не дошли до WB",
    "llm_failing": "AI-ассистент не отвечает",
}


@dataclass
class Situation:
    kind: str
    key: str
    severity: str  # critical | warning
    title: str
    detail: str
    action: str
    link: str = ""
    figures: dict[str, Any] = field(default_factory=dict)


async def _queue(
    session: AsyncSession, seller_id: int, t: AlertThresholds, now: datetime
) -> list[Situation]:
    waiting = and_(
        Interaction.seller_id == seller_id,
        Interaction.needs_response == true(),
        Interaction.sla_due_at.is_not(None),
    )
    overdue = int(
        await session.scalar(select(func.count()).where(waiting, Interaction.sla_due_at < now)) or 0
    )
    soon = int(
        await session.scalar(
            select(func.count()).where(
                waiting, Interaction.sla_due_at >= now, Interaction.sla_due_at < now + DUE_SOON
            )
        )
        or 0
    )
    found = []
    if overdue >= t.overdue_items:
        found.append(
            Situation(
                "sla_overdue",
                "sla_overdue",
                "critical",
                f"Просрочено сообщений: {overdue}",
                "Срок ответа уже прошёл: покупатели ждут.",
                "Откройте очередь «Без ответа» и ответьте на просроченные первыми.",
                "/inbox?queue=unanswered",
                {"overdue": overdue},
            )
        )
    if soon >= t.due_soon_items:
        found.append(
            Situation(
                "sla_due_soon",
                "sla_due_soon",
                "warning",
                f"Срок ответа в ближайшие 2 часа: {soon}",
                "Эти сообщения скоро станут просроченными.",
                "Распределите их между операторами.",
                "/inbox?queue=unanswered",
                {"due_soon": soon},
            )
        )
    return found


async def _manual_rate(
    session: AsyncSession, seller_id: int, t: AlertThresholds, now: datetime
) -> list[Situation]:
    """Share of operator replies not sent as drafted (edited or written by hand), this week
    against last week — both weeks need the minimum volume."""
    today = now.date()
    start = today - timedelta(days=13)
    split = today - timedelta(days=6)
    rows = await session.execute(
        select(MetricDaily.day, MetricDaily.outcome, func.sum(MetricDaily.count))
        .where(
            MetricDaily.seller_id == seller_id,
            MetricDaily.metric == REPLY_SENT,
            MetricDaily.day >= start,
            MetricDaily.outcome.in_(("accepted", "edited", "manual")),
        )
        .group_by(MetricDaily.day, MetricDaily.outcome)
    )
    weeks: dict[bool, dict[str, int]] = {True: defaultdict(int), False: defaultdict(int)}
    for day, outcome, count in rows:
        weeks[day >= split][outcome] += int(count)
    rates = {}
    for current, counts in weeks.items():
        total = sum(counts.values())
        if total < t.manual_rate_min_replies:
            return []
        rates[current] = (counts["edited"] + counts["manual"]) / total
    rise = (rates[True] - rates[False]) * 100
    if rise < t.manual_rate_rise_points:
        return []
    return [
        Situation(
            "manual_rate",
            "manual_rate",
            "warning",
            f"Черновики правят или пишут заново чаще: {rates[True]:.0%} против {rates[False]:.0%}",
            "За неделю доля ответов, отправленных не так, как предложил AI, "
            f"выросла на {rise:.0f} п.п.",
            "Посмотрите, что операторы меняют в черновиках, и поправьте настройки AI-ассистента.",
            "/analytics",
            {"this_week": round(rates[True], 4), "last_week": round(rates[False], 4)},
        )
    ]


async def _sync(
    session: AsyncSession, seller_id: int, t: AlertThresholds, now: datetime
) -> list[Situation]:
    found: list[Situation] = []
    cabinets = (
        await session.scalars(
            select(MarketplaceConnection).where(MarketplaceConnection.seller_id == seller_id)
        )
    ).all()
    for cab in cabinets:
        runs = (
            await session.scalars(
                select(SyncRun)
                .where(SyncRun.seller_id == seller_id, SyncRun.connection_id == cab.id)
                .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
                .limit(RUNS_LOOKED_AT)
            )
        ).all()
        by_channel: dict[str, list[SyncRun]] = defaultdict(list)
        for run in runs:
            by_channel[run.channel].append(run)
        for channel, history in by_channel.items():
            found += _channel_health(cab, channel, history, t, now)
        if not runs and ensure_utc(cab.created_at) < now - timedelta(minutes=t.stale_sync_minutes):
            found.append(_stale(cab, "all", None, t))
    return found


def _stale(
    cab: MarketplaceConnection, channel: str, last_ok: datetime | None, t: AlertThresholds
) -> Situation:
    where = f"кабинет «{cab.name}»" + (
        f", {CHANNEL_TITLES.get(channel, channel)}" if channel != "all" else ""
    )
    since = f"последняя успешная — {last_ok:%d.%m %H:%M} UTC" if last_ok else "успешных ещё не было"
    return Situation(
        "sync_stale",
        f"sync_stale:{cab.id}:{channel}",
        "critical",
        f"Нет свежих данных из WB: {where}",
        f"Больше {t.stale_sync_minutes} мин без успешной синхронизации ({since}).",
        "Проверьте токен и статус кабинета в Настройках → Подключения.",
        "/settings/connections",
        {"cabinet_id": cab.id, "channel": channel},
    )


def _channel_health(
    cab: MarketplaceConnection, channel: str, runs: list[SyncRun], t: AlertThresholds, now: datetime
) -> list[Situation]:
    found = []
    where = f"кабинет «{cab.name}», {CHANNEL_TITLES.get(channel, channel)}"
    finished = [r for r in runs if r.status in ("ok", "error")]
    oks = [r for r in finished if r.status == "ok"]
    last_ok = ensure_utc(oks[0].finished_at or oks[0].started_at) if oks else None
    if last_ok is None or last_ok < now - timedelta(minutes=t.stale_sync_minutes):
        oldest = ensure_utc(runs[-1].started_at)
        if last_ok is not None or oldest < now - timedelta(minutes=t.stale_sync_minutes):
            found.append(_stale(cab, channel, last_ok, t))
    window = finished[: t.sync_error_window_runs]
    errors = sum(1 for r in window if r.status == "error")
    if len(window) >= 3 and errors / len(window) >= t.sync_error_rate:
        found.append(
            Situation(
                "sync_errors",
                f"sync_errors:{cab.id}:{channel}",
                "warning",
                f"Синхронизация с ошибками: {where}",
                f"{errors} из {len(window)} последних запусков закончились ошибкой"
                + (f": {window[0].error_message}" if window[0].error_message else "."),
                "Проверьте кабинет в Настройках → Подключения; если ошибка у WB — подождите.",
                "/settings/connections",
                {"errors": errors, "runs": len(window)},
            )
        )
    recent = finished[: t.rate_limited_runs]
    limited = [r for r in recent if r.rate_limited_wait_s > 0]
    if limited:
        wait = sum(r.rate_limited_wait_s for r in limited)
        found.append(
            Situation(
                "sync_rate_limited",
                f"sync_rate_limited:{cab.id}:{channel}",
                "warning",
                f"WB ограничивает запросы: {where}",
                f"В {len(limited)} из {len(recent)} последних запусков WB просил подождать "
                f"(всего {wait:.0f} с). Данные приходят с задержкой.",
                "Не подключайте этот токен к другим сервисам одновременно; "
                "базовый токен WB даёт мало запросов — нужен токен с категориями.",
                "/settings/connections",
                {"limited_runs": len(limited), "wait_s": round(wait, 1)},
            )
        )
    zero = finished[: t.zero_fetched_runs]
    if len(zero) >= t.zero_fetched_runs and all(r.status == "ok" and r.fetched == 0 for r in zero):
        found.append(
            Situation(
                "sync_zero",
                f"sync_zero:{cab.id}:{channel}",
                "warning",
                f"Из WB ничего не приходит: {where}",
                f"{len(zero)} запусков подряд без единого нового сообщения.",
                "Проверьте, что у токена есть доступ к этой категории, и что в кабинете есть "
                "новые сообщения.",
                "/settings/connections",
                {"runs": len(zero)},
            )
        )
    return found


async def _dispatch(session: AsyncSession, seller_id: int) -> list[Situation]:
    failed = int(
        await session.scalar(
            select(func.count()).where(
                ReplyOutbox.seller_id == seller_id, ReplyOutbox.state.in_(("failed", "unknown"))
            )
        )
        or 0
    )
    if not failed:
        return []
    return [
        Situation(
            "dispatch_failed",
            "dispatch_failed",
            "critical",
            f"Ответы не дошли до WB: {failed}",
            "WB не принял ответы или не подтвердил их получение.",
            "Откройте сообщения с ошибкой отправки и нажмите «Повторить».",
            "/inbox",
            {"failed": failed},
        )
    ]


def is_model_failure(fallback_reason: object) -> bool:
    return (
        isinstance(fallback_reason, str)
        and fallback_reason != "llm_disabled"
        and not fallback_reason.startswith("guardrails:")
    )


async def _llm(
    session: AsyncSession, seller_id: int, t: AlertThresholds, now: datetime
) -> list[Situation]:
    rows = await session.scalars(
        select(InteractionEvent.payload)
        .where(
            InteractionEvent.seller_id == seller_id,
            InteractionEvent.kind == "draft_generated",
            InteractionEvent.created_at >= now - timedelta(hours=1),
        )
        .order_by(InteractionEvent.created_at.desc())
        .limit(500)
    )
    # Only the model failing counts: a seller without a model ("llm_disabled") and a model
    # draft replaced by the guardrails ("guardrails:…") are the product working as set up.
    failures = [
        str(p["fallback_reason"]).split(":", 1)
        for p in rows
        if p and is_model_failure(p.get("fallback_reason"))
    ]
    if len(failures) < t.llm_failures_per_hour:
        return []
    code, reason = failures[0] if len(failures[0]) == 2 else (failures[0][0], "")
    return [
        Situation(
            "llm_failing",
            "llm_failing",
            "warning",
            f"AI-ассистент не отвечает: {len(failures)} раз за час",
            f"Последний сбой: {llm_failure_ru(code, reason)}",
            "Проверьте адрес модели и ключ API в Настройках → AI-ассистент.",
            "/settings/ai",
            {"failures": len(failures)},
        )
    ]


async def evaluate(
    session: AsyncSession, seller_id: int, thresholds: AlertThresholds, now: datetime | None = None
) -> list[Situation]:
    now = now or utcnow()
    return [
        *await _queue(session, seller_id, thresholds, now),
        *await _manual_rate(session, seller_id, thresholds, now),
        *await _sync(session, seller_id, thresholds, now),
        *await _dispatch(session, seller_id),
        *await _llm(session, seller_id, thresholds, now),
    ]


async def apply(
    session: AsyncSession, seller_id: int, situations: list[Situation], now: datetime | None = None
) -> list[OpsAlert]:
    """Open new alerts, refresh continuing ones, resolve the ones that are over; returns the
    newly opened alerts."""
    now = now or utcnow()
    live = {
        a.key: a
        for a in (
            await session.scalars(
                select(OpsAlert).where(
                    OpsAlert.seller_id == seller_id, OpsAlert.status != "resolved"
                )
            )
        ).all()
    }
    opened = []
    for s in situations:
        alert = live.pop(s.key, None)
        if alert is None:
            alert = OpsAlert(seller_id=seller_id, kind=s.kind, key=s.key, first_seen_at=now)
            session.add(alert)
            opened.append(alert)
        alert.severity, alert.title, alert.detail = s.severity, s.title[:300], s.detail
        alert.action, alert.link, alert.figures = s.action, s.link, s.figures
        alert.last_seen_at = now
    for alert in live.values():  # the situation is over
        alert.status = "resolved"
        alert.resolved_at = now
    await session.flush()
    return opened


class AlertRepository:
    def __init__(self, session: AsyncSession, seller_id: int) -> None:
        self.session = session
        self.seller_id = seller_id

    async def get(self, alert_id: int) -> OpsAlert:
        alert = await self.session.scalar(
            select(OpsAlert).where(OpsAlert.seller_id == self.seller_id, OpsAlert.id == alert_id)
        )
        if alert is None:
            raise NotFound("Оповещение не найдено")
        return alert

    async def feed(self, *, resolved: bool, limit: int = 50) -> list[OpsAlert]:
        stmt = select(OpsAlert).where(OpsAlert.seller_id == self.seller_id)
        stmt = (
            stmt.where(OpsAlert.status == "resolved")
            if resolved
            else stmt.where(OpsAlert.status != "resolved")
        )
        order = OpsAlert.resolved_at.desc() if resolved else OpsAlert.last_seen_at.desc()
        return list(
            (
                await self.session.scalars(stmt.order_by(order, OpsAlert.id.desc()).limit(limit))
            ).all()
        )

    async def open_count(self) -> int:
        return int(
            await self.session.scalar(
                select(func.count()).where(
                    OpsAlert.seller_id == self.seller_id, OpsAlert.status == "open"
                )
            )
            or 0
        )


async def acknowledge(
    session: AsyncSession, seller_id: int, alert_id: int, user_id: int
) -> OpsAlert:
    alert = await AlertRepository(session, seller_id).get(alert_id)
    if alert.status == "resolved":
        raise Conflict("Оповещение уже закрыто", code="alert_resolved")
    alert.status = "acknowledged"
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by = user_id
    await session.flush()
    return alert


async def resolve(session: AsyncSession, seller_id: int, alert_id: int) -> OpsAlert:
    """Closed by a person; if the situation is still there, the next run opens a new alert."""
    alert = await AlertRepository(session, seller_id).get(alert_id)
    if alert.status != "resolved":
        alert.status = "resolved"
        alert.resolved_at = utcnow()
        await session.flush()
    return alert
