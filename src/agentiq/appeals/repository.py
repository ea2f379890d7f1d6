"""Queries of the appeals module, every one scoped to one seller."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from agentiq.appeals.causes import NEGATIVE_MAX_RATING
from agentiq.kit.errors import NotFound
from agentiq.kit.repository import TenantRepository
from agentiq.models import AppealStatus, Interaction, ProductCard, ReviewCause

A = AppealStatus
# Appeals still open: a review proposed or filed may yet stop counting.
OPEN_STATUSES = (A.proposed.value, A.submitted.value)


class ReviewCauseRepository(TenantRepository[ReviewCause]):
    model = ReviewCause
    not_found_message = "Отзыв не найден"

    async def reviews_to_classify(self, limit: int) -> Sequence[Interaction]:
        """Negative reviews never classified, or changed since (their content hash moved)."""
        rc = aliased(ReviewCause)
        stmt = (
            select(Interaction)
            .outerjoin(
                rc, and_(rc.interaction_id == Interaction.id, rc.seller_id == self.seller_id)
            )
            .where(
                Interaction.seller_id == self.seller_id,
                Interaction.channel == "review",
                Interaction.rating.is_not(None),
                Interaction.rating <= NEGATIVE_MAX_RATING,
                or_(rc.id.is_(None), rc.content_hash != Interaction.content_hash),
            )
            .order_by(Interaction.id)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def for_interactions(self, ids: Sequence[int]) -> dict[int, ReviewCause]:
        if not ids:
            return {}
        rows = await self.session.scalars(
            self.scoped().where(ReviewCause.interaction_id.in_(list(ids)))
        )
        return {row.interaction_id: row for row in rows}

    async def with_items(
        self, *criteria: Any, limit: int = 200
    ) -> list[tuple[ReviewCause, Interaction]]:
        stmt = (
            select(ReviewCause, Interaction)
            .join(Interaction, Interaction.id == ReviewCause.interaction_id)
            .where(ReviewCause.seller_id == self.seller_id, *criteria)
            .order_by(ReviewCause.confidence.desc(), Interaction.occurred_at.desc())
            .limit(limit)
        )
        return [(rc, item) for rc, item in (await self.session.execute(stmt)).all()]

    async def get_with_item(self, id_: int) -> tuple[ReviewCause, Interaction]:
        rows = await self.with_items(ReviewCause.id == id_, limit=1)
        if not rows:
            raise NotFound(self.not_found_message)
        return rows[0]

    async def counts_by_cause_and_status(self) -> list[tuple[str, str, int]]:
        stmt = (
            select(ReviewCause.cause, ReviewCause.appeal_status, func.count())
            .where(ReviewCause.seller_id == self.seller_id)
            .group_by(ReviewCause.cause, ReviewCause.appeal_status)
        )
        return [(c, s, int(n)) for c, s, n in (await self.session.execute(stmt)).all()]


class ProductRatingRepository:
    """Stars per product: the reviews that count and the open appeals against them."""

    def __init__(self, session: Any, seller_id: int) -> None:
        self.session = session
        self.seller_id = seller_id

    def _counted_reviews(self, *criteria: Any) -> Any:
        excluded = select(ReviewCause.interaction_id).where(
            ReviewCause.seller_id == self.seller_id,
            ReviewCause.appeal_status == A.approved.value,
        )
        return select(Interaction.nm_id, Interaction.rating).where(
            Interaction.seller_id == self.seller_id,
            Interaction.channel == "review",
            Interaction.nm_id.is_not(None),
            Interaction.rating.is_not(None),
            Interaction.id.not_in(excluded),
            *criteria,
        )

    async def star_counts(self, nm_id: int | None = None) -> dict[int, dict[int, int]]:
        """{nm_id: {stars: how many}} of the reviews that count (one grouped query)."""
        base = self._counted_reviews(
            *([Interaction.nm_id == nm_id] if nm_id is not None else [])
        ).subquery()
        stmt = select(base.c.nm_id, base.c.rating, func.count()).group_by(
            base.c.nm_id, base.c.rating
        )
        counts: dict[int, dict[int, int]] = {}
        for nm, stars, n in (await self.session.execute(stmt)).all():
            counts.setdefault(int(nm), {})[int(stars)] = int(n)
        return counts

    async def open_appeals(self, nm_id: int | None = None) -> list[tuple[ReviewCause, Interaction]]:
        stmt = (
            select(ReviewCause, Interaction)
            .join(Interaction, Interaction.id == ReviewCause.interaction_id)
            .where(
                ReviewCause.seller_id == self.seller_id,
                ReviewCause.appeal_status.in_(OPEN_STATUSES),
                Interaction.nm_id.is_not(None),
                *([Interaction.nm_id == nm_id] if nm_id is not None else []),
            )
        )
        return [(rc, item) for rc, item in (await self.session.execute(stmt)).all()]

    async def pending_negatives(
        self, nm_id: int | None, *, open_only: bool = False, limit: int = 500
    ) -> list[tuple[Interaction, ReviewCause | None]]:
        """Negative reviews (of one product, or all) that still count, with their cause."""
        stmt = (
            select(Interaction, ReviewCause)
            .outerjoin(
                ReviewCause,
                and_(
                    ReviewCause.interaction_id == Interaction.id,
                    ReviewCause.seller_id == self.seller_id,
                ),
            )
            .where(
                Interaction.seller_id == self.seller_id,
                Interaction.channel == "review",
                Interaction.nm_id.is_not(None),
                Interaction.rating <= NEGATIVE_MAX_RATING,
                or_(ReviewCause.id.is_(None), ReviewCause.appeal_status != A.approved.value),
                *([Interaction.nm_id == nm_id] if nm_id is not None else []),
                *([Interaction.status == "open"] if open_only else []),
            )
            .order_by(Interaction.rating, Interaction.occurred_at.desc())
            .limit(limit)
        )
        return [(item, rc) for item, rc in (await self.session.execute(stmt)).all()]

    async def names(self, nm_ids: Sequence[int]) -> dict[int, str]:
        if not nm_ids:
            return {}
        stmt = select(ProductCard.nm_id, ProductCard.name).where(
            ProductCard.seller_id == self.seller_id, ProductCard.nm_id.in_(list(nm_ids))
        )
        return {int(nm): name for nm, name in (await self.session.execute(stmt)).all()}
