"""Sync now / sync status endpoints, the demo cabinet, and tenancy (another seller → 404)."""

from __future__ import annotations

import asyncio

import pytest

from agentiq.config import Settings
from agentiq.ingestion.service import CHANNELS
from agentiq.kit.time import utcnow
from agentiq.models import MarketplaceConnection
from tests.conftest import browser_client, register


async def add_cabinet_for(app, sync_wb, seed: int) -> int:  # type: ignore[no-untyped-def]
    runtime = app.state.runtime
    seller = sync_wb.emulator.add_seller(seed=seed, feedbacks=50, questions=20, chats=5)
    async with runtime.sessionmaker() as session:
        from sqlalchemy import select

        from agentiq.models import Membership

        seller_id = (await session.scalars(select(Membership.seller_id))).all()[-1]
        cabinet = MarketplaceConnection(
            seller_id=seller_id,
            name="WB",
            token_encrypted=runtime.secrets.encrypt(seller.token),
            token_type="personal",
        )
        session.add(cabinet)
        await session.commit()
        return cabinet.id


async def wait_synced(client, cabinet_id: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    for _ in range(200):
        body = (await client.get(f"/api/settings/cabinets/{cabinet_id}/sync")).json()
        if body["sync_status"] in ("ok", "error"):
            return body  # type: ignore[no-any-return]
        await asyncio.sleep(0.05)
    raise AssertionError("sync did not finish")


async def test_sync_now_and_status(app, client, sync_wb, wb_http) -> None:
    app.state.runtime.wb_client_options = {
        "hosts": sync_wb.hosts,
        "http": wb_http,
        "limits": __import__("tests.marketplaces.conftest", fromlist=["UNLIMITED"]).UNLIMITED,
    }
    await register(client, "owner@example.com")
    cabinet_id = await add_cabinet_for(app, sync_wb, seed=521)
    response = await client.post(f"/api/settings/cabinets/{cabinet_id}/sync")
    assert response.status_code == 202, response.text
    assert response.json()["sync_status"] == "queued"
    body = await wait_synced(client, cabinet_id)
    assert body["sync_status"] == "ok" and body["last_sync_at"]
    assert {r["channel"] for r in body["runs"]} == {"review", "question", "chat"}
    assert all(r["status"] == "ok" for r in body["runs"])

    async with browser_client(app) as other:
        await register(other, "other@example.com", "Чужой")
        assert (await other.get(f"/api/settings/cabinets/{cabinet_id}/sync")).status_code == 404
        assert (await other.post(f"/api/settings/cabinets/{cabinet_id}/sync")).status_code == 404


async def test_revoked_token_shows_what_to_do(app, client, sync_wb, wb_http) -> None:
    from tests.marketplaces.conftest import UNLIMITED

    app.state.runtime.wb_client_options = {
        "hosts": sync_wb.hosts,
        "http": wb_http,
        "limits": UNLIMITED,
    }
    await register(client, "owner2@example.com")
    cabinet_id = await add_cabinet_for(app, sync_wb, seed=522)
    async with app.state.runtime.sessionmaker() as session:
        cabinet = await session.get(MarketplaceConnection, cabinet_id)
        token = app.state.runtime.secrets.decrypt(cabinet.token_encrypted)
    sync_wb.emulator.revoke_token(token)
    await client.post(f"/api/settings/cabinets/{cabinet_id}/sync")
    body = await wait_synced(client, cabinet_id)
    assert body["sync_status"] == "error"
    assert "создайте новый токен" in body["sync_error"]


@pytest.fixture
def demo_settings(settings: Settings) -> Settings:
    settings.emulator_enabled = True
    return settings


async def test_demo_cabinet_syncs_from_embedded_emulator(demo_settings) -> None:
    from agentiq.app import create_app
    from agentiq.ingestion.demo import start_demo

    application = create_app(demo_settings)
    async with application.router.lifespan_context(application):
        runtime = application.state.runtime
        async with browser_client(application) as client:
            await register(client, "demo@example.com")
            # the emulator is mounted inside the app
            assert (await client.get("/_wb/feedbacks-api/ping")).status_code == 401
            async with runtime.sessionmaker() as session:
                from sqlalchemy import select

                from agentiq.db import unit_of_work
                from agentiq.models import Membership

                seller_id = (await session.scalars(select(Membership.seller_id))).first()
            async with unit_of_work(runtime.sessionmaker) as session:
                cabinet = await start_demo(session, runtime, seller_id)
                cabinet_id = cabinet.id
            async with unit_of_work(runtime.sessionmaker) as session:
                again = await start_demo(session, runtime, seller_id)
                assert again.id == cabinet_id
            body = await wait_synced(client, cabinet_id)
            assert body["sync_status"] == "ok", body
            async with runtime.sessionmaker() as session:
                from sqlalchemy import func, select

                from agentiq.models import Interaction

                sources = (
                    await session.execute(
                        select(Interaction.source, func.count()).group_by(Interaction.source)
                    )
                ).all()
            assert dict(sources)["demo"] >= 200


async def test_sync_now_after_a_killed_sync_is_not_blocked(app, client, sync_wb, wb_http) -> None:
    """A "syncing" status left by a dead process does not stop «Синхронизировать сейчас»;
    a live sync (holding its locks) still does."""
    app.state.runtime.wb_client_options = {
        "hosts": sync_wb.hosts,
        "http": wb_http,
        "limits": __import__("tests.marketplaces.conftest", fromlist=["UNLIMITED"]).UNLIMITED,
    }
    await register(client, "owner@example.com")
    cabinet_id = await add_cabinet_for(app, sync_wb, seed=523)
    runtime = app.state.runtime
    async with runtime.sessionmaker() as session:
        cabinet = await session.get(MarketplaceConnection, cabinet_id)
        assert cabinet is not None
        cabinet.sync_status = "syncing"  # what a SIGKILLed worker leaves behind
        cabinet.sync_started_at = utcnow()
        await session.commit()

    # A live sync holds a channel lock: the request is acknowledged but starts nothing.
    locks = runtime.locks
    async with locks.hold(f"sync:{cabinet_id}:{CHANNELS[0]}", 60) as taken:
        assert taken
        busy = await client.post(f"/api/settings/cabinets/{cabinet_id}/sync")
        assert busy.status_code == 202 and busy.json()["started"] is None

    # Nobody holds the locks: the leftover status is ignored and the sync runs.
    response = await client.post(f"/api/settings/cabinets/{cabinet_id}/sync")
    assert response.status_code == 202 and response.json()["started"] == "background"
    body = await wait_synced(client, cabinet_id)
    assert body["sync_status"] == "ok"
