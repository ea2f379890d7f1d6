"""Both drivers schedule the periodic jobs, the LLM intent fallback among them."""

from __future__ import annotations

from typing import Any

from agentiq.config import Settings
from agentiq.runtime import build_runtime
from agentiq.worker import embedded
from agentiq.worker.celery_app import beat_schedule


def test_beat_runs_the_llm_intent_fallback_every_sync_interval(settings: Settings) -> None:
    entry = beat_schedule(settings.model_copy(update={"sync_interval_s": 90}))["llm-intents"]
    assert entry == {
        "task": "agentiq.reclassify_questions",
        "schedule": 90.0,
        "options": {"expires": 90.0},
    }


async def test_embedded_scheduler_runs_the_llm_intent_fallback(settings: Settings) -> None:
    runtime = build_runtime(settings.model_copy(update={"scheduler_enabled": True}))
    app: Any = object()
    try:
        await embedded.start(app, runtime)
        names = {task.get_name() for task in runtime.scheduler_tasks}
        assert {"sync", "sla-sweep", "llm-intents"} <= names
    finally:
        await embedded.stop(app, runtime)
        await runtime.close()
