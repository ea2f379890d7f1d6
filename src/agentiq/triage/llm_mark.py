"""What a question's `extra_data["triage"]` remembers about the LLM intent fallback.

The reclassify job (triage/reclassify.py) marks a question before it asks the LLM, so each
question text costs at most one call, even when runs overlap or a run dies mid-way:

- `llm_checked_at`: when the job claimed the question (also the claim's token);
- `llm_text`: a fingerprint of the text the LLM was asked about;
- `llm_intent`: the LLM's answer, only when it named an intent other than "general".

A re-sync rewrites `extra_data["triage"]` whenever WB's content changed. While the question's
text is the same, the mark is carried over (`carried_llm_mark`) and the LLM's intent stays in
force, so a re-sync never undoes it nor makes the item "not yet tried" again. A new text goes
back to the rules and, if they still say "general", gets one fresh LLM attempt.

Pure and light (no DB, no HTTP client): the sync imports it for every row it writes.
"""

from __future__ import annotations

import hashlib
from typing import Any

from agentiq.triage import rules

LLM_CHECKED_AT = "llm_checked_at"
LLM_TEXT = "llm_text"
LLM_INTENT = "llm_intent"
MARK_KEYS = (LLM_CHECKED_AT, LLM_TEXT, LLM_INTENT)


def text_fingerprint(text: str) -> str:
    """A short, stable fingerprint of the text the LLM was asked about."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def carried_llm_mark(channel: str, text: str, extra_data: dict[str, Any] | None) -> dict[str, Any]:
    """The stored LLM mark to keep for a re-synced item: empty unless it is a question that
    was already tried with the same text. An `llm_intent` is kept only if it is a known one."""
    if channel != "question" or not extra_data:
        return {}
    stored = extra_data.get("triage")
    if not isinstance(stored, dict) or not stored.get(LLM_CHECKED_AT):
        return {}
    if stored.get(LLM_TEXT) != text_fingerprint(text):
        return {}
    mark = {key: stored[key] for key in (LLM_CHECKED_AT, LLM_TEXT)}
    intent = stored.get(LLM_INTENT)
    if intent in rules.QUESTION_INTENTS and intent != rules.GENERAL:
        mark[LLM_INTENT] = intent
    return mark
