"""`agentiq worker` and `agentiq beat` (registered by the top-level CLI).

Both read the same settings as `agentiq serve` (AGENTIQ_DATABASE_URL, AGENTIQ_REDIS_URL —
the broker —, AGENTIQ_SECRET_KEY, ...). Arguments after `--` go to Celery unchanged, e.g.
`agentiq worker -- --max-tasks-per-child=100`.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from celery import Celery

PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": False}


def _app_or_exit() -> Celery:
    from agentiq.config import SettingsError, get_settings
    from agentiq.worker.celery_app import get_celery

    try:
        get_settings()
        return get_celery()
    except SettingsError as exc:
        click.echo(f"Cannot start: {exc}", err=True)
        sys.exit(2)


@click.command("worker", context_settings=PASS_THROUGH)
@click.option("--concurrency", default=2, show_default=True, help="Worker processes.")
@click.option(
    "--hostname",
    default=None,
    help="Node name, unique per worker (default agentiq-<pid>@<host>).",
)
@click.option("--loglevel", default="INFO", show_default=True)
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def worker_command(
    concurrency: int, hostname: str | None, loglevel: str, celery_args: tuple[str, ...]
) -> None:
    """Run a Celery worker (syncs, SLA sweeps, drafts, dispatch). Start as many as needed."""
    from agentiq.worker.celery_app import QUEUE

    app = _app_or_exit()
    name = hostname or f"agentiq-{os.getpid()}@{socket.gethostname()}"
    app.worker_main(
        [
            "worker",
            f"--concurrency={concurrency}",
            f"--loglevel={loglevel}",
            f"--hostname={name}",
            f"--queues={QUEUE}",
            *celery_args,
        ]
    )


@click.command("beat", context_settings=PASS_THROUGH)
@click.option("--loglevel", default="INFO", show_default=True)
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def beat_command(loglevel: str, celery_args: tuple[str, ...]) -> None:
    """Run the one Celery beat that schedules periodic syncs and SLA sweeps (exactly one)."""
    app = _app_or_exit()
    app.start(["beat", f"--loglevel={loglevel}", *celery_args])
