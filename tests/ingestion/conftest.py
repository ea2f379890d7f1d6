"""Sync engine fixtures: a runtime on the test database, the emulator over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from agentiq.config import Settings
from agentiq.db import unit_of_work
from agentiq.kit.http import build_http_client
from agentiq.models import Interaction, MarketplaceConnection, Seller
from agentiq.runtime import Runtime, build_runtime
from tests.marketplaces.conftest import (
    FAST_RETRY,
    UNLIMITED,
    RunningEmulator,
    start_emulator,
    stop_emulator,
)


@pytest.fixture(scope="session")
def sync_wb() -> Iterator[RunningEmulator]:
    """The emulator without WB's rate limits; each test adds its own emulated seller."""
    running, server, thread = start_emulator(rate_limits=False, moderation_delay_s=0.0)
    yield running
    stop_emulator(server, thread)


@pytest.fixture
async def wb_http() -> AsyncIterator[httpx.AsyncClient]:
    client = build_http_client(timeout=httpx.Timeout(2.0, connect=2.0))
    yield client
    await client.aclose()


@pytest.fixture
async def runtime(
    settings: Settings, sync_wb: RunningEmulator, wb_http: httpx.AsyncClient
) -> AsyncIterator[Runtime]:
    rt = build_runtime(settings)
    rt.wb_client_options = {
        "limits": UNLIMITED,
        "retry": FAST_RETRY,
        "hosts": sync_wb.hosts,
        "http": wb_http,
        "timeout": 2.0,
    }
    yield rt
    await rt.close()


async def make_cabinet(runtime: Runtime, token: str, *, name: str = "Магазин") -> tuple[int, int]:
    """(seller_id, cabinet_id) of a fresh seller with one cabinet holding `token`."""
    async with unit_of_work(runtime.sessionmaker) as session:
        seller = Seller(name=name)
        session.add(seller)
        await session.flush()
        cabinet = MarketplaceConnection(
            seller_id=seller.id,
            name="WB",
            token_encrypted=runtime.secrets.encrypt(token),
            token_type="personal",
        )
        session.add(cabinet)
        await session.flush()
        return seller.id, cabinet.id


async def stored_ids(runtime: Runtime, seller_id: int, channel: str) -> list[str]:
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(
            select(Interaction.external_id).where(
                Interaction.seller_id == seller_id, Interaction.channel == channel
            )
        )
        return list(rows)


async def count_rows(runtime: Runtime, model: Any, *criteria: Any) -> int:
    async with runtime.sessionmaker() as session:
        return int(
            await session.scalar(select(func.count()).select_from(model).where(*criteria)) or 0
        )
