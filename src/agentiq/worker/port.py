"""The one port for background work: services say what should happen, never how.

A service queues a job with `runtime.worker.enqueue(SyncCabinet(...))`, usually after its
transaction commits. The embedded default runs it in this process (worker/embedded.py); in
distributed mode it becomes a Celery task (worker/celery_app.py); `worker/drivers.py` picks
one from the settings. Services import this module only — never their own job driver, never
a Celery task name — so the domain modules never import the worker package back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

# How a job was started: on a Celery worker, in this process, or left to the schedule
# (the driver's periodic run will do it).
Started = Literal["celery", "background", "scheduled"]


@dataclass(frozen=True, slots=True)
class SyncCabinet:
    """Pull a cabinet's reviews, questions and chats from the marketplace."""

    seller_id: int
    cabinet_id: int
    full: bool = False


@dataclass(frozen=True, slots=True)
class RecomputeLinks:
    """Re-score a seller's links (or one item's); `job_id` names the job for the caller."""

    seller_id: int
    interaction_id: int | None
    job_id: str


@dataclass(frozen=True, slots=True)
class DispatchReplies:
    """Send due outbox rows now instead of at the next dispatch tick."""


Job = SyncCabinet | RecomputeLinks | DispatchReplies


class Worker(Protocol):
    kind: Started  # how this worker starts jobs: "celery" or "background"

    def enqueue(self, job: Job) -> Started:
        """Start `job` in the background; returns how it was started."""
        ...


class NoWorker:
    """A runtime nobody attached a worker to (a CLI command, a unit test): queuing fails loudly."""

    kind: Started = "background"

    def enqueue(self, job: Job) -> Started:
        raise RuntimeError(
            f"cannot queue {type(job).__name__}: no background worker is attached to this "
            "runtime (agentiq.worker.drivers.attach_worker)"
        )
