"""Distributed mode: Celery workers and one beat, Redis broker (`AGENTIQ_REDIS_URL`).

Settings that keep a killed worker's task from being lost or run twice at once:
- `task_acks_late` + `task_reject_on_worker_lost`: a task is acknowledged only after it ran;
  a worker process killed mid-task (OOM killer, SIGKILL) gives it back to the queue at once.
- `visibility_timeout` (`AGENTIQ_CELERY_VISIBILITY_TIMEOUT_S`): a task whose whole worker
  died unacknowledged is handed out again after this long, by any live worker's periodic
  sweep. It is longer than any task, so a live worker's task is normally not handed out twice.
- `worker_prefetch_multiplier = 1`: a worker holds one task, so a kill strands at most one.
- `worker_cancel_long_running_tasks_on_connection_loss`: a worker that lost the broker stops
  its late-ack tasks, which the broker hands out again, instead of running them alongside.
- and the Redis lock per (cabinet, channel) in the sync itself: a duplicate delivery finds
  the lock taken, waits for it with a few retries and then finds the job done (a run that
  started after the request finished), so it never syncs twice at once nor needlessly.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import datetime
from typing import Any

from celery import Celery, Task, signals

from agentiq.config import Settings, get_settings
from agentiq.kit.time import utcnow
from agentiq.runtime import Runtime, build_runtime
from agentiq.worker.embedded import AUTO_ANSWER_INTERVAL_S, DISPATCH_INTERVAL_S
from agentiq.worker.port import DispatchReplies, Job, RecomputeLinks, Started, SyncCabinet

log = logging.getLogger(__name__)

QUEUE = "agentiq"
# A busy sync lock is waited for this many times, every half lock TTL: long enough for the
# lock of a killed worker to expire, short enough not to queue up behind a long live sync
# (the next scheduled sync comes anyway).
BUSY_RETRIES = 4


def broker_transport_options(settings: Settings) -> dict[str, Any]:
    visibility = settings.celery_visibility_timeout_s
    # Kombu sweeps for unacknowledged tasks to hand out again every interval × throttle
    # seconds (10 × 10 by default); a short visibility timeout needs a shorter sweep.
    sweep = min(100.0, max(1.0, visibility / 4))
    interval = min(10.0, sweep)
    options: dict[str, Any] = {
        "visibility_timeout": visibility,
        "unacked_restore_interval": interval,
        "unacked_restore_throttle": max(1, round(sweep / interval)),
    }
    if settings.celery_key_prefix:
        options["global_keyprefix"] = settings.celery_key_prefix
    return options


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """Periodic jobs. Each expires after its period: when workers fall behind, the next
    tick replaces a late one instead of a backlog piling up in the queue."""
    periods = {
        ("sync-all-cabinets", "agentiq.sync_all"): float(settings.sync_interval_s),
        ("sla-sweep", "agentiq.sla_sweep"): float(settings.sla_sweep_interval_s),
        ("llm-intents", "agentiq.reclassify_questions"): float(settings.sync_interval_s),
        ("review-causes", "agentiq.classify_review_causes"): float(settings.sync_interval_s),
        ("reply-dispatch", "agentiq.dispatch_replies"): DISPATCH_INTERVAL_S,
        ("auto-answer", "agentiq.auto_answer"): AUTO_ANSWER_INTERVAL_S,
        ("escalation-sweep", "agentiq.escalation_sweep"): float(settings.sla_sweep_interval_s),
        ("ops-alerts", "agentiq.ops_alerts"): float(settings.alerts_interval_s),
    }
    return {
        name: {"task": task, "schedule": period, "options": {"expires": period}}
        for (name, task), period in periods.items()
    }


def create_celery(settings: Settings | None = None) -> Celery:
    """The Celery app for `settings` (the worker's, or a producer's that only sends tasks)."""
    settings = settings or get_settings()
    if not settings.redis_url:
        from agentiq.config import SettingsError

        raise SettingsError(
            "Distributed mode needs AGENTIQ_REDIS_URL (the Celery broker), "
            "e.g. redis://127.0.0.1:6379/0."
        )
    app = Celery("agentiq", broker=settings.redis_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        broker_transport_options=broker_transport_options(settings),
        broker_connection_retry_on_startup=True,
        task_default_queue=QUEUE,
        timezone="UTC",
        beat_schedule_filename=str(settings.var_dir / "celerybeat-schedule"),
        beat_schedule=beat_schedule(settings),
    )
    return app


_app: Celery | None = None


def get_celery() -> Celery:
    """The worker's and beat's app, built from the settings on first use (not at import)."""
    global _app
    if _app is None:
        app = create_celery()
        _register_tasks(app)
        app.set_current()
        _app = app
    return _app


def sync_cabinet_args(
    seller_id: int, cabinet_id: int, full: bool, requested_at: datetime
) -> list[Any]:
    """Positional args of `agentiq.sync_cabinet` (JSON: the time as ISO 8601)."""
    return [seller_id, cabinet_id, full, requested_at.isoformat()]


class CeleryWorker:
    """Distributed mode: each queued job becomes a Celery task for any worker to take."""

    kind: Started = "celery"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._producer: Celery | None = None  # made on first use, then reused

    @property
    def producer(self) -> Celery:
        if self._producer is None:
            self._producer = create_celery(self._settings)
        return self._producer

    def enqueue(self, job: Job) -> Started:
        match job:
            case SyncCabinet(seller_id, cabinet_id, full):
                args = sync_cabinet_args(seller_id, cabinet_id, full, utcnow())
                self.producer.send_task("agentiq.sync_cabinet", args=args)
            case RecomputeLinks(seller_id, interaction_id, job_id):
                self.producer.send_task(
                    "agentiq.links_recompute", args=[seller_id, interaction_id], task_id=job_id
                )
            case DispatchReplies():
                return "scheduled"  # beat sends agentiq.dispatch_replies every 2 s
        return "celery"

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close()


# One event loop and one runtime per worker process (per thread with a thread pool): pooled
# DB and Redis connections are bound to the loop that made them. Built on the first task,
# i.e. after the pool forked, never inherited from the parent.
_local = threading.local()


def run(job: Any) -> Any:
    """Run `job(runtime)` to completion on this process's loop."""
    loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
    if loop is None:
        loop = _local.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    runtime: Runtime | None = getattr(_local, "runtime", None)
    if runtime is None:
        runtime = _local.runtime = build_runtime(get_settings())
        runtime.worker = CeleryWorker(runtime.settings)
    return loop.run_until_complete(job(runtime))


