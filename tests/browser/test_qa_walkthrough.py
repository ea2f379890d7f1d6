"""A user's walk through every section as the demo owner, on a desktop and on a phone.

Each page reachable from the navigation (the sidebar, the settings tabs, one item of each
channel, one product's rating page) must load without console errors (a CSP violation is
one), without a failed request (a 404 on a static file is one), with no same-site link that
answers 4xx/5xx, with no internal code as visible text, and, on the phone, without the page
scrolling sideways. A module of its own: `agentiq demo-owner` acts only on an empty database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import LiveServer, shot

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Codes stored in the database or sent by WB that must be shown as Russian words.
INTERNAL_CODES = (
    "thanks",
    "size_fit",
    "seller",
    "buyer",
    "draft_edited",
    "draft_accepted",
    "reply_manual",
    "notSpecified",
    "wb_api",
    "fallback",
    "buyout",
    "returned",
    "rejected",
    "nmId",
    "None",
    "null",
    "undefined",
    "NaN",
)
CODE_WORD = re.compile(r"(?<![\w@.\-/])(" + "|".join(INTERNAL_CODES) + r")(?![\w@])", re.I)
# Any snake_case or camelCase word is a code by its look (product names may say iPhone).
CODE_SHAPE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\b[a-z]+[A-Z][A-Za-z]+\b")
ALLOWED_SHAPES = {"iPhone", "iPad", "eSIM"}


@pytest.fixture(scope="module")
def demo_owner(live_server: LiveServer) -> tuple[str, str]:
    from agentiq.cli_ops import ensure_demo_owner

    email, password = "demo@agentiq.local", "demo-password"
    assert live_server.call(ensure_demo_owner(live_server.runtime.settings, email, password))
    return email, password


@pytest.fixture
def signed_in(
    request: pytest.FixtureRequest,
    browser: Any,
    live_server: LiveServer,
    demo_owner: tuple[str, str],
) -> Iterator[tuple[Any, list[str]]]:
    viewport = request.param
    context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="ru-RU")
    context.set_default_timeout(30_000)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{page.url}: console {m.type}: {m.text}")
            if m.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"{page.url}: script error: {exc}"))
    page.on(
        "response",
        lambda r: (
            problems.append(f"{page.url}: {r.status} on {r.url}") if r.status >= 400 else None
        ),
    )
    # Leaving a page aborts its live-update stream and htmx calls: only other failures count.
    page.on(
        "requestfailed",
        lambda r: (
            problems.append(f"{page.url}: failed {r.url}: {r.failure}")
            if "ERR_ABORTED" not in (r.failure or "")
            else None
        ),
    )
    page.goto("/login")
    page.fill("#email", demo_owner[0])
    page.fill("#password", demo_owner[1])
    page.click("button[type=submit]")
    page.wait_for_load_state()
    # The demo cabinet syncs from the built-in emulator; wait until its messages are in.
    page.goto("/inbox?queue=all")
    page.wait_for_selector(".inbox-row", timeout=60_000)
    yield page, problems
    context.close()


def _pages_to_visit(page: Any) -> list[str]:
    """The sidebar's sections, the settings tabs, items of each channel, one product."""
    page.goto("/home")
    paths = page.eval_on_selector_all(
        "nav.sidebar a.nav-item[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    assert len(paths) >= 8, paths
    page.goto("/settings/connections")
    paths += page.eval_on_selector_all(
        "nav.tabs a.tab[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    # A few chats: the seller's own messages (author codes) are in some threads only.
    for channel, count in (("review", 1), ("question", 1), ("chat", 4)):
        page.goto(f"/inbox?queue=all&channel={channel}")
        page.wait_for_selector(".inbox-row")
        rows = page.locator(".inbox-row")
        assert rows.count() >= count, f"the demo cabinet has too few of {channel}"
        paths += [f"/inbox/{rows.nth(i).get_attribute('data-id')}" for i in range(count)]
    page.goto("/ratings")
    paths.append(page.locator("a.product-impact").first.get_attribute("href"))
    paths += ["/ratings/negatives", "/analytics?days=30&mode=full", "/promo?add=1"]
    return list(dict.fromkeys(paths))


def _link_key(href: str) -> str:
    """One check per kind of link: /inbox/17 and /inbox/18 answer alike."""
    parts = urlsplit(href)
    return re.sub(r"\d+", "N", parts.path) + "?" + re.sub(r"=\d+", "=N", parts.query)


def _visible_codes(text: str) -> list[str]:
    found = [m.group(0) for m in CODE_WORD.finditer(text)]
    found += [w for w in CODE_SHAPE.findall(text) if w not in ALLOWED_SHAPES]
    return sorted(set(found))


def _walk(page: Any, problems: list[str], name: str, phone: bool) -> list[str]:
    checked: dict[str, int] = {}
    for path in _pages_to_visit(page):
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        assert response is not None
        if response.status >= 400:
            problems.append(f"{path}: answered {response.status}")
        slug = re.sub(r"[^a-z0-9]+", "_", path.strip("/")) or "root"
        shot(page, f"qa_{name}_{slug}")
        codes = _visible_codes(page.inner_text("body"))
        if codes:
            problems.append(f"{path}: internal codes on screen: {codes}")
        if phone:
            widths = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if widths[0] > widths[1]:
                problems.append(f"{path}: the page scrolls sideways ({widths[0]} > {widths[1]} px)")
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            if not href.startswith("/") or href.startswith("//") or "logout" in href:
                continue
            key = _link_key(href)
            if key in checked:
                continue
            status = page.request.get(href, max_redirects=0).status
            checked[key] = status
            if status >= 400:
                problems.append(f"{path}: link {href} answers {status}")
    assert len(checked) > 20, checked
    return problems


@pytest.mark.parametrize("signed_in", [DESKTOP], indirect=True, ids=["desktop"])
def test_every_section_on_desktop_is_clean(signed_in: tuple[Any, list[str]]) -> None:
    page, problems = signed_in
    found = _walk(page, problems, "desktop", phone=False)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("signed_in", [PHONE], indirect=True, ids=["phone"])
def test_every_section_on_phone_is_clean(signed_in: tuple[Any, list[str]]) -> None:
    page, problems = signed_in
    found = _walk(page, problems, "phone", phone=True)
    assert not found, "\n".join(found)


def test_the_code_finder_sees_codes_and_spares_russian() -> None:
    """The walk's own detector: it must flag a code and leave ordinary text alone."""
    assert _visible_codes("Заказ buyout · nmId 48163182 · тема size_fit") == [
        "buyout",
        "nmId",
        "size_fit",
    ]
    assert _visible_codes("Источник: WB API · demo@agentiq.local · чехол для iPhone") == []
