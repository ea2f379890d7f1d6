"""The level-C scorer: each signal alone and together, at each threshold's edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agentiq.linking.scoring import (
    HIGH,
    MEDIUM,
    STORE_FLOOR,
    Touch,
    band,
    name_key,
    problems_of,
    score,
)

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def review(**kw: object) -> Touch:
    base: dict[str, object] = {"id": 1, "channel": "review", "occurred_at": T0, "nm_id": 42}
    base.update(kw)
    return Touch(**base)  # type: ignore[arg-type]


def chat(**kw: object) -> Touch:
    base: dict[str, object] = {
        "id": 2,
        "channel": "chat",
        "occurred_at": T0 + timedelta(days=3),
        "nm_id": 42,
    }
    base.update(kw)
    return Touch(**base)  # type: ignore[arg-type]


def names(found: object) -> list[str]:
    return [s.name for s in found.signals]  # type: ignore[attr-defined]


def test_same_product_in_window_alone_is_045_and_not_stored() -> None:
    found = score(review(), chat())
    assert found is not None and found.level == "C"
    assert found.confidence == 0.45 and names(found) == ["same_product_in_window"]
    assert found.confidence < STORE_FLOOR and found.band == "low"


def test_each_signal_adds_its_weight() -> None:
    close = score(review(), chat(occurred_at=T0 + timedelta(hours=5)))
    assert close is not None and close.confidence == 0.65
    assert names(close) == ["same_product_in_window", "close_in_time"]
    problem = score(review(problems=frozenset({"quality"})), chat(problems=frozenset({"quality"})))
    assert problem is not None and problem.confidence == 0.65
    name = score(review(name="анна"), chat(name="анна"))
    assert name is not None and name.confidence == 0.55
    size = score(review(size="M"), chat(size="M"))
    assert size is not None and size.confidence == 0.50
    refs = score(review(refs=frozenset({"123456789"})), chat(refs=frozenset({"123456789"})))
    assert refs is not None and refs.confidence == 0.50
    assert refs.signals[-1].value == "order_number"


def test_all_signals_together_reach_one() -> None:
    found = score(
        review(name="анна", problems=frozenset({"size"}), size="M"),
        chat(
            occurred_at=T0 + timedelta(hours=2), name="анна", problems=frozenset({"size"}), size="M"
        ),
    )
    assert found is not None and found.confidence == 1.0 and found.band == "high"
    reasoning = found.reasoning()
    assert reasoning["basis"] == "probabilistic"
    assert {s["name"]: s["weight"] for s in reasoning["signals"]} == {
        "same_product_in_window": 0.45,
        "close_in_time": 0.20,
        "same_problem": 0.20,
        "same_buyer_name": 0.10,
        "extra": 0.05,
    }


def test_threshold_edges() -> None:
    # 0.45 + 0.20 = 0.65: exactly medium.
    assert band(0.65) == "medium" and band(0.6499) == "low"
    # 0.45 + 0.20 + 0.20 = 0.85: exactly high.
    found = score(
        review(problems=frozenset({"quality"})),
        chat(occurred_at=T0 + timedelta(hours=23, minutes=59), problems=frozenset({"quality"})),
    )
    assert found is not None and found.confidence == HIGH and found.band == "high"
    # 24 h apart is no longer "close": 0.65, medium.
    edge = score(
        review(problems=frozenset({"quality"})),
        chat(occurred_at=T0 + timedelta(hours=24), problems=frozenset({"quality"})),
    )
    assert edge is not None and edge.confidence == MEDIUM and edge.band == "medium"
    # Name + product + extra = 0.60: still below medium.
    low = score(review(name="анна", size="M"), chat(name="анна", size="M"))
    assert low is not None and low.confidence == 0.60 and low.band == "low"
    assert band(0.84) == "medium" and band(0.85) == "high"


def test_window_edge_and_seller_window() -> None:
    assert score(review(), chat(occurred_at=T0 + timedelta(days=7))) is not None
    assert score(review(), chat(occurred_at=T0 + timedelta(days=7, seconds=1))) is None
    assert score(review(), chat(occurred_at=T0 + timedelta(days=10)), window_days=14) is not None


def test_name_alone_is_never_a_link() -> None:
    # Same name, different product: nothing.
    assert score(review(name="анна"), chat(name="анна", nm_id=43)) is None
    # Same name, same product but outside the window: nothing.
    far = chat(name="анна", occurred_at=T0 + timedelta(days=30))
    assert score(review(name="анна"), far) is None
    # Same name, no product on one side: nothing.
    assert score(review(name="анна", nm_id=None), chat(name="анна")) is None


def test_ids_make_level_b() -> None:
    order = score(review(order_id="777"), chat(order_id="777", nm_id=99))
    assert order is not None and order.level == "B" and order.basis == "order"
    assert order.confidence == 1.0
    customer = score(review(customer_id="c1"), chat(customer_id="c1"))
    assert customer is not None and customer.level == "B"
    assert customer.basis == "customer_legacy"
    # A review's barcode key never equals a chat's order id.
    assert score(review(order_id="shk:777"), chat(order_id="777")).level == "C"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Анна", "анна"),
        ("анна К.", "анна"),
        ("Aнна", "анна"),  # Latin A
        ("А н н а", "анна"),  # spaced letters
        ("Алёна", "алена"),
        ("Покупатель", None),
        ("", None),
        ("12345", None),
        (None, None),
    ],
)
def test_name_key_folds_lookalikes(raw: str | None, key: str | None) -> None:
    assert name_key(raw) == key


def test_problems_map_signals_and_intents() -> None:
    assert problems_of(["defect", "photos"], None) == frozenset({"quality"})
    assert problems_of([], "size_fit") == problems_of(["wrong_size"], None) == {"size"}
    assert problems_of(None, "thanks") == frozenset()
