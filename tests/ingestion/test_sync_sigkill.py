"""A sync running in a real OS process, SIGKILLed at random points and restarted, converges.

Unlike test_sync_kill.py (asyncio cancellation, where `finally` blocks and rollbacks still
run), SIGKILL gives the process no chance to clean up: an open SQLite write transaction is
left in the WAL for the next opener to discard, a PostgreSQL backend loses its client mid-
transaction, the in-process channel locks vanish with the process, and the cabinet stays
"syncing" with its sync runs "running". The next process must resume from what was
committed and end with exactly the emulator's ground truth. Every run that finishes is
checked against that truth at once, not only the last one, so a resume point committed
ahead of its rows (a watermark, a cursor) shows before a later full re-read could mend it.

Each sync runs in a child forked from tests/ingestion/sync_child.py (a pre-imported,
single-threaded fork server), talks to the emulator over real HTTP and writes to the test
database. The kill points are random: after a random number of the child's requests to the
emulator plus a random delay. AGENTIQ_SYNC_KILL_SEED replays one sequence of them.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from agentiq.config import Settings
from agentiq.ingestion.errors import STALE_MESSAGE
from agentiq.ingestion.service import CHANNELS, STALE_AFTER, effective_status
from agentiq.kit.time import ensure_utc, utcnow
from agentiq.models import Interaction, MarketplaceConnection, SyncRun
from tests.ingestion.conftest import count_rows, make_cabinet
from tests.ingestion.test_sync_e2e import assert_converged
from tests.marketplaces.conftest import RunningEmulator, start_emulator, stop_emulator

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)

ROOT = Path(__file__).resolve().parents[2]
KILLED = {"signal": signal.SIGKILL}
FINISHED = {"exit": 0}
WANTED_KILLS = 52
MAX_ROUNDS = 250
# A new cabinet every few rounds, so many kills land in a backfill, where a crash could lose
# or duplicate items; later rounds on it re-read everything (full) or catch up (incremental).
CABINETS = 7
ROUNDS_PER_CABINET = 9
# WB pages of this many items (reviews, questions, archive, chat events): a backfill of one
# cabinet is then some twenty page transactions, each a distinct point to resume from.
PAGE_SIZE = 10
# Kill points are drawn up to this multiple of an uninterrupted run's length, so a few runs
# finish (and prove that a restart after a kill completes) while most are killed.
OVERSHOOT = 1.15
POLL_S = 0.002


@dataclass
class Child:
    pid: int
    result: Path


class SyncProcesses:
    """The test's end of the fork server: start a sync process, wait for how it ended."""

    def __init__(self, server: subprocess.Popen[str], workdir: Path) -> None:
        self.server = server
        self.workdir = workdir
        self.started = 0

    def _ask(self, message: dict[str, Any]) -> dict[str, Any]:
        assert self.server.stdin is not None and self.server.stdout is not None
        self.server.stdin.write(json.dumps(message) + "\n")
        self.server.stdin.flush()
        line = self.server.stdout.readline()
        assert line, f"the fork server died (exit code {self.server.poll()})"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def start(self, seller_id: int, cabinet_id: int, *, full: bool, mode: str = "cabinet") -> Child:
        self.started += 1
        result = self.workdir / f"run-{self.started}.json"
        answer = self._ask(
            {
                "op": "run",
                "mode": mode,
                "seller_id": seller_id,
                "cabinet_id": cabinet_id,
                "full": full,
                "result": str(result),
            }
        )
        return Child(pid=answer["pid"], result=result)

    def wait(self, child: Child) -> dict[str, Any]:
        """How the child ended: {"exit": code} or {"signal": number}."""
        return self._ask({"op": "wait", "pid": child.pid})

    def report(self, child: Child) -> dict[str, Any] | None:
        if not child.result.exists():
            return None
        report: dict[str, Any] = json.loads(child.result.read_text())
        return report

    def run_to_end(
        self, seller_id: int, cabinet_id: int, *, full: bool, mode: str = "cabinet"
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        child = self.start(seller_id, cabinet_id, full=full, mode=mode)
        ended = self.wait(child)
        return ended, self.report(child)


@pytest.fixture(scope="module")
def kill_wb() -> Iterator[RunningEmulator]:
    """The emulator without rate limits, paging chat events in small batches."""
    running, server, thread = start_emulator(
        rate_limits=False, moderation_delay_s=0.0, events_batch=PAGE_SIZE
    )
    yield running
    stop_emulator(server, thread)


@pytest.fixture
def sync_processes(
    settings: Settings, kill_wb: RunningEmulator, tmp_path: Path
) -> Iterator[SyncProcesses]:
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.ingestion.sync_child"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])},
    )
    assert server.stdin is not None and server.stdout is not None
    config = {
        "settings": settings.model_dump(mode="json"),
        "base_url": kill_wb.base_url,
        "page_size": PAGE_SIZE,
    }
    server.stdin.write(json.dumps(config) + "\n")
    server.stdin.flush()
    assert json.loads(server.stdout.readline() or "{}") == {"ready": True}
    workdir = tmp_path / "sync-children"
    workdir.mkdir()
    try:
        yield SyncProcesses(server, workdir)
    finally:
        server.stdin.close()  # the server kills and reaps any child still running, then exits
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


