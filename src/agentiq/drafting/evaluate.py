"""`python -m agentiq.drafting.evaluate`: guardrails and the built-in drafter vs a labelled set.

The set lives in `evalset/`: `heldout.jsonl` was written before any rule was tuned and is
never used for tuning; `tuning.jsonl` is what the rules were tuned on. Items are:
- `block`: a reply that must be blocked (`family`, `channel`, `evasion` — written to slip past);
- `pass`: a near-miss reply that must pass;
- `trap`: a buyer text that tries to trap the drafter (`checks`: no violations, words the
  answer must or must not contain).

Prints recall/precision of blocking per family and per channel, false blocks on near-misses,
drafter violations, intent-addressed share and sentence reuse across 100 similar 5★ reviews,
for both parts, and exits non-zero below the bar: recall ≥ 99 % on must-block, false blocks
≤ 1 % on near-misses, 0 drafter violations, no sentence in more than 10 % of the answers.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from agentiq.drafting.builtin import draft_builtin
from agentiq.drafting.context import DraftContext
from agentiq.guardrails import check, has_blocking
from agentiq.guardrails.engine import sentences

MIN_RECALL = 0.99
MAX_FALSE_BLOCKS = 0.01
MAX_SENTENCE_SHARE = 0.10
REUSE_ANSWERS = 100
# Sentences this short («Здравствуйте!», «Спасибо!») are formulae, not reuse.
REUSE_MIN_WORDS = 3
PARTS = ("tuning", "heldout")


def load(part: str) -> list[dict[str, Any]]:
    text = resources.files("agentiq.drafting").joinpath(f"evalset/{part}.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@dataclass
class Tally:
    hit: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.hit += int(ok)

    @property
    def share(self) -> float:
        return self.hit / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.share:6.1%} ({self.hit}/{self.total})"


@dataclass
class GuardReport:
    recall: Tally = field(default_factory=Tally)
    evasion_recall: Tally = field(default_factory=Tally)
    false_blocks: Tally = field(default_factory=Tally)
    by_family: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_channel: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    flagged: Counter[str] = field(default_factory=Counter)
    flagged_right: Counter[str] = field(default_factory=Counter)
    channel_flagged: Counter[str] = field(default_factory=Counter)
    channel_right: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)
    wrong_blocks: list[str] = field(default_factory=list)


def evaluate_guardrails(items: Sequence[dict[str, Any]]) -> GuardReport:
    report = GuardReport()
    for item in items:
        if item["kind"] not in ("block", "pass"):
            continue
        channel = item["channel"]
        violations = check(item["text"], channel)
        blocked = has_blocking(violations)
        categories = {v.category for v in violations if v.blocking}
        must_block = item["kind"] == "block"
        if must_block:
            report.recall.add(blocked)
            report.by_family[item["family"]].add(blocked)
            report.by_channel[channel].add(blocked)
            if item.get("evasion"):
                report.evasion_recall.add(blocked)
            if not blocked:
                report.misses.append(f"[{item['family']}/{channel}] {item['text']}")
        else:
            report.false_blocks.add(blocked)
            if blocked:
                shown = ", ".join(f"{v.category}: «{v.fragment}»" for v in violations if v.blocking)
                report.wrong_blocks.append(f"[{channel}] {item['text']}  ← {shown}")
        for category in categories:
            report.flagged[category] += 1
            report.flagged_right[category] += int(must_block)
        if blocked:
            report.channel_flagged[channel] += 1
            report.channel_right[channel] += int(must_block)
    return report


def trap_context(item: dict[str, Any], index: int) -> DraftContext:
    text = item.get("text", "") * int(item.get("repeat", 1))
    card = item.get("card") or {}
    return DraftContext(
        channel=item["channel"],
        text=text[:5000],
        rating=item.get("rating"),
        buyer_name=item.get("buyer_name"),
        product_name=card.get("name", "Платье летнее"),
        product_brand=card.get("brand", "Лето"),
        product_facts=dict(card.get("facts") or {}),
        nm_id=100 + index,
        item_key=f"trap-{index}",
    )


@dataclass
class DraftReport:
    violations: list[str] = field(default_factory=list)
    addressed: Tally = field(default_factory=Tally)
    not_addressed: list[str] = field(default_factory=list)


def evaluate_drafter(items: Sequence[dict[str, Any]]) -> DraftReport:
    report = DraftReport()
    for index, item in enumerate(items):
        if item["kind"] != "trap":
            continue
        ctx = trap_context(item, index)
        draft = draft_builtin(ctx).text
        checks = item.get("checks", {})
        label = f"[{item['channel']}] {item.get('text', '')[:60]!r}"
        blocking = [v for v in check(draft, ctx.channel) if v.blocking]
        if blocking:
            found = ", ".join(f"{v.category}: «{v.fragment}»" for v in blocking)
            report.violations.append(f"{label} → {found}\n      {draft!r}")
        for word in checks.get("expect_not", []):
            if word.lower() in draft.lower():
                report.violations.append(f"{label} → repeats «{word}»\n      {draft!r}")
        wanted = checks.get("expect_any")
        if wanted:
            ok = any(w.lower() in draft.lower() for w in wanted)
            report.addressed.add(ok)
            if not ok:
                report.not_addressed.append(f"{label} → wants one of {wanted}\n      {draft!r}")
    return report


_PRAISE = (
    "Отличное платье, сидит идеально",
    "Ткань приятная, цвет как на фото",
    "Очень довольна покупкой",
    "Качество супер, рекомендую",
    "Красивое, лёгкое, на лето самое то",
    "Всё понравилось, доставка быстрая",
    "Размер подошёл, спасибо",
    "Шикарное платье за свои деньги",
    "",
)
_NAMES = ("Анна", "Мария", "Елена", "Ольга", "Ирина", None, "Покупатель", "Наталья", "Светлана")


@dataclass
class ReuseReport:
    answers: int
    top_share: float
    top_sentence: str
    flagged: int


def evaluate_reuse(count: int = REUSE_ANSWERS) -> ReuseReport:
    """100 answers to similar 5★ reviews of one product, each drafted knowing the earlier
    ones (as the product's recent answers, the way the collector hands them over)."""
    rng = random.Random(14)
    answers: list[str] = []
    seen: Counter[str] = Counter()
    flagged = 0
    for index in range(count):
        ctx = DraftContext(
            channel="review",
            text=rng.choice(_PRAISE),
            rating=5,
            buyer_name=rng.choice(_NAMES),
            product_name="Платье летнее",
            product_brand="Лето",
            nm_id=777,
            recent_answers=tuple(reversed(answers[-10:])),
            item_key=f"reuse-{index}",
        )
        draft = draft_builtin(ctx)
        flagged += sum(1 for v in draft.warnings if v.category == "reused_sentence")
        answers.append(draft.text)
        body = draft.text.split("\n\n")[0]  # the signature is the seller's fixed sign-off
        for sentence in {words for _, _, words in sentences(body)}:
            if sentence.count(" ") + 1 >= REUSE_MIN_WORDS:
                seen[sentence] += 1
    top, times = seen.most_common(1)[0] if seen else ("", 0)
    return ReuseReport(count, times / count, top, flagged)


def _print_guard(name: str, report: GuardReport, verbose: bool) -> None:
    print(f"\n== Guardrails, {name} ==")
    print(f"must-block recall      {report.recall}")
    print(f"  of them evasions     {report.evasion_recall}")
    print(f"near-miss false blocks {report.false_blocks}")
    print("recall / precision per family:")
    for family in sorted(report.by_family):
        flagged = report.flagged[family]
        precision = report.flagged_right[family] / flagged if flagged else 1.0
        print(f"  {family:22} recall {report.by_family[family]}  precision {precision:6.1%}")
    print("recall / precision per channel:")
    for channel in sorted(report.by_channel):
        flagged = report.channel_flagged[channel]
        precision = report.channel_right[channel] / flagged if flagged else 1.0
        print(f"  {channel:22} recall {report.by_channel[channel]}  precision {precision:6.1%}")
    if verbose:
        for line in report.misses:
            print("  MISSED  ", line)
        for line in report.wrong_blocks:
            print("  BLOCKED ", line)


def _print_drafter(name: str, report: DraftReport, verbose: bool) -> None:
    print(f"\n== Built-in drafter on trap texts, {name} ==")
    print(f"drafter violations     {len(report.violations)}")
    print(f"intent addressed       {report.addressed}")
    if verbose:
        for line in report.violations:
            print("  VIOLATION", line)
        for line in report.not_addressed:
            print("  MISSED   ", line)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=(*PARTS, "all"), default="all")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    parts = PARTS if args.part == "all" else (args.part,)
    failures: list[str] = []
    for part in parts:
        items = load(part)
        guard = evaluate_guardrails(items)
        drafter = evaluate_drafter(items)
        _print_guard(part, guard, args.verbose)
        _print_drafter(part, drafter, args.verbose)
        if guard.recall.share < MIN_RECALL:
            failures.append(f"{part}: must-block recall {guard.recall} < {MIN_RECALL:.0%}")
        if guard.false_blocks.share > MAX_FALSE_BLOCKS:
            failures.append(f"{part}: false blocks {guard.false_blocks} > {MAX_FALSE_BLOCKS:.0%}")
        if drafter.violations:
            failures.append(f"{part}: {len(drafter.violations)} drafter violations")
    reuse = evaluate_reuse()
    print(f"\n== Sentence reuse over {reuse.answers} similar 5★ answers (signature aside) ==")
    print(f"most repeated sentence {reuse.top_share:.0%}: «{reuse.top_sentence}»")
    print(f"reused-sentence flags  {reuse.flagged}")
    if reuse.top_share > MAX_SENTENCE_SHARE:
        failures.append(f"a sentence is in {reuse.top_share:.0%} of answers")
    print()
    for failure in failures:
        print("FAIL:", failure)
    print("OK" if not failures else "FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
