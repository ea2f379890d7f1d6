"""SLA figures straight from the interactions table: a start for analytics."""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import and_, case, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.interactions.schemas import SlaMetrics
from agentiq.kit.time import ensure_utc, utcnow
from agentiq.models import Interaction

DUE_SOON = timedelta(hours=2)
MEDIAN_SAMPLE = 5000


async def sla_metrics(
    session: AsyncSession, seller_id: int, *, days: int = 30, now: datetime | None = None
) -> SlaMetrics:
    """Hit rate over items first answered in the window; overdue/due-soon right now;
    median first-response time over (at most MEDIAN_SAMPLE of) the answered items."""
    now = now or utcnow()
    since = now - timedelta(days=days)
    answered_in_window = and_(
        Interaction.seller_id == seller_id,
        Interaction.first_response_at.is_not(None),
        Interaction.first_response_at >= since,
    )
    in_time = case(
        (
            and_(
                Interaction.sla_due_at.is_not(None),
                Interaction.first_response_at <= Interaction.sla_due_at,
            ),
            1,
        ),
        else_=0,
    )
    per_channel = await session.execute(
        select(Interaction.channel, func.count(), func.sum(in_time))
        .where(answered_in_window)
        .group_by(Interaction.channel)
    )
    open_due = and_(
        Interaction.seller_id == seller_id,
        Interaction.needs_response == true(),
        Interaction.sla_due_at.is_not(None),
    )
    overdue_q = select(func.count()).where(open_due, Interaction.sla_due_at < now)
    soon_q = select(func.count()).where(
        open_due, Interaction.sla_due_at >= now, Interaction.sla_due_at < now + DUE_SOON
    )
    overdue = int(await session.scalar(overdue_q) or 0)
    due_soon = int(await session.scalar(soon_q) or 0)
    pairs = await session.execute(
        select(Interaction.occurred_at, Interaction.first_response_at)
        .where(answered_in_window)
        .order_by(Interaction.first_response_at.desc())
        .limit(MEDIAN_SAMPLE)
    )
    minutes = [
        (ensure_utc(answered) - ensure_utc(occurred)).total_seconds() / 60
        for occurred, answered in pairs
        if answered is not None
    ]
    by_channel: dict[str, dict[str, Any]] = {}
    answered_total = in_time_total = 0
    for channel, count, hits in per_channel:
        hits = int(hits or 0)
        answered_total += count
        in_time_total += hits
        by_channel[channel] = {
            "answered": count,
            "answered_in_time": hits,
            "sla_hit_rate": round(hits / count, 4) if count else None,
        }
    return SlaMetrics(
        window_days=days,
        answered=answered_total,
        answered_in_time=in_time_total,
        sla_hit_rate=round(in_time_total / answered_total, 4) if answered_total else None,
        overdue_now=overdue,
        due_soon=due_soon,
        median_first_response_minutes=round(median(minutes), 1) if minutes else None,
        by_channel=by_channel,
    )
