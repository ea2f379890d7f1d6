"""The evaluation command: passes on the committed set, and can fail."""

from __future__ import annotations

from agentiq.drafting import evaluate


def test_evaluation_passes_on_the_committed_set_held_out_included(capsys) -> None:  # type: ignore[no-untyped-def]
    assert evaluate.main(["--part", "heldout"]) == 0
    out = capsys.readouterr().out
    assert "must-block recall" in out and "precision" in out and "intent addressed" in out
    assert len(evaluate.load("heldout")) + len(evaluate.load("tuning")) >= 400


def test_evaluation_counts_misses_and_false_blocks() -> None:
    items = [
        {"kind": "block", "family": "contacts", "channel": "review", "text": "Спасибо!"},
        {"kind": "pass", "channel": "review", "text": "Пишите в телеграм"},
        {"kind": "block", "family": "contacts", "channel": "chat", "text": "Пишите в телеграм"},
    ]
    report = evaluate.evaluate_guardrails(items)
    assert (report.recall.hit, report.recall.total) == (1, 2)
    assert (report.false_blocks.hit, report.false_blocks.total) == (1, 1)


def test_set_shape_matches_the_brief() -> None:
    items = evaluate.load("tuning") + evaluate.load("heldout")
    blocks = [i for i in items if i["kind"] == "block"]
    assert len(blocks) >= 150
    assert sum(1 for i in blocks if i["evasion"]) * 2 >= len(blocks)
    assert len([i for i in items if i["kind"] == "pass"]) >= 100
    assert len([i for i in items if i["kind"] == "trap"]) >= 80
    families = {i["family"] for i in blocks}
    assert families >= {
        "ai_mention", "promise", "blame_buyer", "dismissive", "legal_threat", "jargon",
        "contacts", "review_manipulation", "competitor", "profanity", "personal_data",
    }  # fmt: skip
