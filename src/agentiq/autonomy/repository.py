from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from agentiq.kit.repository import TenantRepository
from agentiq.models import AutonomyBucket, Interaction, ReplyOutbox


class BucketRepository(TenantRepository[AutonomyBucket]):
    model = AutonomyBucket
    not_found_message = "Группа автоответов не найдена"

    async def by_key(self, channel: str, rating: int, intent: str) -> AutonomyBucket | None:
        stmt = self.scoped().where(
            AutonomyBucket.channel == channel,
            AutonomyBucket.rating == rating,
            AutonomyBucket.intent == intent,
        )
        return await self.session.scalar(stmt)

    async def all(self) -> Sequence[AutonomyBucket]:
        stmt = self.scoped().order_by(
            AutonomyBucket.channel, AutonomyBucket.rating.desc(), AutonomyBucket.intent
        )
        return (await self.session.scalars(stmt)).all()

    async def auto_sent_since(self, since: datetime) -> dict[tuple[str, int, str], int]:
        """Auto answers queued since `since`, per bucket key (one grouped query)."""
        rating = func.coalesce(Interaction.rating, 0)
        intent = func.coalesce(Interaction.intent, "")
        stmt = (
            select(Interaction.channel, rating, intent, func.count())
            .join(ReplyOutbox, ReplyOutbox.interaction_id == Interaction.id)
            .where(
                Interaction.seller_id == self.seller_id,
                ReplyOutbox.seller_id == self.seller_id,
                ReplyOutbox.is_auto.is_(True),
                ReplyOutbox.created_at >= since,
            )
            .group_by(Interaction.channel, rating, intent)
        )
        rows = (await self.session.execute(stmt)).all()
        return {(str(c), int(r), str(i)): int(n) for c, r, i, n in rows}
