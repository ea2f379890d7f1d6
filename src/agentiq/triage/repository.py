"""Queries of the DB side of triage: SLA rules, triage switches, overdue items."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.kit.repository import TenantRepository
from agentiq.models import PRIORITY_RANK, Interaction, Priority, RuntimeSetting, SlaRule

TRIAGE_NAMESPACE = "triage"
TRIAGE_KEY = "settings"


class SlaRuleRepository(TenantRepository[SlaRule]):
    model = SlaRule

    async def all(self) -> Sequence[SlaRule]:
        return await self.list(order_by=SlaRule.id)

    async def replace(self, rows: list[SlaRule]) -> None:
        await self.session.execute(delete(SlaRule).where(SlaRule.seller_id == self.seller_id))
        for row in rows:
            self.add(row)
        await self.session.flush()


async def triage_switches(session: AsyncSession, seller_id: int) -> dict[str, Any]:
    value = await session.scalar(
        select(RuntimeSetting.value).where(
            RuntimeSetting.seller_id == seller_id,
            RuntimeSetting.namespace == TRIAGE_NAMESPACE,
            RuntimeSetting.key == TRIAGE_KEY,
        )
    )
    return dict(value or {})


# Escalation raises an item one level; an urgent item stays urgent but is still marked.
NEXT_LEVEL = {
    Priority.low.value: Priority.normal.value,
    Priority.normal.value: Priority.high.value,
    Priority.high.value: Priority.urgent.value,
    Priority.urgent.value: Priority.urgent.value,
}


async def escalate_overdue(
    session: AsyncSession, now: datetime, *, seller_id: int | None = None
) -> list[tuple[int, int, str, str]]:
    """Mark overdue, unanswered, not-yet-escalated items; returns (id, seller, from, to).

    The `escalated_at IS NULL` guard sits inside each UPDATE, so two sweeps racing each other
    escalate an item once.
    """
    escalated: list[tuple[int, int, str, str]] = []
    for level, target in NEXT_LEVEL.items():
        stmt = (
            update(Interaction)
            .where(
                Interaction.needs_response.is_(True),
                Interaction.escalated_at.is_(None),
                Interaction.sla_due_at.is_not(None),
                Interaction.sla_due_at < now,
                Interaction.priority == level,
            )
            .values(
                priority=target,
                priority_rank=PRIORITY_RANK[Priority(target)],
                escalated_at=now,
            )
            .returning(Interaction.id, Interaction.seller_id)
            .execution_options(synchronize_session=False)
        )
        if seller_id is not None:
            stmt = stmt.where(Interaction.seller_id == seller_id)
        rows = await session.execute(stmt)
        escalated.extend((row.id, row.seller_id, level, target) for row in rows)
    return escalated
