"""Issue 10, security: sign-in throttling is atomic and Argon2 does not stall the event loop
— over real HTTP against a running app."""

from __future__ import annotations

import os
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.security.conftest import serve, signed_in_client

REDIS_URL = os.environ.get("AGENTIQ_TEST_REDIS_URL")
MAX_ATTEMPTS = 5


def _login(url: str, email: str, password: str) -> int:
    with httpx.Client(base_url=url, timeout=60) as client:
        client.get("/api/health")
        csrf = client.cookies.get("agentiq_csrf") or ""
        r = client.post(
            "/api/auth/login",
            json={"email": email, "password": password},
            headers={"x-csrf-token": csrf},
        )
        return r.status_code


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_30_parallel_wrong_passwords_are_refused_beyond_the_limit(
    tmp_path: Path, store: str
) -> None:
    if store == "redis" and not REDIS_URL:
        pytest.skip("Redis tests need AGENTIQ_TEST_REDIS_URL")
    overrides = {"signin_max_attempts": MAX_ATTEMPTS, "signin_window_s": 300}
    if store == "redis":
        overrides["redis_url"] = REDIS_URL
    with serve(tmp_path, **overrides) as live:
        email = f"victim-{uuid.uuid4().hex[:8]}@example.ru"
        signed_in_client(live.url, email, password="correct-horse-battery")
        gate = threading.Barrier(30)

        def wrong(i: int) -> int:
            gate.wait()
            return _login(live.url, email, f"wrong-password-{i}")

        with ThreadPoolExecutor(30) as pool:
            statuses = list(pool.map(wrong, range(30)))
        assert statuses.count(401) <= MAX_ATTEMPTS, statuses
        assert statuses.count(429) >= 30 - MAX_ATTEMPTS, statuses
        assert set(statuses) <= {401, 429}
        # Locked now, even with the right password.
        assert _login(live.url, email, "correct-horse-battery") == 429


def test_argon2_sign_ins_do_not_stall_other_requests(tmp_path: Path) -> None:
    with serve(tmp_path, signin_max_attempts=50) as live:
        emails = [f"user{i}-{uuid.uuid4().hex[:6]}@example.ru" for i in range(6)]
        for email in emails:
            signed_in_client(live.url, email, password="correct-horse-battery")
        with httpx.Client(base_url=live.url, timeout=30) as probe:
            probe.get("/api/health")

            def health_ms() -> float:
                started = time.perf_counter()
                assert probe.get("/api/health").status_code == 200
                return (time.perf_counter() - started) * 1000

            idle = statistics.median(health_ms() for _ in range(10))
            # Clients made beforehand: building one (its TLS context) costs CPU in this
            # same process, which is not what is measured here.
            clients = []
            for email in emails * 2:  # each e-mail twice: 12 Argon2 verifications in flight
                client = httpx.Client(base_url=live.url, timeout=60)
                client.get("/api/health")
                client.headers["x-csrf-token"] = client.cookies.get("agentiq_csrf") or ""
                clients.append((client, email))

            def sign_in(pair: tuple[httpx.Client, str]) -> int:
                client, email = pair
                body = {"email": email, "password": "correct-horse-battery"}
                return client.post("/api/auth/login", json=body).status_code

            with ThreadPoolExecutor(len(clients)) as pool:
                futures = [pool.submit(sign_in, pair) for pair in clients]
                time.sleep(0.05)
                during = []
                while not all(f.done() for f in futures):
                    during.append(health_ms())
                    time.sleep(0.02)
                assert {f.result() for f in futures} == {200}
            for client, _ in clients:
                client.close()
        assert during, "the sign-ins finished before /api/health could be measured"
        print(f"/api/health idle median {idle:.1f} ms; during sign-ins max {max(during):.1f} ms")
        # On the loop, 12 verifications run back to back (~0.1-0.6 s each on a busy
        # 2-core machine): /api/health waited seconds and its DB ping timed out (503).
        # The bounds leave room for the machine's own load, not for one verification.
        assert max(during) < 1000, (idle, during)
        assert statistics.median(during) < 250, (idle, during)
