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
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select

from agentiq.cabinets.clients import EMULATOR_HOST
from agentiq.db import unit_of_work
from agentiq.emulator.app import create_emulator_app
from agentiq.emulator.state import EmulatedSeller, Emulator
from agentiq.models import MarketplaceConnection
from agentiq.runtime import Runtime

log = logging.getLogger(__name__)

MOUNT_PATH = "/_wb"
DEMO_SEED_BASE = 1_000_000
LIVE_EVERY_S = 45.0


@dataclass
class EmbeddedEmulator:
    """The mounted emulator, an in-process HTTP client onto it, and the emulated WB seller
    behind each AgentIQ seller's demo cabinet."""

    emulator: Emulator
    http: httpx.AsyncClient
    sellers: dict[int, EmulatedSeller] = field(default_factory=dict)

    def seller_for(self, seller_id: int) -> EmulatedSeller:
        """`seller_id`'s own emulated WB seller, made on first use."""
        found = self.sellers.get(seller_id)
        if found is None:
            # A believable desk: a few days of open items, older ones mostly answered already.
            found = self.emulator.add_seller(
                "Демо продавец", seed=DEMO_SEED_BASE + seller_id, open_days=3
            )
            self.emulator.start_live_traffic(found.seller_id, every_s=LIVE_EVERY_S)
            self.sellers[seller_id] = found
        return found

    def token_for(self, seller_id: int) -> str:
        """A fresh token for the seller's own emulated WB seller (cabinets/clients.py uses
        it, so a demo cabinet can only ever read its own emulated seller)."""
        return self.emulator.issue_token(self.seller_for(seller_id).seller_id)


def demo_seller_for(runtime: Runtime, seller_id: int) -> tuple[Emulator, EmulatedSeller] | None:
    """The emulated WB seller behind `seller_id`'s demo cabinet (made on first use), or None
    when the emulator is off."""
    embedded = runtime.emulator
    if embedded is None:
        return None
    return embedded.emulator, embedded.seller_for(seller_id)


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


DEMO_MODERATION_REJECT_RATE = 0.05


async def start(app: Any, runtime: Runtime) -> None:
    settings = runtime.settings
    if not settings.emulator_enabled:
        return
    # WB's moderation refuses an answer now and then; the demo shows how that looks.
    emulator = Emulator(rate_limits=True, moderation_reject_rate=DEMO_MODERATION_REJECT_RATE)
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
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=emulator_app), base_url=EMULATOR_HOST, timeout=30.0
    )
    runtime.emulator = EmbeddedEmulator(emulator=emulator, http=http)
    await restore_demo_sellers(runtime)
    log.info("WB emulator mounted at %s%s", settings.base_url, MOUNT_PATH)


async def stop(app: Any, runtime: Runtime) -> None:
    embedded, runtime.emulator = runtime.emulator, None
    if embedded is not None:
        embedded.emulator.stop_all()
        await embedded.http.aclose()
