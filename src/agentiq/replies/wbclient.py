"""The WB client the dispatcher uses for one cabinet.

`runtime.extras["wb_client_factory"]` (a callable `(connection, token) -> WBClient`) wins when
set — the embedded emulator and tests register one; otherwise the hosts come from settings
and the rate limiter is shared per process (Redis when configured).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agentiq.cabinets.service import cabinet_token
from agentiq.kit.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from agentiq.marketplaces.wb import WBClient, WBHosts, create_wb_client
from agentiq.models import MarketplaceConnection
from agentiq.runtime import Runtime

ClientFactory = Callable[[MarketplaceConnection, str], WBClient]
FACTORY_KEY = "wb_client_factory"
_LIMITER_KEY = "wb_rate_limiter"


def _limiter(runtime: Runtime) -> RateLimiter:
    limiter: Any = runtime.extras.get(_LIMITER_KEY)
    if limiter is None:
        limiter = (
            RedisRateLimiter(runtime.redis) if runtime.redis is not None else MemoryRateLimiter()
        )
        runtime.extras[_LIMITER_KEY] = limiter
    result: RateLimiter = limiter
    return result


def wb_client_for(runtime: Runtime, connection: MarketplaceConnection) -> WBClient:
    token = cabinet_token(runtime.secrets, connection)
    factory: ClientFactory | None = runtime.extras.get(FACTORY_KEY)
    if factory is not None:
        return factory(connection, token)
    settings = runtime.settings
    return create_wb_client(
        token,
        cabinet_key=str(connection.id),
        hosts=WBHosts(feedbacks=settings.wb_feedbacks_url, chat=settings.wb_chat_url),
        limiter=_limiter(runtime),
        token_type=connection.token_type if connection.token_type != "unknown" else None,
        timeout=settings.wb_timeout_s,
    )