async def cabinet_row(runtime, seller_id: int, cabinet_id: int) -> MarketplaceConnection:  # type: ignore[no-untyped-def]
    async with runtime.sessionmaker() as session:
        cabinet = await session.get(MarketplaceConnection, cabinet_id)
        assert cabinet is not None and cabinet.seller_id == seller_id
        return cabinet  # type: ignore[no-any-return]


def assert_finished_ok(ended: dict[str, Any], report: dict[str, Any] | None, what: str) -> None:
    assert ended == FINISHED and report is not None, f"{what}: {ended}, report {report}"
    assert report["ok"], f"{what}: {report}"
    # "busy" would mean a lock of a killed process still blocks the channel.
    if "channels" in report:
        assert report["channels"] == dict.fromkeys(CHANNELS, "ok"), f"{what}: {report}"


@dataclass
class Target:
    """An emulated seller with its cabinet in our database."""

    emulated: Any  # the emulator's seller (id, token)
    seller_id: int
    cabinet_id: int
    converged_once: bool = False

    def truth(self, emulator: Any) -> Any:
        return emulator.seller(self.emulated.seller_id)

    def total(self, emulator: Any) -> int:
        """How many interactions the emulator holds for this seller (all channels)."""
        truth = self.truth(emulator)
        return len(truth.feedback_ids) + len(truth.question_ids) + len(truth.chat_ids)


async def add_target(runtime, wb, seed: int) -> Target:  # type: ignore[no-untyped-def]
    emulated = wb.emulator.add_seller(seed=seed, feedbacks=120, questions=40, chats=8)
    seller_id, cabinet_id = await make_cabinet(runtime, emulated.token, name=f"seller {seed}")
    return Target(emulated, seller_id, cabinet_id)


async def stored_total(runtime, seller_id: int) -> int:  # type: ignore[no-untyped-def]
    return await count_rows(runtime, Interaction, Interaction.seller_id == seller_id)


async def mid_sync(runtime, target: Target, since: datetime) -> bool:  # type: ignore[no-untyped-def]
    """The cabinet is "syncing" and a sync run is open, both begun after `since`."""
    cabinet = await cabinet_row(runtime, target.seller_id, target.cabinet_id)
    marked = cabinet.sync_started_at
    if cabinet.sync_status != "syncing" or marked is None or ensure_utc(marked) < since:
        return False
    open_runs = await count_rows(
        runtime,
        SyncRun,
        SyncRun.connection_id == target.cabinet_id,
        SyncRun.status == "running",
        SyncRun.started_at >= since,
    )
    return open_runs > 0


@dataclass(frozen=True)
class Profile:
    """An uninterrupted sync process of one kind: how many WB requests, how long."""

    requests: int
    seconds: float

    @property
    def gap(self) -> float:
        return self.seconds / max(self.requests, 1)


