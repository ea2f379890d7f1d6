"""Bad input never becomes a 500 (issue 10): control characters in forms, queries and JSON,
integers out of range. SQLite and PostgreSQL (which refuses NUL in text outright)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from agentiq.kit.clean_input import clean_body, clean_query
from agentiq.models import Seller, User
from tests.conftest import register

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)

NUL_NAME = "Ма\x00га\x07зин\x1b"


async def _seller_names(app: object) -> list[str]:
    runtime = app.state.runtime  # type: ignore[attr-defined]
    async with runtime.sessionmaker() as session:
        return list(await session.scalars(select(Seller.name)))


async def test_control_characters_in_json_body_are_stripped_before_storage(
    app: object, client: httpx.AsyncClient
) -> None:
    await register(client, "nul-json@example.com", NUL_NAME)
    assert "Магазин" in await _seller_names(app)
    assert not any("\x00" in n for n in await _seller_names(app))


async def test_control_characters_in_form_fields_are_stripped_before_storage(
    app: object, client: httpx.AsyncClient
) -> None:
    r = await client.post(
        "/register",
        data={
            "email": "nul-form@example.com",
            "password": "password-123",
            "seller_name": NUL_NAME,
            "name": "Ан\x00на",
        },
    )
    assert r.status_code == 303, r.text
    assert "Магазин" in await _seller_names(app)
    runtime = app.state.runtime  # type: ignore[attr-defined]
    async with runtime.sessionmaker() as session:
        names = list(await session.scalars(select(User.name)))
    assert "Анна" in names


async def test_control_characters_in_query_parameters_never_become_a_500(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "nul-query@example.com")
    for url in (
        "/api/interactions?q=%00%01брак",
        "/api/interactions?q=%00&source=%00&status=%00&priority=%00&assigned=%00",
        "/inbox?q=%00брак",
    ):
        r = await client.get(url)
        assert r.status_code in (200, 422), (url, r.status_code, r.text[:200])


async def test_integers_out_of_range_answer_422_with_a_message(client: httpx.AsyncClient) -> None:
    await register(client, "ints@example.com")
    huge = "9" * 30
    beyond_64 = str(2**63)
    for url in (
        f"/api/interactions/{huge}",
        f"/api/interactions/{beyond_64}",
        f"/api/interactions/{beyond_64}/timeline",
        f"/api/interactions?nm_id={beyond_64}",
        f"/api/interactions?cabinet_id={beyond_64}",
        f"/api/interactions?rating={beyond_64}",
        f"/api/settings/cabinets/{beyond_64}",
        f"/api/settings/cabinets/{beyond_64}/sync",
        f"/inbox/{beyond_64}",
    ):
        r = await client.get(url)
        assert r.status_code == 422, (url, r.status_code, r.text[:200])
        if url.startswith("/api"):
            assert r.json()["error"]["message"].startswith("Число вне допустимого диапазона")
        else:
            assert "Число вне допустимого диапазона" in r.text
    # Beyond a 32- or 16-bit column (nm_id, rating) but a fine Python int: never a 500.
    for url in (
        f"/api/interactions?nm_id={2**31 + 5}",
        f"/api/interactions?rating={2**15 + 5}",
        f"/api/interactions/{2**31 + 5}",
    ):
        r = await client.get(url)
        assert r.status_code in (200, 404, 422), (url, r.status_code, r.text[:200])


def test_clean_query_and_body_keep_ordinary_text_untouched(db_backend: str) -> None:
    assert clean_query(b"q=%D0%B1%D1%80%D0%B0%D0%BA&page=2") == b"q=%D0%B1%D1%80%D0%B0%D0%BA&page=2"
    assert clean_query(b"q=a%00b") == b"q=ab"
    body = '{"text": "строка\\nвторая\\tтаб"}'.encode()
    assert clean_body(b"application/json", body) is body
    assert clean_body(b"application/json", b'{"t": "a\\u0000b"}') == b'{"t": "ab"}'
    assert clean_body(b"application/x-www-form-urlencoded", b"t=a%07b") == b"t=ab"
