"""Wildberries connector: typed client, errors, token check, window walker."""

from __future__ import annotations

from typing import Any

from agentiq.kit.http import get_http_client
from agentiq.marketplaces.base import Marketplace
from agentiq.marketplaces.wb.client import (
    PRODUCTION_HOSTS,
    SANDBOX_HOSTS,
    RetryPolicy,
    WBClient,
    WBClientStats,
    WBHosts,
    check_connection,
)
from agentiq.marketplaces.wb.errors import (
    WBAuthError,
    WBBadRequest,
    WBError,
    WBMalformedResponse,
    WBNotFound,
    WBPaymentRequired,
    WBRateLimited,
    WBServerError,
    WBTransportError,
    WBUnknownOutcome,
)
from agentiq.marketplaces.wb.token import (
    ConnectionCheck,
    TokenInfo,
    TokenMalformed,
    decode_token,
    describe_connection,
)


def create_wb_client(token: str, *, cabinet_key: str, **options: Any) -> WBClient:
    """Registry factory: the process-wide HTTP client unless one is passed."""
    http = options.pop("http", None) or get_http_client()
    return WBClient(token, http=http, cabinet_key=cabinet_key, **options)


# Listed in marketplaces/registry.py.
WILDBERRIES = Marketplace(name="wb", title="Wildberries", create_client=create_wb_client)

__all__ = [
    "PRODUCTION_HOSTS",
    "SANDBOX_HOSTS",
    "WILDBERRIES",
    "ConnectionCheck",
    "RetryPolicy",
    "TokenInfo",
    "TokenMalformed",
    "WBAuthError",
    "WBBadRequest",
    "WBClient",
    "WBClientStats",
    "WBError",
    "WBHosts",
    "WBMalformedResponse",
    "WBNotFound",
    "WBPaymentRequired",
    "WBRateLimited",
    "WBServerError",
    "WBTransportError",
    "WBUnknownOutcome",
    "check_connection",
    "create_wb_client",
    "decode_token",
    "describe_connection",
]
