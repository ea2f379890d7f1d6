"""Reply routes end to end: guardrails, outbox, dispatch to the emulator, edits, sandbox."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from agentiq.db import unit_of_work
from agentiq.models import Interaction, InteractionEvent, ReplyAttempt, ReplyOutbox
from agentiq.replies.tasks import dispatch_due
from tests.conftest import browser_client, register
from tests.replies.world import World, add_item, make_world

GOOD = "Анна, спасибо за отзыв! Рады, что товар подошёл. Ждём вас снова в нашем магазине."


async def _events(world: World, item_id: int) -> list[str]:
    async with unit_of_work(world.runtime.sessionmaker) as s:
        rows = await s.scalars(
            select(InteractionEvent.kind)
            .where(InteractionEvent.interaction_id == item_id)
            .order_by(InteractionEvent.id)
        )
        return list(rows)


async def _item(world: World, item_id: int) -> Interaction:
    async with unit_of_work(world.runtime.sessionmaker) as s:
        item = await s.get(Interaction, item_id)
        assert item is not None
        return item


async def test_reply_goes_to_outbox_then_to_wb_once(client: httpx.AsyncClient, world: World):
    item_id = await add_item(world, "review")
    r = await client.post(f"/api/interactions/{item_id}/reply", json={"text": GOOD})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["outbox"]["state"] == "pending" and body["outbox"]["kind"] == "answer"
    assert body["quality"] == "reply_manual"

    item = await _item(world, item_id)
    assert item.status == "responded" and item.first_response_at is not None
    assert item.extra_data["reply_state"] == "pending"
    assert "reply_pending_until" in item.extra_data

    assert await dispatch_due(world.runtime) == {"published": 1}
    external_id = item.external_id
    received = world.received(external_id)
    assert [(a.kind, a.text) for a in received] == [("feedback_answer", GOOD)]
    assert (await _item(world, item_id)).extra_data["reply_state"] == "published"
    assert await dispatch_due(world.runtime) == {}  # nothing left to do, nothing resent

    status = (await client.get(f"/api/interactions/{item_id}/reply")).json()
    assert status["replies"][0]["state"] == "published"
    outcomes = [a["outcome"] for a in status["attempts"]]
    assert outcomes == ["ok", "readback"]  # 204 is only trusted after the read-back
    assert await _events(world, item_id) == ["reply_sent", "reply_manual", "reply_published"]


async def test_blocked_text_is_422_with_the_violations(client: httpx.AsyncClient, world: World):
    item_id = await add_item(world, "review")
    text = "Спасибо! Пишите нам в телеграм или звоните +7 999 123-45-67, решим вопрос быстро."
    r = await client.post(f"/api/interactions/{item_id}/reply", json={"text": text})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "guardrails_blocked"
    violations = error["details"]["violations"]
    assert violations and {"category", "span", "fragment", "message_ru"} <= set(violations[0])
    start, end = violations[0]["span"]
    assert text[start:end] == violations[0]["fragment"]
    async with unit_of_work(world.runtime.sessionmaker) as s:
        assert (await s.scalars(select(ReplyOutbox))).all() == []
    assert (await _item(world, item_id)).status == "open"


async def test_second_reply_while_pending_is_409(client: httpx.AsyncClient, world: World):
    item_id = await add_item(world, "question", text="Какой размер брать на рост 170?")
    text = "Здравствуйте! На рост 170 см лучше подойдёт размер M, он сядет свободно."
    assert (await client.post(f"/api/interactions/{item_id}/reply", json={"text": text})).is_success
    again = await client.post(f"/api/interactions/{item_id}/reply", json={"text": text + " Да."})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "reply_in_progress"
    assert await dispatch_due(world.runtime) == {"published": 1}
    assert [a.kind for a in world.received((await _item(world, item_id)).external_id)] == [
        "question_answer"
    ]


async def test_answered_review_gets_one_edit_only(client: httpx.AsyncClient, world: World):
    item_id = await add_item(world, "review")
    url = f"/api/interactions/{item_id}/reply"
    assert (await client.post(url, json={"text": GOOD})).is_success
    await dispatch_due(world.runtime)
    edited = "Анна, благодарим за тёплый отзыв! Будем рады видеть вас снова среди покупателей."
    # Replacing a published answer is confirmed first (issue 10: WB allows one edit).
    unconfirmed = await client.post(url, json={"text": edited})
    assert unconfirmed.status_code == 409
    assert unconfirmed.json()["error"]["code"] == "edit_needs_confirmation"
    r = await client.post(url, json={"text": edited, "confirm_edit": True})
    assert r.status_code == 201 and r.json()["outbox"]["kind"] == "edit"
    assert await dispatch_due(world.runtime) == {"published": 1}
    external_id = (await _item(world, item_id)).external_id
    assert [a.kind for a in world.received(external_id)] == ["feedback_answer", "feedback_edit"]
    third = await client.post(url, json={"text": "Анна, ещё раз спасибо за ваш отзыв и выбор!"})
    assert third.status_code == 409 and third.json()["error"]["code"] == "edit_not_allowed"
    assert len(world.received(external_id)) == 2


async def test_chat_reply_is_sent_with_a_fresh_reply_sign(client: httpx.AsyncClient, world: World):
    item_id = await add_item(world, "chat", text="Когда придёт заказ?")
    text = "Здравствуйте! Заказ уже в пути, по трекингу доставка ожидается завтра."
    assert (await client.post(f"/api/interactions/{item_id}/reply", json={"text": text})).is_success
    assert await dispatch_due(world.runtime) == {"published": 1}
    chat_id = (await _item(world, item_id)).external_id
    assert [(a.kind, a.text) for a in world.received(chat_id)] == [("chat_message", text)]


async def test_wrong_id_fails_visibly_and_can_be_retried(client: httpx.AsyncClient, world: World):
    item_id = await add_item(world, "review", external_id="NoSuchFeedbackId0000")
    url = f"/api/interactions/{item_id}/reply"
    assert (await client.post(url, json={"text": GOOD})).is_success
    # WB answers 204 for a wrong id; the read-back shows nothing was published.
    assert await dispatch_due(world.runtime) == {"failed": 1}
    item = await _item(world, item_id)
    assert item.extra_data["reply_state"] == "failed" and item.extra_data["reply_error"]
    status = (await client.get(url)).json()
    assert status["replies"][0]["last_error"]

    r = await client.post(f"{url}/retry")
    assert r.status_code == 200 and r.json()["state"] == "pending"
    assert (await client.post(f"{url}/retry")).status_code == 409  # already queued
    # The retry reads back first (`last_error` kept) and does not post a second time.
    assert await dispatch_due(world.runtime) == {"failed": 1}
    assert len(world.received("NoSuchFeedbackId0000")) == 1
    async with unit_of_work(world.runtime.sessionmaker) as s:
        outcomes = list(await s.scalars(select(ReplyAttempt.outcome).order_by(ReplyAttempt.id)))
    assert outcomes == ["ok", "readback", "readback"]


async def test_sandbox_cabinet_stores_and_never_sends(app: object, replies_wb: object):
    async with browser_client(app) as c:
        ids = await register(c, "sandbox@example.com", "Песочница")
        runtime = app.state.runtime  # type: ignore[attr-defined]
        from tests.replies.world import install_client_factory

        http = install_client_factory(runtime, replies_wb)  # type: ignore[arg-type]
        world = await make_world(runtime, replies_wb, ids["seller_id"], sandbox=True)  # type: ignore[arg-type]
        item_id = await add_item(world, "review")
        r = await c.post(f"/api/interactions/{item_id}/reply", json={"text": GOOD})
        assert r.status_code == 201 and r.json()["outbox"]["state"] == "stored"
        assert await dispatch_due(runtime) == {}
        assert world.state.received_answers == []
        assert (await _item(world, item_id)).extra_data["reply_state"] == "stored"
        await http.aclose()


async def test_quality_classification_against_the_last_draft(
    client: httpx.AsyncClient, world: World
):
    kinds = []
    for variant in ("as_is", "edited", "manual"):
        item_id = await add_item(world, "review")
        draft = (await client.post(f"/api/interactions/{item_id}/ai-draft")).json()["draft"]
        text = {
            "as_is": draft["text"],
            "edited": draft["text"] + " Будем рады видеть вас снова!",
            "manual": "Спасибо, что выбрали нас. Хорошего дня и удачных покупок вам!",
        }[variant]
        r = await client.post(f"/api/interactions/{item_id}/reply", json={"text": text})
        assert r.status_code == 201, r.text
        kinds.append(r.json()["quality"])
        assert (await _events(world, item_id))[-2:] == ["reply_sent", r.json()["quality"]]
    assert kinds == ["draft_accepted", "draft_edited", "reply_manual"]


async def test_other_sellers_items_are_404_on_every_route(app: object, world: World):
    item_id = await add_item(world, "review")
    async with browser_client(app) as stranger:
        await register(stranger, "stranger@example.com", "Чужой")
        for method, path, body in (
            ("POST", f"/api/interactions/{item_id}/ai-draft", None),
            ("POST", f"/api/interactions/{item_id}/reply", {"text": GOOD}),
            ("GET", f"/api/interactions/{item_id}/reply", None),
            ("POST", f"/api/interactions/{item_id}/reply/retry", None),
        ):
            r = await stranger.request(method, path, json=body)
            assert r.status_code == 404, (path, r.text)
    assert (await _item(world, item_id)).status == "open"
