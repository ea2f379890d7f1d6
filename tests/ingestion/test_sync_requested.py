"""A sync asked for at time T skips channels a run started after T has already finished.

The check happens once the channel lock is held, so a duplicate delivery that raced the run
(checked before the run ended, locked just after) does not sync the channel a second time.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from agentiq.ingestion.service import sync_cabinet
from agentiq.kit.time import utcnow
from agentiq.models import MarketplaceConnection, SyncRun
from tests.ingestion.conftest import make_cabinet


async def test_channels_done_since_the_request_are_not_synced_again(runtime, sync_wb) -> None:
    seller = sync_wb.emulator.add_seller(seed=561, feedbacks=40, questions=10, chats=3)
    seller_id, cabinet_id = await make_cabinet(runtime, seller.token)
    requested_at = utcnow()
    first = await sync_cabinet(runtime, seller_id, cabinet_id, channels=("review", "question"))
    assert first.ok
    hits = len(sync_wb.hits)

    again = await sync_cabinet(runtime, seller_id, cabinet_id, requested_at=requested_at)
    assert again.ok and {f.status for f in again.channels.values()} == {"ok"}
    async with runtime.sessionmaker() as session:
        runs = (
            await session.scalars(select(SyncRun).where(SyncRun.connection_id == cabinet_id))
        ).all()
        cabinet = await session.get(MarketplaceConnection, cabinet_id)
    # Reviews and questions were done after the request: only chat ran now.
    assert Counter(r.channel for r in runs) == Counter({"review": 1, "question": 1, "chat": 1})
    assert all("feedbacks" not in h.path and "questions" not in h.path for h in sync_wb.hits[hits:])
    assert cabinet is not None and cabinet.sync_status == "ok"

    # Everything done since the request: nothing runs and the status is left as it is.
    nothing = await sync_cabinet(runtime, seller_id, cabinet_id, requested_at=requested_at)
    assert nothing.ok
    async with runtime.sessionmaker() as session:
        assert len((await session.scalars(select(SyncRun))).all()) == 3
        cabinet = await session.get(MarketplaceConnection, cabinet_id)
    assert cabinet is not None and cabinet.sync_status == "ok"
