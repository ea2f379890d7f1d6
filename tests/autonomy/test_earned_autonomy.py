"""Earned autonomy, simulated end to end: a bucket goes shadow → auto → shadow (an edit
demotes it); nothing is auto-sent for an unearned bucket, a killed one, past its caps, or on
an item with a probabilistic link; a backlog of other items never starves a bucket."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from agentiq.db import unit_of_work
from agentiq.kit.time import utcnow
from agentiq.models import LinkCandidate, ReplyOutbox
from agentiq.replies.autoanswer import run_auto_answers
from tests.fakes.fake_openai import FakeOpenAI, Reply
from tests.replies.earn import send_draft_unchanged
from tests.replies.world import World, add_item

ON = {"enabled": True, "rules": [], "daily_cap": 50, "min_delay_s": 0, "max_delay_s": 0}
FIVE = {"channel": "review", "text": "", "rating": 5}


async def _auto_ids(world: World) -> list[int]:
    async with unit_of_work(world.runtime.sessionmaker) as session:
        rows = await session.scalars(
            select(ReplyOutbox.interaction_id).where(ReplyOutbox.is_auto.is_(True))
        )
        return list(rows)


async def _bucket(client: httpx.AsyncClient, label: str = "Отзывы · 5★") -> dict[str, object]:
    buckets = (await client.get("/api/settings/autonomy")).json()["buckets"]
    return next(b for b in buckets if b["label"] == label)


async def _run(world: World) -> int:
    return await run_auto_answers(world.runtime, world.seller_id)


async def test_bucket_goes_shadow_to_auto_and_an_edit_demotes_it(
    client: httpx.AsyncClient, world: World
) -> None:
    assert (await client.put("/api/settings/auto-answer", json=ON)).status_code == 200
    saved = await client.put(
        "/api/settings/autonomy", json={"required_streak": 3, "min_acceptance": 0.9}
    )
    assert saved.status_code == 200
    waiting = await add_item(world, **FIVE)

    # Shadow: two drafts sent unchanged are not enough; nothing goes out on its own.
    for _ in range(2):
        await send_draft_unchanged(client, await add_item(world, **FIVE))
        assert await _run(world) == 0
    bucket = await _bucket(client)
    assert (bucket["mode"], bucket["streak"], bucket["accepted"]) == ("shadow", 2, 2)

    # The third accepted draft in a row earns it.
    await send_draft_unchanged(client, await add_item(world, **FIVE))
    bucket = await _bucket(client)
    assert bucket["mode"] == "auto" and bucket["promoted_at"]
    assert await _run(world) == 1
    assert await _auto_ids(world) == [waiting]

    # Pacing: the default five minutes between a bucket's auto answers.
    later = await add_item(world, **FIVE)
    assert await _run(world) == 0
    await client.patch(f"/api/autonomy/buckets/{bucket['id']}", json={"min_interval_s": 0})
    assert await _run(world) == 1 and later in await _auto_ids(world)

    # An operator edits a draft in the bucket: back to shadow, streak zero.
    edited = await add_item(world, **FIVE)
    draft = (await client.post(f"/api/interactions/{edited}/ai-draft")).json()["draft"]["text"]
    changed = draft + " Будем рады видеть вас снова в нашем магазине и ждём новых заказов!"
    assert (
        await client.post(f"/api/interactions/{edited}/reply", json={"text": changed})
    ).status_code == 201
    bucket = await _bucket(client)
    assert (bucket["mode"], bucket["streak"], bucket["edited"]) == ("shadow", 0, 1)
    assert "исправил" in str(bucket["demoted_reason"])
    await add_item(world, **FIVE)
    assert await _run(world) == 0


async def _earn(client: httpx.AsyncClient, world: World) -> dict[str, object]:
    assert (await client.put("/api/settings/auto-answer", json=ON)).status_code == 200
    await client.put("/api/settings/autonomy", json={"required_streak": 1, "min_acceptance": 0.9})
    await send_draft_unchanged(client, await add_item(world, **FIVE))
    bucket = await _bucket(client)
    assert bucket["mode"] == "auto"
    await client.patch(f"/api/autonomy/buckets/{bucket['id']}", json={"min_interval_s": 0})
    return bucket


async def test_kill_switch_and_daily_cap(client: httpx.AsyncClient, world: World) -> None:
    bucket = await _earn(client, world)
    for _ in range(3):
        await add_item(world, **FIVE)
    url = f"/api/autonomy/buckets/{bucket['id']}"
    await client.patch(url, json={"killed": True})
    assert await _run(world) == 0
    await client.patch(url, json={"killed": False, "daily_cap": 2})
    assert await _run(world) == 2
    assert await _run(world) == 0  # the bucket's cap for today
    assert (await _bucket(client))["auto_today"] == 2


async def test_never_on_a_probabilistic_link(client: httpx.AsyncClient, world: World) -> None:
    await _earn(client, world)
    linked = await add_item(world, **FIVE)
    chat = await add_item(world, "chat", text="Это я оставила отзыв, вопрос по заказу")
    async with unit_of_work(world.runtime.sessionmaker) as session:
        session.add(
            LinkCandidate(
                seller_id=world.seller_id,
                interaction_id=min(linked, chat),
                candidate_id=max(linked, chat),
                level="C",
                confidence=0.97,
                reasoning_signals={"basis": "probabilistic", "signals": ["same_name"]},
            )
        )
    assert await _run(world) == 0
    assert linked not in await _auto_ids(world)


async def test_a_backlog_of_other_items_does_not_starve_the_bucket(
    client: httpx.AsyncClient, world: World
) -> None:
    await _earn(client, world)
    old = utcnow() - timedelta(days=3)
    for i in range(60):  # older, open, same channel — but a bucket that earned nothing
        await add_item(
            world, "review", text="Брак", rating=1, occurred_at=old + timedelta(minutes=i)
        )
    fresh = await add_item(world, **FIVE)
    assert await run_auto_answers(world.runtime, world.seller_id, batch=50) == 1
    assert await _auto_ids(world) == [fresh]


async def test_a_warning_on_the_auto_draft_demotes_the_bucket(
    client: httpx.AsyncClient, world: World, fake_openai: FakeOpenAI
) -> None:
    bucket = await _earn(client, world)
    item = await add_item(world, **FIVE)
    # The model mentions a registered code in a public answer: «Предупреждать об отзывах».
    await client.post("/api/promo-codes", json={"code": "PUBLIC5", "placements": []})
    await client.put(
        "/api/settings/ai",
        json={"enabled": True, "api_key": "sk-x", "base_url": fake_openai.base_url, "model": "m"},
    )
    fake_openai.enqueue(Reply("Спасибо за оценку! Будем рады видеть вас снова, код PUBLIC5 ждёт."))
    assert await _run(world) == 0
    assert item not in await _auto_ids(world)
    after = await _bucket(client)
    assert after["id"] == bucket["id"] and after["mode"] == "shadow"
    assert "предупреждение" in str(after["demoted_reason"])


async def test_auto_answered_items_carry_the_chip(client: httpx.AsyncClient, world: World) -> None:
    await _earn(client, world)
    auto = await add_item(world, **FIVE, buyer_name="Автоматова")
    assert await _run(world) == 1
    rows = (await client.get("/api/interactions", params={"queue": "all"})).json()["items"]
    flags = {row["id"]: row["auto_answered"] for row in rows}
    assert flags[auto] is True and list(flags.values()).count(True) == 1
    page = (await client.get("/inbox", params={"queue": "all"})).text
    row = page.split(f'id="row-{auto}"', 1)[1].split("</li>", 1)[0]
    assert '<span class="chip auto-chip"' in row and ">авто</span>" in row


async def test_settings_page_shows_buckets_and_the_kill_switch_works(
    client: httpx.AsyncClient, world: World
) -> None:
    bucket = await _earn(client, world)
    page = (await client.get("/settings/autonomy")).text
    assert "Отзывы · 5★" in page and ">Авто</span>" in page and "1 из 1" in page
    killed = await client.post(
        f"/settings/autonomy/buckets/{bucket['id']}", data={"killed": "true"}
    )
    assert killed.status_code == 303
    assert (await _bucket(client))["killed"] is True
    assert ">Выключено</span>" in (await client.get("/settings/autonomy")).text
    bad = await client.post(
        "/settings/autonomy", data={"required_streak": "0", "min_acceptance": "90"}
    )
    assert bad.status_code == 422 and "от 1 до 1000" in bad.text
    good = await client.post(
        "/settings/autonomy", data={"required_streak": "25", "min_acceptance": "95"}
    )
    assert good.status_code == 303
    saved = (await client.get("/api/settings/autonomy")).json()["settings"]
    assert saved == {"required_streak": 25, "min_acceptance": 0.95}
