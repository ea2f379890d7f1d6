"""Distributed mode for real: `agentiq worker` / `agentiq beat` OS processes, the Redis broker,
the WB emulator over HTTP and the test database (a SQLite file shared with WAL, or PostgreSQL).

Each test gets its own broker namespace (AGENTIQ_CELERY_KEY_PREFIX) and its own seller and
cabinet ids, so the Redis keys of the sync locks and rate limits collide with no other test
run sharing the Redis database. Tasks are enqueued the way the product does it
(`runtime.worker.enqueue`, i.e. Celery `send_task`); results are read from the database.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import random
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import psutil
import pytest
from sqlalchemy import select

from agentiq.config import Settings
from agentiq.db import unit_of_work
from agentiq.emulator.faults import FaultConfig
from agentiq.ingestion.service import CHANNELS, sync_cabinet
from agentiq.models import MarketplaceConnection, Seller, SyncRun, SyncState
from agentiq.runtime import Runtime, build_runtime
from agentiq.worker.celery_app import CeleryWorker
from agentiq.worker.drivers import attach_worker
from agentiq.worker.port import SyncCabinet
from tests.conftest import TEST_REDIS_URL
from tests.ingestion.conftest import stored_ids
from tests.ingestion.test_sync_e2e import assert_converged
from tests.marketplaces.conftest import (
    FAST_RETRY,
    UNLIMITED,
    RunningEmulator,
    start_emulator,
    stop_emulator,
)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not TEST_REDIS_URL,
        reason="live Celery workers need a Redis broker: set AGENTIQ_TEST_REDIS_URL",
    ),
    pytest.mark.timeout(90),
]

BOTH_DATABASES = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)
AGENTIQ = Path(sys.executable).with_name("agentiq")
LOCK_TTL_S = 3.0  # a killed worker's sync lock frees itself quickly
START_TIMEOUT_S = 20.0
SYNC_TIMEOUT_S = 40.0


@pytest.fixture(scope="module")
def live_wb() -> Iterator[RunningEmulator]:
    """An emulator of our own (WB's rate limits off): its request log is this module's only."""
    running, server, thread = start_emulator(rate_limits=False, moderation_delay_s=0.0)
    yield running
    stop_emulator(server, thread)


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None


@dataclass
class Cluster:
    """Worker and beat processes sharing one broker namespace, the database and the emulator."""

    settings: Settings  # what the processes run with
    env: dict[str, str]
    workdir: Path
    runtime: Runtime  # the test's own, to enqueue (like the web app) and to read results
    procs: list[Proc] = field(default_factory=list)

    def _spawn(self, name: str, args: list[str], extra_env: dict[str, str] | None) -> Proc:
        log = self.workdir / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [str(AGENTIQ), *args],
                cwd=self.workdir,
                env={**self.env, **(extra_env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the pool dies with it
            )
        proc = Proc(name, popen, log)
        self.procs.append(proc)
        return proc

    def start_worker(self, name: str, *, concurrency: int = 1, **extra_env: str) -> Proc:
        node = f"{name}-{uuid.uuid4().hex[:6]}@localhost"
        args = ["worker", f"--concurrency={concurrency}", f"--hostname={node}"]
        return self._spawn(name, args, extra_env)

    def start_beat(self, **extra_env: str) -> Proc:
        return self._spawn("beat", ["beat"], extra_env)

    async def ready(self, *procs: Proc) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        for proc in procs:
            while " ready." not in proc.text():
                assert proc.alive, f"{proc.name} exited:\n{proc.text()[-3000:]}"
                assert time.monotonic() < deadline, f"{proc.name} not ready:\n{proc.text()}"
                await asyncio.sleep(0.1)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.text()[-4000:]}" for p in self.procs)

    async def wait_for(self, what: str, check: Callable[[], Any], timeout: float) -> Any:
        """Poll `check` (plain or async) until it returns something true."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return result
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}\n{self.logs()}")
            await asyncio.sleep(0.2)

    async def cabinet(self, token: str) -> tuple[int, int]:
        """A fresh seller with one cabinet, ids unlikely to be used by a concurrent test run
        (the Redis lock and rate-limit keys are named after the cabinet id)."""
        seller_id, cabinet_id = random.randrange(10**6, 10**9), random.randrange(10**6, 10**9)
        async with unit_of_work(self.runtime.sessionmaker) as session:
            session.add(Seller(id=seller_id, name="Магазин"))
            await session.flush()
            session.add(
                MarketplaceConnection(
                    id=cabinet_id,
                    seller_id=seller_id,
                    name="WB",
                    token_encrypted=self.runtime.secrets.encrypt(token),
                    token_type="personal",
                )
            )
        return seller_id, cabinet_id

    async def runs(self, cabinet_id: int) -> list[SyncRun]:
        async with self.runtime.sessionmaker() as session:
            rows = await session.scalars(
                select(SyncRun).where(SyncRun.connection_id == cabinet_id).order_by(SyncRun.id)
            )
            return list(rows)

    async def wait_synced(self, cabinet_id: int, ok_runs: int = 1) -> list[SyncRun]:
        """Until every channel has `ok_runs` finished runs and the cabinet shows "ok"."""

        async def check() -> list[SyncRun] | None:
            runs = await self.runs(cabinet_id)
            ok = Counter(r.channel for r in runs if r.status == "ok")
            if any(ok[channel] < ok_runs for channel in CHANNELS):
                return None
            async with self.runtime.sessionmaker() as session:
                cabinet = await session.get(MarketplaceConnection, cabinet_id)
                return runs if cabinet is not None and cabinet.sync_status == "ok" else None

        result: list[SyncRun] = await self.wait_for("the sync", check, SYNC_TIMEOUT_S)
        return result

    async def running(self, cabinet_id: int, channel: str) -> bool:
        return any(
            r.channel == channel and r.status == "running" for r in await self.runs(cabinet_id)
        )


