"""Request-body size limit, enforced before anything parses the body.

A pure ASGI middleware: a declared Content-Length over the limit is refused with 413 before
one byte of the body is read; a body without a length (chunked) is counted as it streams and
refused the moment it passes the limit. Nothing downstream (the CSRF check's form parsing,
JSON decoding, multipart spooling) ever sees more than the limit, and no request can keep a
worker busy parsing megabytes it will refuse anyway.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MESSAGE = "Слишком большой запрос"


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413, detail=MESSAGE)


def _declared_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers") or []:
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return -1
    return None


class BodySizeLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        upload_paths: frozenset[str] = frozenset(),
        max_upload_bytes: int = 0,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        # File uploads (a seller's review export) are larger than any form or JSON body; only
        # the routes named here get the larger bound, every other route keeps the small one.
        self.upload_paths = upload_paths
        self.max_upload_bytes = max(max_upload_bytes, max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = (
            self.max_upload_bytes if scope.get("path") in self.upload_paths else self.max_body_bytes
        )
        declared = _declared_length(scope)
        if declared is not None and (declared < 0 or declared > limit):
            await self._refuse(send, 413 if declared > 0 else 400)
            return

        received = 0
        started = exceeded = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if exceeded:  # the rest of the body stays unread: do not drain it
                    headers = [h for h in message.get("headers", []) if h[0] != b"connection"]
                    message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            # Raised where no handler turned it into a response (e.g. outside a route).
            if not started:
                await self._refuse(send, 413)

    @staticmethod
    async def _refuse(send: Send, status: int) -> None:
        message = MESSAGE if status == 413 else "Неверная длина запроса"
        code = "payload_too_large" if status == 413 else "bad_content_length"
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    # The rest of the body is not read: the connection cannot be reused.
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
