"""Measure the cause classifier on the labelled sets: `python -m agentiq.appeals.evaluate`.

Prints accuracy per cause and overall, and the appeal queue's precision (of the reviews
proposed for an appeal, how many are truly not about the product), for the tuning part and
the held-out part separately. Exits non-zero below the bars the issue sets.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from agentiq.appeals.causes import APPEALABLE_CAUSES, CAUSES, PRODUCT_CAUSES, classify

LABELLED = Path(__file__).parent / "labelled"
PARTS = ("tune", "heldout")
MIN_ACCURACY = 0.90
MIN_QUEUE_PRECISION = 0.95


@dataclass(frozen=True)
class Labelled:
    id: str
    rating: int
    text: str
    cause: str


@dataclass(frozen=True)
class Report:
    part: str
    total: int
    correct: int
    per_cause: dict[str, tuple[int, int]]
    proposed: int
    proposed_correct: int
    product_proposed: list[str]
    mistakes: list[tuple[str, str, str]]

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def queue_precision(self) -> float:
        return self.proposed_correct / self.proposed if self.proposed else 1.0


def load(part: str) -> list[Labelled]:
    rows = []
    for line in (LABELLED / f"{part}.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            rows.append(Labelled(data["id"], int(data["rating"]), data["text"], data["cause"]))
    return rows


def evaluate(part: str) -> Report:
    rows = load(part)
    seen: Counter[str] = Counter()
    right: Counter[str] = Counter()
    proposed = proposed_correct = 0
    product_proposed: list[str] = []
    mistakes: list[tuple[str, str, str]] = []
    for row in rows:
        result = classify(row.text, rating=row.rating)
        seen[row.cause] += 1
        if result.cause == row.cause:
            right[row.cause] += 1
        else:
            mistakes.append((row.id, row.cause, result.cause))
        if result.proposed:
            proposed += 1
            if row.cause in APPEALABLE_CAUSES:
                proposed_correct += 1
            if row.cause in PRODUCT_CAUSES:
                product_proposed.append(row.id)
    return Report(
        part=part,
        total=len(rows),
        correct=sum(right.values()),
        per_cause={c: (right[c], seen[c]) for c in CAUSES},
        proposed=proposed,
        proposed_correct=proposed_correct,
        product_proposed=product_proposed,
        mistakes=mistakes,
    )


def format_report(report: Report) -> str:
    lines = [f"== {report.part}: {report.total} reviews"]
    for cause, (right, seen) in report.per_cause.items():
        share = right / seen if seen else 0.0
        lines.append(f"  {cause:<11} {right:>3}/{seen:<3} {share:6.1%}")
    lines.append(f"  overall     {report.correct:>3}/{report.total:<3} {report.accuracy:6.1%}")
    lines.append(
        f"  appeal queue precision {report.proposed_correct}/{report.proposed} "
        f"{report.queue_precision:.1%}; product complaints proposed: "
        f"{', '.join(report.product_proposed) or 'none'}"
    )
    for row_id, expected, got in report.mistakes:
        lines.append(f"  miss {row_id}: labelled {expected}, classified {got}")
    return "\n".join(lines)


def main() -> int:
    ok = True
    for part in PARTS:
        report = evaluate(part)
        print(format_report(report))
        ok = ok and report.accuracy >= MIN_ACCURACY
        ok = ok and report.queue_precision >= MIN_QUEUE_PRECISION
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
