"""How the sent reply relates to the last draft: the quality metric's raw classification."""

from __future__ import annotations

from typing import Literal

from rapidfuzz import fuzz

from agentiq.guardrails import normalise

ReplyQuality = Literal["draft_accepted", "draft_edited", "reply_manual"]

# Similarity of normalised texts (case, «ё», punctuation and spacing ignored), 0..1:
# ≥ 0.97 — the operator sent the draft as is or fixed a typo: accepted;
# ≥ 0.50 — the draft was the starting point and got edited;
# below — the operator wrote their own answer: manual. No draft at all is manual too.
ACCEPTED_THRESHOLD = 0.97
EDITED_THRESHOLD = 0.50


def similarity(a: str, b: str) -> float:
    """Normalised similarity of two replies, 0..1 (rapidfuzz ratio over normalised text)."""
    return fuzz.ratio(normalise(a), normalise(b)) / 100.0


def classify_reply(last_draft: str | None, sent: str) -> ReplyQuality:
    if not last_draft or not normalise(last_draft):
        return "reply_manual"
    score = similarity(last_draft, sent)
    if score >= ACCEPTED_THRESHOLD:
        return "draft_accepted"
    if score >= EDITED_THRESHOLD:
        return "draft_edited"
    return "reply_manual"
