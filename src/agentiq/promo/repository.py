from __future__ import annotations

from collections.abc import Sequence

from agentiq.kit.repository import TenantRepository
from agentiq.models import PromoCode


class PromoCodeRepository(TenantRepository[PromoCode]):
    model = PromoCode
    not_found_message = "Промокод не найден"

    async def all(self) -> Sequence[PromoCode]:
        return await self.list(order_by=PromoCode.id)

    async def by_code(self, code: str) -> PromoCode | None:
        stmt = self.scoped().where(PromoCode.code == code)
        return await self.session.scalar(stmt)
