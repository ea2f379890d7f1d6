"""Triage: priority with a readable reason, question intents, SLA targets and due times.

The core here is pure Python (no DB): `engine.triage()` turns one normalised item into a
`TriageResult`. Service, repository, endpoints and tasks build on it.
"""

from agentiq.triage.engine import triage
from agentiq.triage.schemas import (
    Channel,
    Priority,
    TriageInput,
    TriageResult,
    TriageSettings,
)
from agentiq.triage.sla import SlaRule, SlaTarget, due_at, resolve_sla_target, sla_state

__all__ = [
    "Channel",
    "Priority",
    "SlaRule",
    "SlaTarget",
    "TriageInput",
    "TriageResult",
    "TriageSettings",
    "due_at",
    "resolve_sla_target",
    "sla_state",
    "triage",
]