@pytest.fixture
async def cluster(
    settings: Settings, live_wb: RunningEmulator, tmp_path: Path
) -> AsyncIterator[Cluster]:
    assert TEST_REDIS_URL
    worker_settings = settings.model_copy(
        update={
            "redis_url": TEST_REDIS_URL,
            "scheduler_enabled": False,
            "celery_key_prefix": f"agentiq-test-{uuid.uuid4().hex}:",
            "sync_lock_ttl_s": LOCK_TTL_S,
            "wb_feedbacks_url": live_wb.hosts.feedbacks,
            "wb_chat_url": live_wb.hosts.chat,
            "wb_timeout_s": 5.0,
        }
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTIQ_")}
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "AGENTIQ_ENVIRONMENT": "test",
            "AGENTIQ_VAR_DIR": str(tmp_path),
            "AGENTIQ_DATABASE_URL": worker_settings.database_url,
            "AGENTIQ_SECRET_KEY": worker_settings.secret_key,
            "AGENTIQ_REDIS_URL": TEST_REDIS_URL,
            "AGENTIQ_SCHEDULER_ENABLED": "false",
            "AGENTIQ_EMULATOR_ENABLED": "false",
            "AGENTIQ_WB_FEEDBACKS_URL": live_wb.hosts.feedbacks,
            "AGENTIQ_WB_CHAT_URL": live_wb.hosts.chat,
            "AGENTIQ_WB_TIMEOUT_S": "5",
            "AGENTIQ_CELERY_KEY_PREFIX": worker_settings.celery_key_prefix,
            "AGENTIQ_SYNC_LOCK_TTL_S": str(LOCK_TTL_S),
            "AGENTIQ_LOG_JSON": "false",
            # The fake OpenAI server runs on 127.0.0.1, like the test settings allow.
            "AGENTIQ_LLM_ALLOWED_HOSTS": worker_settings.llm_allowed_hosts,
        }
    )
    runtime = attach_worker(build_runtime(worker_settings))
    # For syncs the test runs in-process: same hosts as the workers, no client-side pacing.
    runtime.wb_client_options = {"limits": UNLIMITED, "retry": FAST_RETRY}
    workdir = tmp_path / "processes"
    workdir.mkdir()
    live = Cluster(worker_settings, env, workdir, runtime)
    try:
        yield live
    finally:
        for proc in live.procs:
            if proc.alive:
                os.killpg(proc.popen.pid, signal.SIGTERM)
        for proc in live.procs:
            try:
                proc.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.popen.pid, signal.SIGKILL)
                proc.popen.wait()
        if isinstance(runtime.worker, CeleryWorker):
            runtime.worker.close()
        if runtime.redis is not None:
            async for key in runtime.redis.scan_iter(match=f"{live.settings.celery_key_prefix}*"):
                await runtime.redis.delete(key)
        await runtime.close()


