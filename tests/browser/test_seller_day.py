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


def test_profile_sign_out_reachable_on_the_phone(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="ru-RU")
    context.set_default_timeout(30_000)
    phone = context.new_page()
    try:
        seller_id, _ = register(phone)
        live_server.call(seed_items(live_server.app, seller_id, 4))
        phone.goto("/inbox")
        phone.wait_for_selector(".inbox-row")
        profile_tab = phone.locator(".sidebar .nav-profile")
        assert profile_tab.is_visible()
        box = profile_tab.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"]
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        shot(phone, "day_02_phone_inbox_bottom_bar")
        profile_tab.click()
        phone.wait_for_url("**/profile")
        phone.fill("#profile-name", "Ольга")
        phone.click("text=Сохранить имя")
        phone.wait_for_selector("#saved-notice")
        assert phone.input_value("#profile-name") == "Ольга"
        shot(phone, "day_03_phone_profile")
        logout = phone.locator("#profile-logout")
        logout.scroll_into_view_if_needed()
        assert logout.is_visible()
        shot(phone, "day_04_phone_profile_logout")
        logout.click()
        phone.wait_for_url("**/login")
        phone.go_back()  # the inbox is not shown to a signed-out visitor
        phone.goto("/inbox")
        phone.wait_for_url("**/login**")
        # no horizontal scrolling on the phone
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_profile_page_on_desktop(page: Any, live_server: LiveServer) -> None:
    register(page)
    page.goto("/profile")
    page.fill("#current_password", "password-123")
    page.fill("#new_password", "another-pass-9")
    page.fill("#repeat_password", "another-pass-8")
    page.click("text=Сменить пароль")
    page.wait_for_selector("#repeat_password-error")
    shot(page, "day_05_profile_desktop_error")
    page.fill("#current_password", "password-123")
    page.fill("#new_password", "another-pass-9")
    page.fill("#repeat_password", "another-pass-9")
    page.click("text=Сменить пароль")
    page.wait_for_selector("#saved-notice")
    assert "Пароль изменён" in page.inner_text("#saved-notice")
    shot(page, "day_06_profile_desktop")
