"""DB side of triage: the seller's SLA rules and switches, and the escalation sweep.

The rules themselves are pure (`engine.triage`); this module feeds them the seller's rows.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.eventstream.service import COUNTS_CHANGED, publish_after_commit
from agentiq.kit.errors import ValidationFailed
from agentiq.kit.time import utcnow
from agentiq.models import SlaRule as SlaRuleRow
from agentiq.runtime import Runtime
from agentiq.triage import rules
from agentiq.triage.needs_response import (
    CHAT_THANKS_ONLY,
    CHAT_WAITING,
    REVIEW_WAITING,
    empty_review_quiet_reason,
    is_quiet_rating,
)
from agentiq.triage.repository import (
    PREVIOUS_LEVEL,
    OpenItemDeadlines,
    OpenItemNeeds,
    QuietedItem,
    SlaGroup,
    SlaRuleRepository,
    escalate_overdue,
    insert_events,
    save_triage_switches,
    triage_switches,
)
from agentiq.triage.schemas import TriageSettings, TriageSettingsUpdate
from agentiq.triage.sla import DEFAULT_SLA_RULES, SlaRule, resolve_sla_target

log = logging.getLogger(__name__)


async def load_sla_rules(session: AsyncSession, seller_id: int) -> list[SlaRule]:
    """The seller's own rules (empty: the defaults of triage/sla.py apply)."""
    rows = await SlaRuleRepository(session, seller_id).all()
    rules = []
    for row in rows:
        try:
            rules.append(
                SlaRule(
                    channel=row.channel,
                    minutes=row.target_minutes,
                    intent=row.intent,
                    rating_min=row.rating_min,
                    rating_max=row.rating_max,
                )
            )
        except ValueError:  # a hand-edited row that no longer validates is ignored, not fatal
            log.warning("ignoring invalid SLA rule %s of seller %s", row.id, seller_id)
    return rules


async def effective_sla_rules(session: AsyncSession, seller_id: int) -> tuple[list[SlaRule], bool]:
    """(rules shown to the owner, whether they are the seller's own)."""
    own = await load_sla_rules(session, seller_id)
    return (own, True) if own else (list(DEFAULT_SLA_RULES), False)


@dataclass(frozen=True)
class SlaRulesChange:
    """What saving the rules did to the seller's open items."""

    rules: list[SlaRule]
    # Open items whose deadline moved to the new target.
    rescheduled: int = 0
    # Escalations undone because the new deadline has not passed yet.
    deescalated: int = 0
    # Open items already overdue under the new rules, escalated right away.
    escalated: int = 0


async def replace_sla_rules(
    session: AsyncSession,
    seller_id: int,
    rules: list[SlaRule],
    *,
    now: datetime | None = None,
    runtime: Runtime | None = None,
) -> SlaRulesChange:
    """Store the seller's rules (empty: the defaults) and move the deadlines of their open
    items to the new targets, in the caller's transaction."""
    rows = [
        SlaRuleRow(
            channel=r.channel,
            intent=r.intent,
            rating_min=r.rating_min,
            rating_max=r.rating_max,
            target_minutes=r.minutes,
        )
        for r in rules
    ]
    await SlaRuleRepository(session, seller_id).replace(rows)
    change = await reschedule_open_items(session, seller_id, rules, now=now)
    if change.rescheduled or change.deescalated or change.escalated:
        publish_after_commit(session, runtime, seller_id, COUNTS_CHANGED)
    return change


async def reschedule_open_items(
    session: AsyncSession,
    seller_id: int,
    seller_rules: Sequence[SlaRule],
    *,
    now: datetime | None = None,
) -> SlaRulesChange:
    """Recompute `sla_due_at` and the stored target of the items that still need an answer.

    Answered and closed items keep the deadline they were measured against. The target of
    an item depends only on (channel, intent, rating), so the distinct groups are resolved
    here with the same `resolve_sla_target` ingestion uses, and each target is one UPDATE.

    Escalation follows the deadline, as at ingestion (an escalation stands only while the
    deadline it was about stands):
    - still overdue under the new deadline: the escalation is kept — the item is late
      either way, and escalating it again would raise it twice and record it twice;
    - no longer overdue: the escalation is undone (`escalated_at` cleared, the level it had
      before restored, a "deescalated" event recorded), so the sweep escalates it once more
      if the new deadline passes too;
    - newly overdue: escalated now by the usual sweep, scoped to this seller, rather than
      up to five minutes later.
    """
    now = now or utcnow()
    repo = OpenItemDeadlines(session, seller_id)
    by_target: dict[tuple[int, str], list[SlaGroup]] = {}
    for group in await repo.groups():
        channel, intent, rating = group
        if channel not in ("review", "question", "chat"):
            continue  # not a channel SLA applies to; left as stored
        target = resolve_sla_target(
            channel, intent=intent, rating=rating, seller_rules=seller_rules
        )
        by_target.setdefault((target.minutes, target.source), []).append(group)
    rescheduled = 0
    for (minutes, source), groups in by_target.items():
        rescheduled += await repo.retarget(groups, minutes, source)
    deescalated = await _undo_escalations_not_due(repo, now)
    escalated = await sla_sweep(session, now=now, seller_id=seller_id)
    return SlaRulesChange(
        rules=list(seller_rules),
        rescheduled=rescheduled,
        deescalated=deescalated,
        escalated=escalated,
    )


async def _undo_escalations_not_due(repo: OpenItemDeadlines, now: datetime) -> int:
    rows = await repo.escalated_not_overdue(now)
    return await _deescalate(repo, rows, now, "новый срок SLA ещё не наступил")