@BOTH_DATABASES
async def test_a_live_worker_syncs_to_the_ground_truth_and_again(
    cluster: Cluster, live_wb: RunningEmulator
) -> None:
    seller = live_wb.emulator.add_seller(seed=541, feedbacks=120, questions=40, chats=8)
    state = live_wb.emulator.seller(seller.seller_id)
    seller_id, cabinet_id = await cluster.cabinet(seller.token)
    worker = cluster.start_worker("w1")
    await cluster.ready(worker)

    assert cluster.runtime.worker.enqueue(SyncCabinet(seller_id, cabinet_id)) == "celery"
    await cluster.wait_synced(cabinet_id)
    await assert_converged(cluster.runtime, seller_id, state)

    # The same worker process runs the next task on its loop and runtime: new items arrive.
    for channel in ("review", "question", "chat"):
        live_wb.emulator.tick(seller.seller_id, channel)
    cluster.runtime.worker.enqueue(SyncCabinet(seller_id, cabinet_id))
    runs = await cluster.wait_synced(cabinet_id, ok_runs=2)
    await assert_converged(cluster.runtime, seller_id, state)
    assert Counter(r.status for r in runs) == Counter({"ok": 6})
    assert "succeeded" in worker.text() and "Traceback" not in worker.text(), worker.text()


@BOTH_DATABASES
async def test_b_two_live_workers_racing_on_a_cabinet_run_one_sync(
    cluster: Cluster, live_wb: RunningEmulator
) -> None:
    # The same data twice: `twin` is synced alone first, to count what one sync asks WB for.
    seller = live_wb.emulator.add_seller(seed=542, feedbacks=120, questions=40, chats=8)
    twin = live_wb.emulator.add_seller(seed=542, feedbacks=120, questions=40, chats=8)
    seller_id, cabinet_id = await cluster.cabinet(seller.token)
    twin_seller_id, twin_cabinet_id = await cluster.cabinet(twin.token)
    before = len(live_wb.hits)
    assert (await sync_cabinet(cluster.runtime, twin_seller_id, twin_cabinet_id)).ok
    one_sync = Counter(h.path for h in live_wb.hits[before:])

    workers = [cluster.start_worker("w1"), cluster.start_worker("w2")]
    await cluster.ready(*workers)
    live_wb.emulator.set_faults(seller.seller_id, FaultConfig(latency_ms=50))
    before = len(live_wb.hits)
    cluster.runtime.worker.enqueue(SyncCabinet(seller_id, cabinet_id))
    cluster.runtime.worker.enqueue(SyncCabinet(seller_id, cabinet_id))

    def received(proc: Proc) -> bool:
        return "Task agentiq.sync_cabinet[" in proc.text()

    await cluster.wait_for("each worker to take a task", lambda: all(map(received, workers)), 10)
    runs = await cluster.wait_synced(cabinet_id)
    live_wb.emulator.set_faults(seller.seller_id, FaultConfig())
    # The second task found the channels busy, waited, then found them synced since.
    await cluster.wait_for(
        "both tasks to end",
        lambda: sum(p.text().count("succeeded") for p in workers) >= 2,
        15,
    )
    text = "\n".join(p.text() for p in workers)
    assert "already done since it was requested" in text or "stayed busy" in text, text

    assert Counter(r.channel for r in runs) == Counter(dict.fromkeys(CHANNELS, 1))
    assert {r.status for r in runs} == {"ok"}
    # One walk of WB: exactly the requests one sync makes, so the watermark moved once.
    assert Counter(h.path for h in live_wb.hits[before:]) == one_sync
    await assert_converged(cluster.runtime, seller_id, live_wb.emulator.seller(seller.seller_id))
    # The watermark is where that one walk ended ("now" when it started), not a later walk's.
    async with cluster.runtime.sessionmaker() as session:
        marks = {
            s.channel: s.watermark
            for s in await session.scalars(
                select(SyncState).where(SyncState.connection_id == cabinet_id)
            )
        }
    for run in runs:
        if run.channel in ("review", "question"):
            mark = marks[run.channel]
            assert mark is not None and run.finished_at is not None
            assert run.started_at - timedelta(seconds=1) <= mark <= run.finished_at, run.channel


