"""Rating arithmetic for one product, with WB's rule that not-about-product reviews don't count.

The rating is the mean of the stars of the reviews that count; a review WB excluded after an
approved appeal does not. Exact fractions are used so that «reaching 4.8» means reaching it,
not 4.7999999. Figures are shown to two decimals; WB shows one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class RatingPlan:
    """What it takes to reach `target` from the current reviews."""

    target: Fraction
    reached: bool
    # The fewest appeals (among the open ones) to be approved, or None when even all of
    # them are not enough.
    appeals_needed: int | None
    # The fewest new 5★ reviews, or None when the target is above 5 (or exactly 5 with a
    # lower review counted).
    fives_needed: int | None


def mean(ratings: Sequence[int]) -> Fraction | None:
    return Fraction(sum(ratings), len(ratings)) if ratings else None


def without(ratings: Sequence[int], removed: Sequence[int]) -> list[int]:
    """`ratings` with one occurrence of each value in `removed` taken out."""
    left = list(ratings)
    for value in removed:
        left.remove(value)
    return left


def shift_if_excluded(ratings: Sequence[int], removed: Sequence[int]) -> Fraction:
    """How much the rating moves if the `removed` reviews stop counting (positive = up)."""
    before = mean(ratings)
    after = mean(without(ratings, removed))
    if before is None or after is None:
        return Fraction(0)
    return after - before


def fives_to_reach(ratings: Sequence[int], target: Fraction) -> int | None:
    """Smallest n with (S + 5n) / (C + n) ≥ target."""
    current = mean(ratings)
    if current is not None and current >= target:
        return 0
    if target > 5 or (target == 5 and ratings):
        return None
    total, count = sum(ratings), len(ratings)
    return max(0, math.ceil((target * count - total) / (5 - target)))


def appeals_to_reach(
    ratings: Sequence[int], appealable: Sequence[int], target: Fraction
) -> int | None:
    """Fewest approved appeals (lowest stars first, the biggest gain each) to reach target."""
    current = list(ratings)
    value = mean(current)
    if value is not None and value >= target:
        return 0
    for n, stars in enumerate(sorted(appealable), start=1):
        current = without(current, [stars])
        value = mean(current)
        if value is None:
            return None
        if value >= target:
            return n
    return None


def plan(ratings: Sequence[int], appealable: Sequence[int], target: Fraction) -> RatingPlan:
    current = mean(ratings)
    return RatingPlan(
        target=target,
        reached=current is not None and current >= target,
        appeals_needed=appeals_to_reach(ratings, appealable, target),
        fives_needed=fives_to_reach(ratings, target),
    )


def as_float(value: Fraction | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)
