"""Rows the tests need that no public route creates (a WB item arrives by sync)."""

from __future__ import annotations

import itertools
from typing import Any

from agentiq.db import unit_of_work
from agentiq.kit.time import utcnow
from agentiq.models import Interaction, RuntimeSetting

_serial = itertools.count(1)


async def add_review(runtime: Any, seller_id: int, text: str = "Хорошее платье") -> int:
    async with unit_of_work(runtime.sessionmaker) as session:
        item = Interaction(
            seller_id=seller_id,
            channel="review",
            external_id=f"sec-{next(_serial)}",
            text=text,
            rating=4,
            occurred_at=utcnow(),
        )
        session.add(item)
        await session.flush()
        return item.id


async def store_ai_settings(
    runtime: Any, seller_id: int, value: dict[str, Any], key: str | None = None
) -> None:
    """Write the seller's AI settings row directly: what a name that resolved to a public
    address at save time looks like after its DNS answer changed (rebinding)."""
    from sqlalchemy import delete

    async with unit_of_work(runtime.sessionmaker) as session:
        await session.execute(
            delete(RuntimeSetting).where(
                RuntimeSetting.seller_id == seller_id, RuntimeSetting.namespace == "ai"
            )
        )
        session.add(
            RuntimeSetting(
                seller_id=seller_id,
                namespace="ai",
                key="assistant",
                value=value,
                value_encrypted=runtime.secrets.encrypt(key) if key else None,
            )
        )
