"""Issue 10, security: the WB emulator is a demo and test tool, not a production surface —
over real HTTP against a running app."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from sqlalchemy import select

from agentiq.models import Interaction
from tests.security.conftest import serve, signed_in_client

ADMIN_TOKEN = "emulator-admin-" + "t" * 32
ADMIN_PATHS = ("/_wb/_admin/sellers", "/_wb/_admin/docs", "/_wb/_admin/openapi.json")


def test_emulator_admin_answers_404_in_production(tmp_path: Path) -> None:
    # Off by default in production: nothing under /_wb at all.
    with serve(tmp_path / "default", environment="production") as live:
        assert live.settings.emulator_enabled is False
        for path in (*ADMIN_PATHS, "/_wb/feedbacks-api/api/v1/feedbacks/count"):
            assert httpx.get(live.url + path).status_code == 404, path
    # Even switched on by mistake, with an admin token configured and presented: 404.
    with serve(
        tmp_path / "forced",
        environment="production",
        emulator_enabled=True,
        emulator_admin_token=ADMIN_TOKEN,
    ) as live:
        for path in ADMIN_PATHS:
            r = httpx.get(live.url + path, headers={"x-emulator-admin-token": ADMIN_TOKEN})
            assert r.status_code == 404, path
        r = httpx.post(live.url + "/_wb/_admin/sellers", json={"name": "x"})
        assert r.status_code == 404


def test_emulator_admin_is_never_anonymous_outside_production(tmp_path: Path) -> None:
    with serve(tmp_path / "no-token", emulator_enabled=True) as live:
        for path in ADMIN_PATHS:
            assert httpx.get(live.url + path).status_code == 404, path
    with serve(tmp_path / "token", emulator_enabled=True, emulator_admin_token=ADMIN_TOKEN) as live:
        url = live.url + "/_wb/_admin/sellers"
        assert httpx.get(url).status_code == 404
        assert httpx.get(url, headers={"x-emulator-admin-token": "guess"}).status_code == 404
        allowed = httpx.get(url, headers={"x-emulator-admin-token": ADMIN_TOKEN})
        assert allowed.status_code == 200


def test_each_demo_cabinet_has_its_own_emulated_seller(tmp_path: Path) -> None:
    with serve(tmp_path, emulator_enabled=True, scheduler_enabled=True) as live:
        owners = [signed_in_client(live.url, f"demo{i}@example.ru") for i in (1, 2)]
        for client, _ in owners:
            r = client.post("/onboarding/demo")
            assert r.status_code in (200, 303), r.text

        async def external_ids(seller_id: int) -> set[str]:
            async with live.runtime.sessionmaker() as session:
                rows = await session.scalars(
                    select(Interaction.external_id).where(Interaction.seller_id == seller_id)
                )
                return set(rows)

        deadline = time.monotonic() + 60
        seen: list[set[str]] = [set(), set()]
        while time.monotonic() < deadline and not all(seen):
            seen = [live.call(external_ids(seller_id)) for _, seller_id in owners]
            time.sleep(0.3)
        assert all(seen), "both demo cabinets synced"
        # Two companies, two emulated WB sellers: not one review, question or chat in common.
        assert seen[0].isdisjoint(seen[1])

        from agentiq.emulator.embedded import demo_seller_for

        emulated = [demo_seller_for(live.runtime, seller_id) for _, seller_id in owners]
        assert emulated[0] is not None and emulated[1] is not None
        assert emulated[0][1].seller_id != emulated[1][1].seller_id
