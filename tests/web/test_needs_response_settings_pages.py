"""Settings → SLA, «Какие сообщения ждут ответа», without JavaScript: the switches, the
recount message, errors next to the field, read-only for operators, the AI note."""

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
from agentiq.triage.service import load_triage_settings
from agentiq.web.routes.sla_settings_pages import stars_text, triage_saved_notice
from tests.conftest import CSRF, browser_client
from tests.web.conftest import form, seller_id_of, signed_in


def plain(app: object) -> httpx.AsyncClient:
    """Forms like a browser without htmx: the CSRF token only as a form field."""
    client = browser_client(app)
    del client.headers["x-csrf-token"]
    return client


def section(page: str) -> str:
    """The «Какие сообщения ждут ответа» form of the page."""
    # The action keeps the anchor, so the browser shows the section after a post.
    start = page.index('<form method="post" action="/settings/sla/needs-response#needs-response"')
    return page[start : page.index("</form>", start)]


def checkbox(page: str, name: str, value: str = "true") -> str:
    marker = f'name="{name}" value="{value}"'
    assert marker in page, marker
    return page.split(marker)[1].split(">")[0]


async def ingest_reviews(app: object, seller_id: int, *exts: str) -> None:
    """5★ reviews with no text, ingested (as the sync does) under the stored switches."""
    items = [
        NormalisedItem(
            channel="review",
            external_id=ext,
            occurred_at=utcnow() - timedelta(minutes=5),
            rating=5,
            extra={"photos": [], "video": None},
        )
        for ext in exts
    ]
    runtime = app.state.runtime  # type: ignore[attr-defined]
    async with unit_of_work(runtime.sessionmaker) as session:
        ctx = IngestContext(
            seller_id=seller_id,
            connection_id=None,  # type: ignore[arg-type]
            triage_settings=await load_triage_settings(session, seller_id),
        )
        await ingest_batch(session, ctx, "review", items)


async def waiting(app: object, seller_id: int) -> dict[str, bool]:
    runtime = app.state.runtime  # type: ignore[attr-defined]
    async with runtime.sessionmaker() as session:
        rows = await session.execute(
            select(Interaction.external_id, Interaction.needs_response).where(
                Interaction.seller_id == seller_id
            )
        )
        return {row.external_id: row.needs_response for row in rows}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"saved": "triage", "waiting": "1"}, "В «Без ответа» добавлено 1 открытое сообщение."),
        ({"saved": "triage", "waiting": "3"}, "добавлено 3 открытых сообщения."),
        ({"saved": "triage", "quiet": "11"}, "убрано 11 открытых сообщений, которым ответ"),
        (
            {"saved": "triage", "waiting": "2", "quiet": "1"},
            "добавлено 2 открытых сообщения, убрано 1",
        ),
        ({"saved": "triage"}, "Сохранено. Открытые сообщения не изменились."),
        ({"saved": "triage", "overdue": "2"}, "Уже просрочено и поднято в приоритете: 2."),
        ({"saved": "triage", "waiting": "x"}, "Открытые сообщения не изменились."),
    ],
)
def test_saved_notice_wording(query: dict[str, str], expected: str) -> None:
    notice = triage_saved_notice(query)
    assert notice is not None and expected in notice
    assert triage_saved_notice({"saved": "rules"}) is None


@pytest.mark.parametrize(
    ("ratings", "text"),
    [
        ([5], "5★"),
        ([4, 5], "4–5★"),
        ([1, 2, 3], "1–3★"),
        ([1, 5], "1★ и 5★"),
        ([1, 3, 5], "1★, 3★ и 5★"),
        ([], ""),
        ([5, 7, 0], "5★"),
    ],
)
def test_stars_text(ratings: list[int], text: str) -> None:
    assert stars_text(ratings) == text


async def test_section_shows_the_defaults_and_the_ai_note(app: object) -> None:
    async with plain(app) as client:
        await signed_in(client, "triage@example.ru")
        page = await client.get("/settings/sla")
        assert page.status_code == 200
        form_html = section(page.text)
        assert "Какие сообщения ждут ответа" in form_html
        assert "Отвечать на отзывы <span data-silent-stars>5★</span> без текста" in form_html
        assert "checked" not in checkbox(form_html, "reply_to_empty_top_reviews")
        assert "checked" in checkbox(form_html, "empty_review_silent_ratings", "5")
        assert "checked" not in checkbox(form_html, "empty_review_silent_ratings", "4")
        assert "Отвечать на чаты, где покупатель только благодарит" in form_html
        assert "Уточнять тему вопросов через AI, если правила не узнали тему" in form_html
        assert 'href="/settings/ai"' in form_html
        assert "Сейчас ключ языковой модели не задан" in form_html
        # With a key and the LLM on, the note goes away.
        ai = await client.put(
            "/api/settings/ai",
            json={"enabled": True, "api_key": "sk-test-key"},
            headers={"x-csrf-token": CSRF},
        )
        assert ai.status_code == 200, ai.text
        assert 'id="llm-missing"' not in (await client.get("/settings/sla")).text


@pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)
async def test_owner_saves_and_is_told_how_many_open_items_changed(app: object) -> None:
    async with plain(app) as owner, plain(app) as other:
        await signed_in(owner, "triage-a@example.ru")
        await signed_in(other, "triage-b@example.ru", seller="Другой магазин")
        seller_a, seller_b = await seller_id_of(owner), await seller_id_of(other)
        await ingest_reviews(app, seller_a, "a1", "a2")
        await ingest_reviews(app, seller_b, "b1")

        saved = await owner.post(
            "/settings/sla/needs-response",
            data=form(
                reply_to_empty_top_reviews="true",
                empty_review_silent_ratings=["4", "5"],
                reply_to_chat_thanks="true",
            ),
        )
        assert saved.status_code == 303, saved.text
        location = saved.headers["location"]
        assert location == "/settings/sla?saved=triage&waiting=2&quiet=0&overdue=0#needs-response"
        page = await owner.get(location.split("#")[0])
        form_html = section(page.text)
        assert "Сохранено. В «Без ответа» добавлено 2 открытых сообщения." in form_html
        assert "Отвечать на отзывы <span data-silent-stars>4–5★</span> без текста" in form_html
        for name, value in (
            ("reply_to_empty_top_reviews", "true"),
            ("empty_review_silent_ratings", "4"),
            ("empty_review_silent_ratings", "5"),
            ("reply_to_chat_thanks", "true"),
        ):
            assert "checked" in checkbox(form_html, name, value), (name, value)
        assert "checked" not in checkbox(form_html, "llm_intent_fallback")
        # The SLA table's own message is not shown for this save.
        assert 'id="sla-notice"' not in page.text
        assert await waiting(app, seller_a) == {"a1": True, "a2": True}
        assert await waiting(app, seller_b) == {"b1": False}
        assert "checked" not in checkbox(
            section((await other.get("/settings/sla")).text), "reply_to_empty_top_reviews"
        )

        # Unticking everything: back to no answer needed.
        back = await owner.post("/settings/sla/needs-response", data=form())
        assert back.headers["location"].startswith("/settings/sla?saved=triage&waiting=0&quiet=0")
        # No rating ticked: every review with no text waits, so nothing went quiet.
        assert await waiting(app, seller_a) == {"a1": True, "a2": True}
        again = await owner.post(
            "/settings/sla/needs-response", data=form(empty_review_silent_ratings="5")
        )
        assert "quiet=2" in again.headers["location"]
        page = await owner.get(again.headers["location"].split("#")[0])
        assert "убрано 2 открытых сообщения, которым ответ больше не нужен" in page.text
        assert await waiting(app, seller_a) == {"a1": False, "a2": False}


@pytest.mark.parametrize("bad", ["7", "0", "пять", ""])
async def test_bad_rating_message_is_next_to_the_field(app: object, bad: str) -> None:
    async with plain(app) as client:
        await signed_in(client, "triage@example.ru")
        page = await client.post(
            "/settings/sla/needs-response",
            data=form(
                reply_to_empty_top_reviews="true",
                empty_review_silent_ratings=["5", bad],
            ),
        )
        assert page.status_code == 422
        form_html = section(page.text)
        error = '<p class="field-error" id="empty_review_silent_ratings-error">'
        assert error + "Выберите оценки от 1 до 5</p>" in form_html
        assert "Не сохранено: исправьте поле, отмеченное красным." in form_html
        # The error sits right after the rating choices, which point at it.
        choices = form_html.split('<fieldset class="rating-choices invalid"')[1]
        assert 'aria-describedby="empty_review_silent_ratings-error"' in choices.split(">")[0]
        assert choices.split("</fieldset>")[1].lstrip().startswith(error)
        # What was typed stays (the label names only real ratings); nothing was stored; the
        # SLA table shows no error.
        assert "checked" in checkbox(form_html, "reply_to_empty_top_reviews")
        assert "Отвечать на отзывы <span data-silent-stars>5★</span> без текста" in form_html
        assert "Не сохранено: исправьте сроки" not in page.text
        stored = await client.get("/api/settings/triage")
        assert stored.json()["reply_to_empty_top_reviews"] is False
        # Reloading that page (a GET of the form's address) leads back to the section.
        reload = await client.get("/settings/sla/needs-response")
        assert reload.status_code == 303
        assert reload.headers["location"] == "/settings/sla#needs-response"


async def test_operator_sees_read_only_section_and_cannot_save(app: object) -> None:
    async with plain(app) as owner, plain(app) as operator:
        await signed_in(owner, "boss@example.ru")
        invited = await owner.post("/settings/team", data=form(email="op@example.ru"))
        password = invited.text.split('id="temporary-password">')[1].split("<")[0]
        signed = await operator.post("/login", data=form(email="op@example.ru", password=password))
        assert signed.status_code == 303
        page = await operator.get("/settings/sla")
        form_html = section(page.text)
        assert "<fieldset disabled>" in form_html and "Сохранить" not in form_html
        refused = await operator.post(
            "/settings/sla/needs-response", data=form(reply_to_empty_top_reviews="true")
        )
        assert refused.status_code == 403
        stored = await owner.get("/api/settings/triage", headers={"x-csrf-token": CSRF})
        assert stored.json()["reply_to_empty_top_reviews"] is False