@pytest.mark.slow
async def test_sigkilled_sync_process_restarts_and_converges(
    runtime, kill_wb, sync_processes: SyncProcesses
) -> None:
    seed = int(os.environ.get("AGENTIQ_SYNC_KILL_SEED") or random.randrange(1 << 32))
    rng = random.Random(seed)
    where = f"(AGENTIQ_SYNC_KILL_SEED={seed})"

    # Uninterrupted runs of each kind (a new cabinet's backfill, a full re-read, an
    # incremental catch-up), to spread the kill points over them.
    probe = await add_target(runtime, kill_wb, 520)
    profiles: dict[str, Profile] = {}
    for kind in ("backfill", "full", "incremental"):
        hits, started = len(kill_wb.hits), time.monotonic()
        ended, report = sync_processes.run_to_end(
            probe.seller_id, probe.cabinet_id, full=kind != "incremental"
        )
        profiles[kind] = Profile(len(kill_wb.hits) - hits, time.monotonic() - started)
        assert_finished_ok(ended, report, f"probe {kind} {where}")

    targets: list[Target] = []
    kills = rounds = mid_backfill = left_syncing = resumed_after_stale = 0
    stale = False  # the previous round was killed and left the cabinet "syncing"
    while kills < WANTED_KILLS and rounds < MAX_ROUNDS:
        if rounds % ROUNDS_PER_CABINET == 0 and len(targets) < CABINETS:
            targets.append(await add_target(runtime, kill_wb, 521 + len(targets)))
            stale = False
        target = targets[-1]
        rounds += 1
        if rounds % 4 == 0:
            kill_wb.emulator.tick(target.emulated.seller_id)  # WB keeps moving between crashes
        # A new cabinet is backfilled by incremental runs alone, each resuming from what the
        # killed ones committed (a full run would re-read everything and hide a bad resume
        # point); once it has converged, full re-reads and incremental catch-ups alternate.
        full = target.converged_once and rounds % 2 == 0
        profile = profiles[
            "backfill" if not target.converged_once else "full" if full else "incremental"
        ]
        # The kill point: once the child has sent its k-th request to WB (k = 0: still
        # starting), plus a random part of the usual gap between two requests — counted in
        # requests rather than seconds, so the points stay spread over the run however
        # loaded the machine is.
        k = rng.randint(0, round(profile.requests * OVERSHOOT))
        jitter = rng.uniform(0, profile.gap)
        hits = len(kill_wb.hits)
        child = sync_processes.start(target.seller_id, target.cabinet_id, full=full)
        deadline = time.monotonic() + 3 * profile.seconds + 5
        while (
            len(kill_wb.hits) - hits < k
            and not child.result.exists()
            and time.monotonic() < deadline
        ):
            await asyncio.sleep(POLL_S)
        await asyncio.sleep(jitter)
        # Unconditional: a child that already exited is an unreaped zombie (the fork server
        # reaps only on "wait"), so the signal is a no-op and its exit status tells.
        os.kill(child.pid, signal.SIGKILL)
        ended = sync_processes.wait(child)
        if ended == KILLED:
            kills += 1
            cabinet = await cabinet_row(runtime, target.seller_id, target.cabinet_id)
            stale = cabinet.sync_status == "syncing"
            left_syncing += stale
            if not target.converged_once:
                stored = await stored_total(runtime, target.seller_id)
                mid_backfill += 0 < stored < target.total(kill_wb.emulator)
            continue
        assert_finished_ok(ended, sync_processes.report(child), f"round {rounds} {where}")
        # Every run that finishes, however many kills came before it, leaves the truth.
        await assert_converged(runtime, target.seller_id, target.truth(kill_wb.emulator))
        target.converged_once = True
        resumed_after_stale += stale
        stale = False
    runs = ", ".join(f"{n} {p.requests} requests {p.seconds:.2f}s" for n, p in profiles.items())
    summary = (
        f"{kills} kills in {rounds} rounds on {len(targets)} cabinets ({mid_backfill} "
        f"mid-backfill, {left_syncing} left 'syncing'); uninterrupted: {runs} {where}"
    )
    assert kills >= 50, summary
    assert mid_backfill >= 3 and left_syncing > 0 and resumed_after_stale > 0, summary

    # One more kill, certainly mid-sync: once the child has marked the cabinet "syncing"
    # and opened its first sync run, which it can then never close.
    last = targets[-1]
    for _ in range(20):
        before = utcnow()
        child = sync_processes.start(last.seller_id, last.cabinet_id, full=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not await mid_sync(runtime, last, before):
            await asyncio.sleep(POLL_S)
        os.kill(child.pid, signal.SIGKILL)
        if sync_processes.wait(child) == KILLED and await mid_sync(runtime, last, before):
            break
    else:
        pytest.fail(f"no sync process could be killed mid-sync {where}")
    cabinet = await cabinet_row(runtime, last.seller_id, last.cabinet_id)
    assert effective_status(cabinet)[0] == "syncing"
    async with runtime.sessionmaker() as session:
        # The restart comes later than STALE_AFTER: the status shows the interruption.
        await session.execute(
            update(MarketplaceConnection)
            .where(MarketplaceConnection.id == last.cabinet_id)
            .values(sync_started_at=utcnow() - STALE_AFTER - timedelta(minutes=1))
        )
        await session.commit()
    cabinet = await cabinet_row(runtime, last.seller_id, last.cabinet_id)
    assert effective_status(cabinet) == ("error", STALE_MESSAGE)

    # The restarted process's scheduler job: expire stale syncs, then sync every cabinet —
    # neither a stale "syncing" nor a dead process's lock may stop it.
    restarted_at = utcnow()
    ended, report = sync_processes.run_to_end(0, 0, full=False, mode="all")
    assert_finished_ok(ended, report, f"final sync {where}")
    assert report is not None and report["cabinets"] == len(targets) + 1
    for target in [probe, *targets]:
        cabinet = await cabinet_row(runtime, target.seller_id, target.cabinet_id)
        assert (cabinet.sync_status, cabinet.sync_error, cabinet.sync_started_at) == (
            "ok",
            None,
            None,
        ), f"cabinet {target.cabinet_id} {where}"
        assert cabinet.last_sync_at and ensure_utc(cabinet.last_sync_at) >= restarted_at
        async with runtime.sessionmaker() as session:
            runs = await session.scalars(
                select(SyncRun)
                .where(SyncRun.connection_id == target.cabinet_id)
                .order_by(SyncRun.id)
            )
            latest = {run.channel: run for run in runs}
        assert {c: r.status for c, r in latest.items()} == dict.fromkeys(CHANNELS, "ok")
        assert all(ensure_utc(r.started_at) >= restarted_at for r in latest.values())
        await assert_converged(runtime, target.seller_id, target.truth(kill_wb.emulator))
    print(summary)
