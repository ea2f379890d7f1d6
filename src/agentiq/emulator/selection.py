"""Paging over status bytes without materialising items: count whole blocks, scan one."""

from __future__ import annotations

from collections.abc import Callable

BLOCK = 16384

Segment = tuple[int, int, bytes]  # [lo, hi) and the accepted status values


def count(status: bytearray, lo: int, hi: int, values: bytes) -> int:
    if hi <= lo:
        return 0
    return sum(status.count(v, lo, hi) for v in values)


def count_segments(status: bytearray, segments: list[Segment]) -> int:
    return sum(count(status, lo, hi, values) for lo, hi, values in segments)


def select(
    status: bytearray,
    segments: list[Segment],
    *,
    skip: int,
    take: int,
    desc: bool,
    accept: Callable[[int], bool] | None = None,
) -> list[int]:
    """Indices of matching items in date order after `skip`, at most `take` of them.

    Without `accept` whole blocks are skipped by counting (C speed); with it (a product
    filter) every candidate is checked, which is linear but still streamed.
    """
    out: list[int] = []
    if take <= 0:
        return out
    ordered = sorted(segments, key=lambda s: s[0], reverse=desc)
    for lo, hi, values in ordered:
        starts = list(range(lo, hi, BLOCK))
        if desc:
            starts.reverse()
        for b0 in starts:
            b1 = min(b0 + BLOCK, hi)
            if accept is None:
                c = count(status, b0, b1, values)
                if skip >= c:
                    skip -= c
                    continue
            indices = range(b1 - 1, b0 - 1, -1) if desc else range(b0, b1)
            for i in indices:
                if status[i] not in values or (accept is not None and not accept(i)):
                    continue
                if skip:
                    skip -= 1
                    continue
                out.append(i)
                if len(out) >= take:
                    return out
    return out
