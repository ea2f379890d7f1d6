"""DB side of triage: the seller's SLA rules and switches, and the escalation sweep.

The rules themselves are pure (`engine.triage`); this module feeds them the seller's rows.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.kit.time import utcnow
from agentiq.models import InteractionEvent
from agentiq.models import SlaRule as SlaRuleRow
from agentiq.triage.repository import SlaRuleRepository, escalate_overdue, triage_switches
from agentiq.triage.schemas import TriageSettings
from agentiq.triage.sla import DEFAULT_SLA_RULES, SlaRule

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


async def replace_sla_rules(
    session: AsyncSession, seller_id: int, rules: list[SlaRule]
) -> list[SlaRule]:
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
    return rules


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
    for interaction_id, owner, level, target in escalated:
        session.add(
            InteractionEvent(
                seller_id=owner,
                interaction_id=interaction_id,
                kind="escalated",
                payload={"from": level, "to": target, "reason": "SLA просрочен"},
                created_at=now,
            )
        )
    await session.flush()
    return len(escalated)
