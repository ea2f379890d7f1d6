"""Embedded default: the WB emulator mounted in the web app at `/_wb`, with one demo seller.

Demo cabinets talk to it in-process (an httpx ASGI transport, no self-HTTP). The emulator's
signing key is derived from AGENTIQ_SECRET_KEY and the demo seller's id from its seed, so a
demo cabinet's token stays valid across restarts.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import httpx

from agentiq.cabinets.clients import EMULATOR_HOST, EMULATOR_HTTP
from agentiq.emulator.app import create_emulator_app
from agentiq.emulator.state import EmulatedSeller, Emulator
from agentiq.runtime import Runtime

log = logging.getLogger(__name__)

EMULATOR = "emulator"
DEMO_SELLER = "emulator_demo_seller"
MOUNT_PATH = "/_wb"
DEMO_SEED = 1
LIVE_EVERY_S = 45.0


def demo_seller(runtime: Runtime) -> tuple[Emulator, EmulatedSeller] | None:
    emulator: Emulator | None = runtime.extras.get(EMULATOR)
    seller: EmulatedSeller | None = runtime.extras.get(DEMO_SELLER)
    if emulator is None or seller is None:
        return None
    return emulator, seller


async def start(app: Any, runtime: Runtime) -> None:
    settings = runtime.settings
    if not settings.emulator_enabled:
        return
    emulator = Emulator(rate_limits=True)
    # Stable signing key: tokens issued before a restart still verify after it.
    secret = settings.resolved_secret_key()
    emulator._key = hashlib.sha256(f"wb-emulator:{secret}".encode()).hexdigest()
    # A believable desk: a few days of open items, older ones mostly answered already.
    seller = emulator.add_seller("Демо продавец", seed=DEMO_SEED, open_days=3)
    emulator.start_live_traffic(seller.seller_id, every_s=LIVE_EVERY_S)
    emulator_app = create_emulator_app(emulator)
    app.mount(MOUNT_PATH, emulator_app)
    runtime.extras[EMULATOR] = emulator
    runtime.extras[DEMO_SELLER] = seller
    runtime.extras[EMULATOR_HTTP] = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=emulator_app), base_url=EMULATOR_HOST, timeout=30.0
    )
    log.info("WB emulator mounted at %s%s", settings.base_url, MOUNT_PATH)


async def stop(app: Any, runtime: Runtime) -> None:
    emulator: Emulator | None = runtime.extras.pop(EMULATOR, None)
    if emulator is not None:
        emulator.stop_all()
    runtime.extras.pop(DEMO_SELLER, None)
    client: httpx.AsyncClient | None = runtime.extras.pop(EMULATOR_HTTP, None)
    if client is not None:
        await client.aclose()
