"""The one place that turns a cabinet into a marketplace client (sync, dispatch, token check).

Hosts depend on the cabinet (production, sandbox, or the built-in emulator for demo
cabinets); the rate limiter is shared per process (Redis-backed when configured) and keyed
by cabinet, so the sync and the dispatcher draw from the same WB bucket.
"""

from __future__ import annotations

from typing import Any

from agentiq.marketplaces.base import MarketplaceClient
from agentiq.marketplaces.registry import get_marketplace
from agentiq.marketplaces.wb.client import SANDBOX_HOSTS, WBHosts
from agentiq.models import MarketplaceConnection
from agentiq.runtime import Runtime

# Demo cabinets reach the in-process emulator (emulator/embedded.py) through this host name.
EMULATOR_HOST = "http://emulator.internal"


def client_for(runtime: Runtime, cabinet: MarketplaceConnection) -> MarketplaceClient:
    """The client for a cabinet, with its token decrypted just for this call."""
    return build_client(runtime, cabinet, runtime.secrets.decrypt(cabinet.token_encrypted))


def build_client(runtime: Runtime, cabinet: MarketplaceConnection, token: str) -> MarketplaceClient:
    if runtime.wb_client_factory is not None:
        return runtime.wb_client_factory(cabinet, token)
    settings = runtime.settings
    options: dict[str, Any] = {"limiter": runtime.rate_limiter}
    if cabinet.is_demo and runtime.emulator is not None:
        options["http"] = runtime.emulator.http
        options["hosts"] = WBHosts.emulator(EMULATOR_HOST)
        # Never the stored token: a demo cabinet can only read its own emulated seller.
        token = runtime.emulator.token_for(cabinet.seller_id)
    elif cabinet.is_demo:
        options["hosts"] = WBHosts.emulator(settings.base_url.rstrip("/") + "/_wb")
    elif cabinet.is_sandbox:
        options["hosts"] = SANDBOX_HOSTS
    else:
        options["hosts"] = WBHosts(feedbacks=settings.wb_feedbacks_url, chat=settings.wb_chat_url)
    if cabinet.token_type and cabinet.token_type != "unknown":
        options["token_type"] = cabinet.token_type
    options["timeout"] = settings.wb_timeout_s
    options.update(runtime.wb_client_options)
    factory = get_marketplace(cabinet.marketplace).create_client
    return factory(token, cabinet_key=f"cabinet{cabinet.id}", **options)
