"""The dispatcher and the sync see WB through the marketplace Protocol and its error types."""

from __future__ import annotations

import pytest

from agentiq.kit.errors import NotFound
from agentiq.marketplaces import base
from agentiq.marketplaces.registry import get_marketplace, marketplaces
from agentiq.marketplaces.wb import errors as wb
from agentiq.marketplaces.wb.client import WBClient


@pytest.mark.parametrize(
    ("wb_error", "meaning"),
    [
        (wb.WBNotFound, base.ItemNotFound),
        (wb.WBRateLimited, base.RateLimited),
        (wb.WBTransportError, base.Unavailable),
        (wb.WBUnknownOutcome, base.UnknownOutcome),
    ],
)
def test_wb_errors_are_marketplace_errors(wb_error: type[wb.WBError], meaning: type) -> None:
    error = wb_error(status=503, wb_text="Внутренняя ошибка")
    with pytest.raises(meaning) as caught:
        raise error
    assert caught.value.status == 503 and caught.value.remote_text == "Внутренняя ошибка"
    # A refusal is none of the retryable kinds: the dispatcher must not retry it blindly.
    assert not isinstance(wb.WBBadRequest(), (base.RateLimited, base.Unavailable))


def test_registry_lists_wildberries_and_refuses_unknown_names() -> None:
    assert [m.name for m in marketplaces()] == ["wb"]
    client = get_marketplace("wb").create_client("token", cabinet_key="c1", http=object())
    assert isinstance(client, WBClient) and isinstance(client, base.MarketplaceClient)
    assert isinstance(client.stats, base.ClientStats)
    with pytest.raises(NotFound):
        get_marketplace("ozon")
