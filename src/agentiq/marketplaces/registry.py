"""Every marketplace AgentIQ can connect to, listed explicitly (add a new one here)."""

from __future__ import annotations

from agentiq.kit.errors import NotFound
from agentiq.marketplaces.base import Marketplace
from agentiq.marketplaces.wb import WILDBERRIES

MARKETPLACES: dict[str, Marketplace] = {m.name: m for m in (WILDBERRIES,)}


def get_marketplace(name: str) -> Marketplace:
    try:
        return MARKETPLACES[name]
    except KeyError:
        raise NotFound(f"Маркетплейс «{name}» не поддерживается") from None


def marketplaces() -> list[Marketplace]:
    return list(MARKETPLACES.values())
