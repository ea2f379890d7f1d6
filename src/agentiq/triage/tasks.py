"""The SLA sweep job, shared by the embedded scheduler and the Celery beat."""

from __future__ import annotations

from agentiq.db import unit_of_work
from agentiq.runtime import Runtime
from agentiq.triage.service import sla_sweep


async def run_sla_sweep(runtime: Runtime) -> int:
    async with unit_of_work(runtime.sessionmaker) as session:
        return await sla_sweep(session)
