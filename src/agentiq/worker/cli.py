"""`agentiq worker` and `agentiq beat` (registered by the top-level CLI)."""

from __future__ import annotations

import click


@click.command("worker")
@click.option("--concurrency", default=2, show_default=True, help="Worker processes.")
@click.option("--loglevel", default="INFO", show_default=True)
def worker_command(concurrency: int, loglevel: str) -> None:
    """Run a Celery worker (syncs, SLA sweeps, drafts, dispatch)."""
    from agentiq.worker.celery_app import celery_app

    celery_app.worker_main(
        ["worker", f"--concurrency={concurrency}", f"--loglevel={loglevel}", "-Q", "agentiq"]
    )


@click.command("beat")
@click.option("--loglevel", default="INFO", show_default=True)
def beat_command(loglevel: str) -> None:
    """Run the one Celery beat that schedules periodic syncs and SLA sweeps."""
    from agentiq.worker.celery_app import celery_app

    celery_app.start(["beat", f"--loglevel={loglevel}"])
