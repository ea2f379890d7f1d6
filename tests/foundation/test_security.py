"""Session cookies, CSRF, sign-in throttling, API tokens and secrets at rest."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from agentiq.config import Environment, Settings
from tests.conftest import CSRF, browser_client, register, wb_like_token

WB_TOKEN = wb_like_token()


async def test_session_cookie_flags(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/register",
        json={"email": "a@example.com", "password": "password-123", "seller_name": "A"},
    )
    cookie = response.headers["set-cookie"]
    assert "agentiq_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" in cookie  # outside dev


async def test_dev_cookie_not_secure(settings: Settings) -> None:
    from agentiq.app import create_app

    app = create_app(settings.model_copy(update={"environment": Environment.dev}))
    async with app.router.lifespan_context(app), browser_client(app, "http://testserver") as c:
        response = await c.post(
            "/api/auth/register",
            json={"email": "d@example.com", "password": "password-123", "seller_name": "D"},
        )
        assert "Secure" not in response.headers["set-cookie"]


async def test_cross_site_post_refused(app: object) -> None:
    async with browser_client(app) as c:
        await register(c, "x@example.com")
        # Same cookies, but the request comes from another site.
        response = await c.post(
            "/api/auth/tokens", json={"name": "evil"}, headers={"origin": "https://evil.example"}
        )
        assert response.status_code == 403
        response = await c.post(
            "/api/auth/tokens", json={"name": "evil"}, headers={"sec-fetch-site": "cross-site"}
        )
        assert response.status_code == 403
        # Missing CSRF token (an attacker cannot read our cookie to echo it).
        response = await c.post(
            "/api/auth/tokens", json={"name": "x"}, headers={"x-csrf-token": ""}
        )
        assert response.status_code == 403
        response = await c.post("/api/auth/tokens", json={"name": "ok"})
        assert response.status_code == 201


async def test_signin_rotates_session_and_logout_revokes(client: httpx.AsyncClient) -> None:
    await register(client, "r@example.com")
    first = client.cookies.get("agentiq_session")
    response = await client.post(
        "/api/auth/login", json={"email": "r@example.com", "password": "password-123"}
    )
    assert response.status_code == 200
    second = client.cookies.get("agentiq_session")
    assert first and second and first != second
    # The old session is revoked by the rotation.
    async with browser_client(client._transport.app) as other:  # type: ignore[attr-defined]
        other.cookies.set("agentiq_session", first)
        assert (await other.get("/api/auth/me")).status_code == 401
    await client.post("/api/auth/logout")
    async with browser_client(client._transport.app) as other:  # type: ignore[attr-defined]
        other.cookies.set("agentiq_session", second)
        assert (await other.get("/api/auth/me")).status_code == 401


async def test_password_change_revokes_other_sessions(app: object) -> None:
    async with browser_client(app) as one, browser_client(app) as two:
        await register(one, "p@example.com")
        await two.post(
            "/api/auth/login", json={"email": "p@example.com", "password": "password-123"}
        )
        assert (await two.get("/api/auth/me")).status_code == 200
        response = await one.post(
            "/api/auth/password",
            json={"current_password": "password-123", "new_password": "new-password-456"},
        )
        assert response.status_code == 204
        assert (await one.get("/api/auth/me")).status_code == 200
        assert (await two.get("/api/auth/me")).status_code == 401


async def test_signin_throttled_per_account(client: httpx.AsyncClient, settings: Settings) -> None:
    await register(client, "t@example.com")
    for _ in range(settings.signin_max_attempts):
        response = await client.post(
            "/api/auth/login", json={"email": "t@example.com", "password": "wrong-password"}
        )
        assert response.status_code == 401
    response = await client.post(
        "/api/auth/login", json={"email": "t@example.com", "password": "password-123"}
    )
    assert response.status_code == 429
    assert "Слишком много неудачных попыток входа" in response.json()["error"]["message"]


async def test_signin_throttled_per_ip(client: httpx.AsyncClient, settings: Settings) -> None:
    for i in range(settings.signin_max_attempts * 4):
        await client.post(
            "/api/auth/login", json={"email": f"n{i}@example.com", "password": "wrong-password"}
        )
    response = await client.post(
        "/api/auth/login", json={"email": "fresh@example.com", "password": "whatever-123"}
    )
    assert response.status_code == 429


async def test_api_token_bearer_and_revoke(client: httpx.AsyncClient, app: object) -> None:
    await register(client, "api@example.com")
    created = (await client.post("/api/auth/tokens", json={"name": "script"})).json()
    plain = created["token"]
    listed = (await client.get("/api/auth/tokens")).text
    assert plain not in listed
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
        base_url="https://testserver",
        headers={"authorization": f"Bearer {plain}"},
    ) as script:
        assert (await script.get("/api/auth/me")).json()["email"] == "api@example.com"
        # No cookies, no CSRF needed: bearer tokens are not ambient credentials.
        assert (await script.post("/api/auth/tokens", json={"name": "two"})).status_code == 201
        await client.delete(f"/api/auth/tokens/{created['id']}")
        assert (await script.get("/api/auth/me")).status_code == 401


async def test_wb_token_encrypted_never_returned_never_logged(
    client: httpx.AsyncClient, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await register(client, "wb@example.com")
    created = await client.post(
        "/api/settings/cabinets", json={"name": "Основной", "token": WB_TOKEN}
    )
    assert created.status_code == 201, created.text
    cabinet_id = created.json()["id"]
    responses = [
        created,
        await client.get("/api/settings/cabinets"),
        await client.get(f"/api/settings/cabinets/{cabinet_id}"),
        await client.patch(f"/api/settings/cabinets/{cabinet_id}", json={"name": "Новое имя"}),
    ]
    for response in responses:
        assert WB_TOKEN not in response.text
        assert "token_encrypted" not in response.text
    assert WB_TOKEN not in caplog.text
    if settings.is_sqlite:
        db_file = Path(settings.database_url.split("///", 1)[1])
        raw = b"".join(p.read_bytes() for p in db_file.parent.glob(db_file.name + "*"))
        assert WB_TOKEN.encode() not in raw
        assert WB_TOKEN.rsplit(".", 1)[1].encode() not in raw  # not even the signature
    # It still decrypts for the connector.
    from sqlalchemy import select

    from agentiq.models import MarketplaceConnection

    runtime = client._transport.app.state.runtime  # type: ignore[attr-defined]
    async with runtime.sessionmaker() as session:
        row = await session.scalar(select(MarketplaceConnection))
        assert row is not None
        assert runtime.secrets.decrypt(row.token_encrypted) == WB_TOKEN


def test_secret_rotation_keeps_old_ciphertexts_readable() -> None:
    from agentiq.kit.crypto import SecretBox

    old = SecretBox("old-secret-" + "a" * 32)
    ciphertext = old.encrypt("wb-token")
    rotated = SecretBox("new-secret-" + "b" * 32, ["old-secret-" + "a" * 32])
    assert rotated.decrypt(ciphertext) == "wb-token"
    new_ciphertext = rotated.rotate(ciphertext)
    assert SecretBox("new-secret-" + "b" * 32).decrypt(new_ciphertext) == "wb-token"
    with pytest.raises(ValueError):
        SecretBox("new-secret-" + "b" * 32).decrypt(ciphertext)


async def test_health_503_names_redis_when_down(settings: Settings) -> None:
    from agentiq.app import create_app

    app = create_app(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    async with app.router.lifespan_context(app), browser_client(app) as c:
        response = await c.get("/api/health")
        assert response.status_code == 503
        assert response.json()["down"] == ["redis"]


async def test_metrics_use_route_templates(client: httpx.AsyncClient) -> None:
    await register(client, "m@example.com")
    await client.get("/api/settings/cabinets/987654")
    text = (await client.get("/metrics")).text
    assert 'route="/api/settings/cabinets/{cabinet_id}"' in text
    assert "987654" not in text


async def test_invite_and_switch_seller(app: object) -> None:
    async with browser_client(app) as owner, browser_client(app) as agency:
        await register(owner, "owner@example.com", "Магазин А")
        await register(agency, "agency@example.com", "Агентство")
        invite = await owner.post("/api/auth/members", json={"email": "agency@example.com"})
        assert invite.status_code == 201
        assert invite.json()["temporary_password"] is None  # existing account
        # An existing account joins only by accepting the invitation itself.
        waiting = (await agency.get("/api/auth/invitations")).json()
        assert [w["seller_name"] for w in waiting] == ["Магазин А"]
        accepted = await agency.post(f"/api/auth/invitations/{waiting[0]['id']}/accept")
        assert accepted.status_code == 200, accepted.text
        me = (await agency.get("/api/auth/me")).json()
        assert {s["name"] for s in me["sellers"]} == {"Магазин А", "Агентство"}
        target = next(s for s in me["sellers"] if s["name"] == "Магазин А")
        switched = await agency.post("/api/auth/switch-seller", json={"seller_id": target["id"]})
        assert switched.json()["seller"] == {**target, "role": "operator"}
        # Operators cannot manage the team.
        refused = await agency.post("/api/auth/members", json={"email": "z@example.com"})
        assert refused.status_code == 403
        new = await owner.post("/api/auth/members", json={"email": "new@example.com"})
        temporary = new.json()["temporary_password"]
        assert temporary
        async with browser_client(app) as newcomer:
            ok = await newcomer.post(
                "/api/auth/login", json={"email": "new@example.com", "password": temporary}
            )
            assert ok.status_code == 200


__all__ = ["CSRF"]
