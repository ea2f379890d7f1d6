"""GET/PUT /api/settings/triage: every member reads, the owner saves, sellers never mix."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from agentiq.db import unit_of_work
from agentiq.ingestion.ingest import IngestContext, ingest_batch
from agentiq.ingestion.normalise import NormalisedItem
from agentiq.kit.time import utcnow
from agentiq.models import Interaction
from tests.conftest import browser_client, register

DEFAULTS = {
    "reply_to_empty_top_reviews": False,
    "empty_review_silent_ratings": [5],
    "reply_to_chat_thanks": False,
    "llm_intent_fallback": False,
}


async def _empty_five_star(app: object, seller_id: int, ext: str) -> None:
    """A 5★ review with no text, ingested under the seller's stored switches."""
    from agentiq.triage.service import load_triage_settings

    item = NormalisedItem(
        channel="review",
        external_id=ext,
        occurred_at=utcnow() - timedelta(minutes=5),
        rating=5,
        extra={"photos": [], "video": None},
    )
    runtime = app.state.runtime  # type: ignore[attr-defined]
    async with unit_of_work(runtime.sessionmaker) as session:
        ctx = IngestContext(
            seller_id=seller_id,
            connection_id=None,  # type: ignore[arg-type]
            triage_settings=await load_triage_settings(session, seller_id),
        )
        await ingest_batch(session, ctx, "review", [item])


async def _waiting(app: object, seller_id: int) -> dict[str, bool]:
    runtime = app.state.runtime  # type: ignore[attr-defined]
    async with runtime.sessionmaker() as session:
        rows = await session.execute(
            select(Interaction.external_id, Interaction.needs_response).where(
                Interaction.seller_id == seller_id
            )
        )
        return {row.external_id: row.needs_response for row in rows}


async def _sign_in_operator(
    owner: httpx.AsyncClient, operator: httpx.AsyncClient, email: str
) -> None:
    invite = await owner.post("/api/auth/members", json={"email": email})
    assert invite.status_code == 201, invite.text
    login = await operator.post(
        "/api/auth/login",
        json={"email": email, "password": invite.json()["temporary_password"]},
    )
    assert login.status_code == 200, login.text


@pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)
async def test_owner_saves_and_open_items_follow(app: object, client: httpx.AsyncClient) -> None:
    ids = await register(client, "owner@example.com")
    await _empty_five_star(app, ids["seller_id"], "r1")
    assert (await client.get("/api/settings/triage")).json() == DEFAULTS
    assert await _waiting(app, ids["seller_id"]) == {"r1": False}

    saved = await client.put("/api/settings/triage", json={"reply_to_empty_top_reviews": True})

    assert saved.status_code == 200, saved.text
    assert saved.json() == {
        **DEFAULTS,
        "reply_to_empty_top_reviews": True,
        "now_waiting": 1,
        "no_longer_waiting": 0,
        "escalated": 0,
    }
    assert await _waiting(app, ids["seller_id"]) == {"r1": True}
    # Fields left out keep their value.
    more = await client.put(
        "/api/settings/triage",
        json={"empty_review_silent_ratings": [4, 5], "llm_intent_fallback": True},
    )
    assert more.status_code == 200, more.text
    expected = {
        **DEFAULTS,
        "reply_to_empty_top_reviews": True,
        "empty_review_silent_ratings": [4, 5],
        "llm_intent_fallback": True,
    }
    assert (await client.get("/api/settings/triage")).json() == expected
    # New items are ingested under the saved switches.
    await _empty_five_star(app, ids["seller_id"], "r2")
    assert await _waiting(app, ids["seller_id"]) == {"r1": True, "r2": True}


async def test_operator_reads_but_may_not_save(app: object, client: httpx.AsyncClient) -> None:
    ids = await register(client, "boss@example.com")
    await _empty_five_star(app, ids["seller_id"], "r1")
    await client.put("/api/settings/triage", json={"reply_to_chat_thanks": True})
    async with browser_client(app) as operator:
        await _sign_in_operator(client, operator, "op@example.com")
        read = await operator.get("/api/settings/triage")
        assert read.status_code == 200
        assert read.json() == {**DEFAULTS, "reply_to_chat_thanks": True}
        refused = await operator.put(
            "/api/settings/triage", json={"reply_to_empty_top_reviews": True}
        )
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "owner_only"
    assert (await client.get("/api/settings/triage")).json()["reply_to_empty_top_reviews"] is False
    assert await _waiting(app, ids["seller_id"]) == {"r1": False}


async def test_another_sellers_settings_are_neither_seen_nor_changed(app: object) -> None:
    async with browser_client(app) as a, browser_client(app) as b:
        seller_a = (await register(a, "a@example.com", "Продавец А"))["seller_id"]
        seller_b = (await register(b, "b@example.com", "Продавец Б"))["seller_id"]
        await _empty_five_star(app, seller_a, "r1")
        await _empty_five_star(app, seller_b, "r1")
        saved = await a.put(
            "/api/settings/triage",
            json={"reply_to_empty_top_reviews": True, "empty_review_silent_ratings": [1, 5]},
        )
        assert saved.status_code == 200, saved.text
        assert (await b.get("/api/settings/triage")).json() == DEFAULTS
        assert await _waiting(app, seller_b) == {"r1": False}
        # B saving its own switches leaves A's alone.
        other = await b.put("/api/settings/triage", json={"reply_to_chat_thanks": True})
        assert other.json()["now_waiting"] == 0
        assert (await a.get("/api/settings/triage")).json()["empty_review_silent_ratings"] == [1, 5]
        assert await _waiting(app, seller_a) == {"r1": True}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"empty_review_silent_ratings": [0, 5]}, "empty_review_silent_ratings"),
        ({"empty_review_silent_ratings": [6]}, "empty_review_silent_ratings"),
        ({"empty_review_silent_ratings": ["пять"]}, "empty_review_silent_ratings.0"),
        ({"reply_to_chat_thanks": "может быть"}, "reply_to_chat_thanks"),
    ],
)
async def test_invalid_values_are_refused(
    app: object, client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    await register(client, "owner@example.com")
    response = await client.put("/api/settings/triage", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_failed" and field in error["details"]
    assert (await client.get("/api/settings/triage")).json() == DEFAULTS


async def test_signed_out_caller_is_refused(app: object) -> None:
    async with browser_client(app) as anonymous:
        assert (await anonymous.get("/api/settings/triage")).status_code == 401
        put = await anonymous.put("/api/settings/triage", json={"reply_to_chat_thanks": True})
        assert put.status_code == 401
