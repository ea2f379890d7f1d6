"""Control characters never get past the edge: query strings, form fields and JSON bodies.

A pure ASGI middleware. NUL and other control characters (kit/sanitize.py) are removed from
every query parameter and from url-encoded and JSON bodies before any route, validator or
database sees them: PostgreSQL refuses NUL in text, pages and logs have no use for them, and
every form and API would otherwise need its own check. Tab, newline and carriage return stay.
It runs after the body-size limit, so the body it buffers is bounded.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agentiq.kit.sanitize import clean_text, clean_value, has_control

FORM = b"application/x-www-form-urlencoded"
JSON = b"application/json"
# Raw control bytes (a body may carry them unescaped) and the escapes that decode to them.
_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])


def _suspicious(raw: bytes) -> bool:
    """Cheap pre-check: only bodies or queries that may hide a control character are parsed."""
    return b"%" in raw or b"\\u" in raw or any(b in raw for b in _CONTROL_BYTES)


def clean_query(raw: bytes) -> bytes:
    """The query string without control characters in names or values (as sent otherwise)."""
    if not raw or not _suspicious(raw):
        return raw
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8")
    if not any(has_control(k) or has_control(v) for k, v in pairs):
        return raw
    return urlencode([(clean_text(k), clean_text(v)) for k, v in pairs]).encode("ascii")


def clean_body(content_type: bytes, body: bytes) -> bytes:
    if not body or not _suspicious(body):
        return body
    if content_type.startswith(FORM):
        return clean_query(body)
    if content_type.startswith(JSON) or content_type.endswith(b"+json"):
        try:
            data = json.loads(body)
        except ValueError:
            return body  # not JSON after all: the route answers 422 for it
        cleaned = clean_value(data)
        if cleaned == data:
            return body
        return json.dumps(cleaned, ensure_ascii=False).encode()
    return body


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers") or []:
        if key == name:
            return bytes(value).lower()
    return b""


class CleanInputMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"")
        cleaned_query = clean_query(query)
        if cleaned_query is not query:
            scope = {**scope, "query_string": cleaned_query}
        content_type = _header(scope, b"content-type")
        if not (content_type.startswith(FORM) or b"json" in content_type):
            await self.app(scope, receive, send)
            return
        body, tail = await _read_body(receive)
        cleaned = clean_body(content_type, body)
        if cleaned is not body:
            headers = [(k, v) for k, v in scope.get("headers") or [] if k != b"content-length"]
            headers.append((b"content-length", str(len(cleaned)).encode()))
            scope = {**scope, "headers": headers}
        await self.app(scope, _replay(cleaned, tail, receive), send)


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole body, and any non-body message that arrived meanwhile (a disconnect)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), [message]
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), []


def _replay(body: bytes, tail: list[Message], receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if tail:
            return tail.pop(0)
        return await receive()

    return replay