async def _start_mid_sync(
    cluster: Cluster, live_wb: RunningEmulator, seed: int
) -> tuple[Any, int, int]:
    """A slow sync (WB answering with latency) enqueued; returns once it is mid-way: a
    channel's run is going and some items are committed."""
    seller = live_wb.emulator.add_seller(seed=seed, feedbacks=240, questions=60, chats=10)
    live_wb.emulator.set_faults(seller.seller_id, FaultConfig(latency_ms=150))
    seller_id, cabinet_id = await cluster.cabinet(seller.token)
    cluster.runtime.worker.enqueue(SyncCabinet(seller_id, cabinet_id))

    async def mid_way() -> bool:
        if not any(r.status == "running" for r in await cluster.runs(cabinet_id)):
            return False
        return bool(await stored_ids(cluster.runtime, seller_id, "review"))

    await cluster.wait_for("the sync to be mid-way", mid_way, SYNC_TIMEOUT_S)
    return seller, seller_id, cabinet_id


async def _assert_resumed(
    cluster: Cluster, live_wb: RunningEmulator, seller: Any, seller_id: int, cabinet_id: int
) -> None:
    runs = await cluster.wait_synced(cabinet_id)
    await assert_converged(cluster.runtime, seller_id, live_wb.emulator.seller(seller.seller_id))
    # Every channel was synced to the end exactly once: those the killed task had finished
    # are not synced again, the one it was on is closed as interrupted by the run that took
    # its lock over (none, if the kill fell between two channels).
    ok = Counter(r.channel for r in runs if r.status == "ok")
    assert ok == Counter(dict.fromkeys(CHANNELS, 1)), [(r.channel, r.status) for r in runs]
    others = [r for r in runs if r.status != "ok"]
    assert len(others) <= 1 and all(r.status == "interrupted" for r in others), others


@BOTH_DATABASES
async def test_c1_a_task_whose_worker_process_is_sigkilled_is_redelivered_and_completes(
    cluster: Cluster, live_wb: RunningEmulator
) -> None:
    """The pool process running the sync dies (OOM killer, SIGKILL): `acks_late` +
    `reject_on_worker_lost` put the task back at once; its redelivery waits for the dead
    process's lock to expire, then syncs."""
    worker = cluster.start_worker("w1")
    await cluster.ready(worker)
    seller, seller_id, cabinet_id = await _start_mid_sync(cluster, live_wb, seed=543)
    (pool_process,) = psutil.Process(worker.popen.pid).children()
    pool_process.send_signal(signal.SIGKILL)
    live_wb.emulator.set_faults(seller.seller_id, FaultConfig())
    await _assert_resumed(cluster, live_wb, seller, seller_id, cabinet_id)
    text = worker.text()
    assert "SIGKILL" in text and "WorkerLostError" in text, text
    (task_id,) = set(re.findall(r"Task agentiq\.sync_cabinet\[([0-9a-f-]+)\] received", text))
    assert text.count(f"[{task_id}] received") >= 2, text  # the same task, delivered again
    assert worker.alive


async def test_c2_a_task_whose_whole_worker_is_sigkilled_is_handed_to_another_worker(
    cluster: Cluster, live_wb: RunningEmulator
) -> None:
    """The whole worker (main process and pool) dies with the task unacknowledged: after the
    visibility timeout the other worker's sweep puts it back and runs it."""
    short = {"AGENTIQ_CELERY_VISIBILITY_TIMEOUT_S": "4"}
    workers = [cluster.start_worker("w1", **short), cluster.start_worker("w2", **short)]
    await cluster.ready(*workers)
    seller, seller_id, cabinet_id = await _start_mid_sync(cluster, live_wb, seed=544)
    (victim,) = [p for p in workers if "Task agentiq.sync_cabinet[" in p.text()]
    (survivor,) = [p for p in workers if p is not victim]
    os.killpg(victim.popen.pid, signal.SIGKILL)
    victim.popen.wait()
    live_wb.emulator.set_faults(seller.seller_id, FaultConfig())
    await _assert_resumed(cluster, live_wb, seller, seller_id, cabinet_id)
    assert "Task agentiq.sync_cabinet[" in survivor.text(), survivor.text()


