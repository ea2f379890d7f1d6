"""Settings → AI-ассистент and auto-answer over the API; the key is stored encrypted."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import text

from agentiq.config import Settings
from tests.conftest import register, sync_engine_for

KEY = "sk-test-very-secret-key-123456"


async def test_ai_key_is_never_echoed_and_is_encrypted_at_rest(
    client: httpx.AsyncClient, settings: Settings
):
    await register(client, "ai@example.com")
    before = (await client.get("/api/settings/ai")).json()
    assert before["has_key"] is False and before["reply_pending_minutes"] == 180

    r = await client.put(
        "/api/settings/ai",
        json={"api_key": KEY, "enabled": True, "model": "deepseek-chat", "tone": "formal"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["has_key"] is True and r.json()["tone"] == "formal"
    assert KEY not in r.text
    got = await client.get("/api/settings/ai")
    assert got.json()["has_key"] is True and KEY not in got.text

    engine = sync_engine_for(settings.database_url)
    with engine.connect() as conn:
        stored = conn.execute(text("select value, value_encrypted from runtime_settings")).one()
    engine.dispose()
    assert KEY not in str(stored[0]) and stored[1] and KEY not in stored[1]
    db_file = Path(settings.database_url.split("///", 1)[1])
    for path in (db_file, db_file.with_name(db_file.name + "-wal")):
        if path.exists():
            assert KEY.encode() not in path.read_bytes()

    removed = await client.put("/api/settings/ai", json={"api_key": ""})
    assert removed.json()["has_key"] is False


async def test_reply_window_is_bounded(client: httpx.AsyncClient):
    await register(client, "win@example.com")
    assert (
        await client.put("/api/settings/ai", json={"reply_pending_minutes": 10})
    ).status_code == 422
    ok = await client.put("/api/settings/ai", json={"reply_pending_minutes": 60})
    assert ok.json()["reply_pending_minutes"] == 60


async def test_auto_answer_is_off_by_default_and_validated(client: httpx.AsyncClient):
    await register(client, "auto@example.com")
    assert (await client.get("/api/settings/auto-answer")).json()["enabled"] is False
    bad = {"enabled": True, "min_delay_s": 100, "max_delay_s": 10}
    assert (await client.put("/api/settings/auto-answer", json=bad)).status_code == 422
    good = {"enabled": True, "rules": [{"channel": "review", "min_rating": 5}], "daily_cap": 3}
    r = await client.put("/api/settings/auto-answer", json=good)
    assert r.status_code == 200 and r.json()["rules"][0]["only_without_text"] is True
    assert (await client.get("/api/settings/auto-answer")).json()["daily_cap"] == 3


async def test_settings_are_per_seller(app: object, client: httpx.AsyncClient):
    from tests.conftest import browser_client

    await register(client, "one@example.com")
    await client.put("/api/settings/ai", json={"api_key": KEY, "tone": "neutral"})
    async with browser_client(app) as other:
        await register(other, "two@example.com")
        view = (await other.get("/api/settings/ai")).json()
    assert view["has_key"] is False and view["tone"] == "friendly"
