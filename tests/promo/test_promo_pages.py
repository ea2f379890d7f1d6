"""The Промокоды page: cards with placements, the add form with Russian errors, switches."""

from __future__ import annotations

import re

import httpx

from tests.conftest import browser_client, register


def _form(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "welcome20",
        "discount_percent": "20",
        "valid_until": "2099-02-28",
        "products": "all",
        "nm_ids": "",
        "placements": ["chat_positive", "review_negative"],
    }
    data.update(fields)
    return data


async def test_add_edit_delete_and_switches(app: object, client: httpx.AsyncClient) -> None:
    await register(client, "owner@example.com")
    empty = await client.get("/promo?add=1")
    assert empty.status_code == 200
    assert "Новый промокод" in empty.text and "Отзывы (публично!)" in empty.text

    bad = await client.post("/promo", data=_form(code="no spaces!", discount_percent="150"))
    assert bad.status_code == 422
    assert "Код: от 3 до 50 букв" in bad.text and "Скидка — целое число от 1 до 99" in bad.text
    assert 'value="no spaces!"' in bad.text  # what was typed stays in the form

    saved = await client.post("/promo", data=_form())
    assert saved.status_code == 303
    page = (await client.get("/promo")).text
    assert "WELCOME20" in page and "Скидка 20%" in page and "до 28 февраля 2099" in page
    assert "Активные промокоды (1 из 10)" in page
    assert re.search(r'class="placement on\s*"[^>]*>\s*Чаты: позитив', page)
    assert "⚠ Отзывы: негатив" in page and "увидят все покупатели" in page

    again = await client.post("/promo", data=_form())
    assert again.status_code == 422 and "Такой промокод уже есть" in again.text

    code_id = re.search(r'id="promo-(\d+)"', page).group(1)  # type: ignore[union-attr]
    edited = await client.post(
        f"/promo/{code_id}", data=_form(products="selected", nm_ids="123, 456", placements=[])
    )
    assert edited.status_code == 303
    page = (await client.get("/promo")).text
    assert "Артикулы: 123, 456" in page and "⚠" not in page

    switches = await client.post("/promo/settings", data={"ai_offers": "true"})
    assert switches.status_code == 303
    settings = (await client.get("/api/settings/promo")).json()
    assert settings == {"ai_offers": True, "warn_reviews": False}

    assert (await client.post(f"/promo/{code_id}/delete")).status_code == 303
    assert "WELCOME20" not in (await client.get("/promo")).text


async def test_operator_sees_but_cannot_change(app: object, client: httpx.AsyncClient) -> None:
    await register(client, "owner@example.com")
    await client.post("/promo", data=_form())
    invited = await client.post("/api/auth/members", json={"email": "op@example.com"})
    assert invited.status_code in (200, 201), invited.text
    password = invited.json().get("temporary_password") or invited.json().get("password")
    async with browser_client(app) as op:
        login = await op.post(
            "/api/auth/login", json={"email": "op@example.com", "password": password}
        )
        assert login.status_code == 200, login.text
        page = await op.get("/promo")
        assert "WELCOME20" in page.text and "только владелец" in page.text
        assert (await op.post("/promo", data=_form(code="OTHER1"))).status_code == 403
        put = await op.put("/api/settings/promo", json={"ai_offers": True, "warn_reviews": True})
        assert put.status_code == 403
