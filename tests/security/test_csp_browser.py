"""Issue 10, security: the Content-Security-Policy allows only our own scripts and styles,
and the pages still work under it — headless Chromium reports no CSP violation on any page
of a signed-in seller with demo data (bars sized, forms confirmed, htmx running)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from agentiq.config import PROJECT_ROOT
from tests.security.conftest import serve

CHROMIUM = Path("/usr/bin/chromium")
PAGES = (
    "/home",
    "/inbox",
    "/analytics",
    "/ratings",
    "/appeals",
    "/profile",
    "/settings/ai",
    "/settings/autonomy",
    "/settings/sla",
    "/settings/connections",
    "/settings/team",
    "/settings/tokens",
)


def test_pages_raise_no_csp_violation(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent")
    from playwright.sync_api import sync_playwright

    with (
        serve(tmp_path, emulator_enabled=True, scheduler_enabled=True) as live,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(base_url=live.url, locale="ru-RU")
        context.set_default_timeout(30_000)
        page = context.new_page()
        violations: list[str] = []
        errors: list[str] = []

        def on_console(message: Any) -> None:
            if "Content Security Policy" in message.text:
                violations.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto("/register")
        page.fill("#seller_name", "Ромашка")
        page.fill("#email", "csp@example.ru")
        page.fill("#password", "password-123")
        page.click("button[type=submit]")
        page.wait_for_url("**/onboarding")
        page.click("#skip-demo")
        page.wait_for_load_state()
        deadline = time.monotonic() + 60
        while not page.locator(".inbox-row").count() and time.monotonic() < deadline:
            page.wait_for_timeout(1000)
            page.goto("/inbox")
        assert page.locator(".inbox-row").count(), "the demo inbox has rows"
        page.locator(".inbox-row").first.click()
        page.wait_for_timeout(800)
        for path in PAGES:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            page.wait_for_load_state("networkidle")
        shots = PROJECT_ROOT / "test-artifacts" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.goto("/ratings")
        page.screenshot(path=str(shots / "security_csp_ratings.png"))
        context.close()
        browser.close()
    assert not violations, violations
    assert not errors, errors


def test_templates_have_no_inline_script_style_or_handler() -> None:
    """What the CSP would refuse at run time, found before: <script> without src, <style>,
    style="" and on…="" attributes, javascript: URLs."""
    import re

    templates = PROJECT_ROOT / "src" / "agentiq" / "web" / "templates"
    forbidden = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:",
        re.IGNORECASE,
    )
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(templates.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if forbidden.search(line)
    ]
    assert not found, found
