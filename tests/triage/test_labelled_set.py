"""Accuracy of the triage rules on the hand-labelled set (tests/triage/labelled_set.py).

Tolerances: intents ≥ 95 %, priorities ≥ 95 %, reason keywords ≥ 95 %; every item labelled
urgent must come out urgent and nothing else may (a missed or false urgent costs the most);
needs_response must match exactly. The confusion and every miss are printed (pytest -s).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from agentiq.triage import TriageInput, TriageResult, triage
from tests.triage.labelled_set import ALL_CASES, CHATS, QUESTIONS, REVIEWS, Case

OCCURRED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def run(case: Case) -> TriageResult:
    item = TriageInput(
        channel=case.channel,
        occurred_at=OCCURRED,
        text=case.text,
        pros=case.pros,
        cons=case.cons,
        rating=case.rating,
        has_photos=case.photos,
        has_video=case.video,
        is_answered=case.is_answered,
        last_message_from_seller=case.last_from_seller,
        matching_size=case.matching_size,
    )
    return triage(item)


RESULTS = [(case, run(case)) for case in ALL_CASES]


def _print_confusion(title: str, pairs: list[tuple[str | None, str | None]]) -> None:
    counts = Counter(pairs)
    labels = sorted({str(x) for pair in pairs for x in pair})
    print(f"\n{title} (rows: expected, columns: predicted)")
    width = max(len(x) for x in labels) + 1
    print(" " * width + " ".join(f"{x[:8]:>8}" for x in labels))
    for expected in labels:
        cells = [
            sum(n for (e, p), n in counts.items() if str(e) == expected and str(p) == predicted)
            for predicted in labels
        ]
        print(f"{expected:<{width}}" + " ".join(f"{c:>8}" for c in cells))


def _accuracy(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def test_set_is_large_and_covers_every_channel_and_intent() -> None:
    assert len(ALL_CASES) >= 150
    assert {c.rating for c in REVIEWS} == {1, 2, 3, 4, 5}
    intents = Counter(c.intent for c in QUESTIONS)
    for intent in (
        "size_fit",
        "availability_delivery",
        "compatibility_specs",
        "materials_care",
        "pre_purchase_other",
        "general",
    ):
        assert intents[intent] >= 8, intent
    assert len(CHATS) >= 30


def test_intent_accuracy() -> None:
    scored = [(c, r) for c, r in RESULTS if c.channel != "review"]
    misses = [(c.text, c.intent, r.intent) for c, r in scored if c.intent != r.intent]
    _print_confusion(
        "question intents", [(c.intent, r.intent) for c, r in scored if c.channel == "question"]
    )
    _print_confusion(
        "chat topics", [(c.intent, r.intent) for c, r in scored if c.channel == "chat"]
    )
    accuracy = _accuracy(len(scored) - len(misses), len(scored))
    print(f"\nintent accuracy {accuracy:.1%} on {len(scored)} items; misses: {misses}")
    assert accuracy >= 0.95, misses
    assert all(r.intent is None for c, r in RESULTS if c.channel == "review")


def test_priority_accuracy() -> None:
    misses = [
        (c.channel, c.rating, c.text, c.priority, r.priority, r.priority_reason)
        for c, r in RESULTS
        if c.priority != r.priority
    ]
    _print_confusion("priorities", [(c.priority, r.priority) for c, r in RESULTS])
    accuracy = _accuracy(len(RESULTS) - len(misses), len(RESULTS))
    print(f"\npriority accuracy {accuracy:.1%} on {len(RESULTS)} items; misses: {misses}")
    assert accuracy >= 0.95, misses


def test_urgent_items_are_exact() -> None:
    missed = [c.text for c, r in RESULTS if c.priority == "urgent" and r.priority != "urgent"]
    false = [c.text for c, r in RESULTS if c.priority != "urgent" and r.priority == "urgent"]
    assert not missed, f"urgent items not flagged urgent: {missed}"
    assert not false, f"items wrongly flagged urgent: {false}"


def test_reasons_name_the_cause() -> None:
    misses = [
        (c.text, c.reason, r.priority_reason)
        for c, r in RESULTS
        if c.reason.lower() not in r.priority_reason.lower()
    ]
    accuracy = _accuracy(len(RESULTS) - len(misses), len(RESULTS))
    print(f"\nreason keyword accuracy {accuracy:.1%}; misses: {misses}")
    assert accuracy >= 0.95, misses


@pytest.mark.parametrize(
    "case", [c for c in ALL_CASES if not c.needs_response], ids=lambda c: c.text[:30] or "empty"
)
def test_needs_response_false_cases(case: Case) -> None:
    assert run(case).needs_response is False


def test_needs_response_matches_labels() -> None:
    misses = [
        (c.text, c.needs_response) for c, r in RESULTS if c.needs_response != r.needs_response
    ]
    assert not misses
