"""The WB emulator in a separate process, for benchmarks: its CPU is WB's, not ours.

`start_emulator(...)` generates one seller and serves the emulator on a free port;
`wait_until_up(http, base)` polls until uvicorn accepts connections.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]

_PROGRAM = """
import json, socket, sys
import uvicorn
from agentiq.emulator.app import create_emulator_app
from agentiq.emulator.state import Emulator

feedbacks, questions, chats, limits = (int(arg) for arg in sys.argv[1:5])
emulator = Emulator(rate_limits=bool(limits), moderation_delay_s=0.0)
seller = emulator.add_seller(seed=7, feedbacks=feedbacks, questions=questions, chats=chats)
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
print(json.dumps({"port": sock.getsockname()[1], "token": seller.token,
                  "seller_id": seller.seller_id}), flush=True)
config = uvicorn.Config(create_emulator_app(emulator), log_level="warning", access_log=False)
uvicorn.Server(config).run(sockets=[sock])
"""


def start_emulator(
    *, feedbacks: int, questions: int = 10, chats: int = 1, rate_limits: bool = True
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """(process, {"port", "token", "seller_id"}) of an emulator with one generated seller."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    args = [str(feedbacks), str(questions), str(chats), str(int(rate_limits))]
    proc = subprocess.Popen(
        [sys.executable, "-c", _PROGRAM, *args], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    return proc, json.loads(proc.stdout.readline())


async def wait_until_up(http: httpx.AsyncClient, base: str) -> None:
    for _ in range(200):
        try:
            await http.get(f"{base}/feedbacks-api/ping")
            return
        except httpx.HTTPError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the emulator at {base} did not come up")
