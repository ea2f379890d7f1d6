"""Demo mode: a cabinet fed by the built-in emulator, with live traffic, synced at once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.cabinets.repository import CabinetRepository
from agentiq.cabinets.service import add_cabinet
from agentiq.ingestion.tasks import request_sync
from agentiq.kit.errors import ServiceUnavailable
from agentiq.models import MarketplaceConnection
from agentiq.runtime import Runtime

DEMO_CABINET_NAME = "Демо-кабинет"


async def start_demo(
    session: AsyncSession, runtime: Runtime, seller_id: int
) -> MarketplaceConnection:
    """The seller's demo cabinet (created once), with its first sync started after commit."""
    from agentiq.emulator.embedded import demo_seller_for

    found = demo_seller_for(runtime, seller_id)
    if found is None:
        raise ServiceUnavailable(
            "Демо-режим выключен на этом сервере: подключите свой кабинет WB в Настройках",
            code="demo_disabled",
        )
    emulator, seller = found
    existing = await CabinetRepository(session, seller_id).list(
        MarketplaceConnection.is_demo.is_(True), limit=1
    )
    if existing:
        return existing[0]
    token = emulator.issue_token(seller.seller_id)
    cabinet = await add_cabinet(
        session, runtime.secrets, seller_id, name=DEMO_CABINET_NAME, token=token, is_demo=True
    )
    cabinet.token_type = "personal"
    await request_sync(session, runtime, seller_id, cabinet.id)
    return cabinet
