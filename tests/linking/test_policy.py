"""The action policy: no probabilistic link ever enables an automatic action."""

from __future__ import annotations

import pytest

from agentiq.linking.policy import RULES, allows_auto_action, confidence_words, decide


@pytest.mark.parametrize("confidence", [0.0, 0.5, 0.65, 0.84, 0.85, 0.9, 0.99, 1.0])
@pytest.mark.parametrize("basis", ["probabilistic", "confirmed", "customer_legacy", "product"])
def test_nothing_but_the_same_order_acts_alone(basis: str, confidence: float) -> None:
    decision = decide(basis, confidence)
    assert not decision.auto_allowed
    assert not allows_auto_action(basis, confidence)
    assert decision.action_mode in ("assist_only", "analytics_only")
    assert decision.policy_reason


def test_same_order_acts_only_at_085_or_more() -> None:
    assert allows_auto_action("order", 1.0)
    assert allows_auto_action("order", 0.85)
    assert not allows_auto_action("order", 0.8499)


def test_weak_probable_links_stay_out_of_the_action_ui() -> None:
    assert decide("probabilistic", 0.64).action_mode == "analytics_only"
    assert not decide("probabilistic", 0.64).in_action_ui
    assert decide("probabilistic", 0.65).action_mode == "assist_only"
    # A confirmed link is shown whatever its score, still without automatic actions.
    assert decide("confirmed", 0.5).action_mode == "assist_only"


def test_unknown_basis_never_acts() -> None:
    assert decide("name_only", 1.0).action_mode == "assist_only"


def test_policy_table_allows_auto_only_on_order_rows() -> None:
    assert {r.basis for r in RULES if r.action_mode == "auto_allowed"} == {"order"}


def test_confidence_in_words() -> None:
    assert confidence_words("order", 1.0) == "точно тот же заказ"
    assert confidence_words("probabilistic", 0.72) == "вероятно тот же покупатель, 72 %"
    assert "вероятная связь" in confidence_words("probabilistic", 0.9)


def test_probable_link_needs_the_name_and_one_more_buyer_signal() -> None:
    # Product and time alone: 0.65, but nothing says who wrote.
    assert not decide(
        "probabilistic", 0.65, signals=["same_product_in_window", "close_in_time"]
    ).in_action_ui
    # The name alone is never enough, even at 0.75.
    only_name = ["same_product_in_window", "close_in_time", "same_buyer_name"]
    assert decide("probabilistic", 0.75, signals=only_name).action_mode == "analytics_only"
    # Problem and size without the name: not the same buyer either.
    no_name = ["same_product_in_window", "close_in_time", "same_problem", "extra"]
    assert decide("probabilistic", 0.90, signals=no_name).action_mode == "analytics_only"
    # The name plus the same problem (or the same size / order number): a hint, never auto.
    for more in ("same_problem", "extra"):
        shown = decide(
            "probabilistic", 0.75, signals=["same_product_in_window", "same_buyer_name", more]
        )
        assert shown.action_mode == "assist_only" and not shown.auto_allowed
    # ...but still not below the medium threshold.
    low = ["same_product_in_window", "same_buyer_name", "extra"]
    assert decide("probabilistic", 0.60, signals=low).action_mode == "analytics_only"
