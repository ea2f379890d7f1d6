"""SSE: `GET /api/events` streams the signed-in seller's live signals; the page re-fetches
the fragment a signal names. Keep-alive pings keep proxies from closing idle streams."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from sse_starlette import EventSourceResponse

from agentiq.deps import CurrentPrincipal, RuntimeDep
from agentiq.eventstream.service import broker_of
from agentiq.kit.errors import ServiceUnavailable

router = APIRouter(tags=["events"])

PING_SECONDS = 15
POLL_SECONDS = 1.0


@router.get("/api/events")
async def events(
    request: Request, principal: CurrentPrincipal, runtime: RuntimeDep
) -> EventSourceResponse:
    broker = broker_of(runtime)
    if broker is None:
        raise ServiceUnavailable("Живые обновления недоступны", code="no_event_stream")
    seller_id = principal.seller_id

    async def stream() -> AsyncIterator[dict[str, Any]]:
        async with broker.subscribe(seller_id) as queue:
            # Tells the page (and tests) the subscription is live.
            yield {"event": "ready", "data": json.dumps({"type": "ready"})}
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=POLL_SECONDS)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    continue
                yield {"event": str(event.get("type", "message")), "data": json.dumps(event)}

    return EventSourceResponse(stream(), ping=PING_SECONDS)
