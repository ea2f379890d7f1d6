from __future__ import annotations

import itertools
from datetime import timedelta

from agentiq.db import unit_of_work
from agentiq.kit.time import utcnow
from agentiq.models import Interaction

_ids = itertools.count(1)


async def add_reviews(
    app: object, seller_id: int, reviews: list[tuple[int, int, str]]
) -> list[int]:
    """Reviews as the sync would have stored them: (nm_id, stars, text)."""
    runtime = app.state.runtime  # type: ignore[attr-defined]
    made = []
    async with unit_of_work(runtime.sessionmaker) as session:
        for nm_id, stars, text in reviews:
            n = next(_ids)
            item = Interaction(
                seller_id=seller_id,
                channel="review",
                external_id=f"fb-{n}",
                nm_id=nm_id,
                rating=stars,
                text=text,
                occurred_at=utcnow() - timedelta(hours=n),
                content_hash=f"h{n}",
            )
            session.add(item)
            await session.flush()
            made.append(item.id)
    return made
