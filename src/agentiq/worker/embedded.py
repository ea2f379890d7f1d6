"""The embedded default: an asyncio scheduler inside the web process (no Redis, no Celery),
and `EmbeddedWorker`, which runs queued jobs as asyncio tasks in this process.

Every `sync_interval_s` it syncs every cabinet and runs the LLM intent fallback over
"general" questions (for sellers who switched it on); every `sla_sweep_interval_s` it runs the
SLA sweep; every `DISPATCH_INTERVAL_S` it delivers due replies, and every minute it queues
auto-answers. A failing job is logged and retried on the next tick; it never stops the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from agentiq.analytics.tasks import run_alerts_all
from agentiq.appeals.tasks import classify_all as classify_review_causes
from agentiq.ingestion.tasks import run_sync_all, run_sync_cabinet
from agentiq.linking.tasks import run_escalation_sweep, run_recompute
from agentiq.replies.tasks import dispatch_due, run_auto_answers_all
from agentiq.runtime import Runtime
from agentiq.triage.tasks import reclassify_general_questions, run_sla_sweep
from agentiq.worker.port import DispatchReplies, Job, RecomputeLinks, Started, SyncCabinet

log = logging.getLogger(__name__)

DISPATCH_INTERVAL_S = 2.0
AUTO_ANSWER_INTERVAL_S = 60.0


class EmbeddedWorker:
    """Runs each queued job as an asyncio task of this process (the embedded default)."""

    kind: Started = "background"

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def enqueue(self, job: Job) -> Started:
        runtime = self._runtime
        match job:
            case SyncCabinet(seller_id, cabinet_id, full):
                _keep(runtime, run_sync_cabinet(runtime, seller_id, cabinet_id, full=full))
            case RecomputeLinks(seller_id, interaction_id, job_id):
                _keep(runtime, run_recompute(runtime, seller_id, interaction_id), name=job_id)
            case DispatchReplies():
                return self._dispatch_now()
        return "background"

    def _dispatch_now(self) -> Started:
        """A dispatch pass now instead of at the next tick, when this process is the only
        dispatcher (scheduler on, no Redis); one pass at a time, the scheduler covers the rest."""
        runtime = self._runtime
        if not runtime.settings.scheduler_enabled or runtime.redis is not None:
            return "scheduled"
        running = runtime.immediate_dispatch
        if running is not None and not running.done():
            return "scheduled"

        async def run() -> None:
            try:
                await dispatch_due(runtime)
            except Exception:
                log.exception("immediate reply dispatch failed; the scheduler will retry")

        runtime.immediate_dispatch = asyncio.get_running_loop().create_task(run())
        return "background"


def _keep(runtime: Runtime, job: Coroutine[Any, Any, Any], name: str | None = None) -> None:
    task = asyncio.create_task(job, name=name)
    runtime.background_tasks.add(task)  # keep a reference until done, or the loop may drop it
    task.add_done_callback(runtime.background_tasks.discard)


async def wait_background(runtime: Runtime) -> None:
    """Wait for this process's queued jobs (tests)."""
    while runtime.background_tasks:
        await asyncio.gather(*list(runtime.background_tasks), return_exceptions=True)


async def cancel_background(runtime: Runtime) -> None:
    tasks = list(runtime.background_tasks)
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)


async def every(seconds: float, job: Callable[[], Awaitable[Any]], name: str) -> None:
    while True:
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("scheduled job %s failed", name)
        await asyncio.sleep(seconds)


async def start(app: Any, runtime: Runtime) -> None:
    settings = runtime.settings
    if not settings.scheduler_enabled:
        return
    tasks = [
        asyncio.create_task(
            every(settings.sync_interval_s, lambda: run_sync_all(runtime), "sync"), name="sync"
        ),
        asyncio.create_task(
            every(settings.sla_sweep_interval_s, lambda: run_sla_sweep(runtime), "sla"),
            name="sla-sweep",
        ),
        asyncio.create_task(
            every(
                settings.sync_interval_s,
                lambda: reclassify_general_questions(runtime),
                "llm-intents",
            ),
            name="llm-intents",
        ),
        asyncio.create_task(
            every(
                settings.sync_interval_s,
                lambda: classify_review_causes(runtime),
                "review-causes",
            ),
            name="review-causes",
        ),
        asyncio.create_task(
            every(DISPATCH_INTERVAL_S, lambda: dispatch_due(runtime), "dispatch"),
            name="reply-dispatch",
        ),
        asyncio.create_task(
            every(AUTO_ANSWER_INTERVAL_S, lambda: run_auto_answers_all(runtime), "auto-answer"),
            name="auto-answer",
        ),
        asyncio.create_task(
            every(
                settings.sla_sweep_interval_s,
                lambda: run_escalation_sweep(runtime),
                "escalations",
            ),
            name="escalation-sweep",
        ),
        asyncio.create_task(
            every(settings.alerts_interval_s, lambda: run_alerts_all(runtime), "ops-alerts"),
            name="ops-alerts",
        ),
    ]
    runtime.scheduler_tasks = tasks
    log.info("embedded scheduler started")


async def stop(app: Any, runtime: Runtime) -> None:
    tasks, runtime.scheduler_tasks = runtime.scheduler_tasks, []
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await cancel_background(runtime)
