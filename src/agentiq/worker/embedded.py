"""The embedded default: an asyncio scheduler inside the web process (no Redis, no Celery).

Every `sync_interval_s` it syncs every cabinet and runs the LLM intent fallback over
"general" questions (for sellers who switched it on); every `sla_sweep_interval_s` it runs the
SLA sweep; every `DISPATCH_INTERVAL_S` it delivers due replies, and every minute it queues
auto-answers. A failing job is logged and retried on the next tick; it never stops the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from agentiq.analytics.tasks import run_alerts_all
from agentiq.appeals.tasks import classify_all as classify_review_causes
from agentiq.ingestion.tasks import cancel_background, run_sync_all
from agentiq.linking.tasks import run_escalation_sweep
from agentiq.replies.tasks import dispatch_due, run_auto_answers_all
from agentiq.runtime import Runtime
from agentiq.triage.tasks import reclassify_general_questions, run_sla_sweep

log = logging.getLogger(__name__)

DISPATCH_INTERVAL_S = 2.0
AUTO_ANSWER_INTERVAL_S = 60.0


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
