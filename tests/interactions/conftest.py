"""Inbox fixtures: two signed-in sellers and a helper that writes interactions directly."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from agentiq.db import unit_of_work
from agentiq.kit.time import utcnow
from agentiq.models import PRIORITY_RANK, Interaction, Priority, ProductCard
from tests.conftest import browser_client, register

BASE_TIME = utcnow().replace(microsecond=0) - timedelta(days=3)
_counter = {"n": 0}


def make_interaction(seller_id: int, **values: Any) -> Interaction:
    _counter["n"] += 1
    n = _counter["n"]
    priority = values.pop("priority", "normal")
    values.setdefault("channel", "review")
    values.setdefault("external_id", f"ext-{n}")
    values.setdefault("text", f"Отзыв номер {n}")
    values.setdefault("occurred_at", BASE_TIME + timedelta(minutes=n))
    values.setdefault("sla_due_at", utcnow() + timedelta(hours=24, minutes=n))
    return Interaction(
        seller_id=seller_id,
        priority=priority,
        priority_rank=PRIORITY_RANK[Priority(priority)],
        **values,
    )


async def seed(app: Any, seller_id: int, rows: list[dict[str, Any]]) -> list[int]:
    async with unit_of_work(app.state.runtime.sessionmaker) as session:
        objects = [make_interaction(seller_id, **row) for row in rows]
        session.add_all(objects)
        await session.flush()
        return [o.id for o in objects]


async def seed_product(app: Any, seller_id: int, nm_id: int, name: str, article: str) -> None:
    async with unit_of_work(app.state.runtime.sessionmaker) as session:
        session.add(
            ProductCard(seller_id=seller_id, nm_id=nm_id, name=name, supplier_article=article)
        )


@pytest.fixture
async def seller(client: httpx.AsyncClient) -> dict[str, int]:
    return await register(client, "owner@example.ru", "Магазин Один")


@pytest.fixture
async def other_client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with browser_client(app) as c:
        yield c


@pytest.fixture
async def other_seller(other_client: httpx.AsyncClient) -> dict[str, int]:
    return await register(other_client, "other@example.ru", "Магазин Два")
