"""Settings → AI-ассистент without JavaScript: render, save, write-only key, owner-only."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import browser_client
from tests.web.conftest import form, signed_in

SECRET_KEY = "sk-super-secret-llm-key-0123456789"


def plain(app: object) -> httpx.AsyncClient:
    """Forms like a browser without htmx: the CSRF token only as a form field."""
    client = browser_client(app)
    del client.headers["x-csrf-token"]
    return client


def ai_form(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "enabled": "true",
        "base_url": "https://llm.example.ru/v1",
        "model": "deepseek-chat",
        "api_key": "",
        "tone": "formal",
        "address": "Вы",
        "signature": "Команда «Ромашки»",
        "avoid_topics": "политика\n\n  конкуренты  \n",
        "reply_pending_minutes": "240",
    }
    fields.update(overrides)
    return form(**fields)


async def test_page_renders_with_defaults_and_tab(app: object) -> None:
    async with plain(app) as client:
        await signed_in(client, "ai@example.ru")
        page = await client.get("/settings/ai")
    assert page.status_code == 200
    assert "AI-ассистент" in page.text and 'href="/settings/ai"' in page.text
    assert "Автоответы" in page.text and "Ключ не задан." in page.text
    assert 'name="reply_pending_minutes"' in page.text and 'value="180"' in page.text


async def test_save_redirects_with_notice_and_key_is_never_rendered(app: object) -> None:
    async with plain(app) as client:
        await signed_in(client, "ai@example.ru")
        saved = await client.post("/settings/ai", data=ai_form(api_key=SECRET_KEY))
        assert saved.status_code == 303
        assert saved.headers["location"] == "/settings/ai?saved=ai"
        assert SECRET_KEY not in saved.text
        page = await client.get(saved.headers["location"])
        assert page.status_code == 200 and "Сохранено" in page.text
        assert SECRET_KEY not in page.text and "Ключ сохранён." in page.text
        assert 'value="formal" checked' in page.text
        assert "политика\nконкуренты</textarea>" in page.text
        assert 'value="240"' in page.text

        # An empty key field keeps the key; a bad value re-renders without it either.
        kept = await client.post("/settings/ai", data=ai_form(tone="friendly"))
        assert kept.status_code == 303
        assert "Ключ сохранён." in (await client.get("/settings/ai")).text
        bad = await client.post(
            "/settings/ai", data=ai_form(api_key=SECRET_KEY, reply_pending_minutes="5")
        )
        assert bad.status_code == 422 and SECRET_KEY not in bad.text

        removed = await client.post("/settings/ai", data=ai_form(remove_key="true"))
        assert removed.status_code == 303
        assert "Ключ не задан." in (await client.get("/settings/ai")).text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reply_pending_minutes", "5", "от 30 до 1440"),
        ("reply_pending_minutes", "много", "от 30 до 1440"),
        ("tone", "angry", "Выберите тон"),
    ],
)
async def test_bad_value_message_is_next_to_its_field(
    app: object, field: str, value: str, message: str
) -> None:
    async with plain(app) as client:
        await signed_in(client, "ai@example.ru")
        page = await client.post("/settings/ai", data=ai_form(**{field: value}))
        assert page.status_code == 422
        assert f'<p class="field-error" id="{field}-error">' in page.text
        assert message in page.text.split(f'id="{field}-error">')[1].split("</p>")[0]
        # Nothing was stored: the page still shows the defaults.
        assert 'value="180"' in (await client.get("/settings/ai")).text


async def test_auto_answer_rules_saved_as_rows(app: object) -> None:
    async with plain(app) as client:
        await signed_in(client, "auto@example.ru")
        saved = await client.post(
            "/settings/ai/auto-answer",
            data=form(
                **{
                    "enabled": "true",
                    "daily_cap": "25",
                    "rule-0-channel": "review",
                    "rule-0-min_rating": "4",
                    "rule-0-max_rating": "5",
                    "rule-0-only_without_text": "true",
                }
            ),
        )
        assert saved.status_code == 303
        page = await client.get("/settings/ai")
        assert 'name="daily_cap" type="number" min="0" max="5000" value="25"' in page.text
        assert '<option value="4" selected>' in page.text
        assert "— удалить правило —" in page.text  # the stored rule has its own row

        wrong = await client.post(
            "/settings/ai/auto-answer",
            data=form(
                **{
                    "rule-0-channel": "review",
                    "rule-0-min_rating": "5",
                    "rule-0-max_rating": "2",
                }
            ),
        )
        assert wrong.status_code == 422
        assert 'id="rules-error"' in wrong.text and "не может быть больше" in wrong.text

        emptied = await client.post(
            "/settings/ai/auto-answer", data=form(daily_cap="25", **{"rule-0-channel": ""})
        )
        assert emptied.status_code == 303
        assert "— удалить правило —" not in (await client.get("/settings/ai")).text


async def test_operator_sees_read_only_page_and_cannot_save(app: object) -> None:
    async with plain(app) as owner, plain(app) as operator:
        await signed_in(owner, "boss@example.ru")
        invited = await owner.post("/settings/team", data=form(email="op@example.ru"))
        password = invited.text.split('id="temporary-password">')[1].split("<")[0]
        signed = await operator.post("/login", data=form(email="op@example.ru", password=password))
        assert signed.status_code == 303
        page = await operator.get("/settings/ai")
        assert page.status_code == 200 and "fieldset disabled" in page.text
        assert "Сохранить" not in page.text
        for url, data in (
            ("/settings/ai", ai_form(api_key=SECRET_KEY)),
            ("/settings/ai/auto-answer", form(enabled="true")),
        ):
            refused = await operator.post(url, data=data)
            assert refused.status_code == 403, url
        assert "Ключ не задан." in (await owner.get("/settings/ai")).text


async def test_competitors_are_saved_one_per_line(app: object) -> None:
    async with plain(app) as client:
        await signed_in(client, "rivals@example.ru")
        saved = await client.post(
            "/settings/ai",
            data=ai_form(api_key=SECRET_KEY, competitors="Ромашка\n\n  Лютик Шоп  \n"),
        )
        assert saved.status_code == 303
        page = await client.get("/settings/ai")
    assert 'name="competitors"' in page.text
    assert "Ромашка\nЛютик Шоп</textarea>" in page.text
