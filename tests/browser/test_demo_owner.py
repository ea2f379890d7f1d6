"""Issue 10: the demo owner `make run` creates opens onto demo data, not «Всё отвечено».

A module of its own: `agentiq demo-owner` acts only on a database without users, and the
live server is shared per module."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot

pytestmark = pytest.mark.browser


def test_demo_owner_first_view_has_demo_data(page: Any, live_server: LiveServer) -> None:
    from agentiq.cli_ops import ensure_demo_owner

    settings = live_server.runtime.settings
    assert live_server.call(ensure_demo_owner(settings, "demo@agentiq.local", "demo-password"))
    page.goto("/login")
    page.fill("#email", "demo@agentiq.local")
    page.fill("#password", "demo-password")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    shot(page, "day_19_demo_owner_first_view")
    page.goto("/inbox")
    # The demo cabinet syncs from the built-in emulator; rows arrive without a reload.
    page.wait_for_selector(".inbox-row", timeout=60_000)
    assert page.locator(".inbox-row").count() > 0
    assert page.get_by_text("Всё отвечено").count() == 0
    shot(page, "day_20_demo_owner_inbox")
