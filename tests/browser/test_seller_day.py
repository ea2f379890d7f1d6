"""Issue 10, «No trap in a seller's day», in a real browser: each test is named after the
item it guards and failed on the code before the fix."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from playwright.sync_api import expect

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
    # A click on «Показать ещё» appends, it does not navigate to page two. (Dispatched:
    # a real click scrolls the link into view, which loads the page by itself.)
    page.locator("#more-rows a").dispatch_event("click")
    expect(page.locator("#inbox-list .inbox-row")).to_have_count(60)
    assert "cursor=" not in page.url
    page.locator("#more-rows").scroll_into_view_if_needed()  # endless scroll: the third page
    expect(page.locator("#inbox-list .inbox-row")).to_have_count(75)
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
        # Every section the desktop sidebar offers is reachable on the phone: in the bottom
        # bar (all of it inside the screen) or under «Все разделы» on this page.
        bar = phone.locator(".sidebar .nav-item:visible")
        for i in range(bar.count()):
            tab = bar.nth(i).bounding_box()
            assert tab is not None and tab["x"] >= 0 and tab["x"] + tab["width"] <= PHONE["width"]
        in_bar = set(bar.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
        listed = set(
            phone.locator("#more-sections a:visible").evaluate_all(
                "els => els.map(e => e.getAttribute('href'))"
            )
        )
        every = set(
            phone.locator(".sidebar .nav-item").evaluate_all(
                "els => els.map(e => e.getAttribute('href'))"
            )
        )
        assert every <= in_bar | listed, every - in_bar - listed
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


LONG_WORD = "Оченьоченьдлинноесловобезпробелов" * 12  # ~400 letters, no break opportunity
LONG_REVIEW = " ".join(
    f"Абзац {n}: ткань через неделю скаталась, швы разошлись, запах не выветрился."
    for n in range(60)
)


def _overflows(page: Any, selector: str) -> list[str]:
    """Elements under `selector` wider than their box (content spilling sideways)."""
    return list(
        page.evaluate(
            """sel => Array.from(document.querySelectorAll(sel))
                 .filter(el => el.scrollWidth > el.clientWidth + 1)
                 .map(el => el.className || el.tagName)""",
            selector,
        )
    )


@pytest.mark.parametrize(
    "viewport", [{"width": 1440, "height": 900}, PHONE], ids=["desktop", "phone"]
)
def test_long_words_and_long_reviews_do_not_overflow(
    browser: Any, live_server: LiveServer, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="ru-RU")
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        seller_id, _ = register(page)
        [word_id] = live_server.call(
            seed_items(
                live_server.app,
                seller_id,
                1,
                buyer_name=LONG_WORD[:120],
                text=LONG_WORD,
                pros=LONG_WORD,
                cons="",
            )
        )
        [review_id] = live_server.call(
            seed_items(live_server.app, seller_id, 1, first=3, text=LONG_REVIEW)
        )
        page.goto("/inbox")
        page.wait_for_selector(".inbox-row")
        assert not _overflows(page, ".list-col, .inbox-row, .row-main")
        name = "desktop" if viewport["width"] > 800 else "phone"
        page.goto(f"/inbox/{word_id}")
        page.wait_for_selector("[data-item-id]")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert not _overflows(page, ".item-col, .item, .item-main, .message, .message .text")
        shot(page, f"day_07_long_word_{name}")

        page.goto(f"/inbox/{review_id}")
        page.wait_for_selector("[data-item-id]")
        text = page.locator(".message.from-buyer .long-text").first
        assert text.is_visible()
        collapsed = text.bounding_box()
        assert collapsed is not None and collapsed["height"] < 400
        assert "Абзац 59:" not in page.locator(".message.from-buyer").inner_text()
        shot(page, f"day_08_long_review_collapsed_{name}")
        page.click(".message.from-buyer .long-text summary")
        assert "Абзац 59:" in page.locator(".message.from-buyer").inner_text()
        expanded = text.bounding_box()
        assert expanded is not None and expanded["height"] > collapsed["height"] * 2
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shot(page, f"day_09_long_review_expanded_{name}")
    finally:
        context.close()


def test_bulk_close_all_matching_asks_and_can_be_undone(page: Any, live_server: LiveServer) -> None:
    seller_id, _ = register(page)
    ids = live_server.call(seed_items(live_server.app, seller_id, 8))
    page.goto("/inbox")
    page.wait_for_selector(".inbox-row")
    assert len(row_ids(page)) == 8
    page.check("#select-matching")
    page.click("#bulk-close")
    page.wait_for_selector("#bulk-confirm")
    assert "Закрыть 8 сообщений?" in page.inner_text("#bulk-confirm h1")
    shot(page, "day_10_bulk_confirm")
    page.click("#bulk-confirm-yes")
    page.wait_for_selector("#bulk-notice")
    assert len(row_ids(page)) == 0
    shot(page, "day_11_bulk_closed_undo")
    page.click("#bulk-undo")
    page.wait_for_selector("text=снова открыты")
    page.wait_for_selector(".inbox-row")
    assert sorted(row_ids(page)) == sorted(str(i) for i in ids)
    shot(page, "day_12_bulk_undone")


def test_cabinet_check_shows_progress(page: Any, live_server: LiveServer) -> None:
    """«Проверить подключение» says it is working while WB is slow, then shows the result."""
    from agentiq.emulator.embedded import demo_seller_for
    from agentiq.emulator.faults import FaultConfig

    seller_id, _ = register(page)
    page.click("#skip-demo")  # a demo cabinet, served by the built-in WB emulator
    page.wait_for_url("**/inbox**")
    found = demo_seller_for(live_server.runtime, seller_id)
    if found is None:
        pytest.skip("the embedded emulator is not running in this build")
    emulator, emulated = found
    emulator.set_faults(emulated.seller_id, FaultConfig(latency_ms=2500))
    try:
        page.goto("/settings/connections")
        button = page.locator(".check-form button").first
        progress = page.locator(".check-progress").first
        assert not progress.is_visible()
        button.click()
        progress.wait_for(state="visible")
        assert button.is_disabled()
        shot(page, "day_13_cabinet_check_progress")
        page.wait_for_selector("text=Проверка выполнена")
        assert not page.locator(".check-progress").first.is_visible()
        shot(page, "day_14_cabinet_check_done")
    finally:
        emulator.set_faults(emulated.seller_id, FaultConfig())


def test_cabinet_token_lacking_access_asks_and_can_be_replaced(
    page: Any, live_server: LiveServer
) -> None:
    from tests.web.test_seller_day import wb_token

    register(page)
    page.goto("/settings/connections")
    chat_only = wb_token(sid="browser-wb-1", bits=1 << 9)
    page.fill("#cab-name", "Основной")
    page.fill("#cab-token", chat_only)
    page.click("#add-cabinet button[type=submit]")
    page.wait_for_selector("#access-decision")
    assert "«Отзывы и вопросы»" in page.inner_text("#add-cabinet")
    assert page.locator(".cabinet").count() == 0
    shot(page, "day_15_cabinet_access_decision")
    page.check("#accept-missing-access")
    page.fill("#cab-name", "Основной")
    page.fill("#cab-token", chat_only)
    page.click("#add-cabinet button[type=submit]")
    page.wait_for_selector(".cabinet")
    page.click(".replace-token summary")
    page.locator(".replace-token textarea").fill(wb_token(sid="browser-wb-1"))
    shot(page, "day_16_cabinet_replace_token")
    page.click(".replace-token button[type=submit]")
    page.wait_for_selector("#token-replaced")


def test_editing_published_answer_asks_for_confirmation(page: Any, live_server: LiveServer) -> None:
    seller_id, _ = register(page)
    published = {"text": "Спасибо за отзыв!", "state": "wbRu", "editable": True}
    [item_id] = live_server.call(
        seed_items(live_server.app, seller_id, 1, extra_data={"wb_answer": published})
    )
    page.goto(f"/inbox/{item_id}")
    page.wait_for_selector("#edit-confirm")
    assert page.locator("#edit-confirm").is_visible()
    assert page.inner_text("#reply-submit") == "Изменить ответ"
    page.fill("#reply-text", "Здравствуйте! Спасибо, что написали, мы проверили партию.")
    page.click("#reply-submit")
    page.wait_for_selector("#toast:not([hidden])")
    assert "Подтвердите" in page.inner_text("#toast")
    shot(page, "day_17_edit_published_confirm")
    page.check("#confirm-edit")
    page.click("#reply-submit")
    page.wait_for_selector("#outbox-state")
    shot(page, "day_18_edit_published_sent")
