"""Issue 10, «No trap in a seller's day», in a real browser: each test is named after the
item it guards and failed on the code before the fix."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot
from tests.web.conftest import seed_items

pytestmark = pytest.mark.browser
_emails = itertools.count(1)
PHONE = {"width": 390, "height": 844}


def register(page: Any, *, password: str = "password-123") -> tuple[int, str]:
    """A new seller through the form, without demo data; returns (seller id, email)."""
    email = f"day{next(_emails)}@example.ru"
    page.goto("/register")
    page.fill("#seller_name", "Василёк")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/onboarding")
    return int(page.request.get("/api/auth/me").json()["seller"]["id"]), email


def row_ids(page: Any) -> list[str]:
    return [
        str(x)
        for x in page.locator("#inbox-list .inbox-row").evaluate_all(
            "rows => rows.map(r => r.dataset.id)"
        )
    ]


def test_inbox_keeps_rows_when_next_page_loads(page: Any, live_server: LiveServer) -> None:
    """Scrolling and «Показать ещё» append pages; a live refresh keeps what was loaded."""
    from agentiq.db import unit_of_work
    from agentiq.interactions import service as inbox

    seller_id, _ = register(page)
    ids = live_server.call(seed_items(live_server.app, seller_id, 75))
    page.goto("/inbox?queue=all")
    page.wait_for_selector(".inbox-row")
    assert len(row_ids(page)) == 30
    page.click("#more-rows a")  # a click appends, it does not navigate to page two
    page.wait_for_function("document.querySelectorAll('#inbox-list .inbox-row').length >= 60")
    assert "cursor=" not in page.url
    page.locator("#more-rows").scroll_into_view_if_needed()  # endless scroll: the third page
    page.wait_for_function("document.querySelectorAll('#inbox-list .inbox-row').length >= 75")
    seen = row_ids(page)
    assert len(seen) == 75 and set(seen) == {str(i) for i in ids}
    assert page.locator("#more-rows").count() == 0
    shot(page, "day_01_inbox_all_pages")

    # A real live signal (an item closed elsewhere) re-fetches the list: the rows stay.
    runtime = live_server.runtime

    async def close_one() -> None:
        async with unit_of_work(runtime.sessionmaker) as session:
            await inbox.close(session, seller_id, ids[-1], None, runtime=runtime)

    with page.expect_response(lambda r: "shown=75" in r.url and "/inbox?" in r.url):
        live_server.call(close_one())
    page.wait_for_timeout(300)
    assert len(row_ids(page)) == 75
