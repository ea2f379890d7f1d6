"""Marketplace connectors behind one typed Protocol (base.py), listed in registry.py."""

from agentiq.marketplaces.base import Marketplace, MarketplaceClient

__all__ = ["Marketplace", "MarketplaceClient"]
