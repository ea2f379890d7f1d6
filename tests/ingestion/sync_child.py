"""Fork server for the SIGKILL sync test: imports everything once, then forks one sync per request.

Run as `python -m tests.ingestion.sync_child` by tests/ingestion/test_sync_sigkill.py.
A fresh interpreter per kill would spend a second or two on imports, and forking the pytest
process itself is unsafe (it runs the emulator in a thread; aiosqlite runs a thread per
connection). So this helper imports the heavy modules, stays single-threaded and never opens
a database, an HTTP client or an event loop itself; each forked child builds its own runtime
and loop, runs one sync over real HTTP to the emulator and exits (or is SIGKILLed by the test).
The helper is the children's parent: it reaps them and reports how each one ended, so a kill
that landed on a child which had already finished is never mistaken for a real one.

Protocol, one JSON object per line. stdin line 1: {"settings": {...}, "base_url": "...",
"page_size": N}, N being the `take` of the sync's WB pages (reviews, questions, archive);
the helper answers {"ready": true}. Then:
  {"op": "run", "seller_id", "cabinet_id", "full", "mode": "cabinet"|"all", "result": path}
      -> {"pid": N}   (the child writes its report as JSON to `result` when it finishes)
  {"op": "wait", "pid": N}  -> {"exit": code} | {"signal": number}
End of stdin: children still running are killed and reaped, then the helper exits.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import signal
import sys
import threading
import traceback
from pathlib import Path
from typing import Any

import httpx

from agentiq.config import load_settings
from agentiq.ingestion import service
from agentiq.ingestion.service import sync_cabinet
from agentiq.ingestion.tasks import run_sync_all
from agentiq.kit.http import build_http_client
from agentiq.marketplaces.wb.client import WBHosts
from agentiq.runtime import build_runtime
from tests.marketplaces.conftest import FAST_RETRY, UNLIMITED

# Modules the sync imports on first use (database drivers, HTTP transport, the window
# walker, live updates): imported once by the helper rather than by every child.
PRELOAD = (
    "aiosqlite",
    "anyio._backends._asyncio",
    "asyncpg",
    "httpcore",
    "sqlalchemy.dialects.postgresql.asyncpg",
    "sqlalchemy.dialects.sqlite.aiosqlite",
    "agentiq.eventstream.service",
    "agentiq.marketplaces.wb.windows",
)
EXIT_OK = 0
EXIT_NOT_OK = 3  # the sync ran to its end but a channel reported an error
EXIT_CRASHED = 4  # an exception escaped the sync


def use_small_archive_pages(take: int) -> None:
    """The archive's page size is a module constant (WB's largest page): shrink it here."""
    service.ARCHIVE_TAKE = take


async def run_sync(config: dict[str, Any], request: dict[str, Any]) -> int:
    # Many small pages instead of one big one: a backfill then commits many times, so the
    # kills land between any two of those commits (each page is its own transaction).
    use_small_archive_pages(config["page_size"])
    # In-process locks (no Redis): a SIGKILLed holder takes them with it, as in embedded mode.
    settings = load_settings(**{**config["settings"], "redis_url": None})
    runtime = build_runtime(settings)
    http = build_http_client(timeout=httpx.Timeout(2.0, connect=2.0))
    runtime.wb_client_options = {
        "limits": UNLIMITED,
        "retry": FAST_RETRY,
        "hosts": WBHosts.emulator(config["base_url"]),
        "http": http,
        "timeout": 2.0,
    }
    try:
        if request["mode"] == "all":  # the scheduler's job after a restart
            synced = await run_sync_all(runtime, full=request["full"])
            result: dict[str, Any] = {"ok": True, "cabinets": synced}
        else:
            report = await sync_cabinet(
                runtime,
                request["seller_id"],
                request["cabinet_id"],
                full=request["full"],
                page_size=config["page_size"],
            )
            result = {
                "ok": report.ok,
                "channels": {name: f.status for name, f in report.channels.items()},
                "errors": {
                    n: f.error_message for n, f in report.channels.items() if f.error_message
                },
            }
    finally:
        await http.aclose()
        await runtime.close()
    path = Path(request["result"])
    path.with_suffix(".tmp").write_text(json.dumps(result))
    path.with_suffix(".tmp").replace(path)
    return EXIT_OK if result["ok"] else EXIT_NOT_OK


def _child(config: dict[str, Any], request: dict[str, Any]) -> None:
    """In the forked child: run one sync and leave with os._exit (no inherited cleanup)."""
    os.dup2(2, 1)  # nothing the sync prints may end up in the protocol pipe
    code = EXIT_CRASHED
    try:
        code = asyncio.run(run_sync(config, request))
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(code)


def _reply(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _ended(status: int) -> dict[str, Any]:
    if os.WIFSIGNALED(status):
        return {"signal": os.WTERMSIG(status)}
    return {"exit": os.WEXITSTATUS(status)}


def main() -> None:
    for name in PRELOAD:
        importlib.import_module(name)
    config = json.loads(sys.stdin.readline())
    running: set[int] = set()
    _reply({"ready": True})
    try:
        while line := sys.stdin.readline():
            request = json.loads(line)
            if request["op"] == "run":
                if threading.active_count() != 1:
                    raise RuntimeError("the fork server must stay single-threaded")
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    _child(config, request)
                running.add(pid)
                _reply({"pid": pid})
            elif request["op"] == "wait":
                pid = request["pid"]
                _, status = os.waitpid(pid, 0)
                running.discard(pid)
                _reply(_ended(status))
            else:
                raise ValueError(f"unknown op {request['op']!r}")
    finally:
        for pid in running:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
