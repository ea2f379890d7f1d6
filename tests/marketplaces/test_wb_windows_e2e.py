"""The date-window walker: complete, within WB's paging limits, splits windows, resumable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from agentiq.emulator import generator as gen
from agentiq.marketplaces.wb.windows import (
    FEEDBACK_LIMITS,
    QUESTION_LIMITS,
    PagingLimits,
    walk_feedbacks,
    walk_questions,
)
from tests.marketplaces.conftest import RunningEmulator, make_client


def listed_feedback_ids(running: RunningEmulator, seller_id: str) -> set[str]:
    """Ground truth: every feedback WB lists under isAnswered=true or false."""
    emulator = running.emulator
    state = emulator.seller(seller_id)
    ids: set[str] = set()
    for answered in (False, True):
        for lo, hi, values in emulator.feedback_segments(
            state, answered=answered, date_from=None, date_to=None
        ):
            ids |= {
                gen.item_id(state.data.seed, gen.FEEDBACK, i)
                for i in range(lo, hi)
                if state.data.feedbacks.status[i] in values
            }
    return ids


def list_queries(running: RunningEmulator, start: int, path_end: str) -> list[dict[str, int]]:
    out = []
    for hit in running.hits[start:]:
        if hit.path.endswith(path_end):
            query = parse_qs(hit.query)
            out.append({k: int(query[k][0]) for k in ("take", "skip")})
    return out


EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


async def test_feedback_walk_is_complete_and_splits_windows(fast_wb, http) -> None:
    seller = fast_wb.emulator.add_seller(seed=41, feedbacks=1500, questions=10, chats=1)
    wb = make_client(fast_wb, seller.token, http)
    truth = listed_feedback_ids(fast_wb, seller.seller_id)
    small = PagingLimits(max_take=100, max_skip=200, max_take_plus_skip=None)  # capacity 300
    start = len(fast_wb.hits)
    walker = walk_feedbacks(wb, date_from=EPOCH, take=100, limits=small)
    seen: list[str] = []
    watermarks: list[datetime] = []
    async for page in walker.pages():
        seen += [item.id for item in page.items]
        assert not page.invalid and not page.truncated
        if page.watermark is not None:
            watermarks.append(page.watermark)
    assert len(seen) == len(set(seen)), "no item is yielded twice"
    assert set(seen) == truth
    assert walker.stats.splits > 0
    assert watermarks == sorted(watermarks) and len(watermarks) == walker.stats.windows
    # Only ids a later window could list again are remembered (at most one window's worth,
    # both answered states): memory is bounded by the paging capacity, not by the history.
    assert walker.remembered_ids <= 2 * small.capacity(100) < len(seen)
    assert watermarks[-1] >= datetime.now(UTC) - timedelta(minutes=1)
    for query in list_queries(fast_wb, start, "/api/v1/feedbacks"):
        assert query["take"] <= 100 and query["skip"] <= 200


async def test_feedback_walk_resumes_from_watermark(fast_wb, http) -> None:
    seller = fast_wb.emulator.add_seller(seed=42, feedbacks=900, questions=10, chats=1)
    wb = make_client(fast_wb, seller.token, http)
    truth = listed_feedback_ids(fast_wb, seller.seller_id)
    small = PagingLimits(max_take=100, max_skip=100, max_take_plus_skip=None)
    seen: set[str] = set()
    watermark = None
    async for page in walk_feedbacks(wb, date_from=EPOCH, take=100, limits=small).pages():
        seen |= {item.id for item in page.items}
        if page.watermark is not None:
            watermark = page.watermark
            break  # the sync "crashes" right after persisting its first watermark
    assert watermark is not None and seen < truth
    resumed = walk_feedbacks(wb, date_from=watermark, take=100, limits=small)
    async for page in resumed.pages():
        seen |= {item.id for item in page.items}
    assert seen == truth


async def test_feedback_answered_state_only(fast_wb, http) -> None:
    seller = fast_wb.emulator.add_seller(seed=43, feedbacks=400, questions=10, chats=1)
    wb = make_client(fast_wb, seller.token, http)
    ids = set()
    async for page in walk_feedbacks(wb, date_from=EPOCH, answered_states=(True,)).pages():
        assert page.is_answered
        # Processed: answered, or a rating without text (WB lists those here too).
        assert all(item.is_answered or not item.text for item in page.items)
        ids |= {item.id for item in page.items}
    assert len(ids) == await wb.count_feedbacks(is_answered=True)


async def test_question_walk_respects_take_plus_skip_cap(fast_wb, http) -> None:
    # More questions than take + skip can ever reach (10 000): the walker must split.
    seller = fast_wb.emulator.add_seller(seed=44, feedbacks=10, questions=23_000, chats=1)
    wb = make_client(fast_wb, seller.token, http)
    state = fast_wb.emulator.seller(seller.seller_id)
    start = len(fast_wb.hits)
    walker = walk_questions(wb, date_from=EPOCH)
    ids: list[str] = []
    async for page in walker.pages():
        ids += [q.id for q in page.items]
    assert len(ids) == len(set(ids)) == state.question_total
    assert walker.stats.splits >= 2
    for query in list_queries(fast_wb, start, "/api/v1/questions"):
        assert query["take"] + query["skip"] <= 10_000


def test_paging_limits_arithmetic() -> None:
    assert FEEDBACK_LIMITS.capacity(5000) == 200_000
    assert FEEDBACK_LIMITS.take_at(195_000, 5000) == 5000
    assert FEEDBACK_LIMITS.take_at(200_000, 5000) == 0
    assert QUESTION_LIMITS.capacity(5000) == 10_000
    assert QUESTION_LIMITS.take_at(9_000, 5000) == 1000
    assert QUESTION_LIMITS.take_at(10_000, 5000) == 0


async def test_walker_rejects_nothing_on_empty_range(fast_wb, http) -> None:
    seller = fast_wb.emulator.add_seller(seed=45, feedbacks=50, questions=10, chats=1)
    wb = make_client(fast_wb, seller.token, http)
    future = datetime.now(UTC) + timedelta(days=1)
    pages = [
        p
        async for p in walk_feedbacks(
            wb, date_from=future, date_to=future + timedelta(days=1)
        ).pages()
    ]
    # Counts say 0 for both states: no list call, one empty page that carries the watermark.
    assert len(pages) == 1 and pages[0].items == [] and pages[0].watermark is not None
    with pytest.raises(ValueError):
        await wb.list_feedbacks(is_answered=True, take=5001, skip=0)
    with pytest.raises(ValueError):
        await wb.list_questions(is_answered=True, take=5000, skip=5001)


async def test_stale_count_restarts_from_last_date(fast_wb, http) -> None:
    """Items answered mid-walk make the answered count stale; paging then hits the skip cap
    and the walker must restart from the last item's date without losing anything."""
    emulator = fast_wb.emulator
    seller = fast_wb.emulator.add_seller(seed=46, feedbacks=3000, questions=10, chats=1)
    state = emulator.seller(seller.seller_id)
    wb = make_client(fast_wb, seller.token, http)
    truth = listed_feedback_ids(fast_wb, seller.seller_id)
    small = PagingLimits(max_take=50, max_skip=100, max_take_plus_skip=None)  # capacity 150
    walker = walk_feedbacks(wb, date_from=EPOCH, take=50, limits=small, prefetch=0)
    seen: set[str] = set()
    answered_windows: set[tuple[datetime, datetime]] = set()
    async for page in walker.pages():
        seen |= {item.id for item in page.items}
        window = (page.window_from, page.window_to)
        if not page.is_answered and page.items and window not in answered_windows:
            # WB changes under our feet: every open feedback of this window gets answered
            # before the walker reads the answered side of the window.
            answered_windows.add(window)
            listing = await wb.list_feedbacks(
                is_answered=False,
                take=5000,
                skip=0,
                date_from=page.window_from,
                date_to=page.window_to,
            )
            for item in listing.items:
                emulator.answer_feedback(state, item.id, "Спасибо за отзыв!")
    assert walker.stats.restarts >= 1
    assert seen == truth
