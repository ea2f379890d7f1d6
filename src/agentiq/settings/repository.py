from __future__ import annotations

from agentiq.kit.repository import TenantRepository
from agentiq.models import RuntimeSetting


class RuntimeSettingRepository(TenantRepository[RuntimeSetting]):
    model = RuntimeSetting

    async def entry(self, namespace: str, key: str) -> RuntimeSetting | None:
        stmt = self.scoped().where(RuntimeSetting.namespace == namespace, RuntimeSetting.key == key)
        return await self.session.scalar(stmt)

    async def entry_or_new(self, namespace: str, key: str) -> RuntimeSetting:
        row = await self.entry(namespace, key)
        if row is None:
            row = self.add(RuntimeSetting(namespace=namespace, key=key, value={}))
        return row
