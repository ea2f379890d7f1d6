"""WB's response envelopes, byte for byte where WB documents them (REFERENCE §1.3)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.responses import Response

PROBLEM = "application/problem+json"
JSON = "application/json"
GATEWAY = "s2s-api-auth-catalog"
STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    451: "Unavailable for Legal Reasons",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def request_id() -> str:
    return uuid.uuid4().hex


def dumps(body: Any) -> bytes:
    # Compact UTF-8 like WB; orjson renders a 5 000-item page several times faster than json.
    return orjson.dumps(body)


def json_response(body: Any, status: int = 200, media_type: str = JSON) -> Response:
    return Response(dumps(body), status_code=status, media_type=media_type)


def gateway_problem(status: int, title: str, detail: str) -> Response:
    """401 / 429 / 5xx from WB's gateway (problem+json since 2026-01-27)."""
    body = {
        "title": title,
        "detail": detail,
        "code": f"{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:12]}",
        "requestId": request_id(),
        "origin": GATEWAY,
        "status": status,
        "statusText": STATUS_TEXT.get(status, ""),
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return json_response(body, status, PROBLEM)


def unauthorized(detail: str) -> Response:
    return gateway_problem(401, "unauthorized", detail)


def too_many_requests(seller_id: str) -> Response:
    return gateway_problem(
        429,
        "too many requests",
        f"Limited by global limiter, per seller {seller_id}; "
        "See https://dev.wildberries.ru/openapi/api-information",
    )


def path_not_found(status: int = 404) -> Response:
    body = {
        "title": "path not found" if status == 404 else "method not allowed",
        "detail": "Please consult https://dev.wildberries.ru/openapi/api-information",
        "status": status,
        "statusText": STATUS_TEXT[status],
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return json_response(body, status, PROBLEM)


def legacy_ok(data: Any) -> Response:
    return json_response({"data": data, "error": False, "errorText": "", "additionalErrors": None})


def legacy_error(status: int, text: str, additional: list[str] | None = None) -> Response:
    body = {
        "data": None,
        "error": True,
        "errorText": text,
        "additionalErrors": additional,
        "requestId": str(uuid.uuid4()),
    }
    return json_response(body, status)


def fbapi_error(detail: str) -> Response:
    """POST/PATCH /api/v1/feedbacks/answer 400 (`standardizedFQError`)."""
    body = {"title": "bad request", "requestId": request_id(), "origin": "fbapi", "detail": detail}
    return json_response(body, 400)


def chat_error(
    status: int, detail: str, *, title: str = "Bad Request", problem: bool = False
) -> Response:
    body = {
        "status": status,
        "title": title,
        "origin": "proxy-chats",
        "detail": detail,
        "requestId": request_id(),
    }
    if status == 400:  # proxy-chats repeats the detail as `error` on 400s only
        body["error"] = detail
    return json_response(body, status, PROBLEM if problem else JSON)


def chat_ok(result: Any) -> Response:
    return json_response({"result": result, "errors": None})
