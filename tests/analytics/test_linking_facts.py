"""Link verdicts and escalations record their facts in the linking module's transaction;
linking precision and «Спасённые рейтинги» read them; the backfill rebuilds the same."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
from sqlalchemy import select

from agentiq.analytics.backfill import backfill_seller
from agentiq.db import unit_of_work
from agentiq.kit.time import utcnow
from agentiq.linking import escalations
from agentiq.linking.service import judge_link
from agentiq.models import Interaction, LinkCandidate, MetricFact
from tests.conftest import register


async def _metrics(runtime: Any, seller_id: int) -> Counter[str]:
    async with unit_of_work(runtime.sessionmaker) as s:
        rows = await s.scalars(select(MetricFact.metric).where(MetricFact.seller_id == seller_id))
        return Counter(m for m in rows if m.startswith(("link_", "escalation_")))


async def test_verdicts_and_escalations_become_facts(app: Any, client: httpx.AsyncClient) -> None:
    ids = await register(client, "owner@example.com")
    seller_id = ids["seller_id"]
    runtime = app.state.runtime
    async with unit_of_work(runtime.sessionmaker) as s:
        review = Interaction(
            seller_id=seller_id,
            channel="review",
            external_id="r1",
            rating=2,
            text="Брак",
            occurred_at=utcnow(),
            source="demo",
            nm_id=5,
        )
        chat = Interaction(
            seller_id=seller_id,
            channel="chat",
            external_id="c1",
            text="Здравствуйте",
            occurred_at=utcnow(),
            source="demo",
            nm_id=5,
        )
        other = Interaction(
            seller_id=seller_id,
            channel="chat",
            external_id="c2",
            text="?",
            occurred_at=utcnow(),
            source="demo",
            nm_id=5,
        )
        s.add_all([review, chat, other])
        await s.flush()
        good = LinkCandidate(
            seller_id=seller_id,
            interaction_id=review.id,
            candidate_id=chat.id,
            level="C",
            confidence=0.8,
            reasoning_signals={"basis": "probabilistic", "signals": []},
        )
        bad = LinkCandidate(
            seller_id=seller_id,
            interaction_id=review.id,
            candidate_id=other.id,
            level="C",
            confidence=0.6,
            reasoning_signals={"basis": "probabilistic", "signals": []},
        )
        s.add_all([good, bad])
        await s.flush()
        review_id, good_id, bad_id = review.id, good.id, bad.id
    async with unit_of_work(runtime.sessionmaker) as s:
        item = await s.get(Interaction, review_id)
        assert item is not None
        await escalations.open_escalation(s, seller_id, item, user_id=ids["user_id"])
    async with unit_of_work(runtime.sessionmaker) as s:
        await judge_link(s, seller_id, good_id, "confirmed", user_id=ids["user_id"])
    async with unit_of_work(runtime.sessionmaker) as s:  # the same verdict again: no new fact
        await judge_link(s, seller_id, good_id, "confirmed", user_id=ids["user_id"])
    async with unit_of_work(runtime.sessionmaker) as s:
        await judge_link(s, seller_id, bad_id, "rejected", user_id=ids["user_id"])
    live = await _metrics(runtime, seller_id)
    assert live["link_confirmed"] == 1 and live["link_rejected"] == 1
    assert live["escalation_opened"] == 1

    body = (await client.get("/api/analytics/communication", params={"days": 7})).json()
    assert body["kpis"]["linking_precision"]["value"] == 0.5
    assert body["kpis"]["escalations_opened"]["value"] == 1

    async with unit_of_work(runtime.sessionmaker) as s:
        await backfill_seller(s, seller_id)
    assert await _metrics(runtime, seller_id) == live
