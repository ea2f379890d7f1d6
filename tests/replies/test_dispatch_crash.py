"""Crash test: the dispatcher is killed at random points while WB times out and fails.

Ground truth is the emulator's own record of every write it accepted (`received_answers`):
after hundreds of kills and a final clean pass, every approved reply must be on WB exactly
once — no duplicates, none lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import select

from agentiq.db import unit_of_work
from agentiq.emulator import FaultConfig
from agentiq.models import Interaction, ReplyAttempt, ReplyOutbox
from agentiq.replies.dispatcher import DispatchConfig
from agentiq.replies.service import submit_reply
from agentiq.replies.tasks import dispatch_due
from tests.conftest import register
from tests.marketplaces.conftest import RunningEmulator, start_emulator, stop_emulator
from tests.replies.world import World, add_item, install_client_factory, make_world

RUNS = 220
CLIENT_TIMEOUT_S = 0.25
# The lease outlives any single WB call of a killed worker (client timeout 0.25 s).
CONFIG = DispatchConfig(
    lease_s=0.6,
    backoff_base_s=0.01,
    backoff_max_s=0.05,
    confirm_recheck_s=0.05,
    max_attempts=10_000,  # never give up here: "failed" would count as a lost approval
)
FAULTS = FaultConfig(error_rate={500: 0.06, 502: 0.03, 503: 0.04}, timeout_rate=0.08, timeout_s=0.4)


@pytest.fixture(scope="module")
def crash_wb() -> Iterator[RunningEmulator]:
    running, server, thread = start_emulator(rate_limits=False, moderation_delay_s=0.0)
    yield running
    stop_emulator(server, thread)


@pytest.fixture
async def crash_world(
    app: object, client: httpx.AsyncClient, crash_wb: RunningEmulator
) -> AsyncIterator[World]:
    ids = await register(client, "crash@example.com", "Краш")
    runtime = app.state.runtime  # type: ignore[attr-defined]
    http = install_client_factory(runtime, crash_wb, timeout_s=CLIENT_TIMEOUT_S)
    yield await make_world(
        runtime, crash_wb, ids["seller_id"], feedbacks=2000, questions=1000, chats=200
    )
    await http.aclose()


async def _worker(world: World) -> None:
    while True:
        await dispatch_due(world.runtime, limit=10, config=CONFIG)
        await asyncio.sleep(0.002)


async def _approve(world: World, rng: random.Random, n: int) -> None:
    for _ in range(n):
        channel = rng.choice(("review", "review", "question", "chat"))
        item_id = await add_item(world, channel, nm_id=rng.randrange(10**6))
        text = f"Здравствуйте! Спасибо за обращение, ответ номер {item_id}. Хорошего дня!"
        async with unit_of_work(world.runtime.sessionmaker) as session:
            await submit_reply(session, world.runtime, world.seller_id, item_id, text, user_id=None)


async def _settle(baseline: int) -> None:
    """Let a killed worker's last (shielded) transaction land, as a crashed process's would
    have before the restart."""
    for _ in range(2000):
        if len(asyncio.all_tasks()) <= baseline:
            return
        await asyncio.sleep(0.001)


@pytest.mark.slow
async def test_killed_dispatcher_never_duplicates_or_loses_a_reply(crash_world: World):
    world = crash_world
    rng = random.Random(20261122)
    world.wb.emulator.set_faults(world.emulated_id, FAULTS)
    baseline = len(asyncio.all_tasks())
    for run in range(RUNS):
        await _approve(world, rng, rng.choice((0, 1, 1, 2)))
        workers = [asyncio.create_task(_worker(world))]
        if run % 7 == 0:  # sometimes two workers race for the same rows
            workers.append(asyncio.create_task(_worker(world)))
        await asyncio.sleep(rng.uniform(0, 0.08) if rng.random() < 0.7 else rng.uniform(0.08, 0.6))
        for task in workers:  # the kill: cancelled at whatever await it is in
            task.cancel()
        for task in workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await _settle(baseline)

    # A healthy WB and an uninterrupted worker finish whatever the kills left behind.
    world.wb.emulator.set_faults(world.emulated_id, FaultConfig())
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while loop.time() < deadline:
        await dispatch_due(world.runtime, limit=200, config=CONFIG)
        async with unit_of_work(world.runtime.sessionmaker) as session:
            states = Counter((await session.scalars(select(ReplyOutbox.state))).all())
        if set(states) <= {"published", "failed"}:
            break
        await asyncio.sleep(0.1)

    async with unit_of_work(world.runtime.sessionmaker) as session:
        rows = (
            await session.execute(
                select(ReplyOutbox, Interaction.external_id, Interaction.channel).join(
                    Interaction, Interaction.id == ReplyOutbox.interaction_id
                )
            )
        ).all()
        attempt_outcomes = Counter((await session.scalars(select(ReplyAttempt.outcome))).all())

    received = world.state.received_answers
    assert not [r for r in received if r.duplicate or not r.known]
    per_item = Counter(r.item_id for r in received)
    lost, duplicated = [], []
    for row, external_id, _channel in rows:
        ours = [r for r in received if r.item_id == external_id and r.text == row.text]
        if row.state != "published" or not ours:
            lost.append((row.id, row.state, row.last_error))
        if len(ours) != 1 or per_item[external_id] != 1:
            duplicated.append((row.id, external_id, per_item[external_id]))
    print(f"\n{len(rows)} replies, {RUNS} kills, attempts: {dict(attempt_outcomes)}")
    assert len(rows) >= 150
    assert lost == []
    assert duplicated == []
    # The faults really happened (5xx → unknown, hangs → timeout: which of the two a run sees
    # depends on where the kills land), and uncertain outcomes were resolved by reading back.
    assert attempt_outcomes["timeout"] + attempt_outcomes["unknown"] > 0
    assert attempt_outcomes["readback"] > 0
