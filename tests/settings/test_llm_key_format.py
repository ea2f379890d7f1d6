"""A non-ASCII or malformed LLM key is refused when saved, with the message next to the field
(issue 10): it would go into an HTTP header and break every draft later."""

from __future__ import annotations

import httpx
import pytest

from agentiq.settings.service import KEY_FORMAT_MESSAGE
from tests.conftest import browser_client, register
from tests.web.conftest import form, signed_in

BAD_KEYS = [
    "sk-ключ-по-русски-0123456789",
    "ѕk-lookalike-cyrillic-s-0123",  # Cyrillic «ѕ»
    "sk-with space-0123456789",
    "sk-\u200bzero-width-0123456789",
]


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_non_ascii_or_malformed_llm_key_is_refused_by_the_api(
    client: httpx.AsyncClient, key: str
) -> None:
    await register(client, "key-api@example.com")
    r = await client.put("/api/settings/ai", json={"api_key": key})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"]["api_key"] == KEY_FORMAT_MESSAGE
    assert (await client.get("/api/settings/ai")).json()["has_key"] is False
    ok = await client.put("/api/settings/ai", json={"api_key": "sk-proper-ascii-key-0123"})
    assert ok.status_code == 200 and ok.json()["has_key"] is True


async def test_malformed_llm_key_message_is_next_to_the_key_field(app: object) -> None:
    async with browser_client(app) as client:
        del client.headers["x-csrf-token"]
        await signed_in(client, "key-form@example.ru")
        page = await client.post(
            "/settings/ai",
            data=form(
                enabled="true",
                api_key="sk-ключ-0123456789",
                tone="formal",
                address="Вы",
                reply_pending_minutes="180",
            ),
        )
        assert page.status_code == 422
        field = page.text.split('id="api_key-error">')[1].split("</p>")[0]
        assert "латинских букв" in field
        assert "sk-ключ" not in page.text  # the typed key is never echoed
