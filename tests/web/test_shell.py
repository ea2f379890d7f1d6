"""The shell without JavaScript: sign-in, registration, settings, owner-only refusals."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import CSRF, browser_client, wb_like_token
from tests.web.conftest import form, signed_in


def plain(app: object) -> httpx.AsyncClient:
    """A client that sends forms like a browser without htmx: no CSRF header."""
    client = browser_client(app)
    del client.headers["x-csrf-token"]
    return client


async def test_home_sends_strangers_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    page = await client.get("/inbox")
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/inbox"


async def test_login_page_is_russian_with_csrf_field(client: httpx.AsyncClient) -> None:
    page = await client.get("/login?next=/settings/team")
    assert page.status_code == 200
    assert "Вход" in page.text and 'name="csrf_token"' in page.text
    assert 'value="/settings/team"' in page.text


async def test_register_form_errors_are_shown_next_to_fields(app: object) -> None:
    async with plain(app) as client:
        page = await client.post("/register", data=form(email="bad", password="1", seller_name=""))
    assert page.status_code == 422
    assert 'id="email-error"' in page.text and "корректный e-mail" in page.text


async def test_register_then_onboarding_then_sign_out_and_in(app: object) -> None:
    async with plain(app) as client:
        created = await client.post(
            "/register",
            data=form(email="ann@example.ru", password="password-123", seller_name="Ромашка"),
        )
        assert created.status_code == 303 and created.headers["location"] == "/onboarding"
        onboarding = await client.get("/onboarding")
        assert "Подключите маркетплейс" in onboarding.text and "Пропустить" in onboarding.text
        out = await client.post("/logout", data=form())
        assert out.status_code == 303
        assert (await client.get("/settings/team")).status_code == 303
        wrong = await client.post("/login", data=form(email="ann@example.ru", password="nope-nope"))
        assert wrong.status_code == 401 and "Неверный e-mail или пароль" in wrong.text
        back = await client.post(
            "/login",
            data=form(email="ann@example.ru", password="password-123", next="/settings/team"),
        )
        assert back.status_code == 303 and back.headers["location"] == "/settings/team"
        team = await client.get("/settings/team")
        assert "ann@example.ru" in team.text and "Владелец" in team.text


async def test_next_never_leaves_the_site(app: object) -> None:
    async with plain(app) as client:
        await client.post(
            "/register",
            data=form(email="eve@example.ru", password="password-123", seller_name="Е"),
        )
        await client.post("/logout", data=form())
        signed = await client.post(
            "/login",
            data=form(email="eve@example.ru", password="password-123", next="//evil.example/x"),
        )
    assert signed.headers["location"] == "/home"  # the entry point after sign-in


async def test_sign_in_throttling_message(app: object) -> None:
    async with plain(app) as client:
        for _ in range(5):
            await client.post("/login", data=form(email="x@example.ru", password="wrong-pass"))
        page = await client.post("/login", data=form(email="x@example.ru", password="wrong-pass"))
    assert page.status_code == 429
    assert 'class="form-error"' in page.text


async def test_form_without_csrf_is_refused_in_our_layout(app: object) -> None:
    async with plain(app) as client:
        page = await client.post("/login", data={"email": "a@b.ru", "password": "x"})
    assert page.status_code == 403
    assert "Страница устарела" in page.text and "error-box" in page.text


async def test_cabinet_add_rename_remove_never_shows_token(app: object) -> None:
    async with plain(app) as client:
        await signed_in(client, "own@example.ru")
        bad = await client.post("/settings/connections", data=form(name="X", token="short"))
        assert bad.status_code == 422 and 'id="token-error"' in bad.text
        token = wb_like_token()
        added = await client.post(
            "/settings/connections", data=form(name="Основной", token=token, is_sandbox="true")
        )
        assert added.status_code == 303
        page = await client.get("/settings/connections")
        assert "Основной" in page.text and "Песочница" in page.text
        assert token not in page.text
        cabinet_id = int(page.text.split('id="cabinet-')[1].split('"')[0])
        await client.post(
            f"/settings/connections/{cabinet_id}/rename", data=form(name="Второй магазин")
        )
        assert "Второй магазин" in (await client.get("/settings/connections")).text
        await client.post(f"/settings/connections/{cabinet_id}/remove", data=form())
        assert "Второй магазин" not in (await client.get("/settings/connections")).text


async def test_another_sellers_cabinet_is_404(app: object) -> None:
    async with plain(app) as owner, plain(app) as stranger:
        await signed_in(owner, "a@example.ru")
        await owner.post("/settings/connections", data=form(name="A", token=wb_like_token()))
        page = await owner.get("/settings/connections")
        cabinet_id = int(page.text.split('id="cabinet-')[1].split('"')[0])
        await signed_in(stranger, "b@example.ru")
        for action in ("rename", "remove", "sync"):
            response = await stranger.post(
                f"/settings/connections/{cabinet_id}/{action}", data=form(name="x")
            )
            assert response.status_code == 404, action
            assert "error-box" in response.text
        assert "A" in (await owner.get("/settings/connections")).text


async def test_team_invite_shows_password_once_and_operator_is_refused(app: object) -> None:
    async with plain(app) as owner, plain(app) as operator:
        await signed_in(owner, "boss@example.ru")
        invited = await owner.post("/settings/team", data=form(email="op@example.ru"))
        assert invited.status_code == 200
        password = invited.text.split('id="temporary-password">')[1].split("<")[0]
        assert len(password) >= 8
        assert password not in (await owner.get("/settings/team")).text
        signed = await operator.post("/login", data=form(email="op@example.ru", password=password))
        assert signed.status_code == 303
        # Sign-in rotated the CSRF cookie: the browser keeps only the new one, and the
        # operator's pages carry it.
        rotated = signed.cookies["agentiq_csrf"]
        for cookie in list(operator.cookies.jar):
            if cookie.name == "agentiq_csrf" and cookie.value != rotated:
                operator.cookies.jar.clear(cookie.domain, cookie.path, cookie.name)
        team = await operator.get("/settings/team")
        assert team.status_code == 200 and "Пригласить оператора" not in team.text
        connections = await operator.get("/settings/connections")
        assert "Добавить кабинет" not in connections.text
        for url, data in (
            ("/settings/team", form(email="x@example.ru")),
            ("/settings/connections", form(name="X", token="x-token-0123456789")),
            ("/onboarding/demo", form()),
        ):
            data = {**data, "csrf_token": rotated}
            refused = await operator.post(url, data=data)
            assert refused.status_code == 403, url
            assert "только владельцу" in refused.text


async def test_api_token_created_once_and_revoked(app: object) -> None:
    async with plain(app) as client:
        await signed_in(client, "t@example.ru")
        created = await client.post("/settings/tokens", data=form(name="BI"))
        plain_token = created.text.split('id="created-token">')[1].split("<")[0]
        assert plain_token.startswith("aiq_")
        listed = await client.get("/settings/tokens")
        assert plain_token not in listed.text and "BI" in listed.text
        token_id = listed.text.split("/settings/tokens/")[1].split("/")[0]
        await client.post(f"/settings/tokens/{token_id}/revoke", data=form())
        assert "отозван" in (await client.get("/settings/tokens")).text


async def test_unknown_page_renders_our_404(client: httpx.AsyncClient) -> None:
    page = await client.get("/no-such-page", headers={"accept": "text/html"})
    assert page.status_code == 404 and "Страница не найдена" in page.text
    assert "error-box" in page.text


@pytest.mark.parametrize("url", ["/settings/connections", "/settings/team", "/settings/tokens"])
async def test_htmx_fragment_of_error_is_not_a_whole_page(app: object, url: str) -> None:
    async with browser_client(app) as client:
        response = await client.post(
            "/settings/team/999999/remove", headers={"hx-request": "true", "x-csrf-token": CSRF}
        )
    assert response.status_code == 401
    assert response.headers["hx-trigger"] == "session-expired"


async def test_seller_switcher_for_a_member_of_two_sellers(app: object) -> None:
    async with plain(app) as first, plain(app) as second:
        await signed_in(first, "agency@example.ru", "Агентство")
        await signed_in(second, "brand@example.ru", "Бренд")
        await second.post("/settings/team", data=form(email="agency@example.ru"))
        # The agency's account accepts the invitation before the brand appears.
        invitation = (await first.get("/api/auth/invitations")).json()[0]
        accepted = await first.post(f"/invitations/{invitation['id']}/accept", data=form())
        assert accepted.status_code == 303
        page = await first.get("/settings/connections")
        assert 'id="seller-select"' in page.text and "Бренд" in page.text
        option = page.text.split("Бренд")[0].rsplit('<option value="', 1)[1].split('"')[0]
        switched = await first.post("/switch-seller", data=form(seller_id=option))
        assert switched.status_code == 303
        me = await first.get("/api/auth/me")
        assert me.json()["seller"]["name"] == "Бренд"
        team = await first.get("/settings/team")
        assert "Пригласить оператора" not in team.text  # an operator there
        refused = await first.post("/switch-seller", data=form(seller_id="999999"))
        assert refused.status_code == 404
