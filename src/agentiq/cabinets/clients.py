"""The one place that turns a cabinet into a marketplace client (sync, dispatch, token check).

Hosts depend on the cabinet (production, sandbox, or the built-in emulator for demo
cabinets); the rate limiter is shared per process (Redis-backed when configured) and keyed
by cabinet, so the sync and the dispatcher draw from the same WB bucket.
"""

from __future__ import annotations

from typing import Any

from agentiq.kit.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from agentiq.marketplaces import get_marketplace
from agentiq.marketplaces.wb.client import SANDBOX_HOSTS, WBHosts
from agentiq.models import MarketplaceConnection
from agentiq.runtime import Runtime

# runtime.extras keys other modules (emulator/embedded.py, tests, benches) may fill.
CLIENT_OPTIONS = "wb_client_options"  # extra kwargs for every WB client (limits, retry, ...)
EMULATOR_HTTP = "emulator_http"  # an httpx client onto the in-process emulator (demo cabinets)
EMULATOR_HOST = "http://emulator.internal"
# A callable `(seller_id) -> token` for the seller's own emulated WB seller: a demo cabinet
# never uses a stored token, so it cannot be pointed at another company's emulated seller.
DEMO_TOKEN = "emulator_demo_token"
# Tests may register a callable `(cabinet, token) -> client` that replaces the whole build.
CLIENT_FACTORY = "wb_client_factory"


def rate_limiter(runtime: Runtime) -> RateLimiter:
    """One limiter per process (Redis-backed when there may be several processes)."""
    limiter: RateLimiter | None = runtime.extras.get("wb_rate_limiter")
    if limiter is None:
        limiter = (
            RedisRateLimiter(runtime.redis) if runtime.redis is not None else MemoryRateLimiter()
        )
        runtime.extras["wb_rate_limiter"] = limiter
    return limiter


def client_for(runtime: Runtime, cabinet: MarketplaceConnection) -> Any:
    """The client for a cabinet, with its token decrypted just for this call."""
    return build_client(runtime, cabinet, runtime.secrets.decrypt(cabinet.token_encrypted))


def build_client(runtime: Runtime, cabinet: MarketplaceConnection, token: str) -> Any:
    factory = runtime.extras.get(CLIENT_FACTORY)
    if factory is not None:
        return factory(cabinet, token)
    settings = runtime.settings
    options: dict[str, Any] = {"limiter": rate_limiter(runtime)}
    if cabinet.is_demo and EMULATOR_HTTP in runtime.extras:
        options["http"] = runtime.extras[EMULATOR_HTTP]
        options["hosts"] = WBHosts.emulator(EMULATOR_HOST)
        token = runtime.extras[DEMO_TOKEN](cabinet.seller_id)
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
