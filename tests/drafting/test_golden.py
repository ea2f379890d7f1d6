"""The golden set: every built-in draft passes every blocking guardrail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from agentiq.drafting.context import INTENTS
from agentiq.drafting.golden import golden_items, run, summary
from agentiq.guardrails import check, has_blocking

ROOT = Path(__file__).resolve().parents[2]


def test_golden_set_covers_channels_ratings_intents_and_attacks() -> None:
    items = golden_items()
    assert len(items) >= 200
    assert len({i.name for i in items}) == len(items)
    assert {i.ctx.channel for i in items} == {"review", "question", "chat"}
    ratings = {i.ctx.rating for i in items if i.ctx.channel == "review"}
    assert {1, 2, 3, 4, 5} <= ratings
    assert set(INTENTS) <= {i.ctx.intent for i in items if i.ctx.channel == "question"}
    texts = [i.ctx.text for i in items]
    assert any("игнорируй" in t.lower() for t in texts)
    assert any(t.strip() == "" for t in texts)
    assert any(len(t) > 5000 for t in texts)
    assert any(t.isascii() and t for t in texts)


def test_every_builtin_draft_passes_blocking_guardrails() -> None:
    outcomes = run(variants=2)
    failed = [o for o in outcomes if not o.passed]
    assert not failed, summary(outcomes)
    for outcome in outcomes:
        # Re-check independently of the drafter's own bookkeeping.
        assert not has_blocking(check(outcome.text, outcome.item.ctx.channel)), outcome.text


def test_golden_is_deterministic() -> None:
    first = [o.text for o in run(variants=1)]
    second = [o.text for o in run(variants=1)]
    assert first == second


def test_cli_prints_summary_and_exits_zero() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "agentiq.drafting.golden"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "review" in proc.stdout and "question" in proc.stdout and "chat" in proc.stdout
    all_row = next(line for line in proc.stdout.splitlines() if line.startswith("all"))
    items, drafts, passed, failed = (int(x) for x in all_row.split()[1:5])
    assert items >= 200 and passed == drafts and failed == 0
