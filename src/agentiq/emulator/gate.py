"""What WB's gateway does before a handler runs: token, category, rate limit, faults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from agentiq.emulator import wire
from agentiq.emulator.faults import add_control_chars, break_item
from agentiq.emulator.state import Emulator, SellerState
from agentiq.emulator.tokens import TokenClaims, TokenRejected

HOST_CATEGORY = {"feedbacks": "feedbacks_questions", "chat": "chat"}


class Rejected(Exception):
    """Carries a finished WB response out of a handler."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


@dataclass
class Call:
    emulator: Emulator
    state: SellerState
    claims: TokenClaims
    headers: dict[str, str]
    hang_s: float = 0.0

    async def send(self, response: Response, *, items_key: tuple[str, ...] = ()) -> Response:
        """Apply payload faults and rate-limit headers; hang after the work when told to."""
        faults = self.state.faults
        rng = self.state.rng
        if items_key and faults.broken_item_rate > 0 and response.status_code == 200:
            response = _break_items(response, items_key, faults.broken_item_rate, rng)
        if items_key and faults.control_char_rate > 0 and response.status_code == 200:
            response = _break_items(
                response, items_key, faults.control_char_rate, rng, add_control_chars
            )
        if faults.malformed_json_rate > 0 and rng.random() < faults.malformed_json_rate:
            body = bytes(response.body)
            response = Response(
                body[: max(1, len(body) // 2)],
                status_code=response.status_code,
                media_type=response.media_type,
            )
        response.headers.update(self.headers)
        if self.hang_s:
            # The operation already happened; the client just never hears back.
            await asyncio.sleep(self.hang_s)
        return response


def _break_items(
    response: Response,
    path: tuple[str, ...],
    rate: float,
    rng: Any,
    spoil: Callable[[Any, Any], Any] | None = None,
) -> Response:
    spoil = spoil or break_item
    body = json.loads(bytes(response.body))
    node = body
    for key in path[:-1]:
        node = node.get(key) if isinstance(node, dict) else None
    items = node.get(path[-1]) if isinstance(node, dict) else None
    if isinstance(items, list):
        node[path[-1]] = [spoil(it, rng) if rng.random() < rate else it for it in items]
    return Response(
        wire.dumps(body), status_code=response.status_code, media_type=response.media_type
    )


def _token_of(request: Request) -> str:
    return request.headers.get("authorization", "")


async def gate(request: Request, *, host: str, scope: str, write: bool) -> Call:
    emulator: Emulator = request.app.state.emulator
    try:
        claims = emulator.authenticate(_token_of(request))
    except TokenRejected as exc:
        raise Rejected(wire.unauthorized(exc.detail)) from None
    category = HOST_CATEGORY[host]
    if category not in claims.categories or claims.token_type == "test":
        raise Rejected(wire.unauthorized("token scope not allowed"))
    if write and claims.read_only:
        raise Rejected(wire.unauthorized("token scope not allowed: read-only token"))
    state = emulator.seller(claims.seller_id)
    headers: dict[str, str] = {}
    if emulator.rate_limits:
        decision = emulator.limiter.hit(
            state.seller_id, scope, claims.token_type, emulator.now_ts()
        )
        if not decision.allowed:
            response = wire.too_many_requests(state.seller_id)
            response.headers.update(decision.headers())
            raise Rejected(response)
        headers = decision.headers()
    # WB sends X-Ratelimit-Remaining on every response but a 429, errors included: handlers'
    # refusals pick it up from here (see the Rejected handler in app.py).
    request.state.wb_headers = headers
    faults = state.faults
    if faults.latency_ms:
        await asyncio.sleep(faults.latency_ms / 1000)
    injected = faults.pick_error(state.rng)
    if injected == 429:
        response = wire.too_many_requests(state.seller_id)
        response.headers.update(
            {"X-Ratelimit-Retry": "1", "X-Ratelimit-Limit": "1", "X-Ratelimit-Reset": "1"}
        )
        raise Rejected(response)
    if injected is not None:
        titles = {500: "internal server error", 502: "bad gateway", 503: "service unavailable"}
        response = wire.gateway_problem(injected, titles[injected], "injected by emulator")
        response.headers.update(headers)
        raise Rejected(response)
    call = Call(emulator, state, claims, headers)
    if faults.timeout_rate and state.rng.random() < faults.timeout_rate:
        call.hang_s = faults.timeout_s
    return call
