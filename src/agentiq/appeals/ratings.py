"""Rating impact per product: today's rating, what each negative and open appeal moves it,
and what it takes to reach a target. Sorted by the biggest possible gain."""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.appeals import impact
from agentiq.appeals.causes import APPEALABLE_CAUSES, CAUSE_LABELS
from agentiq.appeals.repository import ProductRatingRepository
from agentiq.appeals.schemas import NegativeImpact, ProductImpact
from agentiq.appeals.service import classify_negative_reviews
from agentiq.kit.errors import NotFound
from agentiq.models import Interaction, ReviewCause

DEFAULT_TARGET = Fraction(48, 10)
MIN_TARGET, MAX_TARGET = Fraction(1), Fraction(5)


def parse_target(raw: str | float | None) -> Fraction:
    """A target like «4.8» or «4,8»; anything unreadable or out of 1..5 is the default."""
    if raw is None or raw == "":
        return DEFAULT_TARGET
    try:
        value = Fraction(str(raw).replace(",", ".").strip()).limit_denominator(100)
    except (ValueError, ZeroDivisionError):
        return DEFAULT_TARGET
    return value if MIN_TARGET <= value <= MAX_TARGET else DEFAULT_TARGET


def _expand(star_counts: dict[int, int]) -> list[int]:
    return [stars for stars, n in sorted(star_counts.items()) for _ in range(n)]


async def product_impacts(
    session: AsyncSession, seller_id: int, *, target: Fraction = DEFAULT_TARGET
) -> list[ProductImpact]:
    """Every reviewed product, biggest possible gain (all open appeals approved) first."""
    await classify_negative_reviews(session, seller_id)
    repo = ProductRatingRepository(session, seller_id)
    counts = await repo.star_counts()
    appeals: dict[int, list[int]] = {}
    for row, item in await repo.open_appeals():
        if item.nm_id is not None and item.nm_id in counts:
            appeals.setdefault(item.nm_id, []).append(row.rating)
    names = await repo.names(list(counts))
    products = [
        _product(nm_id, names.get(nm_id, ""), _expand(stars), appeals.get(nm_id, []), target)
        for nm_id, stars in counts.items()
    ]
    products.sort(key=lambda p: (-p.gain, p.rating if p.rating is not None else 5, p.nm_id))
    return products


def _product(
    nm_id: int, name: str, ratings: list[int], appealable: list[int], target: Fraction
) -> ProductImpact:
    # An open appeal's review still counts today (only approved ones are excluded).
    appealable = [stars for stars in appealable if stars in ratings]
    current = impact.mean(ratings)
    after = impact.mean(impact.without(ratings, appealable))
    gain = (after - current) if (after is not None and current is not None) else Fraction(0)
    outlook = impact.plan(ratings, appealable, target)
    return ProductImpact(
        nm_id=nm_id,
        name=name,
        reviews_counted=len(ratings),
        rating=impact.as_float(current),
        open_appeals=len(appealable),
        rating_if_approved=impact.as_float(after),
        gain=impact.as_float(gain) or 0.0,
        target=float(target),
        target_reached=outlook.reached,
        appeals_needed=outlook.appeals_needed,
        fives_needed=outlook.fives_needed,
    )


async def product_impact(
    session: AsyncSession, seller_id: int, nm_id: int, *, target: Fraction = DEFAULT_TARGET
) -> ProductImpact:
    """One product, with each pending negative review and the shift it would make."""
    await classify_negative_reviews(session, seller_id)
    repo = ProductRatingRepository(session, seller_id)
    counts = (await repo.star_counts(nm_id)).get(nm_id)
    if not counts:
        raise NotFound("У этого товара нет отзывов с оценкой")
    ratings = _expand(counts)
    appealable = [row.rating for row, _ in await repo.open_appeals(nm_id)]
    names = await repo.names([nm_id])
    product = _product(nm_id, names.get(nm_id, ""), ratings, appealable, target)
    negatives = [
        _negative(item, cause, ratings) for item, cause in await repo.pending_negatives(nm_id)
    ]
    negatives.sort(key=lambda n: (-n.shift, n.interaction_id))
    product.negatives = negatives
    return product


def _negative(item: Interaction, cause: ReviewCause | None, ratings: list[int]) -> NegativeImpact:
    stars = item.rating or 0
    return NegativeImpact(
        interaction_id=item.id,
        nm_id=item.nm_id,
        rating=stars,
        text=(item.text or item.cons or "").strip()[:300],
        cause=cause.cause if cause else None,
        cause_label=CAUSE_LABELS.get(cause.cause) if cause else None,
        appeal_status=cause.appeal_status if cause else None,
        appealable=bool(cause and cause.cause in APPEALABLE_CAUSES),
        shift=impact.as_float(impact.shift_if_excluded(ratings, [stars]), 3) or 0.0,
    )


async def negatives_by_impact(
    session: AsyncSession, seller_id: int, *, limit: int = 100
) -> list[NegativeImpact]:
    """Open negative reviews of every product, the ones that weigh most on a rating first."""
    await classify_negative_reviews(session, seller_id)
    repo = ProductRatingRepository(session, seller_id)
    counts = await repo.star_counts()
    rows = await repo.pending_negatives(None, open_only=True, limit=2000)
    negatives = [
        _negative(item, cause, _expand(counts.get(item.nm_id or 0, {}))) for item, cause in rows
    ]
    negatives.sort(key=lambda n: (-n.shift, n.interaction_id))
    return negatives[:limit]


async def appeal_gains(
    session: AsyncSession, seller_id: int, appeals: list[tuple[int, int | None, int]]
) -> dict[int, float]:
    """{appeal id: how much its product's rating rises if WB approves it} for (id, nm, stars)."""
    counts = await ProductRatingRepository(session, seller_id).star_counts()
    gains: dict[int, float] = {}
    for appeal_id, nm_id, stars in appeals:
        ratings = _expand(counts.get(nm_id, {})) if nm_id is not None else []
        if stars in ratings:
            gains[appeal_id] = impact.as_float(impact.shift_if_excluded(ratings, [stars]), 3) or 0.0
    return gains
