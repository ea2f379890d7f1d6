"""Build the marketplace client for a cabinet: hosts, shared rate limiter, options."""

from __future__ import annotations

from typing import Any

from agentiq.kit.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from agentiq.marketplaces import MarketplaceClient, get_marketplace
from agentiq.marketplaces.wb.client import SANDBOX_HOSTS, WBHosts
from agentiq.models import MarketplaceConnection
from agentiq.runtime import Runtime

# runtime.extras keys other modules (emulator/embedded.py, tests, benches) may fill.
CLIENT_OPTIONS = "wb_client_options"  # extra kwargs for every WB client (limits, retry, ...)
EMULATOR_HTTP = "emulator_http"  # an httpx client onto the in-process emulator (demo cabinets)
EMULATOR_HOST = "http://emulator.internal"


def rate_limiter(runtime: Runtime) -> RateLimiter:
    """One limiter per process (Redis-backed when there may be several processes)."""
    limiter: RateLimiter | None = runtime.extras.get("wb_rate_limiter")
    if limiter is None:
        limiter = (
            RedisRateLimiter(runtime.redis) if runtime.redis is not None else MemoryRateLimiter()
        )
        runtime.extras["wb_rate_limiter"] = limiter
    return limiter


def build_client(runtime: Runtime, cabinet: MarketplaceConnection, token: str) -> MarketplaceClient:
    settings = runtime.settings
    options: dict[str, Any] = {"limiter": rate_limiter(runtime)}
    if cabinet.is_demo and EMULATOR_HTTP in runtime.extras:
        options["http"] = runtime.extras[EMULATOR_HTTP]
        options["hosts"] = WBHosts.emulator(EMULATOR_HOST)
    elif cabinet.is_demo:
        options["hosts"] = WBHosts.emulator(settings.base_url.rstrip("/") + "/_wb")
    elif cabinet.is_sandbox:
        options["hosts"] = SANDBOX_HOSTS
    else:
        options["hosts"] = WBHosts(feedbacks=settings.wb_feedbacks_url, chat=settings.wb_chat_url)
    if cabinet.token_type and cabinet.token_type != "unknown":
        options["token_type"] = cabinet.token_type
    options["timeout"] = settings.wb_timeout_s
    options.update(runtime.extras.get(CLIENT_OPTIONS, {}))
    factory = get_marketplace(cabinet.marketplace).create_client
    return factory(token, cabinet_key=f"cabinet{cabinet.id}", **options)
