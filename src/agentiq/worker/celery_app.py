"""Distributed mode: Celery workers and one beat, Redis broker.

Settings that keep a killed worker's task from being lost or run twice at once:
- `task_acks_late` + `task_reject_on_worker_lost`: a task is acknowledged only after it ran;
  a worker killed mid-task gives it back to the broker.
- `visibility_timeout`: an unacknowledged task is redelivered after this long (longer than
  any sync), so a task is not handed to a second worker while the first still runs it.
- `worker_prefetch_multiplier = 1`: a worker holds one task, so a kill loses at most one.
- and the Redis lock per (cabinet, channel) in the sync itself: a redelivered or duplicate
  task finds the lock taken and returns.
"""

from __future__ import annotations

import asyncio
from typing import Any

from celery import Celery

from agentiq.config import get_settings
from agentiq.runtime import Runtime, build_runtime

VISIBILITY_TIMEOUT_S = 2 * 3600


def create_celery() -> Celery:
    settings = get_settings()
    broker = settings.redis_url or "redis://127.0.0.1:6379/0"
    app = Celery("agentiq", broker=broker, include=["agentiq.worker.celery_app"])
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT_S},
        broker_connection_retry_on_startup=True,
        task_default_queue="agentiq",
        timezone="UTC",
        beat_schedule={
            "sync-all-cabinets": {
                "task": "agentiq.sync_all",
                "schedule": float(settings.sync_interval_s),
            },
            "sla-sweep": {
                "task": "agentiq.sla_sweep",
                "schedule": float(settings.sla_sweep_interval_s),
            },
            "reply-dispatch": {"task": "agentiq.dispatch_replies", "schedule": 2.0},
            "auto-answer": {"task": "agentiq.auto_answer", "schedule": 60.0},
        },
    )
    return app


celery_app = create_celery()

# One event loop and one runtime per worker process: pooled DB connections are bound to it.
_loop: asyncio.AbstractEventLoop | None = None
_runtime: Runtime | None = None


def run(job: Any) -> Any:
    """Run `job(runtime)` on this process's loop."""
    global _loop, _runtime
    if _loop is None:
        _loop = asyncio.new_event_loop()
    if _runtime is None:
        _runtime = build_runtime(get_settings())
    return _loop.run_until_complete(job(_runtime))


@celery_app.task(name="agentiq.sync_all")
def sync_all_task() -> int:
    """Fan out: one sync task per cabinet, so workers share the load."""
    from agentiq.db import unit_of_work
    from agentiq.ingestion.repository import all_connections
    from agentiq.ingestion.service import expire_stale_syncs

    async def job(runtime: Runtime) -> list[tuple[int, int]]:
        await expire_stale_syncs(runtime)
        async with unit_of_work(runtime.sessionmaker) as session:
            return await all_connections(session)

    targets = run(job)
    for seller_id, cabinet_id in targets:
        sync_cabinet_task.delay(seller_id, cabinet_id, False)
    return len(targets)


@celery_app.task(name="agentiq.sync_cabinet")
def sync_cabinet_task(seller_id: int, cabinet_id: int, full: bool = False) -> bool:
    from agentiq.ingestion.tasks import run_sync_cabinet

    report = run(lambda rt: run_sync_cabinet(rt, seller_id, cabinet_id, full=full))
    return bool(report and report.ok)


@celery_app.task(name="agentiq.sla_sweep")
def sla_sweep_task() -> int:
    from agentiq.triage.tasks import run_sla_sweep

    return int(run(run_sla_sweep))


@celery_app.task(name="agentiq.dispatch_replies")
def dispatch_replies_task() -> dict[str, int]:
    """Any number of workers may run this at once: outbox rows are claimed by compare-and-set."""
    from agentiq.replies.tasks import dispatch_due

    result: dict[str, int] = run(dispatch_due)
    return result


@celery_app.task(name="agentiq.auto_answer")
def auto_answer_task() -> int:
    from agentiq.replies.tasks import run_auto_answers_all

    return int(run(run_auto_answers_all))
