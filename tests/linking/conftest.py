"""Linking fixtures: a seller wired to the emulator, with enough recent reviews that the
scenarios always find a negative one with a problem to bring to the chat."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import register
from tests.marketplaces.conftest import RunningEmulator
from tests.replies.conftest import replies_wb
from tests.replies.world import World, install_client_factory, make_world

__all__ = ["replies_wb", "world"]


@pytest.fixture
async def world(
    app: object, client: httpx.AsyncClient, replies_wb: RunningEmulator
) -> AsyncIterator[World]:
    ids = await register(client, "owner@example.com", "Магазин")
    runtime = app.state.runtime  # type: ignore[attr-defined]
    http = install_client_factory(runtime, replies_wb)
    yield await make_world(runtime, replies_wb, ids["seller_id"], feedbacks=1500, chats=60)
    await http.aclose()
