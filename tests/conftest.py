"""Shared fixtures: real databases (a SQLite file always, PostgreSQL when configured),
the app with its lifespan, and an HTTP client that behaves like a browser (cookies, CSRF)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import text

from agentiq.config import Settings, load_settings
from agentiq.migrate import upgrade

TEST_PG_URL = os.environ.get("AGENTIQ_TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("AGENTIQ_TEST_REDIS_URL")
CSRF = "test-csrf-token-0123456789abcdef"


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [
        f"PostgreSQL tests: {'on' if TEST_PG_URL else 'skipped (AGENTIQ_TEST_DATABASE_URL unset)'}",
        f"Redis tests: {'on' if TEST_REDIS_URL else 'skipped (AGENTIQ_TEST_REDIS_URL unset)'}",
    ]


def _sync_pg_url(url: str) -> str:
    return url.replace("+asyncpg", "+psycopg") if "+asyncpg" in url else url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test session; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    """A migrated PostgreSQL template database; each test clones it (CREATE ... TEMPLATE)."""
    if not TEST_PG_URL:
        yield None
        return
    import asyncio

    import asyncpg

    base = TEST_PG_URL.replace("postgresql+asyncpg://", "postgresql://")
    name = f"agentiq_tpl_{uuid.uuid4().hex[:8]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(base)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = TEST_PG_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield name
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def clone_pg(template: str) -> str:
    import asyncpg

    assert TEST_PG_URL
    base = TEST_PG_URL.replace("postgresql+asyncpg://", "postgresql://")
    name = f"agentiq_t_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(base)
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await conn.close()
    return TEST_PG_URL.rsplit("/", 1)[0] + f"/{name}"


async def drop_pg(url: str) -> None:
    import asyncpg

    assert TEST_PG_URL
    base = TEST_PG_URL.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(base)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite"])
def db_backend(request: pytest.FixtureRequest) -> str:
    """Parametrize with `["sqlite", "postgres"]` and `indirect=True` to run on both."""
    backend: str = request.param
    if backend == "postgres" and not TEST_PG_URL:
        pytest.skip("PostgreSQL tests need AGENTIQ_TEST_DATABASE_URL")
    return backend


@pytest.fixture
async def db_url(
    db_backend: str, tmp_path: Path, sqlite_template: Path, pg_template: str | None
) -> AsyncIterator[str]:
    if db_backend == "postgres":
        assert pg_template is not None
        url = await clone_pg(pg_template)
        yield url
        await drop_pg(url)
        return
    path = tmp_path / "agentiq.db"
    shutil.copyfile(sqlite_template, path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return load_settings(
        environment="test",
        var_dir=tmp_path,
        database_url=db_url,
        secret_key="test-secret-key-" + "x" * 32,
        scheduler_enabled=False,
        emulator_enabled=False,
        log_json=False,
        # Sellers' self-hosted LLM in tests is the fake OpenAI server on this machine.
        llm_allowed_hosts="127.0.0.1",
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[object]:
    from agentiq.app import create_app

    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


def browser_client(app: object, base_url: str = "https://testserver") -> httpx.AsyncClient:
    """An ASGI client with the CSRF cookie and header a page of ours would send."""

    async def follow_csrf_rotation(response: httpx.Response) -> None:
        # Sign-in rotates the CSRF cookie; the next page of ours would carry the new one.
        rotated = response.cookies.get("agentiq_csrf")
        if rotated and "x-csrf-token" in client.headers:
            client.headers["x-csrf-token"] = rotated

    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
        base_url=base_url,
        headers={"x-csrf-token": CSRF},
        follow_redirects=False,
        event_hooks={"response": [follow_csrf_rotation]},
    )
    client.cookies.set("agentiq_csrf", CSRF)
    return client


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    async with browser_client(app) as c:
        yield c


async def register(
    client: httpx.AsyncClient,
    email: str,
    seller_name: str = "Магазин",
    password: str = "password-123",
) -> dict[str, int]:
    response = await client.post(
        "/api/auth/register",
        json={"email": email, "password": password, "seller_name": seller_name},
    )
    assert response.status_code == 201, response.text
    data: dict[str, int] = response.json()
    return data


def wb_like_token(
    *, categories_bits: int = (1 << 7) | (1 << 9), acc: int = 3, days: int = 90
) -> str:
    """A token shaped like WB's (payload fields acc, s, sid, exp), signed with a test key."""
    import time

    import jwt

    payload = {
        "acc": acc,
        "for": "self",
        "s": categories_bits,
        "sid": str(uuid.uuid4()),
        "id": str(uuid.uuid4()),
        "exp": int(time.time()) + days * 86400,
    }
    return jwt.encode(payload, "not-a-wb-key-" + "k" * 32, algorithm="HS256")


def sync_engine_for(url: str):  # type: ignore[no-untyped-def]
    """A plain synchronous engine for assertions on raw database contents."""
    if url.startswith("sqlite"):
        return create_sync_engine(url.replace("+aiosqlite", ""))
    return create_sync_engine(_sync_pg_url(url))


__all__ = [
    "CSRF",
    "TEST_PG_URL",
    "TEST_REDIS_URL",
    "browser_client",
    "register",
    "text",
    "wb_like_token",
]
