"""Actions, bulk actions and the statement budget of the list."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import event, select

from agentiq.db import unit_of_work
from agentiq.models import InteractionEvent
from tests.interactions.conftest import seed, seed_product

BOTH = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)


async def events_of(app: Any, interaction_id: int) -> list[str]:
    async with unit_of_work(app.state.runtime.sessionmaker) as session:
        rows = await session.scalars(
            select(InteractionEvent.kind)
            .where(InteractionEvent.interaction_id == interaction_id)
            .order_by(InteractionEvent.id)
        )
        return list(rows)


async def test_item_actions_record_events(
    client: httpx.AsyncClient, app: Any, seller: dict[str, Any]
) -> None:
    sid, uid = seller["seller_id"], seller["user_id"]
    [item] = await seed(app, sid, [{"unread": True}])
    base = f"/api/interactions/{item}"
    assert (await client.post(f"{base}/assign", json={"user_id": uid})).json()["changed"]
    assert not (await client.post(f"{base}/assign", json={"user_id": uid})).json()["changed"]
    mine = (await client.get("/api/interactions", params={"assigned": "me"})).json()["items"]
    assert [r["id"] for r in mine] == [item]
    assert mine[0]["assigned_user_id"] == uid
    stranger = await client.post(f"{base}/assign", json={"user_id": 99999})
    assert stranger.status_code == 422
    note = await client.post(f"{base}/note", json={"text": "Позвонить покупателю"})
    assert note.status_code == 201 and note.json()["payload"]["text"] == "Позвонить покупателю"
    assert (await client.post(f"{base}/viewed")).json()["changed"]
    assert not (await client.post(f"{base}/viewed")).json()["changed"]
    detail = (await client.get(base)).json()
    assert detail["item"]["viewed_at"] is not None
    assert detail["item"]["unread"] is True  # opening is not answering
    assert detail["assigned"]["id"] == uid
    assert (await client.post(f"{base}/close")).json()["changed"]
    closed = (await client.get(base)).json()["item"]
    assert closed["status"] == "closed" and closed["needs_response"] is False
    unanswered = (await client.get("/api/interactions", params={"queue": "unanswered"})).json()
    assert unanswered["items"] == []
    assert (await client.post(f"{base}/reopen")).json()["changed"]
    reopened = (await client.get(base)).json()["item"]
    assert reopened["status"] == "open" and reopened["needs_response"] is True
    assert await events_of(app, item) == ["assigned", "note", "viewed", "closed", "reopened"]
    latest_event = (await client.get(base)).json()["events"][0]
    assert latest_event["kind"] == "reopened"


async def test_bulk_by_ids_and_all_matching(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    app: Any,
    seller: dict[str, Any],
    other_seller: dict[str, Any],
) -> None:
    sid = seller["seller_id"]
    reviews = await seed(app, sid, [{"channel": "review"} for _ in range(12)])
    questions = await seed(app, sid, [{"channel": "question"} for _ in range(3)])
    foreign = await seed(app, other_seller["seller_id"], [{"channel": "review"}])
    response = await client.post(
        "/api/interactions/bulk", json={"action": "close", "ids": questions[:2] + foreign}
    )
    body = response.json()
    undo = body.pop("undo")  # a bulk close can be undone (issue 10)
    assert body == {"affected": 2, "ids": questions[:2], "truncated": False}
    assert isinstance(undo, str) and len(undo) == 32
    response = await client.post(
        "/api/interactions/bulk",
        json={"action": "close", "all_matching": True, "filter": {"channel": "review"}},
    )
    assert response.status_code == 200, response.text
    assert response.json()["ids"] == reviews
    left = (await client.get("/api/interactions", params={"queue": "unanswered"})).json()
    assert [r["id"] for r in left["items"]] == [questions[2]]
    foreign_item = (await other_client.get(f"/api/interactions/{foreign[0]}")).json()["item"]
    assert foreign_item["status"] == "open"
    response = await client.post(
        "/api/interactions/bulk",
        json={
            "action": "assign",
            "all_matching": True,
            "filter": {"queue": "done"},
            "user_id": seller["user_id"],
        },
    )
    assert response.json()["affected"] == 14
    counts = (await client.get("/api/interactions/counts", params={"assigned": "me"})).json()
    assert counts["queues"]["done"] == 14
    empty = await client.post("/api/interactions/bulk", json={"action": "close"})
    assert empty.status_code == 422


@BOTH
@pytest.mark.parametrize("limit", [1, 50, 200])
async def test_list_request_statement_budget(
    client: httpx.AsyncClient, app: Any, seller: dict[str, Any], limit: int
) -> None:
    sid = seller["seller_id"]
    for nm in range(5):
        await seed_product(app, sid, 1000 + nm, f"Товар {nm}", f"A-{nm}")
    await seed(app, sid, [{"nm_id": 1000 + i % 5, "text": f"Размер {i}"} for i in range(220)])
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = app.state.runtime.engine.sync_engine
    await client.get("/api/interactions", params={"limit": 1})  # warm the session cache
    for params in (
        {"limit": limit},
        {"limit": limit, "q": "размер", "channel": "review"},
        {"limit": limit, "sort": "newest", "queue": "unanswered"},
    ):
        first = (await client.get("/api/interactions", params=params)).json()
        event.listen(engine, "before_cursor_execute", count)
        try:
            statements.clear()
            response = await client.get(
                "/api/interactions", params={**params, "cursor": first["next_cursor"]}
            )
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200
        assert len(response.json()["items"]) == min(limit, 220 - limit)
        assert all(r["product_name"] for r in response.json()["items"])
        # The whole request (session, user, membership, the page) stays within 5 statements.
        assert len(statements) <= 5, statements
