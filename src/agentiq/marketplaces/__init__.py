"""Marketplace connectors behind one typed Protocol and a registry."""

from agentiq.marketplaces.base import (
    Marketplace,
    MarketplaceClient,
    get_marketplace,
    marketplaces,
    register_marketplace,
)

__all__ = [
    "Marketplace",
    "MarketplaceClient",
    "get_marketplace",
    "marketplaces",
    "register_marketplace",
]
