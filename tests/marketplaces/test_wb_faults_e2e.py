"""Faults injected by the emulator: reads retry, writes never retry blindly, bad payloads are
typed errors or per-item failures."""

from __future__ import annotations

import itertools
import time

import httpx
import pytest

from agentiq.emulator.faults import FaultConfig
from agentiq.marketplaces.wb.client import RetryPolicy
from agentiq.marketplaces.wb.errors import (
    WBMalformedResponse,
    WBRateLimited,
    WBServerError,
    WBTransportError,
    WBUnknownOutcome,
)
from tests.marketplaces.conftest import RunningEmulator, make_client


@pytest.fixture
def seller(fast_wb: RunningEmulator):
    return fast_wb.emulator.add_seller("Сбои", seed=21, feedbacks=400, questions=50, chats=5)


def hits_since(running: RunningEmulator, start: int, path_end: str) -> list:
    return [h for h in running.hits[start:] if h.path.endswith(path_end)]


async def test_malformed_json_is_a_typed_error(fast_wb, seller, http) -> None:
    wb = make_client(fast_wb, seller.token, http)
    fast_wb.emulator.set_faults(seller.seller_id, FaultConfig(malformed_json_rate=1.0))
    with pytest.raises(WBMalformedResponse):
        await wb.list_feedbacks(is_answered=True, take=10, skip=0)
    with pytest.raises(WBMalformedResponse):
        await wb.count_feedbacks(is_answered=True)
    with pytest.raises(WBMalformedResponse):
        await wb.chat_events()


async def test_broken_items_are_recorded_and_skipped(fast_wb, seller, http) -> None:
    wb = make_client(fast_wb, seller.token, http)
    healthy = await wb.list_feedbacks(is_answered=True, take=200, skip=0)
    fast_wb.emulator.set_faults(seller.seller_id, FaultConfig(broken_item_rate=0.5))
    page = await wb.list_feedbacks(is_answered=True, take=200, skip=0)
    assert page.size == healthy.size
    assert page.invalid, "some broken items must fail validation"
    assert len(page.items) >= healthy.size // 4
    known = {f.id for f in healthy.items}
    assert {bad.external_id for bad in page.invalid} <= known
    assert all(bad.error for bad in page.invalid)
    # The valid rest of the page is intact.
    assert {f.id for f in page.items} | {b.external_id for b in page.invalid} == known


async def test_reads_retry_5xx_then_give_up(fast_wb, seller, http) -> None:
    wb = make_client(fast_wb, seller.token, http)
    fast_wb.emulator.set_faults(seller.seller_id, FaultConfig(error_rate={500: 1.0}))
    start = len(fast_wb.hits)
    with pytest.raises(WBServerError) as info:
        await wb.count_feedbacks(is_answered=False)
    assert info.value.status == 500
    assert len(hits_since(fast_wb, start, "/feedbacks/count")) == 4
    assert wb.stats.retries == 3


async def test_reads_survive_intermittent_5xx(fast_wb, seller, http) -> None:
    wb = make_client(
        fast_wb, seller.token, http, retry=RetryPolicy(max_attempts=8, base_delay_s=0.005)
    )
    fast_wb.emulator.set_faults(seller.seller_id, FaultConfig(error_rate={502: 0.2, 503: 0.2}))
    truth = None
    for _ in range(10):
        value = await wb.count_feedbacks(is_answered=True)
        truth = truth if truth is not None else value
        assert value == truth
    assert wb.stats.retries > 0


async def test_writes_are_not_retried_on_5xx(fast_wb, seller, http) -> None:
    wb = make_client(fast_wb, seller.token, http)
    target = (await wb.list_feedbacks(is_answered=False, take=1, skip=0)).items[0]
    fast_wb.emulator.set_faults(seller.seller_id, FaultConfig(error_rate={503: 1.0}))
    start = len(fast_wb.hits)
    with pytest.raises(WBUnknownOutcome) as info:
        await wb.answer_feedback(target.id, "Спасибо за отзыв!")
    assert info.value.status == 503
    assert len(hits_since(fast_wb, start, "/feedbacks/answer")) == 1


async def test_timeouts_retry_reads_and_make_writes_unknown(fast_wb, seller, http) -> None:
    wb = make_client(fast_wb, seller.token, http, timeout=httpx.Timeout(0.3, connect=1.0))
    target = (await wb.list_feedbacks(is_answered=False, take=1, skip=0)).items[0]
    fast_wb.emulator.set_faults(seller.seller_id, FaultConfig(timeout_rate=1.0, timeout_s=1.0))
    start = len(fast_wb.hits)
    with pytest.raises(WBTransportError):
        await wb.count_feedbacks(is_answered=False)
    assert len(hits_since(fast_wb, start, "/feedbacks/count")) == 4

    start = len(fast_wb.hits)
    with pytest.raises(WBUnknownOutcome):
        await wb.answer_feedback(target.id, "Спасибо, что выбрали нас!")
    assert len(hits_since(fast_wb, start, "/feedbacks/answer")) == 1
    # The emulator did apply it: exactly why a blind retry would post a duplicate.
    state = fast_wb.emulator.seller(seller.seller_id)
    assert [r.text for r in state.received_answers if r.item_id == target.id] == [
        "Спасибо, что выбрали нас!"
    ]


async def test_injected_429_follows_retry_header_then_gives_up(fast_wb, seller, http) -> None:
    wb = make_client(fast_wb, seller.token, http, retry=RetryPolicy(max_throttled=2))
    fast_wb.emulator.set_faults(seller.seller_id, FaultConfig(error_rate={429: 1.0}))
    start = len(fast_wb.hits)
    started = time.monotonic()
    with pytest.raises(WBRateLimited):
        await wb.count_questions(is_answered=False)
    hits = hits_since(fast_wb, start, "/questions/count")
    assert [h.status for h in hits] == [429, 429, 429]
    for earlier, later in itertools.pairwise(hits):
        assert earlier.retry_header == 1.0
        assert later.at - earlier.at >= 0.95
    assert time.monotonic() - started >= 1.9
    assert wb.stats.throttled == 3 and wb.stats.rate_limit_waits >= 2
