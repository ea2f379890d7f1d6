"""Earn a bucket the way a seller does: the operator sends drafts unchanged."""

from __future__ import annotations

from typing import Any

import httpx

from tests.replies.world import World, add_item


async def send_draft_unchanged(client: httpx.AsyncClient, item_id: int) -> str:
    draft = (await client.post(f"/api/interactions/{item_id}/ai-draft")).json()["draft"]["text"]
    sent = await client.post(f"/api/interactions/{item_id}/reply", json={"text": draft})
    assert sent.status_code == 201, sent.text
    return str(draft)


async def earn_bucket(
    client: httpx.AsyncClient, world: World, times: int = 1, **item: Any
) -> list[int]:
    """Lower the bar to `times`, send that many drafts unchanged; pacing off for tests."""
    saved = await client.put(
        "/api/settings/autonomy", json={"required_streak": times, "min_acceptance": 0.9}
    )
    assert saved.status_code == 200, saved.text
    ids = []
    for _ in range(times):
        item_id = await add_item(world, **item)
        await send_draft_unchanged(client, item_id)
        ids.append(item_id)
    buckets = (await client.get("/api/settings/autonomy")).json()["buckets"]
    earned = [b for b in buckets if b["mode"] == "auto"]
    assert earned, buckets
    for bucket in earned:
        await client.patch(
            f"/api/autonomy/buckets/{bucket['id']}", json={"min_interval_s": 0, "daily_cap": 100}
        )
    return ids
