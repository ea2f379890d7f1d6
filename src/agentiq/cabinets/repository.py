from __future__ import annotations

from collections.abc import Sequence

from agentiq.kit.repository import TenantRepository
from agentiq.models import MarketplaceConnection


class CabinetRepository(TenantRepository[MarketplaceConnection]):
    model = MarketplaceConnection
    not_found_message = "Кабинет не найден"

    async def all(self) -> Sequence[MarketplaceConnection]:
        return await self.list(order_by=MarketplaceConnection.id)
