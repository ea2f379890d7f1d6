"""Auto-answer: off by default; when on, only matching items, through guardrails and the
same outbox, within the daily cap — and the answers reach WB exactly once."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from agentiq.db import unit_of_work
from agentiq.guardrails import check, has_blocking
from agentiq.models import Interaction, ReplyOutbox
from agentiq.replies.tasks import dispatch_due, run_auto_answers_all
from tests.replies.earn import earn_bucket
from tests.replies.world import World, add_item

RULES = {
    "enabled": True,
    "rules": [{"channel": "review", "min_rating": 5, "max_rating": 5, "only_without_text": True}],
    "daily_cap": 2,
    "min_delay_s": 0,
    "max_delay_s": 0,
}


async def _outbox(world: World) -> list[ReplyOutbox]:
    """The auto answers queued (an operator's replies that earned the bucket are not)."""
    async with unit_of_work(world.runtime.sessionmaker) as session:
        rows = await session.scalars(
            select(ReplyOutbox).where(ReplyOutbox.is_auto.is_(True)).order_by(ReplyOutbox.id)
        )
        return list(rows)


async def test_auto_answer_off_by_default(client: httpx.AsyncClient, world: World) -> None:
    await add_item(world, "review", text="", rating=5)
    assert (await client.get("/api/settings/auto-answer")).json()["enabled"] is False
    assert await run_auto_answers_all(world.runtime) == 0
    assert await _outbox(world) == []


async def test_auto_answer_rules_cap_and_delivery(client: httpx.AsyncClient, world: World) -> None:
    bare = [await add_item(world, "review", text="", rating=5) for _ in range(3)]
    angry = await add_item(world, "review", text="Пришёл брак, верните деньги", rating=1)
    with_text = await add_item(world, "review", text="Отличная вещь", rating=5)
    saved = await client.put("/api/settings/auto-answer", json=RULES)
    assert saved.status_code == 200, saved.text
    assert await run_auto_answers_all(world.runtime) == 0  # the 5★ bucket has not earned it
    await earn_bucket(client, world, channel="review", text="", rating=5)

    assert await run_auto_answers_all(world.runtime) == 2  # the daily cap
    rows = await _outbox(world)
    assert len(rows) == 2
    assert {r.interaction_id for r in rows} <= set(bare)
    assert angry not in {r.interaction_id for r in rows}
    assert with_text not in {r.interaction_id for r in rows}
    assert all(r.is_auto for r in rows)
    for row in rows:
        assert not has_blocking(check(row.text, "review"))

    assert await run_auto_answers_all(world.runtime) == 0  # cap reached for today
    assert await dispatch_due(world.runtime) == {"published": 3}  # + the operator's reply
    async with unit_of_work(world.runtime.sessionmaker) as session:
        answered = [await session.get(Interaction, r.interaction_id) for r in rows]
    for item in answered:
        assert item is not None
        assert len(world.received(item.external_id)) == 1