@signals.setup_logging.connect
def _configure_logging(loglevel: Any = None, **_: Any) -> None:
    """The worker and beat log like the web app (JSON by default), not Celery's way."""
    from agentiq.kit.logging import configure_logging

    settings = get_settings()
    if isinstance(loglevel, int):
        loglevel = logging.getLevelName(loglevel)
    configure_logging(str(loglevel or settings.log_level), json=settings.log_json)


@signals.worker_process_shutdown.connect
def _close_runtime(**_: Any) -> None:
    loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
    runtime: Runtime | None = getattr(_local, "runtime", None)
    if loop is None or loop.is_closed():
        return
    from agentiq.kit.http import close_http_client

    async def close() -> None:
        await close_http_client()
        if runtime is not None:
            await runtime.close()

    try:
        loop.run_until_complete(close())
        loop.close()
    except Exception:  # shutting down anyway
        log.warning("worker process: closing the runtime failed", exc_info=True)


def _register_tasks(app: Celery) -> None:
    @app.task(name="agentiq.sync_all")
    def sync_all_task() -> int:
        """Fan out: one sync task per cabinet, so workers share the load."""
        from agentiq.db import unit_of_work
        from agentiq.ingestion.repository import all_connections
        from agentiq.ingestion.service import expire_stale_syncs
        from agentiq.kit.time import utcnow

        async def job(runtime: Runtime) -> list[tuple[int, int]]:
            await expire_stale_syncs(runtime)
            async with unit_of_work(runtime.sessionmaker) as session:
                return await all_connections(session)

        targets = run(job)
        now = utcnow()
        for seller_id, cabinet_id in targets:
            sync_cabinet_task.apply_async(args=sync_cabinet_args(seller_id, cabinet_id, False, now))
        return len(targets)

    @app.task(name="agentiq.sync_cabinet", bind=True, max_retries=BUSY_RETRIES)
    def sync_cabinet_task(
        self: Task,
        seller_id: int,
        cabinet_id: int,
        full: bool = False,
        requested_at: str | None = None,
        channels: list[str] | None = None,
    ) -> bool:
        from agentiq.ingestion.service import CHANNELS
        from agentiq.ingestion.tasks import run_sync_cabinet
        from agentiq.kit.time import ensure_utc

        requested = ensure_utc(datetime.fromisoformat(requested_at)) if requested_at else None
        report = run(
            lambda rt: run_sync_cabinet(
                rt,
                seller_id,
                cabinet_id,
                full=full,
                requested_at=requested,
                channels=channels or CHANNELS,
            )
        )
        if report is None:
            return False
        busy = [ch for ch, figures in report.channels.items() if figures.status == "busy"]
        if busy and requested_at is not None:
            # Another worker holds these channels: a live one finishes and its run satisfies
            # this request; a killed one's lock expires and a retry does the work.
            if self.request.retries < BUSY_RETRIES:
                ttl = get_settings().sync_lock_ttl_s
                raise self.retry(
                    args=[seller_id, cabinet_id, full, requested_at],
                    kwargs={"channels": busy},
                    countdown=min(60.0, max(0.5, ttl / 2)),
                )
            log.info("cabinet %s: channels %s stayed busy; left to the next sync", cabinet_id, busy)
        return report.ok

    @app.task(name="agentiq.sla_sweep")
    def sla_sweep_task() -> int:
        from agentiq.triage.tasks import run_sla_sweep

        return int(run(run_sla_sweep))

    @app.task(name="agentiq.reclassify_questions")
    def reclassify_questions_task() -> int:
        """The LLM intent fallback; overlapping runs never ask about a question twice
        (each question is claimed before the call)."""
        from agentiq.triage.tasks import reclassify_general_questions

        report = run(reclassify_general_questions)
        return int(report.reclassified)

    @app.task(name="agentiq.dispatch_replies")
    def dispatch_replies_task() -> dict[str, int]:
        """Any number of workers may run this at once: outbox rows are claimed by CAS."""
        from agentiq.replies.tasks import dispatch_due

        result: dict[str, int] = run(dispatch_due)
        return result

    @app.task(name="agentiq.links_recompute")
    def links_recompute_task(seller_id: int, interaction_id: int | None = None) -> int:
        from agentiq.linking.tasks import run_recompute

        return int(run(lambda rt: run_recompute(rt, seller_id, interaction_id)))

    @app.task(name="agentiq.escalation_sweep")
    def escalation_sweep_task() -> int:
        from agentiq.linking.tasks import run_escalation_sweep

        return int(run(run_escalation_sweep))

    @app.task(name="agentiq.classify_review_causes")
    def classify_review_causes_task() -> int:
        from agentiq.appeals.tasks import classify_all

        return int(run(classify_all))

    @app.task(name="agentiq.auto_answer")
    def auto_answer_task() -> int:
        from agentiq.replies.tasks import run_auto_answers_all

        return int(run(run_auto_answers_all))

    @app.task(name="agentiq.ops_alerts")
    def ops_alerts_task() -> int:
        """Alert rows are one per (seller, situation) by a unique index, and delivery is
        claimed by a conditional UPDATE: an overlapping run neither duplicates nor resends."""
        from agentiq.analytics.tasks import run_alerts_all

        return int(run(run_alerts_all))


def __getattr__(name: str) -> Any:
    # `celery -A agentiq.worker.celery_app` finds the app as `celery_app` / `app`.
    if name in ("celery_app", "app"):
        return get_celery()
    raise AttributeError(name)


__all__ = ["BUSY_RETRIES", "CeleryWorker", "create_celery", "get_celery", "sync_cabinet_args"]
