"""«Проверить подключение» on Settings → Подключения: WB over real HTTP (the emulator)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from agentiq.db import unit_of_work
from agentiq.kit.http import build_http_client
from agentiq.models import MarketplaceConnection
from tests.conftest import browser_client, wb_like_token
from tests.marketplaces.conftest import FAST_RETRY, UNLIMITED, RunningEmulator, fast_wb
from tests.web.conftest import form, seller_id_of, signed_in

__all__ = ["fast_wb"]  # the session-scoped emulator fixture, re-exported for pytest


@pytest.fixture
async def wb_app(app: object, fast_wb: RunningEmulator) -> AsyncIterator[object]:
    """The app whose WB clients talk to the emulator on 127.0.0.1 instead of WB."""
    http = build_http_client(timeout=httpx.Timeout(2.0, connect=2.0))
    app.state.runtime.wb_client_options = {  # type: ignore[attr-defined]
        "limits": UNLIMITED,
        "retry": FAST_RETRY,
        "hosts": fast_wb.hosts,
        "http": http,
        "timeout": 2.0,
    }
    yield app
    await http.aclose()


async def store_cabinet(app: object, seller_id: int, token: str, name: str = "Основной") -> int:
    """A cabinet row written directly: the add form would refuse a malformed token."""
    runtime = app.state.runtime  # type: ignore[attr-defined]
    async with unit_of_work(runtime.sessionmaker) as session:
        cabinet = MarketplaceConnection(
            seller_id=seller_id,
            name=name,
            token_encrypted=runtime.secrets.encrypt(token),
            token_type="personal",
        )
        session.add(cabinet)
        await session.flush()
        return int(cabinet.id)


async def test_malformed_token_check_shows_russian_sentence(app: object) -> None:
    async with browser_client(app) as client:
        await signed_in(client, "chk@example.ru")
        cabinet_id = await store_cabinet(app, await seller_id_of(client), "not-a-token")
        before = await client.get("/settings/connections")
        assert "Проверить подключение" in before.text
        assert "Это не похоже на токен WB" not in before.text
        checked = await client.post(
            f"/settings/connections/{cabinet_id}/check", data=form(), headers={}
        )
        assert checked.status_code == 303
        assert checked.headers["location"].startswith("/settings/connections?checked=")
        page = await client.get(checked.headers["location"])
    assert "Это не похоже на токен WB" in page.text
    assert 'class="check-state small failed"' in page.text
    assert "Проверка выполнена: подключение не работает" in page.text


async def check_and_show(app: object, email: str, token: str) -> str:
    async with browser_client(app) as client:
        await signed_in(client, email)
        cabinet_id = await store_cabinet(app, await seller_id_of(client), token)
        checked = await client.post(f"/settings/connections/{cabinet_id}/check", data=form())
        assert checked.status_code == 303
        return (await client.get(checked.headers["location"])).text


async def test_valid_token_is_pinged_on_the_emulator(
    wb_app: object, fast_wb: RunningEmulator
) -> None:
    seller = fast_wb.emulator.add_seller(seed=771, feedbacks=5, questions=2, chats=1)
    pings_before = sum(1 for hit in fast_wb.hits if hit.path.endswith("/ping"))
    page = await check_and_show(wb_app, "ok@example.ru", seller.token)
    assert sum(1 for hit in fast_wb.hits if hit.path.endswith("/ping")) >= pings_before + 2
    assert 'class="check-state small ok"' in page
    assert "Проверка выполнена: подключение работает" in page


async def test_token_unknown_to_wb_is_reported_as_rejected(wb_app: object) -> None:
    page = await check_and_show(wb_app, "no@example.ru", wb_like_token())
    assert 'class="check-state small failed"' in page
    assert "WB отклонил токен" in page


async def test_another_sellers_cabinet_is_not_found(app: object) -> None:
    async with browser_client(app) as stranger, browser_client(app) as owner:
        await signed_in(owner, "own@example.ru")
        cabinet_id = await store_cabinet(app, await seller_id_of(owner), "not-a-token")
        await signed_in(stranger, "str@example.ru", seller="Чужой")
        refused = await stranger.post(f"/settings/connections/{cabinet_id}/check", data=form())
        assert refused.status_code == 404
        page = await owner.get("/settings/connections")
    assert "Это не похоже на токен WB" not in page.text  # the foreign check never ran
