from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.conftest import register
from tests.marketplaces.conftest import RunningEmulator, start_emulator, stop_emulator
from tests.replies.world import World, install_client_factory, make_world


@pytest.fixture(scope="session")
def replies_wb() -> Iterator[RunningEmulator]:
    running, server, thread = start_emulator(rate_limits=False, moderation_delay_s=0.0)
    yield running
    stop_emulator(server, thread)


@pytest.fixture
async def world(
    app: object, client: httpx.AsyncClient, replies_wb: RunningEmulator
) -> AsyncIterator[World]:
    ids = await register(client, "owner@example.com", "Магазин")
    runtime = app.state.runtime  # type: ignore[attr-defined]
    http = install_client_factory(runtime, replies_wb)
    yield await make_world(runtime, replies_wb, ids["seller_id"])
    await http.aclose()
