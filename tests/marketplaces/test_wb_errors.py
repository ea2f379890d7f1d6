"""All four WB error envelopes (REFERENCE §1.3) become typed errors with WB's text and id."""

from __future__ import annotations

import httpx
import pytest

from agentiq.marketplaces.wb.errors import (
    WBAuthError,
    WBBadRequest,
    WBNotFound,
    WBPaymentRequired,
    WBRateLimited,
    WBServerError,
    error_from_response,
)

RID = "0b5a2c6e-1c4b-4b0a-9a4e-2f4f4d1f8d11"


def response(
    status: int,
    body: object | None = None,
    *,
    text: str | None = None,
    content_type: str = "application/json",
) -> httpx.Response:
    if body is not None:
        return httpx.Response(status, json=body, headers={"content-type": content_type})
    return httpx.Response(status, text=text or "", headers={"content-type": content_type})


def test_legacy_envelope_403() -> None:
    err = error_from_response(
        response(
            403,
            {
                "data": None,
                "error": True,
                "errorText": "Ошибка авторизации",
                "additionalErrors": None,
                "requestId": RID,
            },
        )
    )
    assert isinstance(err, WBAuthError)
    assert (err.status, err.wb_text, err.request_id) == (403, "Ошибка авторизации", RID)


def test_legacy_envelope_400_with_additional_errors() -> None:
    err = error_from_response(
        response(
            400,
            {
                "data": None,
                "error": True,
                "errorText": "Плохой формат dateFrom",
                "additionalErrors": ["dateFrom"],
                "requestId": RID,
            },
        )
    )
    assert isinstance(err, WBBadRequest)
    assert err.wb_text == "Плохой формат dateFrom; dateFrom"
    assert "Плохой формат dateFrom" in err.message


def test_gateway_401_problem_json_scope() -> None:
    err = error_from_response(
        response(
            401,
            {
                "title": "unauthorized",
                "detail": "token scope not allowed",
                "code": "07e4668e",
                "requestId": RID,
                "origin": "s2s-api-auth-catalog",
                "status": 401,
                "statusText": "Unauthorized",
                "timestamp": "2026-07-01T10:00:00Z",
            },
            content_type="application/problem+json",
        )
    )
    assert isinstance(err, WBAuthError)
    assert err.is_scope_error
    assert err.origin == "s2s-api-auth-catalog"
    assert "категории" in err.message


def test_402_title_and_detail_only() -> None:
    err = error_from_response(
        response(
            402,
            {"title": "payment required", "detail": "balance"},
            content_type="application/problem+json",
        )
    )
    assert isinstance(err, WBPaymentRequired)
    assert err.wb_text == "balance"


def test_429_keeps_retry_after() -> None:
    err = error_from_response(
        response(429, {"title": "too many requests", "detail": "limited by x", "status": 429}),
        retry_after=2.0,
    )
    assert isinstance(err, WBRateLimited)
    assert err.retry_after == 2.0


def test_fbapi_standardized_400() -> None:
    err = error_from_response(
        response(
            400,
            {
                "title": "Bad Request",
                "requestId": RID,
                "origin": "fbapi",
                "detail": "Неверный синтаксис JSON",
            },
        )
    )
    assert isinstance(err, WBBadRequest)
    assert (err.wb_text, err.origin) == ("Неверный синтаксис JSON", "fbapi")


def test_chat_400() -> None:
    err = error_from_response(
        response(
            400,
            {
                "status": 400,
                "title": "Bad Request",
                "origin": "proxy-chats",
                "detail": "Invalid signature",
                "requestId": RID,
                "error": "Invalid signature",
            },
        )
    )
    assert isinstance(err, WBBadRequest)
    assert err.wb_text == "Invalid signature"


@pytest.mark.parametrize(
    ("status", "cls"),
    [(404, WBNotFound), (500, WBServerError), (503, WBServerError), (422, WBBadRequest)],
)
def test_non_json_bodies_still_typed(status: int, cls: type) -> None:
    err = error_from_response(
        response(status, text="<html>gateway</html>", content_type="text/html")
    )
    assert isinstance(err, cls)
    assert err.status == status
    assert "gateway" in err.wb_text
