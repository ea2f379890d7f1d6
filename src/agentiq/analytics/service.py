"""KPIs of communication (plan §13.3) from the daily roll-up, each with its source.

Definitions (all over the chosen period, compared with the previous period of equal length):
- answered share: items received in the period that have been answered / items received;
- first response median / p90: nearest-rank percentiles of the response-time histogram
  (exact to the minute for the first hour, then to its bucket's upper edge);
- SLA hit rate: first answers on time / first answers with a deadline;
- throughput: operator answers (auto-answers excluded) per operator-hour and operator-day
  that had at least one answer;
- time to close: median minutes from receipt to an operator's «Закрыть»;
- repeat-issue rate: complaints (a review's complaint signal) that repeat an earlier one of the
  same topic on the same product in the period / all such complaints;
- linking precision: confirmed / (confirmed + rejected) links, when the linking module has
  recorded any.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.analytics.facts import (
    ANSWERED,
    BUCKET_EDGES,
    CLOSED,
    COMPLAINT,
    ESCALATION_OPENED,
    ESCALATION_RESOLVED,
    FIRST_RESPONSE,
    LINK_CONFIRMED,
    LINK_REJECTED,
    RECEIVED,
    REPLY_SENT,
    SLA,
)
from agentiq.analytics.repository import AnalyticsRepository, Row, Scope
from agentiq.analytics.schemas import (
    Communication,
    Complaint,
    HistogramBin,
    Kpi,
    MoneyEstimate,
    Period,
    QualityDay,
    QualitySection,
    RatingCount,
    Unit,
    VolumeDay,
)
from agentiq.cabinets.repository import CabinetRepository
from agentiq.kit.errors import ValidationFailed
from agentiq.kit.time import utcnow
from agentiq.models import MetricDaily
from agentiq.triage.rules import SIGNAL_PHRASES

CHANNELS = ("review", "question", "chat")
MAX_DAYS = 366
TOP_COMPLAINTS = 10
# Histogram bars shown on the chart (minutes, upper edges); the fine buckets are merged.
HISTOGRAM_BARS: tuple[tuple[float | None, str], ...] = (
    (15, "до 15 мин"),
    (60, "15–60 мин"),
    (240, "1–4 ч"),
    (1440, "4–24 ч"),
    (4320, "1–3 дня"),
    (None, "дольше 3 дней"),
)


def source_label(sources: Iterable[str]) -> str | None:
    found = set(sources)
    if not found:
        return None
    return found.pop() if len(found) == 1 else "mixed"


def make_scope(
    days: int | None,
    date_from: date | None,
    date_to: date | None,
    *,
    cabinet_id: int | None = None,
    channel: str | None = None,
    today: date | None = None,
) -> Scope:
    today = today or utcnow().date()
    if date_from is not None or date_to is not None:
        if date_from is None or date_to is None:
            message = "Укажите обе даты периода"
            raise ValidationFailed(message, details={"date_from": message})
        if date_to < date_from:
            message = "Дата конца раньше даты начала"
            raise ValidationFailed(message, details={"date_to": message})
        if (date_to - date_from).days + 1 > MAX_DAYS:
            message = f"Период не длиннее {MAX_DAYS} дней"
            raise ValidationFailed(message, details={"date_from": message})
        start, end = date_from, date_to
    else:
        length = days or 30
        if not 1 <= length <= MAX_DAYS:
            message = f"Период — от 1 до {MAX_DAYS} дней"
            raise ValidationFailed(message, details={"days": message})
        end = today
        start = today - timedelta(days=length - 1)
    if channel is not None and channel not in CHANNELS:
        message = "Неизвестный канал"
        raise ValidationFailed(message, details={"channel": message})
    length = (end - start).days + 1
    return Scope(start, end, start - timedelta(days=length), cabinet_id, channel)


def kpi(
    value: float | None,
    previous: float | None,
    unit: Unit,
    sources: Iterable[str],
    note: str | None = None,
) -> Kpi:
    change = None if value is None or previous is None else round(value - previous, 4)
    pct = None
    if value is not None and previous is not None and previous != 0:
        pct = round((value - previous) / previous, 4)
    return Kpi(
        value=None if value is None else round(value, 4),
        previous=None if previous is None else round(previous, 4),
        change=change,
        change_pct=pct,
        unit=unit,
        source=source_label(sources),
        note=note,
    )


def percentile(histogram: dict[int, int], q: float) -> float | None:
    """Nearest-rank percentile over bucket counts, as the bucket's upper edge in minutes."""
    n = sum(histogram.values())
    if n == 0:
        return None
    rank = max(1, math.ceil(q * n))
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return float(BUCKET_EDGES[min(bucket, len(BUCKET_EDGES) - 1)])
    return None


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


