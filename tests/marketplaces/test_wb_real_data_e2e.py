"""The connector on WB's real behaviour (issue 10): truncated pages, rate-limit headers on errors.

Against the emulator over real sockets.
"""

from __future__ import annotations

import httpx
import pytest

from agentiq.emulator.faults import FaultConfig
from agentiq.marketplaces.wb.client import RetryPolicy
from agentiq.marketplaces.wb.errors import WBMalformedResponse, WBNotFound
from tests.marketplaces.conftest import RunningEmulator, make_client


async def test_truncated_json_page_is_retried_like_a_5xx_before_failing(
    fast_wb: RunningEmulator, http: httpx.AsyncClient
) -> None:
    seller = fast_wb.emulator.add_seller(seed=71, feedbacks=200, questions=20, chats=3)
    wb = make_client(
        fast_wb, seller.token, http, retry=RetryPolicy(max_attempts=10, base_delay_s=0.005)
    )
    truth = await wb.list_feedbacks(is_answered=True, take=100, skip=0)
    fast_wb.emulator.set_faults(seller.seller_id, FaultConfig(malformed_json_rate=0.5))
    for _ in range(5):
        page = await wb.list_feedbacks(is_answered=True, take=100, skip=0)
        assert [f.id for f in page.items] == [f.id for f in truth.items]
        await wb.chat_events()
    assert wb.stats.retries > 0

    # Always truncated: retried as a 5xx would be, then a typed error (the channel fails).
    fast_wb.emulator.set_faults(seller.seller_id, FaultConfig(malformed_json_rate=1.0))
    start = len(fast_wb.hits)
    strict = make_client(fast_wb, seller.token, http, retry=RetryPolicy(base_delay_s=0.005))
    with pytest.raises(WBMalformedResponse):
        await strict.count_feedbacks(is_answered=True)
    assert len([h for h in fast_wb.hits[start:] if h.path.endswith("/count")]) == 4


async def test_emulator_sends_x_ratelimit_remaining_on_error_responses(
    strict_wb: RunningEmulator,
) -> None:
    seller = strict_wb.emulator.add_seller(seed=72, feedbacks=20, questions=5, chats=2)
    headers = {"Authorization": seller.token}
    async with httpx.AsyncClient(base_url=strict_wb.base_url, headers=headers) as raw:
        refused = await raw.get("/feedbacks-api/api/v1/feedback", params={"id": "NoSuchId000"})
        assert refused.status_code == 422
        assert refused.headers.get("X-Ratelimit-Remaining") is not None
        bad = await raw.get("/feedbacks-api/api/v1/feedbacks", params={"isAnswered": "maybe"})
        assert bad.status_code == 400 and "X-Ratelimit-Remaining" in bad.headers
        strict_wb.emulator.set_faults(seller.seller_id, FaultConfig(error_rate={503: 1.0}))
        down = await raw.get("/feedbacks-api/api/v1/feedbacks/count")
        assert down.status_code == 503 and "X-Ratelimit-Remaining" in down.headers
        strict_wb.emulator.set_faults(seller.seller_id, FaultConfig())


async def test_connector_pauses_at_remaining_zero_on_an_error_response_too(
    strict_wb: RunningEmulator, http: httpx.AsyncClient
) -> None:
    seller = strict_wb.emulator.add_seller(seed=73, feedbacks=20, questions=5, chats=2)
    # WB's own limits (3/s, burst 6) with no safety margin: only the header can save a 429.
    wb = make_client(
        strict_wb, seller.token, http, cabinet_key=seller.seller_id, limits=None, rate_margin=1.0
    )
    # Another integration of the same seller has used most of WB's bucket.
    async with httpx.AsyncClient(
        base_url=strict_wb.base_url, headers={"Authorization": seller.token}
    ) as other:
        for _ in range(5):
            assert (await other.get("/feedbacks-api/api/v1/feedbacks/count")).status_code == 200
    start = len(strict_wb.hits)
    with pytest.raises(WBNotFound):  # WB's 422 for an unknown id, with Remaining: 0
        await wb.get_feedback("NoSuchFeedback000000")
    await wb.count_feedbacks(is_answered=True)
    statuses = [h.status for h in strict_wb.hits[start:]]
    assert statuses == [422, 200], statuses
    assert wb.stats.throttled == 0
