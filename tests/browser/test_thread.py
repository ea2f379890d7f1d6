"""The buyer's thread in the item pane, in a real browser: a chat whose buyer left a review
shows it with the link's confidence in words; «Шаблон» fills the composer; confirming the
link changes linking precision."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot
from tests.browser.test_inbox_flows import sign_up

pytestmark = pytest.mark.browser


def _probable_link(page: Any) -> tuple[int, dict[str, Any]]:
    """A chat and the review step of its thread that the linking module found (probable,
    not judged yet) — waits for the demo sync to bring them in."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        chats = page.request.get("/api/interactions?channel=chat&limit=200").json()["items"]
        for chat in chats:
            timeline = page.request.get(f"/api/interactions/{chat['id']}/timeline").json()
            for step in timeline["steps"]:
                if step["channel"] == "review" and step["level"] == "C" and not step["verdict"]:
                    return chat["id"], step
        time.sleep(2)
    raise AssertionError("the demo data has no chat linked to a review")


def _precision(page: Any) -> dict[tuple[str, str], dict[str, Any]]:
    rows = page.request.get("/api/links/precision").json()
    return {(r["level"], r["band"]): r for r in rows}


def test_thread_template_and_confirm(page: Any, live_server: LiveServer) -> None:
    sign_up(page, live_server, seed=5)
    chat_id, step = _probable_link(page)
    review_id = step["interaction_id"]
    if not step["last_reply_text"]:
        # Give the review a reply the chat can reuse: the seller's own AI draft of it.
        csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "agentiq_csrf")
        drafted = page.request.post(
            f"/api/interactions/{review_id}/ai-draft", headers={"x-csrf-token": csrf}
        )
        assert drafted.ok, drafted.text()
    before = _precision(page)

    page.goto(f"/inbox/{chat_id}")
    thread = page.locator("#buyer-thread")
    thread.wait_for()
    review_step = thread.locator(f"[data-step-id='{review_id}']")
    label = review_step.locator(".link-confidence").inner_text()
    assert label.startswith(("вероятно тот же покупатель", "вероятная связь")), label
    assert f"{round(step['confidence'] * 100)} %" in label
    assert (
        review_step.locator("a.thread-go").get_attribute("href").startswith(f"/inbox/{review_id}")
    )
    assert "seller.wildberries.ru" in (review_step.locator("a.thread-wb").get_attribute("href"))
    review_step.scroll_into_view_if_needed()
    shot(page, "thread_01_chat_with_review")

    review_step.locator("button.thread-template").click()
    composer = page.locator("#reply-text")
    template = review_step.locator("button.thread-template").get_attribute("data-template")
    assert template and composer.input_value() == template
    composer.scroll_into_view_if_needed()
    shot(page, "thread_02_template_in_composer")

    review_step.get_by_role("button", name="Да, тот же покупатель").click()
    page.locator(
        f"#buyer-thread [data-step-id='{review_id}'] >> text=связь подтверждена"
    ).wait_for()
    page.locator("#buyer-thread").scroll_into_view_if_needed()
    shot(page, "thread_03_confirmed")
    pane = page.locator("[data-item-id]").inner_text()
    assert "link_confirmed" not in pane and "Связь с другим обращением подтверждена" in pane
    after = _precision(page)
    key = ("C", "high" if step["confidence"] >= 0.85 else "medium")
    judged_before = before.get(key, {}).get("judged", 0)
    assert after[key]["judged"] == judged_before + 1
    assert after[key]["confirmed"] == before.get(key, {}).get("confirmed", 0) + 1
    assert after[key]["precision"] is not None


def test_escalate_review_to_chat(page: Any, live_server: LiveServer) -> None:
    sign_up(page, live_server, seed=6)
    reviews = page.request.get(
        "/api/interactions?channel=review&rating=1&rating=2&queue=unanswered&limit=50"
    ).json()["items"]
    assert reviews, "the demo data has no unanswered negative review"
    review_id = reviews[0]["id"]
    page.goto(f"/inbox/{review_id}")
    panel = page.locator("#escalation")
    panel.scroll_into_view_if_needed()
    assert "Опубликуем ответ с приглашением в чат" in panel.inner_text()
    page.click("#escalate-button")
    page.locator("#escalation >> text=Ждём покупателя в чате").wait_for()
    page.locator("#escalation").scroll_into_view_if_needed()
    shot(page, "thread_04_escalated")
    state = page.request.get(f"/api/interactions/{review_id}/escalation").json()
    assert state["state"] == "awaiting_chat"
    reply = page.request.get(f"/api/interactions/{review_id}/reply").json()["replies"][0]
    assert "чат" in reply["text"]
    pane = page.locator("[data-item-id]").inner_text()
    assert "escalation_opened" not in pane and "shk:" not in pane
