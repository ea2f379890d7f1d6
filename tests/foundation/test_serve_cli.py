"""`make run` / `agentiq serve`: prints the address it really serves (from settings), and
a port already in use is one sentence, not a traceback (issue 10)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from agentiq.cli import served_url
from agentiq.config import PROJECT_ROOT

AGENTIQ = str(Path(sys.executable).with_name("agentiq"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp_path: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "AGENTIQ_ENVIRONMENT": "dev",
        "AGENTIQ_VAR_DIR": str(tmp_path),
        "AGENTIQ_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        "AGENTIQ_PORT": str(port),
        "AGENTIQ_HOST": "127.0.0.1",
        "AGENTIQ_SCHEDULER_ENABLED": "false",
        "AGENTIQ_LOG_LEVEL": "WARNING",
        "AGENTIQ_SECRET_KEY": "serve-test-secret-" + "y" * 32,
    }


def test_make_run_prints_the_url_it_really_serves(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(tmp_path, port)
    subprocess.run([AGENTIQ, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    proc = subprocess.Popen(
        [AGENTIQ, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == f"AgentIQ: open http://127.0.0.1:{port} (Ctrl+C to stop)"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "serve did not start listening"
                time.sleep(0.2)
        assert health.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    # The Makefile no longer announces a fixed address of its own.
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert "127.0.0.1:8000" not in makefile


def test_make_run_port_in_use_is_one_clear_sentence(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = int(holder.getsockname()[1])
        env = _env(tmp_path, port)
        subprocess.run([AGENTIQ, "migrate"], env=env, check=True, capture_output=True, timeout=120)
        done = subprocess.run(
            [AGENTIQ, "serve"], env=env, capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [
        f"Cannot start: 127.0.0.1:{port} is already in use by another program; "
        "stop it or set AGENTIQ_PORT."
    ]


def test_served_url_names_an_address_a_browser_can_open() -> None:
    assert served_url("0.0.0.0", 8123) == "http://127.0.0.1:8123"
    assert served_url("::1", 9000) == "http://[::1]:9000"
    assert served_url("192.168.1.5", 80) == "http://192.168.1.5:80"