async def _deescalate(
    repo: OpenItemDeadlines, rows: Sequence[tuple[int, str]], now: datetime, reason: str
) -> int:
    """Give escalated (id, priority) items back the level they had, with an event each."""
    if not rows:
        return 0
    urgent = [id_ for id_, level in rows if level == "urgent"]
    before = await repo.level_before_escalation(urgent) if urgent else {}
    restored: list[tuple[int, str]] = []
    events: list[tuple[int, dict[str, object]]] = []
    for id_, level in rows:
        if level == "urgent":
            # The sweep leaves urgent items urgent; without an event saying it was raised
            # from "high", the item is not demoted.
            previous = "high" if before.get(id_) == "high" else "urgent"
        else:
            previous = PREVIOUS_LEVEL.get(level, level)
        restored.append((id_, previous))
        events.append((id_, {"from": level, "to": previous, "reason": reason}))
    await repo.deescalate(restored)
    await repo.record_events("deescalated", events, now)
    return len(restored)


async def load_triage_settings(session: AsyncSession, seller_id: int) -> TriageSettings:
    switches = await triage_switches(session, seller_id)
    try:
        return TriageSettings(**switches)
    except ValueError:
        return TriageSettings()


SILENT_RATINGS_MESSAGE = "Выберите оценки от 1 до 5"


@dataclass(frozen=True)
class TriageSettingsChange:
    """What saving the switches did to the seller's open items."""

    settings: TriageSettings
    # Open items that now wait for an answer, and those that no longer do.
    now_waiting: int = 0
    no_longer_waiting: int = 0
    # Items waiting again that are already past their deadline (escalated right away).
    escalated: int = 0


def triage_switches_value(settings: TriageSettings) -> dict[str, Any]:
    """The switches as stored in runtime_settings (JSON, ratings in order)."""
    value = settings.model_dump()
    value["empty_review_silent_ratings"] = sorted(settings.empty_review_silent_ratings)
    return value


async def update_triage_settings(
    session: AsyncSession,
    seller_id: int,
    changes: TriageSettingsUpdate,
    *,
    now: datetime | None = None,
    runtime: Runtime | None = None,
) -> TriageSettingsChange:
    """Store the seller's switches and give their open items the verdict the new switches
    give, in the caller's transaction. Fields left out of `changes` keep their value."""
    ratings = changes.empty_review_silent_ratings
    if ratings is not None and not all(1 <= rating <= 5 for rating in ratings):
        raise ValidationFailed(
            SILENT_RATINGS_MESSAGE,
            details={"empty_review_silent_ratings": SILENT_RATINGS_MESSAGE},
        )
    before = await load_triage_settings(session, seller_id)
    after = TriageSettings(**{**before.model_dump(), **changes.model_dump(exclude_none=True)})
    await save_triage_switches(session, seller_id, triage_switches_value(after))
    change = await recount_needs_response(session, seller_id, before, after, now=now)
    if change.now_waiting or change.no_longer_waiting:
        publish_after_commit(session, runtime, seller_id, COUNTS_CHANGED)
    return change


def _quiet_ratings(settings: TriageSettings) -> list[int]:
    """Ratings whose reviews with no text, pros, cons or media need no answer."""
    return [r for r in range(1, 6) if is_quiet_rating(r, settings)]


async def recount_needs_response(
    session: AsyncSession,
    seller_id: int,
    before: TriageSettings,
    after: TriageSettings,
    *,
    now: datetime | None = None,
) -> TriageSettingsChange:
    """Set-based: `needs_response` (and its reason, and `unread`) of the seller's open items
    the changed switches decide — empty reviews of the affected ratings, thanks-only chats.

    An item that stops waiting loses its escalation (no answer, no deadline to miss); items
    that wait again get the current SLA target, and those already overdue are escalated now.
    """
    now = now or utcnow()
    repo = OpenItemNeeds(session, seller_id)
    woken: list[int] = []
    quieted: list[QuietedItem] = []
    quiet = _quiet_ratings(after)
    if _quiet_ratings(before) != quiet:
        woken += await repo.wake_empty_reviews(quiet, REVIEW_WAITING)
        for rating in quiet:
            quieted += await repo.quiet_empty_reviews(rating, empty_review_quiet_reason(rating))
    if before.reply_to_chat_thanks != after.reply_to_chat_thanks:
        if after.reply_to_chat_thanks:
            woken += await repo.wake_chats(rules.THANKS, CHAT_THANKS_ONLY, CHAT_WAITING)
        else:
            quieted += await repo.quiet_chats(rules.THANKS, CHAT_THANKS_ONLY)
    escalated_ones = [(id_, level) for id_, level, escalated in quieted if escalated]
    deadlines = OpenItemDeadlines(session, seller_id)
    await _deescalate(deadlines, escalated_ones, now, "ответ больше не нужен")
    escalated = 0
    if woken:
        # Deadlines are kept current only for waiting items (`reschedule_open_items`); its
        # sweep escalates the overdue ones.
        await reschedule_open_items(
            session, seller_id, await load_sla_rules(session, seller_id), now=now
        )
        escalated = await repo.overdue(woken, now)
    return TriageSettingsChange(
        settings=after,
        now_waiting=len(woken),
        no_longer_waiting=len(quieted),
        escalated=escalated,
    )


async def sla_sweep(
    session: AsyncSession, *, now: datetime | None = None, seller_id: int | None = None
) -> int:
    """Escalate every overdue item once: priority bump, `escalated_at`, an "escalated" event."""
    now = now or utcnow()
    escalated = await escalate_overdue(session, now, seller_id=seller_id)
    await insert_events(
        session,
        [
            {
                "seller_id": owner,
                "interaction_id": interaction_id,
                "kind": "escalated",
                "payload": {"from": level, "to": target, "reason": "SLA просрочен"},
                "created_at": now,
            }
            for interaction_id, owner, level, target in escalated
        ],
    )
    return len(escalated)
