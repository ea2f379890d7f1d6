"""Главная and Аналитика in a real browser on demo data: desktop and phone, both modes,
every chart drawn (Chart.js from /static/vendor), screenshots to look at."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot

pytestmark = pytest.mark.browser
_emails = itertools.count(1)
REPLY = "Спасибо за отзыв! Рады, что товар вам понравился. Ждём вас снова в нашем магазине."


def demo_seller(page: Any) -> None:
    page.goto("/register")
    page.fill("#seller_name", "Ромашка")
    page.fill("#email", f"owner{next(_emails)}@example.ru")
    page.fill("#password", "password-123")
    page.click("button[type=submit]")
    page.wait_for_url("**/onboarding")
    page.click("#skip-demo")
    page.wait_for_load_state()
    page.goto("/inbox")
    page.wait_for_selector(".inbox-row", timeout=60_000)


def answer_some(page: Any, n: int) -> None:
    """Real replies through the API, as the item pane sends them."""
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "agentiq_csrf")
    items = page.request.get(
        "/api/interactions", params={"queue": "unanswered", "channel": "review"}
    ).json()
    sent = 0
    for it in items["items"]:
        r = page.request.post(
            f"/api/interactions/{it['id']}/reply",
            data={"text": REPLY},
            headers={"x-csrf-token": csrf},
        )
        sent += r.status == 201
        if sent >= n:
            break
    assert sent >= 1


def charts_drawn(page: Any) -> int:
    canvases = page.locator("canvas[data-chart]")
    count = int(canvases.count())
    for i in range(count):
        canvas = canvases.nth(i)
        assert canvas.get_attribute("data-drawn") not in (None, "error"), canvas.get_attribute("id")
        box = canvas.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
    return count


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_home_and_analytics_pages(page: Any, live_server: LiveServer, viewport: str) -> None:
    if viewport == "phone":
        page.set_viewport_size({"width": 390, "height": 844})
    demo_seller(page)
    answer_some(page, 3)
    page.goto("/home")
    assert page.get_by_role("heading", name="Главная").is_visible()
    assert page.locator("#kpi-unanswered strong").inner_text().strip().isdigit()
    assert page.locator(".attention-item, .attention .empty").count() >= 1
    shot(page, f"analytics_home_{viewport}")
    page.screenshot(path=str(shot(page, f"analytics_home_{viewport}")), full_page=True)

    page.goto("/analytics?mode=ops&days=30")
    page.wait_for_selector("canvas[data-drawn]")
    assert charts_drawn(page) == 2
    assert page.locator(".badge-demo").first.is_visible()
    page.screenshot(path=str(shot(page, f"analytics_ops_{viewport}")), full_page=True)

    page.get_by_role("link", name="Полный").click()
    page.wait_for_url("**mode=full**")
    page.wait_for_selector("#chart-ratings[data-drawn]")
    assert charts_drawn(page) == 4
    assert page.locator("#table-complaints tr, #complaints-title").count() >= 1
    page.screenshot(path=str(shot(page, f"analytics_full_{viewport}")), full_page=True)
    assert page.locator("#gate-decision").is_visible()

    # The alert job on this seller (the scheduler would run it within a minute).
    from agentiq.analytics.tasks import run_alerts_for

    seller_id = int(page.request.get("/api/auth/me").json()["seller"]["id"])
    live_server.call(run_alerts_for(live_server.runtime, seller_id))
    page.goto("/alerts")
    assert page.locator("#open-alerts .alert").count() >= 1
    page.screenshot(path=str(shot(page, f"analytics_alerts_{viewport}")), full_page=True)
    page.locator("#open-alerts .alert button", has_text="Принять в работу").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("Принято в работу").first.is_visible()
    page.goto("/settings/alerts")
    page.screenshot(path=str(shot(page, f"analytics_alert_settings_{viewport}")), full_page=True)
