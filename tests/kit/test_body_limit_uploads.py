"""The body-size limit gives the review-export upload routes, and only them, a larger bound."""

from __future__ import annotations

import httpx
from starlette.types import Receive, Scope, Send

from agentiq.analytics.endpoints import IMPORT_UPLOAD_PATHS
from agentiq.kit.body_limit import BodySizeLimitMiddleware


async def _read_all(scope: Scope, receive: Receive, send: Send) -> None:
    size, more = 0, True
    while more:
        message = await receive()
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


async def test_review_export_upload_gets_the_larger_bound_and_nothing_else_does() -> None:
    app = BodySizeLimitMiddleware(
        _read_all,
        max_body_bytes=1024,
        upload_paths=IMPORT_UPLOAD_PATHS,
        max_upload_bytes=8192,
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        body = b"x" * 4096
        uploaded = await client.post("/api/analytics/fallback/reviews", content=body)
        form = await client.post("/analytics/import", content=body)
        elsewhere = await client.post("/api/interactions/1/reply", content=body)
        too_big = await client.post("/analytics/import", content=b"x" * 9000)
    assert (uploaded.status_code, uploaded.text) == (200, "4096")
    assert (form.status_code, form.text) == (200, "4096")
    assert elsewhere.status_code == 413
    assert too_big.status_code == 413
