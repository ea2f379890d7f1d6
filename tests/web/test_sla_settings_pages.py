"""Settings → SLA without JavaScript: defaults, save moves open items, errors, owner-only."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from agentiq.kit.time import utcnow
from agentiq.models import Interaction
from agentiq.triage.sla import DEFAULT_SLA_RULES
from agentiq.web.routes.sla_settings_pages import ROWS, saved_notice
from tests.conftest import browser_client
from tests.web.conftest import form, seller_id_of, signed_in


def plain(app: object) -> httpx.AsyncClient:
    """Forms like a browser without htmx: the CSRF token only as a form field."""
    client = browser_client(app)
    del client.headers["x-csrf-token"]
    return client


def sla_form(**overrides: tuple[str, str]) -> dict[str, object]:
    """Every row as the page renders it (the defaults), with some rows changed."""
    fields: dict[str, object] = {}
    for row in ROWS:
        hours, minutes = overrides.get(
            row.key.replace("-", "_"),
            (str(row.default.minutes // 60), str(row.default.minutes % 60)),
        )
        fields[f"{row.key}-hours"] = hours
        fields[f"{row.key}-minutes"] = minutes
    return form(**fields)


async def seed_review(app: object, seller_id: int, ext: str, *, answered: bool = False) -> int:
    """A 1★ review stored as ingestion would have stored it under the default 4 h target."""
    occurred = utcnow() - timedelta(minutes=10)
    async with app.state.runtime.sessionmaker() as session:  # type: ignore[attr-defined]
        item = Interaction(
            seller_id=seller_id,
            channel="review",
            external_id=ext,
            text="Пришёл не тот цвет",
            rating=1,
            status="responded" if answered else "open",
            needs_response=not answered,
            priority="high",
            priority_rank=1,
            occurred_at=occurred,
            sla_due_at=occurred + timedelta(hours=4),
            extra_data={"triage": {"sla_minutes": 240, "sla_source": "default", "signals": []}},
        )
        session.add(item)
        await session.commit()
        return item.id


async def stored(app: object, item_id: int) -> Interaction:
    async with app.state.runtime.sessionmaker() as session:  # type: ignore[attr-defined]
        row = await session.scalar(select(Interaction).where(Interaction.id == item_id))
        assert row is not None
        return row


def error_of(page: str, key: str) -> str:
    marker = f'<p class="field-error" id="{key}-error">'
    assert marker in page, f"no error next to {key}"
    return page.split(marker)[1].split("</p>")[0]


def test_every_default_rule_has_a_named_row() -> None:
    assert {row.default.key for row in ROWS} == {rule.key for rule in DEFAULT_SLA_RULES}
    assert not [row.key for row in ROWS if row.key.startswith("rule-")], "name it in ROW_ORDER"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"saved": "rules", "moved": "1"}, "Новый срок ответа — у 1 открытого сообщения."),
        ({"saved": "rules", "moved": "3"}, "Новый срок ответа — у 3 открытых сообщений."),
        ({"saved": "rules", "moved": "21"}, "у 21 открытого сообщения."),
        ({"saved": "rules", "moved": "0"}, "Сроки открытых сообщений не изменились."),
        ({"saved": "rules", "overdue": "4"}, "Уже просрочено и поднято в приоритете: 4."),
        ({"saved": "rules", "undone": "2"}, "Эскалация снята (новый срок ещё не наступил): 2."),
        ({"saved": "defaults", "moved": "x"}, "Восстановлены стандартные сроки."),
    ],
)
def test_saved_notice_wording(query: dict[str, str], expected: str) -> None:
    notice = saved_notice(query)
    assert notice is not None and expected in notice


async def test_page_shows_defaults_in_the_settings_tabs(app: object) -> None:
    async with plain(app) as client:
        await signed_in(client, "sla@example.ru")
        page = await client.get("/settings/sla")
    assert page.status_code == 200
    assert 'class="tab active" href="/settings/sla"' in page.text
    assert "Сроки ответа (SLA)" in page.text and "Сейчас действуют стандартные сроки." in page.text
    for label in ("Отзывы 1–2★", "Отзывы 4–5★", "Вопросы: размер и посадка", "Чаты: благодарность"):
        assert label in page.text
    assert 'name="review-1-2-hours" type="number"' in page.text
    assert 'id="review-1-2-hours"' in page.text.split('value="4"')[0].rsplit("<input", 1)[1]
    assert "Вернуть стандартные сроки" not in page.text  # nothing to restore yet


@pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)
async def test_save_moves_open_items_of_this_seller_only(app: object) -> None:
    async with plain(app) as owner, plain(app) as other:
        await signed_in(owner, "sla-a@example.ru")
        await signed_in(other, "sla-b@example.ru", seller="Другой магазин")
        seller_a, seller_b = await seller_id_of(owner), await seller_id_of(other)
        open_a = await seed_review(app, seller_a, "a-open")
        answered_a = await seed_review(app, seller_a, "a-done", answered=True)
        open_b = await seed_review(app, seller_b, "b-open")
        before = {i: await stored(app, i) for i in (open_a, answered_a, open_b)}

        saved = await owner.post("/settings/sla", data=sla_form(review_1_2=("0", "30")))
        assert saved.status_code == 303, saved.text
        assert saved.headers["location"].startswith("/settings/sla?saved=rules&moved=1&")
        page = await owner.get(saved.headers["location"])
        assert "Сохранено. Новый срок ответа — у 1 открытого сообщения." in page.text
        assert "Сейчас действуют ваши сроки." in page.text
        assert 'value="30"' in page.text.split('id="review-1-2-minutes"')[1].split(">")[0]

        moved = await stored(app, open_a)
        assert moved.sla_due_at == before[open_a].occurred_at + timedelta(minutes=30)
        assert moved.extra_data["triage"] == {
            "sla_minutes": 30,
            "sla_source": "seller",
            "signals": [],
        }
        for item_id in (answered_a, open_b):
            row = await stored(app, item_id)
            assert row.sla_due_at == before[item_id].sla_due_at
            assert row.extra_data == before[item_id].extra_data
        # Seller B's page still shows the defaults.
        assert "Сейчас действуют стандартные сроки." in (await other.get("/settings/sla")).text

        # The whole table is stored, so the API shows exactly what the page showed.
        rules = (await owner.get("/api/settings/sla")).json()
        assert rules["is_default"] is False and len(rules["rules"]) == len(ROWS)

        reset = await owner.post("/settings/sla", data=form(reset="true"))
        assert reset.status_code == 303
        assert reset.headers["location"].startswith("/settings/sla?saved=defaults&moved=1&")
        page = await owner.get(reset.headers["location"])
        assert "Восстановлены стандартные сроки." in page.text
        assert "Сейчас действуют стандартные сроки." in page.text
        assert (await stored(app, open_a)).sla_due_at == before[open_a].sla_due_at


async def test_saving_unchanged_defaults_keeps_the_defaults(app: object) -> None:
    async with plain(app) as client:
        await signed_in(client, "sla@example.ru")
        saved = await client.post("/settings/sla", data=sla_form())
        assert saved.status_code == 303
        page = await client.get(saved.headers["location"])
        assert "Сроки открытых сообщений не изменились." in page.text
        assert (await client.get("/api/settings/sla")).json()["is_default"] is True


@pytest.mark.parametrize(
    ("hours", "minutes", "message"),
    [
        ("0", "0", "больше нуля"),
        ("", "", "больше нуля"),
        ("-2", "0", "не может быть отрицательным"),
        ("1", "75", "от 0 до 59"),
        ("721", "0", "Не больше 30 дней (720 ч)"),
        ("99999999999", "0", "Не больше 30 дней"),
        ("два", "", "целое число"),
        ("1.5", "0", "целое число"),
    ],
)
async def test_bad_value_message_is_next_to_its_field(
    app: object, hours: str, minutes: str, message: str
) -> None:
    async with plain(app) as client:
        await signed_in(client, "sla@example.ru")
        page = await client.post("/settings/sla", data=sla_form(question_size_fit=(hours, minutes)))
        assert page.status_code == 422
        assert message in error_of(page.text, "question-size_fit")
        assert "Не сохранено: исправьте сроки" in page.text
        field = page.text.split('id="question-size_fit-hours"')[1].split(">")[0]
        assert 'aria-invalid="true"' in field and f'value="{hours}"' in field
        # Other rows have no error, and nothing was stored.
        assert 'id="review-1-2-error"' not in page.text
        assert (await client.get("/api/settings/sla")).json()["is_default"] is True


async def test_rules_set_through_the_api_are_listed_and_kept(app: object) -> None:
    async with plain(app) as client:
        await signed_in(client, "sla@example.ru")
        api = await client.put(
            "/api/settings/sla",
            json={"rules": [{"channel": "chat", "intent": "complaint", "minutes": 15}]},
            headers={"x-csrf-token": "test-csrf-token-0123456789abcdef"},
        )
        assert api.status_code == 200, api.text
        page = await client.get("/settings/sla")
        assert "Другие правила" in page.text and "Чаты: жалоба — 15 мин" in page.text
        # Rows with no seller rule show what applies now: the defaults.
        assert 'value="4"' in page.text.split('id="review-1-2-hours"')[1].split(">")[0]
        saved = await client.post("/settings/sla", data=sla_form(chat_other=("0", "45")))
        assert saved.status_code == 303
        rules = (await client.get("/api/settings/sla")).json()["rules"]
        assert {"channel": "chat", "intent": "complaint", "minutes": 15} in [
            {k: r[k] for k in ("channel", "intent", "minutes")} for r in rules
        ]
        assert len(rules) == len(ROWS) + 1


@pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)
async def test_api_put_says_how_many_deadlines_moved(app: object) -> None:
    async with plain(app) as client:
        await signed_in(client, "sla@example.ru")
        item_id = await seed_review(app, await seller_id_of(client), "r1")
        response = await client.put(
            "/api/settings/sla",
            json={
                "rules": [{"channel": "review", "rating_min": 1, "rating_max": 2, "minutes": 20}]
            },
            headers={"x-csrf-token": "test-csrf-token-0123456789abcdef"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["rescheduled"], body["escalated"], body["deescalated"]) == (1, 0, 0)
        row = await stored(app, item_id)
        assert row.sla_due_at == row.occurred_at + timedelta(minutes=20)


async def test_operator_sees_read_only_page_and_cannot_save(app: object) -> None:
    async with plain(app) as owner, plain(app) as operator:
        await signed_in(owner, "boss@example.ru")
        invited = await owner.post("/settings/team", data=form(email="op@example.ru"))
        password = invited.text.split('id="temporary-password">')[1].split("<")[0]
        signed = await operator.post("/login", data=form(email="op@example.ru", password=password))
        assert signed.status_code == 303
        page = await operator.get("/settings/sla")
        assert page.status_code == 200 and "fieldset disabled" in page.text
        assert "Сохранить" not in page.text and "только владелец" in page.text
        refused = await operator.post("/settings/sla", data=sla_form(review_1_2=("0", "5")))
        assert refused.status_code == 403
        reset = await operator.post("/settings/sla", data=form(reset="true"))
        assert reset.status_code == 403
        api = await operator.put(
            "/api/settings/sla",
            json={"rules": []},
            headers={"x-csrf-token": "test-csrf-token-0123456789abcdef"},
        )
        assert api.status_code == 403
        assert (await owner.get("/api/settings/sla")).json()["is_default"] is True


async def test_signed_out_visitor_is_sent_to_sign_in(app: object) -> None:
    async with plain(app) as client:
        page = await client.get("/settings/sla")
        assert page.status_code in (303, 307, 401)
        posted = await client.post("/settings/sla", data=sla_form())
        assert posted.status_code in (303, 307, 401, 403)
