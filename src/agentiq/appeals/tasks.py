"""Background classification: every negative review gets its cause soon after sync, not only
when someone opens the appeal queue. Thin drivers call `classify_all`."""

from __future__ import annotations

import logging

from sqlalchemy import select

from agentiq.appeals.causes import NEGATIVE_MAX_RATING
from agentiq.appeals.service import classify_negative_reviews
from agentiq.db import unit_of_work
from agentiq.models import Interaction
from agentiq.runtime import Runtime

log = logging.getLogger(__name__)


async def classify_all(runtime: Runtime, *, per_seller: int = 2000) -> int:
    """Classify new or changed negative reviews of every seller; returns how many."""
    async with unit_of_work(runtime.sessionmaker) as session:
        # A system job's view across sellers: who has negative reviews at all.
        seller_ids = list(
            await session.scalars(
                select(Interaction.seller_id)
                .where(
                    Interaction.channel == "review",
                    Interaction.rating <= NEGATIVE_MAX_RATING,
                )
                .distinct()
            )
        )
    done = 0
    for seller_id in seller_ids:
        try:
            async with unit_of_work(runtime.sessionmaker) as session:
                done += await classify_negative_reviews(session, seller_id, limit=per_seller)
        except Exception:  # one seller's failure must not starve the others
            log.exception("review cause classification failed for seller %s", seller_id)
    return done
