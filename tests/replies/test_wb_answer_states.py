"""Answers WB already holds, or refuses (issue 10, «Right on real WB data»).

Items come from a real sync against the emulator (not hand-made rows), replies go through the
API, the outbox and the dispatcher to the emulator over real HTTP.
"""

from __future__ import annotations

import httpx
from sqlalchemy import select

from agentiq.emulator.faults import FaultConfig
from agentiq.ingestion.service import sync_cabinet
from agentiq.models import Interaction, ReplyOutbox
from agentiq.replies.dispatcher import MODERATION_REJECTED
from agentiq.replies.tasks import dispatch_due
from tests.replies.world import World

GOOD = "Спасибо за отзыв! Рады, что товар понравился. Ждём вас снова в нашем магазине."


async def _synced(world: World) -> dict[str, Interaction]:
    report = await sync_cabinet(world.runtime, world.seller_id, world.connection_id)
    assert report.ok, report
    async with world.runtime.sessionmaker() as session:
        rows = await session.scalars(
            select(Interaction).where(Interaction.seller_id == world.seller_id)
        )
        return {f"{row.channel}:{row.external_id}": row for row in rows}


async def _item(world: World, item_id: int) -> Interaction:
    async with world.runtime.sessionmaker() as session:
        item = await session.get(Interaction, item_id)
        assert item is not None
        return item


async def test_answer_rejected_by_wb_moderation_puts_the_item_back_in_unanswered(
    client: httpx.AsyncClient, world: World
) -> None:
    emulator = world.wb.emulator
    _, fresh = emulator.tick(world.emulated_id, "review")
    items = await _synced(world)
    item = items[f"review:{fresh}"]
    assert item.needs_response
    emulator.set_faults(world.emulated_id, FaultConfig(moderation_reject_rate=1.0))

    r = await client.post(f"/api/interactions/{item.id}/reply", json={"text": GOOD})
    assert r.status_code == 201, r.text
    # The read-back sees WB's `answer.state: rejected`: not published.
    assert await dispatch_due(world.runtime) == {"failed": 1}

    after = await _item(world, item.id)
    assert after.status == "open" and after.needs_response is True
    assert after.extra_data["reply_state"] == "failed"
    assert after.extra_data["reply_error"] == MODERATION_REJECTED
    status = (await client.get(f"/api/interactions/{item.id}/reply")).json()
    assert status["replies"][0]["state"] == "failed"
    assert status["replies"][0]["last_error"] == MODERATION_REJECTED
    page = await client.get(f"/inbox/{item.id}")
    assert "опубликован" not in page.text.split('id="outbox-state"')[1][:300]

    # The next sync keeps it in «Без ответа», with WB's reason; a new reply edits the refused one.
    emulator.set_faults(world.emulated_id, FaultConfig(moderation_reject_rate=0.0))
    again = (await _synced(world))[f"review:{fresh}"]
    assert again.status == "open" and again.needs_response is True
    assert again.extra_data["wb_answer"]["state"] == "rejected"
    better = "Спасибо за ваш отзыв! Нам очень приятно, будем рады видеть вас снова у нас."
    r = await client.post(f"/api/interactions/{item.id}/reply", json={"text": better})
    assert r.status_code == 201 and r.json()["outbox"]["kind"] == "edit"
    assert await dispatch_due(world.runtime) == {"published": 1}


async def test_answer_given_in_the_wb_cabinet_makes_our_reply_an_edit_and_no_first_response(
    client: httpx.AsyncClient, world: World
) -> None:
    items = await _synced(world)
    answered = [
        row
        for key, row in items.items()
        if key.startswith("review:")
        and (row.extra_data.get("wb_answer") or {}).get("editable") is True
        and row.extra_data["wb_answer"]["state"] == "published"
    ]
    assert answered
    item = answered[0]
    assert item.first_response_at is None  # WB gives no date for a review's answer

    # The operator is told before sending.
    page = await client.get(f"/inbox/{item.id}")
    assert page.status_code == 200
    assert "В кабинете WB уже есть ответ" in page.text

    r = await client.post(
        f"/api/interactions/{item.id}/reply", json={"text": GOOD, "confirm_edit": True}
    )
    assert r.status_code == 201, r.text
    assert r.json()["outbox"]["kind"] == "edit"
    assert (await _item(world, item.id)).first_response_at is None
    assert await dispatch_due(world.runtime) == {"published": 1}
    assert [a.kind for a in world.received(item.external_id)] == ["feedback_edit"]
    async with world.runtime.sessionmaker() as session:
        row = await session.scalar(select(ReplyOutbox).where(ReplyOutbox.interaction_id == item.id))
    assert row is not None and row.state == "published" and row.last_error is None

    # WB allows one edit: the next reply is refused before anything is sent.
    third = await client.post(
        f"/api/interactions/{item.id}/reply",
        json={"text": "Спасибо ещё раз за ваш отзыв, рады стараться для вас!"},
    )
    assert third.status_code == 409 and third.json()["error"]["code"] == "edit_not_allowed"


async def test_chat_reply_uses_the_reply_sign_the_sync_stored(
    client: httpx.AsyncClient, world: World
) -> None:
    from agentiq.replies.dispatcher import _reply_sign

    items = await _synced(world)
    chat = next(row for key, row in items.items() if key.startswith("chat:"))
    sign = _reply_sign(chat)
    state = world.state
    record = state.chat(chat.external_id)
    assert record is not None and sign == world.wb.emulator.reply_sign(state, record)
