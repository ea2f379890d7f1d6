"""Which worker runs background jobs in this process, decided by the settings.

Distributed mode (AGENTIQ_REDIS_URL set and the embedded scheduler off) sends jobs to
Celery; otherwise they run as asyncio tasks here. Called by whoever builds a runtime that
may queue jobs: the app lifespan, the Celery worker process, tests.
"""

from __future__ import annotations

from agentiq.runtime import Runtime
from agentiq.worker.celery_app import CeleryWorker
from agentiq.worker.embedded import EmbeddedWorker
from agentiq.worker.port import Worker


def distributed(runtime: Runtime) -> bool:
    settings = runtime.settings
    return bool(settings.redis_url) and not settings.scheduler_enabled


def worker_for(runtime: Runtime) -> Worker:
    return CeleryWorker(runtime.settings) if distributed(runtime) else EmbeddedWorker(runtime)


def attach_worker(runtime: Runtime) -> Runtime:
    runtime.worker = worker_for(runtime)
    return runtime
