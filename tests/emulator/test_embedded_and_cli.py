"""Embedded mount, stable demo tokens, live traffic thread, and the `emulator` CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from agentiq.emulator import Emulator, embedded

from .conftest import FB, _free_port


@dataclass
class _Settings:
    emulator_enabled: bool = True
    secret_key: str = "test-secret"
    base_url: str = "http://127.0.0.1:8000"
    emulator_admin_token: str = ""
    is_production: bool = False

    def resolved_secret_key(self) -> str:
        return self.secret_key


@dataclass
class _Runtime:
    settings: _Settings
    emulator: Any = None
    sessionmaker: Any = None


async def test_embedded_mount_serves_demo_seller() -> None:
    app = FastAPI()
    runtime = _Runtime(_Settings())
    await embedded.start(app, runtime)  # type: ignore[arg-type]
    try:
        found = embedded.demo_seller_for(runtime, 1)  # type: ignore[arg-type]
        assert found is not None
        _, seller = found
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            r = await client.get(
                f"{embedded.MOUNT_PATH}{FB}/api/v1/feedbacks/count",
                headers={"Authorization": seller.token},
            )
        assert r.status_code == 200 and r.json()["data"] > 0
    finally:
        await embedded.stop(app, runtime)  # type: ignore[arg-type]

    # A restart with the same secret accepts the token stored before it.
    again = _Runtime(_Settings())
    await embedded.start(FastAPI(), again)  # type: ignore[arg-type]
    try:
        restarted, _ = embedded.demo_seller_for(again, 1)  # type: ignore[arg-type,misc]
        assert restarted.authenticate(seller.token).seller_id == seller.seller_id
    finally:
        await embedded.stop(FastAPI(), again)  # type: ignore[arg-type]

    off = _Runtime(_Settings(emulator_enabled=False))
    await embedded.start(FastAPI(), off)  # type: ignore[arg-type]
    assert off.emulator is None


def test_live_traffic_thread_adds_items() -> None:
    em = Emulator(rate_limits=False)
    seller = em.add_seller(seed=3, feedbacks=10, questions=10, chats=2)
    state = em.seller(seller.seller_id)
    before = state.feedback_total + state.question_total + len(state.events)
    em.start_live_traffic(seller.seller_id, every_s=0.02)
    deadline = time.time() + 5
    while state.feedback_total + state.question_total + len(state.events) < before + 5:
        assert time.time() < deadline, "live traffic produced nothing"
        time.sleep(0.02)
    em.stop_live_traffic(seller.seller_id)
    settled = state.feedback_total + state.question_total + len(state.events)
    time.sleep(0.1)
    assert state.feedback_total + state.question_total + len(state.events) == settled


def test_cli_prints_token_and_serves() -> None:
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "agentiq.emulator.cli",
        "--port",
        str(port),
        "--feedbacks",
        "50",
        "--no-live",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    try:
        token = None
        deadline = time.time() + 20
        assert proc.stdout is not None
        while token is None and time.time() < deadline:
            line = proc.stdout.readline()
            match = re.match(r"token: (\S+)", line)
            token = match.group(1) if match else None
        assert token, "CLI did not print a token"
        url = f"http://127.0.0.1:{port}{FB}/api/v1/feedbacks/count"
        while True:
            try:
                r = httpx.get(url, headers={"Authorization": token}, timeout=2)
                break
            except httpx.TransportError:
                if time.time() > deadline:
                    pytest.fail("CLI emulator did not start listening")
                time.sleep(0.1)
        assert r.status_code == 200 and r.json()["data"] > 0
    finally:
        proc.terminate()
        proc.wait(timeout=10)
