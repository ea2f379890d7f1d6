"""Scheduled analytics work: the ops-alert job (embedded scheduler and Celery beat)."""

from __future__ import annotations

import logging

from sqlalchemy import select

from agentiq.analytics.alert_settings import load_alert_settings
from agentiq.analytics.alerts import apply, evaluate
from agentiq.analytics.delivery import deliver_pending
from agentiq.db import unit_of_work
from agentiq.models import Seller
from agentiq.runtime import Runtime

log = logging.getLogger(__name__)


async def run_alerts_for(runtime: Runtime, seller_id: int) -> int:
    """Evaluate one seller's situations, update the feed, deliver new alerts; returns how
    many alerts were opened."""
    async with unit_of_work(runtime.sessionmaker) as session:
        config = await load_alert_settings(session, runtime, seller_id)
        situations = await evaluate(session, seller_id, config.view.thresholds)
        opened = await apply(session, seller_id, situations)
    await deliver_pending(runtime, seller_id)
    return len(opened)


async def run_alerts_all(runtime: Runtime) -> int:
    async with unit_of_work(runtime.sessionmaker) as session:
        sellers = list((await session.scalars(select(Seller.id).order_by(Seller.id))).all())
    opened = 0
    for seller_id in sellers:
        try:
            opened += await run_alerts_for(runtime, seller_id)
        except Exception:  # one seller's failure must not stop the others' alerts
            log.exception("ops alerts failed for seller %s", seller_id)
    return opened
