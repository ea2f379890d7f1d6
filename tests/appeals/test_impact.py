"""Rating arithmetic against examples worked out by hand."""

from __future__ import annotations

from fractions import Fraction

from agentiq.appeals import impact
from agentiq.appeals.ratings import DEFAULT_TARGET, parse_target


def test_mean_and_shift_of_one_excluded_review() -> None:
    ratings = [5, 5, 5, 4, 1, 1]  # 21 / 6 = 3.5
    assert impact.mean(ratings) == Fraction(7, 2)
    # Without one 1★: 20 / 5 = 4.0, so +0.5.
    assert impact.shift_if_excluded(ratings, [1]) == Fraction(1, 2)
    # Without a 4★: 17 / 5 = 3.4, so −0.1: excluding a good review lowers the rating.
    assert impact.shift_if_excluded(ratings, [4]) == Fraction(-1, 10)


def test_fives_needed_for_a_target() -> None:
    # (21 + 5n) / (6 + n) ≥ 4.8  ⇔  0.2 n ≥ 7.8  ⇔  n ≥ 39;  216 / 45 = 4.8 exactly.
    assert impact.fives_to_reach([5, 5, 5, 4, 1, 1], Fraction(48, 10)) == 39
    # (5 + 2 + 5n) / (2 + n) ≥ 4.8  ⇔  n ≥ 13.
    assert impact.fives_to_reach([5, 2], Fraction(48, 10)) == 13
    assert impact.fives_to_reach([5, 5], Fraction(48, 10)) == 0
    assert impact.fives_to_reach([5, 4], Fraction(5)) is None


def test_appeals_needed_lowest_first() -> None:
    ratings = [5, 5, 5, 5, 5, 5, 5, 5, 1, 2]  # 42 / 10 = 4.2
    # Approve the 1★: 41 / 9 = 4.56; then the 2★: 40 / 8 = 5.0 ≥ 4.8.
    assert impact.appeals_to_reach(ratings, [2, 1], Fraction(48, 10)) == 2
    assert impact.appeals_to_reach(ratings, [2, 1], Fraction(45, 10)) == 1
    # Both 1★ of the first example gone: 19 / 4 = 4.75 < 4.8, so appeals alone cannot.
    assert impact.appeals_to_reach([5, 5, 5, 4, 1, 1], [1, 1], Fraction(48, 10)) is None


def test_plan_says_reached() -> None:
    outlook = impact.plan([5, 5, 5, 5, 4], [], Fraction(48, 10))  # 24 / 5 = 4.8
    assert outlook.reached and outlook.fives_needed == 0 and outlook.appeals_needed == 0


def test_target_parsing() -> None:
    assert parse_target("4,7") == Fraction(47, 10)
    assert parse_target("4.85") == Fraction(97, 20)
    for bad in ("", None, "abc", "7", "0", "nan", "1e9"):
        assert parse_target(bad) == DEFAULT_TARGET
