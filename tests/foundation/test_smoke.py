"""The app starts on a real SQLite file, answers health and metrics, and signs people in."""

from __future__ import annotations

import httpx

from tests.conftest import register


async def test_health_reports_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


async def test_register_me_logout(client: httpx.AsyncClient) -> None:
    ids = await register(client, "owner@example.com", "ООО Ромашка")
    me = (await client.get("/api/auth/me")).json()
    assert me["email"] == "owner@example.com"
    assert me["seller"]["id"] == ids["seller_id"]
    assert me["seller"]["role"] == "owner"
    assert (await client.post("/api/auth/logout")).status_code == 204
    assert (await client.get("/api/auth/me")).status_code == 401
