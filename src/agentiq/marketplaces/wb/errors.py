"""Typed WB errors, parsed from all four WB error envelopes (REFERENCE §1.3).

Each error carries the HTTP status, WB's own text (`wb_text`), WB's `requestId` and `origin`
so support tickets to WB can quote them. `message` is Russian: it may reach the seller.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from agentiq.marketplaces.base import (
    ItemNotFound,
    MarketplaceError,
    RateLimited,
    Unavailable,
    UnknownOutcome,
)


class WBError(MarketplaceError):
    status_code = 502
    code = "wb_error"
    default_message = "Ошибка API Wildberries"

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        wb_text: str = "",
        request_id: str | None = None,
        origin: str | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(message or self.default_message, details=details)
        self.status = status
        self.wb_text = wb_text
        self.request_id = request_id
        self.origin = origin

    @property
    def remote_text(self) -> str:
        return self.wb_text

    def __str__(self) -> str:
        parts = [self.message]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.wb_text:
            parts.append(f"WB: {self.wb_text}")
        if self.request_id:
            parts.append(f"requestId={self.request_id}")
        return " | ".join(parts)


class WBAuthError(WBError):
    """401/403: the token is invalid, expired, revoked or lacks the category."""

    code = "wb_token_invalid"
    default_message = "Токен WB недействителен или не даёт доступа к этому разделу"

    @property
    def is_scope_error(self) -> bool:
        return "scope" in self.wb_text.lower()


class WBPaymentRequired(WBError):
    code = "wb_payment_required"
    default_message = "WB требует оплату: баланс сервиса в каталоге решений пуст"


class WBRateLimited(WBError, RateLimited):
    code = "wb_rate_limited"
    default_message = "Превышен лимит запросов к WB"

    def __init__(self, message: str | None = None, *, retry_after: float = 1.0, **kw: Any):
        super().__init__(message, **kw)
        self.retry_after = retry_after


class WBBadRequest(WBError):
    """400/422: WB refused the request; `wb_text` says why."""

    code = "wb_bad_request"
    default_message = "WB отклонил запрос"


class WBNotFound(WBError, ItemNotFound):
    code = "wb_not_found"
    default_message = "WB не нашёл объект"


class WBServerError(WBError):
    code = "wb_server_error"
    default_message = "Сервер WB временно недоступен"


class WBTransportError(WBError, Unavailable):
    """Network failure or timeout on a read, after all retries."""

    code = "wb_unavailable"
    default_message = "Не удалось связаться с WB"


class WBUnknownOutcome(WBError, UnknownOutcome):
    """A write timed out or got 5xx: WB may or may not have applied it.

    Never retry blindly: WB has no idempotency keys, so read the item back first.
    """

    code = "wb_unknown_outcome"
    default_message = "Неизвестно, принял ли WB ответ: нужна проверка перед повтором"


class WBMalformedResponse(WBError):
    """WB answered, but not with what its docs promise (bad JSON, wrong types)."""

    code = "wb_malformed_response"
    default_message = "WB вернул ответ в неожиданном формате"


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return None


def wb_text_of(body: Any) -> tuple[str, str | None, str | None]:
    """(text, requestId, origin) from any WB envelope; empty text if none is recognisable."""
    if not isinstance(body, dict):
        return "", None, None
    request_id = body.get("requestId") if isinstance(body.get("requestId"), str) else None
    origin = body.get("origin") if isinstance(body.get("origin"), str) else None
    # Legacy feedbacks/questions envelope: errorText + additionalErrors.
    text = body.get("errorText")
    if isinstance(text, str) and text:
        extra = body.get("additionalErrors")
        if isinstance(extra, list) and extra:
            text = "; ".join([text, *[str(e) for e in extra]])
        return text, request_id, origin
    # Problem-style (gateway 401/429, 402, fbapi 400, pins, chat 400): detail, then title.
    for key in ("detail", "error", "title", "message"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value, request_id, origin
    # Chat success envelope with errors.
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        return "; ".join(str(e) for e in errors), request_id, origin
    return "", request_id, origin


def error_from_response(response: httpx.Response, *, retry_after: float = 1.0) -> WBError:
    """Map a non-success WB response to its typed error."""
    status = response.status_code
    body = _json_or_none(response)
    text, request_id, origin = wb_text_of(body)
    if not text and body is None and response.content:
        text = response.text[:300]
    kw: dict[str, Any] = {
        "status": status,
        "wb_text": text,
        "request_id": request_id,
        "origin": origin,
    }
    if status in (401, 403):
        if "scope" in text.lower():
            return WBAuthError(
                "Токен WB не даёт доступа к этому разделу: проверьте категории токена", **kw
            )
        return WBAuthError(**kw)
    if status == 402:
        return WBPaymentRequired(**kw)
    if status == 429:
        return WBRateLimited(retry_after=retry_after, **kw)
    if status == 404:
        return WBNotFound(**kw)
    if status >= 500:
        return WBServerError(**kw)
    return WBBadRequest(f"WB отклонил запрос: {text}" if text else None, **kw)
