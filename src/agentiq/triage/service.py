"""DB side of triage: the seller's SLA rules and switches, and the escalation sweep.

The rules themselves are pure (`engine.triage`); this module feeds them the seller's rows.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.eventstream.service import COUNTS_CHANGED, publish_after_commit
from agentiq.kit.time import utcnow
from agentiq.models import SlaRule as SlaRuleRow
from agentiq.runtime import Runtime
from agentiq.triage.repository import (
    PREVIOUS_LEVEL,
    OpenItemDeadlines,
    SlaGroup,
    SlaRuleRepository,
    escalate_overdue,
    insert_events,
    triage_switches,
)
from agentiq.triage.schemas import TriageSettings
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
        events.append(
            (id_, {"from": level, "to": previous, "reason": "новый срок SLA ещё не наступил"})
        )
    await repo.deescalate(restored)
    await repo.record_events("deescalated", events, now)
    return len(restored)


async def load_triage_settings(session: AsyncSession, seller_id: int) -> TriageSettings:
    switches = await triage_switches(session, seller_id)
    try:
        return TriageSettings(**switches)
    except ValueError:
        return TriageSettings()


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
