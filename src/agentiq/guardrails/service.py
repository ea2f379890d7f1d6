"""Guardrails with the seller's context: the same check for the composer (while the operator
types) and for the send (which blocks).

The context is what the seller set (topics to avoid) and what is already public on the
product (recent answers, including those imported from WB), so the composer and the send
never disagree about a text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.drafting.context import plural_ru
from agentiq.drafting.repository import ResponseHistoryRepository
from agentiq.guardrails.engine import check
from agentiq.guardrails.violations import Violation, describe_ru
from agentiq.interactions.repository import InteractionRepository
from agentiq.models import Interaction
from agentiq.runtime import Runtime
from agentiq.settings.service import load_ai_settings

# How many of the product's latest public answers the repetition check compares against.
RECENT_ANSWERS = 20


@dataclass(frozen=True)
class CheckResult:
    channel: str
    violations: list[Violation]

    @property
    def blocking(self) -> list[Violation]:
        return [v for v in self.violations if v.blocking]

    def summary_ru(self) -> str:
        blocking = len(self.blocking)
        warnings = len(self.violations) - blocking
        if blocking:
            found = plural_ru(blocking, "нарушение", "нарушения", "нарушений")
            return f"Отправить нельзя: {blocking} {found} правил."
        if warnings:
            found = plural_ru(warnings, "замечание", "замечания", "замечаний")
            return f"Можно отправить, но проверьте {warnings} {found}."
        return "Замечаний нет."

    def lines_ru(self, *, blocking_only: bool = False) -> list[str]:
        found = self.blocking if blocking_only else self.violations
        return [describe_ru(v) for v in found]


async def recent_public_answers(
    session: AsyncSession, seller_id: int, item: Interaction
) -> list[str]:
    """The seller's latest public answers on the item's product, other items only."""
    if item.nm_id is None or item.channel == "chat":
        return []
    rows = await ResponseHistoryRepository(session, seller_id).latest_for_product(
        item.nm_id, limit=RECENT_ANSWERS
    )
    return [r.text for r in rows if r.interaction_id != item.id and r.text]


async def check_text(
    session: AsyncSession,
    runtime: Runtime,
    seller_id: int,
    text: str,
    *,
    channel: str | None = None,
    item: Interaction | None = None,
    interaction_id: int | None = None,
) -> CheckResult:
    """Violations of `text` for an item (its channel, product and the seller's settings) or,
    without one, for a bare `channel`. Another seller's item answers 404."""
    if item is None and interaction_id is not None:
        item = await InteractionRepository(session, seller_id).get(interaction_id)
    ai = await load_ai_settings(session, runtime, seller_id)
    recent: Sequence[str] = ()
    if item is not None:
        channel = item.channel
        recent = await recent_public_answers(session, seller_id, item)
    if channel is None:
        raise ValueError("a channel or an item is needed")
    violations = check(
        text,
        channel,
        recent_public_answers=recent,
        avoid_topics=ai.view.avoid_topics,
        competitors=ai.view.competitors,
    )
    return CheckResult(channel, violations)
