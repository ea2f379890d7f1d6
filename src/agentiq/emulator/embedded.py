"""Embedded default: the WB emulator mounted in the web app at `/_wb`.

Each AgentIQ seller that starts the demo gets an emulated WB seller of its own (seeded from
the AgentIQ seller id), so no demo owner ever sees another company's data or replies. Demo
cabinets talk to it in-process (an httpx ASGI transport, no self-HTTP). The emulator's
signing key is derived from AGENTIQ_SECRET_KEY and each emulated seller's id from its seed,
so a demo cabinet's token stays valid across restarts; the emulated sellers of existing demo
cabinets are re-created at start-up.

The emulator's admin routes (every seller's replies, token issuance, fault switches) are
mounted only outside production and only behind AGENTIQ_EMULATOR_ADMIN_TOKEN; otherwise
`/_wb/_admin/...` answers 404.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import httpx
from sqlalchemy import select

from agentiq.cabinets.clients import DEMO_TOKEN, EMULATOR_HOST, EMULATOR_HTTP
from agentiq.db import unit_of_work
from agentiq.emulator.app import create_emulator_app
from agentiq.emulator.state import EmulatedSeller, Emulator
from agentiq.models import MarketplaceConnection
from agentiq.runtime import Runtime

log = logging.getLogger(__name__)

EMULATOR = "emulator"
DEMO_SELLERS = "emulator_demo_sellers"  # AgentIQ seller id -> its emulated WB seller
MOUNT_PATH = "/_wb"
DEMO_SEED_BASE = 1_000_000
LIVE_EVERY_S = 45.0


def demo_seller_for(runtime: Runtime, seller_id: int) -> tuple[Emulator, EmulatedSeller] | None:
    """The emulated WB seller behind `seller_id`'s demo cabinet (made on first use), or None
    when the emulator is off."""
    emulator: Emulator | None = runtime.extras.get(EMULATOR)
    if emulator is None:
        return None
    sellers: dict[int, EmulatedSeller] = runtime.extras.setdefault(DEMO_SELLERS, {})
    found = sellers.get(seller_id)
    if found is None:
        # A believable desk: a few days of open items, older ones mostly answered already.
        found = emulator.add_seller("Демо продавец", seed=DEMO_SEED_BASE + seller_id, open_days=3)
        emulator.start_live_traffic(found.seller_id, every_s=LIVE_EVERY_S)
        sellers[seller_id] = found
    return emulator, found


def demo_token(runtime: Runtime, seller_id: int) -> str:
    """A fresh token for the seller's own emulated WB seller (cabinets/clients.py uses it,
    so a demo cabinet can only ever read its own emulated seller)."""
    found = demo_seller_for(runtime, seller_id)
    if found is None:
        raise RuntimeError("the WB emulator is off")
    emulator, seller = found
    return emulator.issue_token(seller.seller_id)


async def restore_demo_sellers(runtime: Runtime) -> None:
    """Re-create the emulated sellers of existing demo cabinets (the emulator lives in memory)."""
    if runtime.sessionmaker is None:  # a bare runtime (the emulator's own tests)
        return
    # Start-up housekeeping across tenants: only the ids of sellers with a demo cabinet.
    async with unit_of_work(runtime.sessionmaker) as session:
        seller_ids = (
            await session.scalars(
                select(MarketplaceConnection.seller_id)
                .where(MarketplaceConnection.is_demo.is_(True))
                .distinct()
            )
        ).all()
    for seller_id in seller_ids:
        demo_seller_for(runtime, seller_id)


async def start(app: Any, runtime: Runtime) -> None:
    settings = runtime.settings
    if not settings.emulator_enabled:
        return
    emulator = Emulator(rate_limits=True)
    # Stable signing key: tokens issued before a restart still verify after it.
    secret = settings.resolved_secret_key()
    emulator._key = hashlib.sha256(f"wb-emulator:{secret}".encode()).hexdigest()
    admin_token = settings.emulator_admin_token or None
    emulator_app = create_emulator_app(
        emulator,
        admin=bool(admin_token) and not settings.is_production,
        admin_token=admin_token,
    )
    app.mount(MOUNT_PATH, emulator_app)
    runtime.extras[EMULATOR] = emulator
    runtime.extras[DEMO_TOKEN] = lambda seller_id: demo_token(runtime, seller_id)
    await restore_demo_sellers(runtime)
    runtime.extras[EMULATOR_HTTP] = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=emulator_app), base_url=EMULATOR_HOST, timeout=30.0
    )
    log.info("WB emulator mounted at %s%s", settings.base_url, MOUNT_PATH)


async def stop(app: Any, runtime: Runtime) -> None:
    emulator: Emulator | None = runtime.extras.pop(EMULATOR, None)
    if emulator is not None:
        emulator.stop_all()
    runtime.extras.pop(DEMO_SELLERS, None)
    runtime.extras.pop(DEMO_TOKEN, None)
    client: httpx.AsyncClient | None = runtime.extras.pop(EMULATOR_HTTP, None)
    if client is not None:
        await client.aclose()
