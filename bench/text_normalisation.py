"""The shared normalisation's cost where it matters: triage per synced item, guardrails per reply.

    .venv/bin/python bench/text_normalisation.py [--items 20000]

Texts are the emulator's generated WB feedbacks (text, pros, cons). "baseline" is the triage
tokenizer before the shared normalisation (lower case, «ё» → «е», a word regex, per-word
repair of the 12 Latin look-alikes), kept here only as the yardstick; "shared" is
`agentiq.triage.text.Text.of` as it runs now (`kit/textnorm.fold`: NFKC, case folding,
decoration removed, confusables both ways). Both are timed in the same run, best of 5; the
end-to-end effect on a sync is `bench/ingest_throughput.py`. Guardrails are timed per reply
over the replies of the evaluation set.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable, Sequence

from agentiq.drafting.evaluate import load
from agentiq.emulator import generator as gen
from agentiq.guardrails import check
from agentiq.triage.text import Text

_WORD_RE = re.compile(r"[a-zа-я0-9]+")
_CYR_RE = re.compile(r"[а-я]")
_LAT_RE = re.compile(r"[a-z]")
_L2C = str.maketrans("aceopxykmtbh", "асеорхукмтвн")
_C2L = str.maketrans("асеорхукмтвн", "aceopxykmtbh")
_LAT, _CYR = set("aceopxykmtbh"), set("асеорхукмтвн")


def _baseline_fix(word: str) -> str:
    if not (_CYR_RE.search(word) and _LAT_RE.search(word)):
        return word
    if set(_LAT_RE.findall(word)) <= _LAT:
        return word.translate(_L2C)
    if set(_CYR_RE.findall(word)) <= _CYR:
        return word.translate(_C2L)
    return word


def baseline_tokens(*parts: str) -> tuple[str, ...]:
    tokens: list[str] = []
    for part in parts:
        if part:
            lowered = part.lower().replace("ё", "е")
            tokens.extend(_baseline_fix(w) for w in _WORD_RE.findall(lowered))
    return tuple(tokens)


def best_of(runs: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=20_000)
    args = parser.parse_args(argv)
    dataset = gen.make_dataset(7, args.items, 0, time.time())
    items = [dataset.base_feedback(i) for i in range(args.items)]
    parts = [(f.get("text") or "", f.get("pros") or "", f.get("cons") or "") for f in items]

    base = best_of(5, lambda: [baseline_tokens(*p) for p in parts])
    shared = best_of(5, lambda: [Text.of(*p) for p in parts])
    n = len(parts)
    print(f"items                       {n}")
    print(f"baseline tokenizer          {base / n * 1e6:7.1f} µs/item")
    print(f"shared normalisation        {shared / n * 1e6:7.1f} µs/item")
    print(f"ratio shared / baseline     {shared / base:7.2f}")

    replies = [i["text"] for i in load("tuning") + load("heldout") if i["kind"] != "trap"]
    guard = best_of(3, lambda: [check(t, "review") for t in replies])
    print(
        f"guardrails check            {guard / len(replies) * 1e3:7.2f} ms/reply "
        f"({len(replies)} replies)"
    )


if __name__ == "__main__":
    main()
