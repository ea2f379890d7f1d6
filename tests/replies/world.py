"""A seller wired to the emulator over real HTTP, with items that exist in the emulator."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx

from agentiq.cabinets.service import add_cabinet
from agentiq.db import unit_of_work
from agentiq.emulator import generator as gen
from agentiq.kit.http import build_http_client
from agentiq.kit.time import utcnow
from agentiq.marketplaces.wb import WBClient
from agentiq.models import Interaction, MarketplaceConnection
from agentiq.runtime import Runtime
from tests.marketplaces.conftest import FAST_RETRY, UNLIMITED, RunningEmulator, make_client

_serial = itertools.count(1)


@dataclass
class World:
    runtime: Runtime
    wb: RunningEmulator
    seller_id: int
    connection_id: int
    emulated_id: str
    state: Any  # the emulator's SellerState: ground truth
    free_feedbacks: list[str] = field(default_factory=list)
    free_questions: list[str] = field(default_factory=list)
    free_chats: list[str] = field(default_factory=list)

    def received(self, item_id: str) -> list[Any]:
        return [r for r in self.state.received_answers if r.item_id == item_id]


def install_client_factory(
    runtime: Runtime, wb: RunningEmulator, *, timeout_s: float = 5.0
) -> httpx.AsyncClient:
    http = build_http_client(timeout=httpx.Timeout(timeout_s, connect=2.0))

    def factory(connection: MarketplaceConnection, token: str) -> WBClient:
        return make_client(
            wb, token, http, cabinet_key=str(connection.id), limits=UNLIMITED, retry=FAST_RETRY
        )

    runtime.wb_client_factory = factory
    return http


async def make_world(
    runtime: Runtime,
    wb: RunningEmulator,
    seller_id: int,
    *,
    sandbox: bool = False,
    feedbacks: int = 400,
    questions: int = 200,
    chats: int = 40,
) -> World:
    emulated = wb.emulator.add_seller(
        "Магазин", seed=next(_serial) + 1000, feedbacks=feedbacks, questions=questions, chats=chats
    )
    state = wb.emulator.seller(emulated.seller_id)
    async with unit_of_work(runtime.sessionmaker) as session:
        cabinet = await add_cabinet(
            session, runtime.secrets, seller_id, name="WB", token=emulated.token, is_sandbox=sandbox
        )
        connection_id = cabinet.id
    tl_f, tl_q = state.data.feedbacks, state.data.questions
    world = World(runtime, wb, seller_id, connection_id, emulated.seller_id, state)
    world.free_feedbacks = [
        gen.item_id(state.data.seed, gen.FEEDBACK, i)
        for i in range(tl_f.total)
        if tl_f.status[i] in (gen.FB_OPEN, gen.FB_EMPTY)
    ]
    world.free_questions = [
        gen.item_id(state.data.seed, gen.QUESTION, i)
        for i in range(tl_q.total)
        if tl_q.status[i] == gen.Q_NEW
    ]
    world.free_chats = list(state.chat_ids)
    return world


async def add_item(world: World, channel: str, **fields: Any) -> int:
    """An interaction for the next unused emulator item of `channel`."""
    pool = {
        "review": world.free_feedbacks,
        "question": world.free_questions,
        "chat": world.free_chats,
    }[channel]
    external_id = fields.pop("external_id", None) or pool.pop(0)
    values: dict[str, Any] = {
        "seller_id": world.seller_id,
        "connection_id": world.connection_id,
        "channel": channel,
        "external_id": external_id,
        "nm_id": 1001,
        "text": "Отличный товар, всё подошло",
        "rating": 5 if channel == "review" else None,
        "buyer_name": "Анна",
        "occurred_at": utcnow() - timedelta(hours=1),
    }
    values.update(fields)
    async with unit_of_work(world.runtime.sessionmaker) as session:
        item = Interaction(**values)
        session.add(item)
        await session.flush()
        return item.id
