"""Any member may ask for a sync (the banner's «Повторить»); only an owner a full re-read."""

from __future__ import annotations

from tests.conftest import browser_client, register
from tests.ingestion.test_sync_api import add_cabinet_for, wait_synced
from tests.marketplaces.conftest import UNLIMITED


async def test_operator_may_sync_but_not_full(app, client, sync_wb, wb_http) -> None:  # type: ignore[no-untyped-def]
    app.state.runtime.wb_client_options = {
        "hosts": sync_wb.hosts,
        "http": wb_http,
        "limits": UNLIMITED,
    }
    await register(client, "owner-sync@example.com")
    cabinet_id = await add_cabinet_for(app, sync_wb, seed=733)
    invite = await client.post("/api/auth/members", json={"email": "op-sync@example.com"})
    password = invite.json()["temporary_password"]
    async with browser_client(app) as operator:
        login = await operator.post(
            "/api/auth/login", json={"email": "op-sync@example.com", "password": password}
        )
        assert login.status_code == 200
        full = await operator.post(f"/api/settings/cabinets/{cabinet_id}/sync?full=true")
        assert full.status_code == 403
        assert "владелец" in full.json()["error"]["message"]
        now = await operator.post(f"/api/settings/cabinets/{cabinet_id}/sync")
        assert now.status_code == 202, now.text
        assert (await wait_synced(operator, cabinet_id))["sync_status"] == "ok"
