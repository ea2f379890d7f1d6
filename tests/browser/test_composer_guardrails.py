"""The composer marks what the send would refuse while the operator types, in a real browser:
an evasion is marked in place with a Russian explanation and «Отправить» waits; an apology
clears it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot
from tests.browser.test_inbox_flows import sign_up

pytestmark = pytest.mark.browser


def test_composer_marks_violations_while_typing(page: Any, live_server: LiveServer) -> None:
    sign_up(page, live_server, seed=5)
    page.locator(".inbox-row a.row-link").first.click()
    page.wait_for_selector("#reply-text")
    box = page.locator("#reply-text")
    box.fill("Здравствуйте! Пишите в т.г. @shop_best, а вaм ответит н е й р о с е т ь 😊")
    page.wait_for_selector("#reply-marks mark.guard-error")
    marks = page.locator("#reply-marks mark.guard-error").all_inner_texts()
    assert "т.г" in " ".join(marks) and "н е й р о с е т ь" in marks
    lines = page.locator("#reply-violations li").all_inner_texts()
    assert any(line.startswith("Контакты, ссылки, мессенджеры") for line in lines), lines
    assert any(line.startswith("Упоминание ИИ или бота") for line in lines), lines
    send = page.locator("#reply-form button[type=submit]")
    assert send.is_disabled()
    assert (send.get_attribute("title") or "").startswith("Отправить нельзя")
    page.locator("#reply-form").scroll_into_view_if_needed()
    shot(page, "40_composer_guardrails")

    box.fill("Это не ваша вина — простите нас, мы разберёмся и поможем с возвратом через WB.")
    page.locator("#reply-marks").wait_for(state="hidden")
    assert page.locator("#reply-violations li").count() == 0
    assert send.is_enabled()
