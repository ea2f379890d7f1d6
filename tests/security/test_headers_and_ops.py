"""Issue 10, security: headers on every response, no-store for signed-in pages, docs and
metrics closed in production, X-Forwarded-For only from configured proxies, API tokens
revoked on password change, sign-in lands in the last used seller — over real HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.security.conftest import serve, signed_in_client

METRICS_TOKEN = "metrics-" + "m" * 32


def _assert_security_headers(response: httpx.Response, *, hsts: bool) -> None:
    h = response.headers
    csp = h.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "style-src 'self'" in csp, (response.url, csp)
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert h.get("x-frame-options") == "DENY"
    assert h.get("x-content-type-options") == "nosniff"
    assert h.get("referrer-policy") == "same-origin"
    assert ("strict-transport-security" in h) is hsts


def test_security_headers_present_on_every_response(tmp_path: Path) -> None:
    with serve(tmp_path) as live, httpx.Client(base_url=live.url) as anonymous:
        for path in ("/login", "/api/health", "/static/app.css", "/no-such-page", "/inbox"):
            _assert_security_headers(anonymous.get(path), hsts=False)
        _assert_security_headers(anonymous.post("/api/auth/login", json={}), hsts=False)


def test_hsts_and_closed_docs_and_metrics_in_production(tmp_path: Path) -> None:
    with (
        serve(tmp_path / "prod", environment="production") as live,
        httpx.Client(base_url=live.url) as c,
    ):
        _assert_security_headers(c.get("/api/health"), hsts=True)
        for path in ("/docs", "/redoc", "/openapi.json", "/metrics"):
            assert c.get(path).status_code == 404, path
    with (
        serve(
            tmp_path / "prod-metrics", environment="production", metrics_token=METRICS_TOKEN
        ) as live,
        httpx.Client(base_url=live.url) as c,
    ):
        assert c.get("/metrics").status_code == 404
        wrong = {"authorization": "Bearer guess"}
        assert c.get("/metrics", headers=wrong).status_code == 404
        right = {"authorization": f"Bearer {METRICS_TOKEN}"}
        scraped = c.get("/metrics", headers=right)
        assert scraped.status_code == 200 and "agentiq_http_requests_total" in scraped.text
    with serve(tmp_path / "dev") as live, httpx.Client(base_url=live.url) as c:
        assert c.get("/openapi.json").status_code == 200  # a developer's machine keeps them


def test_signed_in_pages_are_not_cached(tmp_path: Path) -> None:
    with serve(tmp_path) as live:
        client, _ = signed_in_client(live.url, "cache@example.ru")
        for path in ("/inbox", "/settings/ai", "/api/auth/me"):
            r = client.get(path)
            assert r.status_code == 200, path
            assert r.headers.get("cache-control") == "no-store", path
        # The sign-in response itself (it carries the session cookie).
        with httpx.Client(base_url=live.url) as fresh:
            fresh.get("/login")
            csrf = fresh.cookies.get("agentiq_csrf") or ""
            r = fresh.post(
                "/api/auth/login",
                json={"email": "cache@example.ru", "password": "password-123"},
                headers={"x-csrf-token": csrf},
            )
            assert r.status_code == 200 and r.headers.get("cache-control") == "no-store"
        # Static files stay cacheable.
        assert client.get("/static/app.css").headers.get("cache-control") != "no-store"


def _wrong_logins(url: str, count: int) -> list[int]:
    statuses = []
    with httpx.Client(base_url=url) as c:
        c.get("/api/health")
        csrf = c.cookies.get("agentiq_csrf") or ""
        for i in range(count):
            r = c.post(
                "/api/auth/login",
                json={"email": f"nobody{i}@example.ru", "password": "wrong-password"},
                headers={"x-csrf-token": csrf, "x-forwarded-for": f"203.0.113.{i + 1}"},
            )
            statuses.append(r.status_code)
    return statuses


def test_x_forwarded_for_is_believed_only_from_configured_proxies(tmp_path: Path) -> None:
    # signin_max_attempts=1: one IP may try 4 times in the window.
    with serve(tmp_path / "direct", forwarded_allow_ips="", signin_max_attempts=1) as live:
        statuses = _wrong_logins(live.url, 6)
        assert statuses[:4] == [401] * 4 and statuses[4:] == [429, 429], statuses
    with serve(
        tmp_path / "proxied", forwarded_allow_ips="127.0.0.1", signin_max_attempts=1
    ) as live:
        # Behind the configured proxy, each forwarded address is its own client.
        assert _wrong_logins(live.url, 6) == [401] * 6


def test_password_change_revokes_api_tokens(tmp_path: Path) -> None:
    with serve(tmp_path) as live:
        client, _ = signed_in_client(live.url, "tokens@example.ru")
        created = client.post("/api/auth/tokens", json={"name": "скрипт"})
        assert created.status_code == 201, created.text
        bearer = {"authorization": f"Bearer {created.json()['token']}"}
        with httpx.Client(base_url=live.url) as api:
            assert api.get("/api/auth/me", headers=bearer).status_code == 200
            changed = client.post(
                "/api/auth/password",
                json={"current_password": "password-123", "new_password": "new-password-456"},
            )
            assert changed.status_code == 204, changed.text
            assert api.get("/api/auth/me", headers=bearer).status_code == 401
        listed = client.get("/api/auth/tokens").json()
        assert listed and all(t.get("revoked_at") for t in listed), listed


def test_csrf_cookie_is_rotated_at_sign_in(tmp_path: Path) -> None:
    with serve(tmp_path) as live:
        signed_in_client(live.url, "rotate@example.ru")[0].close()
        with httpx.Client(base_url=live.url) as browser:
            browser.get("/login")
            planted = browser.cookies.get("agentiq_csrf")
            assert planted
            signed = browser.post(
                "/login",
                data={
                    "csrf_token": planted,
                    "email": "rotate@example.ru",
                    "password": "password-123",
                },
            )
            assert signed.status_code == 303
            rotated = browser.cookies.get("agentiq_csrf")
            assert rotated and rotated != planted
            # The planted value no longer passes the CSRF check; the new one does.
            stale = browser.post("/api/auth/logout", headers={"x-csrf-token": planted})
            assert stale.status_code == 403
            fresh = browser.post("/api/auth/logout", headers={"x-csrf-token": rotated})
            assert fresh.status_code == 204
