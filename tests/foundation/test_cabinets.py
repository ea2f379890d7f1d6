"""WB cabinets: add (token decoded offline, never echoed), rename, remove; bad tokens refused."""

from __future__ import annotations

import httpx

from tests.conftest import register, wb_like_token


async def test_add_rename_remove_cabinet(client: httpx.AsyncClient) -> None:
    await register(client, "cab@example.com")
    token = wb_like_token(categories_bits=1 << 7, days=30)
    created = await client.post("/api/settings/cabinets", json={"name": "Основной", "token": token})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["token_type"] == "personal"
    assert body["token_expires_at"] is not None
    lines = " ".join(body["token_check"]["lines"])
    # The token lacks the chat category: the seller is told so in Russian.
    assert "Нет доступа к чатам" in lines
    cabinet_id = body["id"]
    renamed = await client.patch(f"/api/settings/cabinets/{cabinet_id}", json={"name": "Второй"})
    assert renamed.json()["name"] == "Второй"
    assert (await client.delete(f"/api/settings/cabinets/{cabinet_id}")).status_code == 204
    assert (await client.get("/api/settings/cabinets")).json() == []


async def test_malformed_token_refused_with_a_sentence(client: httpx.AsyncClient) -> None:
    await register(client, "bad@example.com")
    response = await client.post(
        "/api/settings/cabinets", json={"name": "Кабинет", "token": "not-a-token-at-all"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert "токен WB" in error["details"]["token"]
    assert (await client.get("/api/settings/cabinets")).json() == []


async def test_base_token_warns_that_sync_is_slow(client: httpx.AsyncClient) -> None:
    await register(client, "base@example.com")
    created = await client.post(
        "/api/settings/cabinets", json={"name": "Базовый", "token": wb_like_token(acc=1)}
    )
    assert created.json()["token_type"] == "base"
    assert any("5 запросами в час" in line for line in created.json()["token_check"]["lines"])
