"""The inbox JSON API through the ASGI client, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from agentiq.kit.time import utcnow
from agentiq.worker.embedded import wait_background
from tests.interactions.conftest import seed, seed_product

BOTH = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)


async def all_pages(client: httpx.AsyncClient, params: dict[str, Any], limit: int) -> list[int]:
    ids: list[int] = []
    cursor = None
    for _ in range(200):
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/api/interactions", params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        ids.extend(row["id"] for row in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("pagination did not end")


@BOTH
async def test_priority_order_and_keyset_pages(
    client: httpx.AsyncClient, app: Any, seller: dict[str, Any]
) -> None:
    sid = seller["seller_id"]
    now = utcnow()
    rows = []
    for i in range(37):
        rows.append(
            {
                "priority": ["urgent", "high", "normal", "low"][i % 4],
                # Some share a due time, some have none: the key must still be total.
                "sla_due_at": None if i % 5 == 0 else now + timedelta(hours=i % 3),
            }
        )
    ids = await seed(app, sid, rows)
    response = await client.get("/api/interactions", params={"limit": 200})
    full = [r["id"] for r in response.json()["items"]]
    assert sorted(full) == sorted(ids)
    ranks = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
    items = response.json()["items"]
    keys = [
        (ranks[r["priority"]], r["sla_due_at"] is None, r["sla_due_at"] or "", r["id"])
        for r in items
    ]
    assert keys == sorted(keys)  # rank, then due time (none last), then id
    for limit in (1, 4, 10):
        assert await all_pages(client, {}, limit) == full
    newest = await all_pages(client, {"sort": "newest"}, 7)
    oldest = await all_pages(client, {"sort": "oldest"}, 7)
    assert newest == list(reversed(oldest))
    assert oldest == sorted(ids)  # seeded with increasing occurred_at


@BOTH
async def test_pages_have_no_duplicates_or_gaps_while_rows_arrive(
    client: httpx.AsyncClient, app: Any, seller: dict[str, Any]
) -> None:
    sid = seller["seller_id"]
    now = utcnow()
    original = await seed(app, sid, [{"sla_due_at": now + timedelta(hours=i)} for i in range(30)])
    seen: list[int] = []
    cursor = None
    inserted: list[int] = []
    while True:
        params: dict[str, Any] = {"limit": 6}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/interactions", params=params)).json()
        seen.extend(r["id"] for r in page["items"])
        # New urgent items land before the cursor; new late ones after it.
        inserted += await seed(
            app,
            sid,
            [
                {"priority": "urgent", "sla_due_at": now},
                {"priority": "low", "sla_due_at": now + timedelta(days=9)},
            ],
        )
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    assert set(original) <= set(seen)
    late = [i for i in inserted if i not in seen]
    assert all(i in inserted for i in set(seen) - set(original))
    assert late  # urgent ones inserted before the cursor are (correctly) not revisited


@BOTH
async def test_filters_queues_and_counts(
    client: httpx.AsyncClient, app: Any, seller: dict[str, Any]
) -> None:
    sid = seller["seller_id"]
    now = utcnow()
    await seed(
        app,
        sid,
        [
            {"channel": "review", "rating": 1, "priority": "urgent"},
            {"channel": "review", "rating": 5, "needs_response": False, "priority": "low"},
            {"channel": "question", "sla_due_at": now - timedelta(hours=1)},  # overdue
            {"channel": "question", "nm_id": 777},
            {"channel": "chat", "source": "demo"},
        ],
    )

    async def ids(**params: Any) -> int:
        response = await client.get("/api/interactions", params=params)
        assert response.status_code == 200, response.text
        return len(response.json()["items"])

    assert await ids() == 5
    assert await ids(channel="review") == 2
    assert await ids(queue="unanswered") == 4
    assert await ids(queue="done") == 1
    assert await ids(queue="urgent") == 2  # urgent priority + overdue question
    assert await ids(rating=[1, 2]) == 1
    assert await ids(nm_id=777) == 1
    assert await ids(source="demo") == 1
    assert await ids(channel="question", queue="urgent") == 1
    counts = (await client.get("/api/interactions/counts", params={"queue": "unanswered"})).json()
    assert counts["channels"] == {"all": 4, "review": 1, "question": 2, "chat": 1}
    assert counts["queues"] == {"urgent": 2, "unanswered": 4, "done": 1, "all": 5}
    counts = (await client.get("/api/interactions/counts", params={"channel": "review"})).json()
    assert counts["queues"] == {"urgent": 1, "unanswered": 1, "done": 1, "all": 2}
    assert counts["labels"]["queues"]["all"] == "2"
    bad = await client.get("/api/interactions", params={"cursor": "garbage"})
    assert bad.status_code == 422


@BOTH
async def test_search_russian_word_forms_product_names_and_exact_ids(
    client: httpx.AsyncClient, app: Any, seller: dict[str, Any]
) -> None:
    sid = seller["seller_id"]
    await seed_product(app, sid, 555, "Платье летнее льняное", "PL-001")
    await seed(
        app,
        sid,
        [
            {"text": "Размеры не совпадают с таблицей"},
            {"text": "Нет нужного размера, жаль", "pros": ""},
            {"text": "Отличное качество", "cons": "маломерит на размер"},
            {"text": "Пришло быстро", "nm_id": 555},
            {"text": "Всё хорошо", "buyer_name": "Анастасия"},
            {"text": "Доставка задержалась", "product_article": "ART-42", "nm_id": 123456},
        ],
    )

    async def found(q: str) -> list[str]:
        response = await client.get("/api/interactions", params={"q": q})
        assert response.status_code == 200, response.text
        return sorted(r["text"] for r in response.json()["items"])

    sized = await found("размер")
    assert sized == sorted(
        ["Размеры не совпадают с таблицей", "Нет нужного размера, жаль", "Отличное качество"]
    )
    assert await found("размеры") == sized
    assert await found("размера") == sized
    assert await found("платья") == ["Пришло быстро"]  # by product name
    assert await found("Анастасия") == ["Всё хорошо"]
    assert await found("ART-42") == ["Доставка задержалась"]
    assert await found("123456") == ["Доставка задержалась"]
    assert await found("PL-001") == ["Пришло быстро"]
    assert await found("самокат") == []
    assert await found('"*) OR (') == []  # query syntax never leaks into SQL/FTS


@BOTH
async def test_detail_timeline_and_tenancy(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    app: Any,
    seller: dict[str, Any],
    other_seller: dict[str, Any],
) -> None:
    sid = seller["seller_id"]
    oid = other_seller["seller_id"]
    await seed_product(app, sid, 42, "Куртка зимняя", "KR-1")
    mine = await seed(
        app,
        sid,
        [
            {"channel": "review", "nm_id": 42, "order_id": "o1", "customer_id": "c1"},
            {"channel": "question", "nm_id": 42, "customer_id": "c1"},
            {"channel": "chat", "nm_id": 42, "order_id": "o1"},
            {"channel": "review", "nm_id": 42, "customer_id": "c2"},
        ],
    )
    foreign = await seed(app, oid, [{"channel": "review", "text": "Чужой отзыв"}])
    # Rows written directly: the links come from the product's own recompute job.
    started = await client.post("/api/links/recompute", json={})
    assert started.status_code == 202, started.text
    await wait_background(app.state.runtime)
    response = await client.get(f"/api/interactions/{mine[0]}")
    assert response.status_code == 200, response.text
    detail = response.json()
    assert detail["item"]["product_name"] == "Куртка зимняя"
    assert detail["product"]["supplier_article"] == "KR-1"
    assert sorted(r["id"] for r in detail["linked"]) == sorted(mine[1:3])
    assert detail["messages"] is None
    timeline = (await client.get(f"/api/interactions/{mine[0]}/timeline")).json()
    assert timeline["thread_scope"] == "customer"
    assert [s["interaction_id"] for s in timeline["steps"]] == mine[:3]
    assert [s["is_current"] for s in timeline["steps"]] == [True, False, False]
    # The same order may act on its own; a clientID match (legacy) never does (plan §4.4).
    modes = [s["action_mode"] for s in timeline["steps"]]
    assert modes == ["current", "assist_only", "auto_allowed"]
    assert timeline["steps"][2]["confidence_label"] == "точно тот же заказ"
    # Lists never show another seller's rows.
    listed = (await client.get("/api/interactions", params={"limit": 200})).json()["items"]
    assert {r["id"] for r in listed} == set(mine)
    for path, method in [
        ("", "GET"),
        ("/messages", "GET"),
        ("/timeline", "GET"),
        ("/assign", "POST"),
        ("/note", "POST"),
        ("/viewed", "POST"),
        ("/close", "POST"),
        ("/reopen", "POST"),
    ]:
        body = {"text": "x"} if path == "/note" else {}
        response = await client.request(method, f"/api/interactions/{foreign[0]}{path}", json=body)
        assert response.status_code == 404, (path, response.text)
    bulk = await client.post("/api/interactions/bulk", json={"action": "close", "ids": foreign})
    assert bulk.json()["affected"] == 0
    assert (await other_client.get(f"/api/interactions/{foreign[0]}")).status_code == 200