class _Split:
    """Rows split by period, with helpers to sum them under a condition."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows

    def pick(self, current: bool, **match: object) -> list[Row]:
        return [r for r in self.rows if r.current is current and _matches(r, match)]

    def count(self, current: bool, **match: object) -> int:
        return sum(r.count for r in self.pick(current, **match))

    def sources(self, **match: object) -> set[str]:
        return {r.source for r in self.rows if r.current and _matches(r, match) and r.count}


def _matches(row: Row, match: dict[str, object]) -> bool:
    keys = row.key
    return all(keys[int(str(k)[1:])] == v for k, v in match.items())


async def communication(
    session: AsyncSession, seller_id: int, scope: Scope, *, today: date | None = None
) -> Communication:
    if scope.cabinet_id is not None:
        await CabinetRepository(session, seller_id).get(scope.cabinet_id)  # 404 if not theirs
    repo = AnalyticsRepository(session, seller_id)
    # key positions: k0 = metric, k1 = channel, k2 = outcome
    main = _Split(await repo.aggregate(scope, _MAIN_METRICS, ("metric", "channel", "outcome")))
    durations = _Split(
        await repo.aggregate(scope, (FIRST_RESPONSE, CLOSED), ("metric", "channel", "bucket"))
    )
    operators = await repo.aggregate(
        scope,
        (REPLY_SENT,),
        ("user_id", "day", "bucket"),
        where=(MetricDaily.outcome != "auto", MetricDaily.user_id != 0),
    )
    channels = [scope.channel] if scope.channel else list(CHANNELS)
    by_channel = {ch: _channel_kpis(main, durations, ch) for ch in channels}
    kpis = _channel_kpis(main, durations, None)
    kpis.update(_throughput(operators))
    complaint_rows = await _complaint_rows(repo, scope)
    kpis.update(_complaint_kpis(complaint_rows))
    confirmed_now = main.count(True, k0=LINK_CONFIRMED)
    rejected_now = main.count(True, k0=LINK_REJECTED)
    confirmed_before = main.count(False, k0=LINK_CONFIRMED)
    rejected_before = main.count(False, k0=LINK_REJECTED)
    kpis["linking_precision"] = kpi(
        _ratio(confirmed_now, confirmed_now + rejected_now),
        _ratio(confirmed_before, confirmed_before + rejected_before),
        "share",
        main.sources(k0=LINK_CONFIRMED) | main.sources(k0=LINK_REJECTED),
        note=None if confirmed_now + rejected_now else "связей ещё никто не проверял",
    )
    for name, metric in (
        ("escalations_opened", ESCALATION_OPENED),
        ("escalations_resolved", ESCALATION_RESOLVED),
    ):
        kpis[name] = kpi(
            main.count(True, k0=metric),
            main.count(False, k0=metric),
            "count",
            main.sources(k0=metric),
        )
    volume, volume_source = await _volume(repo, scope)
    histogram = _histogram(durations)
    ratings, ratings_source = await _ratings(repo, scope)
    complaints, complaints_source = await _top_complaints(repo, complaint_rows)
    quality = await _quality(repo, scope, main)
    all_sources = {r.source for r in main.rows if r.current and r.count}
    return Communication(
        period=Period(
            date_from=scope.start,
            date_to=scope.end,
            days=(scope.end - scope.start).days + 1,
            previous_from=scope.previous_start,
            previous_to=scope.start - timedelta(days=1),
        ),
        cabinet_id=scope.cabinet_id,
        channel=scope.channel,
        source=source_label(all_sources),
        kpis=kpis,
        by_channel=by_channel,
        quality=quality,
        volume=volume,
        volume_source=volume_source,
        response_histogram=histogram,
        response_histogram_source=source_label(durations.sources(k0=FIRST_RESPONSE)),
        ratings=ratings,
        ratings_source=ratings_source,
        top_complaints=complaints,
        top_complaints_source=complaints_source,
        money=MoneyEstimate(
            available=False,
            reason="Нет данных о продажах и конверсии карточек: оценка денег не считается.",
        ),
    )


_MAIN_METRICS = (
    RECEIVED,
    ANSWERED,
    SLA,
    REPLY_SENT,
    LINK_CONFIRMED,
    LINK_REJECTED,
    ESCALATION_OPENED,
    ESCALATION_RESOLVED,
)


def _channel_kpis(main: _Split, durations: _Split, channel: str | None) -> dict[str, Kpi]:
    ch = {} if channel is None else {"k1": channel}
    out: dict[str, Kpi] = {}
    received = [main.count(c, k0=RECEIVED, **ch) for c in (True, False)]
    answered = [main.count(c, k0=ANSWERED, **ch) for c in (True, False)]
    out["received"] = kpi(received[0], received[1], "count", main.sources(k0=RECEIVED, **ch))
    out["answered_share"] = kpi(
        _ratio(answered[0], received[0]),
        _ratio(answered[1], received[1]),
        "share",
        main.sources(k0=ANSWERED, **ch) | main.sources(k0=RECEIVED, **ch),
    )
    met = [main.count(c, k0=SLA, k2="met", **ch) for c in (True, False)]
    missed = [main.count(c, k0=SLA, k2="missed", **ch) for c in (True, False)]
    out["sla_hit_rate"] = kpi(
        _ratio(met[0], met[0] + missed[0]),
        _ratio(met[1], met[1] + missed[1]),
        "share",
        main.sources(k0=SLA, **ch),
    )
    for metric, names in (
        (FIRST_RESPONSE, (("first_response_median", 0.5), ("first_response_p90", 0.9))),
        (CLOSED, (("time_to_close_median", 0.5),)),
    ):
        hist = [_hist(durations, c, metric, channel) for c in (True, False)]
        for name, q in names:
            out[name] = kpi(
                percentile(hist[0], q),
                percentile(hist[1], q),
                "minutes",
                durations.sources(k0=metric, **ch),
            )
    return out


def _hist(durations: _Split, current: bool, metric: str, channel: str | None) -> dict[int, int]:
    hist: dict[int, int] = defaultdict(int)
    match: dict[str, object] = {"k0": metric}
    if channel is not None:
        match["k1"] = channel
    for row in durations.pick(current, **match):
        hist[int(row.key[2])] += row.count
    return hist


def _throughput(rows: list[Row]) -> dict[str, Kpi]:
    out: dict[str, Kpi] = {}
    figures = []
    for current in (True, False):
        picked = [r for r in rows if r.current is current]
        answers = sum(r.count for r in picked)
        hours = len({(r.key[0], r.key[1], r.key[2]) for r in picked})
        days = len({(r.key[0], r.key[1]) for r in picked})
        figures.append((_ratio(answers, hours), _ratio(answers, days)))
    sources = {r.source for r in rows if r.current}
    out["throughput_per_operator_hour"] = kpi(
        figures[0][0], figures[1][0], "per_operator_hour", sources
    )
    out["throughput_per_operator_day"] = kpi(
        figures[0][1], figures[1][1], "per_operator_day", sources
    )
    return out


async def _complaint_rows(repo: AnalyticsRepository, scope: Scope) -> list[Row]:
    return await repo.aggregate(scope, (COMPLAINT,), ("nm_id", "intent"))


def _complaint_kpis(rows: list[Row]) -> dict[str, Kpi]:
    rates = []
    for current in (True, False):
        groups: dict[tuple[object, ...], int] = defaultdict(int)
        for r in rows:
            if r.current is current:
                groups[r.key] += r.count
        total = sum(groups.values())
        rates.append(_ratio(total - len(groups), total))
    return {
        "repeat_issue_rate": kpi(rates[0], rates[1], "share", {r.source for r in rows if r.current})
    }


async def _volume(repo: AnalyticsRepository, scope: Scope) -> tuple[list[VolumeDay], str | None]:
    rows = await repo.aggregate(scope, (RECEIVED,), ("day", "channel"), current_only=True)
    per_day: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(CHANNELS, 0))
    for r in rows:
        per_day[r.key[0]][r.key[1]] += r.count
    days = [scope.start + timedelta(days=i) for i in range((scope.end - scope.start).days + 1)]
    volume = [VolumeDay(day=d, **per_day.get(d, dict.fromkeys(CHANNELS, 0))) for d in days]
    return volume, source_label(r.source for r in rows if r.count)


def _histogram(durations: _Split) -> list[HistogramBin]:
    bars = [dict.fromkeys(CHANNELS, 0) for _ in HISTOGRAM_BARS]
    for row in durations.pick(True, k0=FIRST_RESPONSE):
        bucket = int(row.key[2])
        upper = BUCKET_EDGES[bucket] if bucket < len(BUCKET_EDGES) else math.inf
        index = next(
            i for i, (edge, _) in enumerate(HISTOGRAM_BARS) if edge is None or upper <= edge
        )
        bars[index][row.key[1]] += row.count
    return [
        HistogramBin(label=label, upper_minutes=edge, **bars[i])
        for i, (edge, label) in enumerate(HISTOGRAM_BARS)
    ]


async def _ratings(repo: AnalyticsRepository, scope: Scope) -> tuple[list[RatingCount], str | None]:
    rows = await repo.aggregate(
        scope,
        (RECEIVED,),
        ("rating",),
        where=(MetricDaily.channel == "review", MetricDaily.rating != 0),
        current_only=True,
    )
    counts = dict.fromkeys(range(1, 6), 0)
    for r in rows:
        counts[int(r.key[0])] = counts.get(int(r.key[0]), 0) + r.count
    return [RatingCount(rating=k, count=v) for k, v in counts.items()], source_label(
        r.source for r in rows if r.count
    )


TOPIC_LABELS = dict(SIGNAL_PHRASES)


async def _top_complaints(
    repo: AnalyticsRepository, complaint_rows: list[Row]
) -> tuple[list[Complaint], str | None]:
    rows = [r for r in complaint_rows if r.current]
    groups: dict[tuple[int, str], int] = defaultdict(int)
    for r in rows:
        groups[(int(r.key[0]), str(r.key[1]))] += r.count
    top = sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_COMPLAINTS]
    names = await repo.product_names([nm for (nm, _), _ in top])
    return [
        Complaint(
            nm_id=nm,
            product=names.get(nm) or f"Артикул {nm}",
            topic=topic,
            topic_label=TOPIC_LABELS.get(topic, "другая жалоба"),
            count=count,
        )
        for (nm, topic), count in top
    ], source_label(r.source for r in rows if r.count)


async def _quality(repo: AnalyticsRepository, scope: Scope, main: _Split) -> QualitySection:
    shares: dict[str, Kpi] = {}
    human = [
        sum(main.count(c, k0=REPLY_SENT, k2=o) for o in ("accepted", "edited", "manual"))
        for c in (True, False)
    ]
    for outcome in ("accepted", "edited", "manual"):
        shares[outcome] = kpi(
            _ratio(main.count(True, k0=REPLY_SENT, k2=outcome), human[0]),
            _ratio(main.count(False, k0=REPLY_SENT, k2=outcome), human[1]),
            "share",
            main.sources(k0=REPLY_SENT),
        )
    auto = kpi(
        main.count(True, k0=REPLY_SENT, k2="auto"),
        main.count(False, k0=REPLY_SENT, k2="auto"),
        "count",
        main.sources(k0=REPLY_SENT, k2="auto"),
    )
    rows = await repo.aggregate(scope, (REPLY_SENT,), ("day", "outcome"), current_only=True)
    per_day: dict[date, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(("accepted", "edited", "manual", "auto"), 0)
    )
    for r in rows:
        per_day[r.key[0]][r.key[1]] = per_day[r.key[0]].get(r.key[1], 0) + r.count
    days = [scope.start + timedelta(days=i) for i in range((scope.end - scope.start).days + 1)]
    history = [
        QualityDay(
            day=d, **per_day.get(d, dict.fromkeys(("accepted", "edited", "manual", "auto"), 0))
        )
        for d in days
    ]
    return QualitySection(
        source=source_label(main.sources(k0=REPLY_SENT)),
        accepted=shares["accepted"],
        edited=shares["edited"],
        manual=shares["manual"],
        auto_answers=auto,
        history=history,
    )