async def test_beat_schedules_syncs_that_a_worker_runs(
    cluster: Cluster, live_wb: RunningEmulator
) -> None:
    seller = live_wb.emulator.add_seller(seed=545, feedbacks=60, questions=20, chats=5)
    seller_id, cabinet_id = await cluster.cabinet(seller.token)
    worker = cluster.start_worker("w1")
    beat = cluster.start_beat(AGENTIQ_SYNC_INTERVAL_S="5")
    await cluster.ready(worker)
    await cluster.wait_synced(cabinet_id)
    await assert_converged(cluster.runtime, seller_id, live_wb.emulator.seller(seller.seller_id))
    assert "Sending due task sync-all-cabinets" in beat.text(), beat.text()
    assert "agentiq.sync_all[" in worker.text()
    # The other periodic job every worker runs: the reply outbox, every 2 s.
    await cluster.wait_for(
        "a reply dispatch", lambda: "agentiq.dispatch_replies[" in worker.text(), 10
    )
    assert "Traceback" not in worker.text() + beat.text(), cluster.logs()
    # Beat keeps its schedule under AGENTIQ_VAR_DIR, not in whatever directory it started in.
    assert list(Path(cluster.env["AGENTIQ_VAR_DIR"]).glob("celerybeat-schedule*"))
    assert not list(cluster.workdir.glob("celerybeat-schedule*"))


@BOTH_DATABASES
async def test_beat_runs_the_llm_intent_fallback_on_a_worker(cluster: Cluster) -> None:
    """Beat schedules the LLM intent fallback and a live worker runs it against the local
    fake OpenAI server; later runs find nothing left to ask about."""
    from agentiq.ingestion.ingest import IngestContext, ingest_batch
    from agentiq.ingestion.normalise import NormalisedItem
    from agentiq.kit.time import utcnow
    from agentiq.models import Interaction, RuntimeSetting
    from agentiq.settings.schemas import AISettingsIn
    from agentiq.settings.service import update_ai_settings
    from agentiq.triage.repository import TRIAGE_KEY, TRIAGE_NAMESPACE
    from tests.fakes.fake_openai import FakeOpenAI

    runtime = cluster.runtime
    seller_id = random.randrange(10**6, 10**9)
    with FakeOpenAI(default_reply="size_fit") as llm:
        async with unit_of_work(runtime.sessionmaker) as session:
            session.add(Seller(id=seller_id, name="Магазин"))
            await session.flush()
            await update_ai_settings(
                session,
                runtime,
                seller_id,
                AISettingsIn(enabled=True, base_url=llm.base_url, api_key="k"),
            )
            session.add(
                RuntimeSetting(
                    seller_id=seller_id,
                    namespace=TRIAGE_NAMESPACE,
                    key=TRIAGE_KEY,
                    value={"llm_intent_fallback": True},
                )
            )
        question = NormalisedItem(
            channel="question",
            external_id="q1",
            occurred_at=utcnow() - timedelta(minutes=10),
            text="А это зимнее?",
        )
        ctx = IngestContext(seller_id=seller_id, connection_id=None)  # type: ignore[arg-type]
        async with unit_of_work(runtime.sessionmaker) as session:
            await ingest_batch(session, ctx, "question", [question])

        worker = cluster.start_worker("w1")
        beat = cluster.start_beat(AGENTIQ_SYNC_INTERVAL_S="5")
        await cluster.ready(worker)

        async def reclassified() -> bool:
            async with runtime.sessionmaker() as session:
                intent = await session.scalar(
                    select(Interaction.intent).where(Interaction.seller_id == seller_id)
                )
            return intent == "size_fit"

        await cluster.wait_for("the LLM intent", reclassified, 30)
        assert "Sending due task llm-intents" in beat.text(), beat.text()
        # Later runs (a log line when received and one when done) find nothing to ask about.
        await cluster.wait_for(
            "a second run", lambda: worker.text().count("agentiq.reclassify_questions[") >= 4, 20
        )
        assert len(llm.requests) == 1
        assert "Traceback" not in worker.text() + beat.text(), cluster.logs()
