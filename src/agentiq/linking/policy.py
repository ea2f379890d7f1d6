"""The action policy as data: what a link lets the product do on its own.

Auto-answers and auto-escalation only on deterministic links (the same order) with
confidence ≥ 0.85. Probabilistic links — even confirmed ones, even at 0.99 — are assist-only;
a legacy buyer id (clientID) is never the only ground for an automatic action (plan §4.4);
a weak probabilistic link stays out of the action UI (analytics only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from agentiq.linking.scoring import HIGH, MEDIUM

ActionMode = Literal["current", "auto_allowed", "assist_only", "analytics_only"]
# Where a link's evidence comes from.
Basis = Literal[
    "current", "order", "customer_legacy", "product", "confirmed", "probabilistic", "thin_evidence"
]
DETERMINISTIC: frozenset[str] = frozenset({"order"})
# What a probable link must show about the buyer to reach the operator: the same name (never
# enough by itself, plan §12.1) and one more thing about the purchase — the same problem or
# the same size / order number. Product and time alone say nothing about who wrote.
# Measured on the emulator's tuning seeds (python -m agentiq.linking.evaluate): at ≥ 0.65
# precision rose from 2 % to ~43 % while keeping about half of the true links.
NAME_SIGNAL = "same_buyer_name"
PURCHASE_SIGNALS: frozenset[str] = frozenset({"same_problem", "extra"})


@dataclass(frozen=True, slots=True)
class PolicyRule:
    basis: Basis
    min_confidence: float
    action_mode: ActionMode
    reason: str


# First matching row wins; rows of one basis go from the highest bar down.
RULES: tuple[PolicyRule, ...] = (
    PolicyRule("current", 0.0, "current", "это обращение"),
    PolicyRule(
        "order", HIGH, "auto_allowed", "тот же заказ по данным WB: автоматические действия можно"
    ),
    PolicyRule("order", 0.0, "assist_only", "связь по заказу ниже порога 85 %: только подсказка"),
    PolicyRule(
        "customer_legacy",
        0.0,
        "assist_only",
        "id покупателя WB (clientID) — устаревший признак: без автоматических действий",
    ),
    PolicyRule(
        "product", 0.0, "assist_only", "тот же товар, покупатель может быть другим: только контекст"
    ),
    PolicyRule(
        "confirmed",
        0.0,
        "assist_only",
        "связь подтверждена оператором, но найдена по вероятности: без автоматических действий",
    ),
    PolicyRule(
        "probabilistic",
        MEDIUM,
        "assist_only",
        "вероятная связь: подсказка оператору, без автоматических действий",
    ),
    PolicyRule(
        "probabilistic",
        0.0,
        "analytics_only",
        "слабая вероятная связь: только для аналитики, в работе не показывается",
    ),
    PolicyRule(
        "thin_evidence",
        0.0,
        "analytics_only",
        "совпали только товар и время или одно имя — этого мало, чтобы считать покупателя тем же",
    ),
)


def has_buyer_evidence(signals: Sequence[str]) -> bool:
    names = set(signals)
    return NAME_SIGNAL in names and bool(names & PURCHASE_SIGNALS)


@dataclass(frozen=True, slots=True)
class Decision:
    action_mode: ActionMode
    policy_reason: str

    @property
    def auto_allowed(self) -> bool:
        return self.action_mode == "auto_allowed"

    @property
    def in_action_ui(self) -> bool:
        return self.action_mode != "analytics_only"


def decide(basis: str, confidence: float, *, signals: Sequence[str] | None = None) -> Decision:
    """The rule for a link; `signals` (names) lets a probable link be judged on its evidence."""
    if basis == "probabilistic" and signals is not None and not has_buyer_evidence(signals):
        basis = "thin_evidence"
    for rule in RULES:
        if rule.basis == basis and confidence >= rule.min_confidence:
            if rule.action_mode == "auto_allowed" and basis not in DETERMINISTIC:
                raise AssertionError(f"policy allows automatic actions on {basis}")
            return Decision(rule.action_mode, rule.reason)
    # Unknown evidence never acts on its own.
    return Decision("assist_only", "неизвестный вид связи: только подсказка")


def allows_auto_action(basis: str, confidence: float) -> bool:
    """The single question auto-answers and auto-escalation must ask about a link."""
    return decide(basis, confidence).auto_allowed


def confidence_words(basis: str, confidence: float) -> str:
    """The confidence as an operator reads it."""
    percent = f"{round(confidence * 100)} %"
    if basis == "current":
        return "это обращение"
    if basis == "order":
        return "точно тот же заказ"
    if basis == "customer_legacy":
        return "тот же покупатель по id WB"
    if basis == "confirmed":
        return "тот же покупатель, подтверждено оператором"
    if basis == "product":
        return "тот же товар"
    if confidence >= HIGH:
        return f"вероятная связь: скорее всего тот же покупатель, {percent}"
    if confidence >= MEDIUM:
        return f"вероятно тот же покупатель, {percent}"
    return f"слабая связь, {percent}"
