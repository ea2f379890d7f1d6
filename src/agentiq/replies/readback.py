"""Read an item back from WB: is our answer there? The only thing that makes a send "sent"
after a timeout, a 5xx or a crash, because WB has no idempotency keys and answers 204 even
for a wrong id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from agentiq.guardrails import normalise
from agentiq.marketplaces.base import ItemNotFound, MarketplaceClient

# found: our answer is on WB (published); moderation: it is there, WB still moderates it;
# rejected: WB's moderation refused it (the buyer sees no answer).
Verdict = Literal["found", "moderation", "rejected", "absent", "other_answer", "missing"]
# Feedback `answer.state` values (REFERENCE §3.9) that are not (yet) a published answer.
MODERATION_STATES = {"reviewRequired": "moderation", "rejected": "rejected"}
# WB and we disagree about clocks; look for our chat message a little before we approved it.
CHAT_LOOKBACK = timedelta(minutes=10)


@dataclass(frozen=True)
class Readback:
    verdict: Verdict
    editable: bool = False
    wb_text: str | None = None


def same_text(a: str | None, b: str) -> bool:
    return a is not None and normalise(a) == normalise(b)


async def read_back(
    client: MarketplaceClient, channel: str, external_id: str, text: str, approved_at: datetime
) -> Readback:
    """Raises WB errors as they come (except "no such item": `missing`)."""
    try:
        return await _read_back(client, channel, external_id, text, approved_at)
    except ItemNotFound:
        return Readback("missing")


async def _read_back(
    client: MarketplaceClient, channel: str, external_id: str, text: str, approved_at: datetime
) -> Readback:
    if channel == "review":
        feedback = await client.get_feedback(external_id)
        answer = feedback.answer
        if answer is None or not answer.text:
            return Readback("absent")
        verdict: Verdict = "found" if same_text(answer.text, text) else "other_answer"
        if verdict == "found" and answer.state in MODERATION_STATES:
            verdict = "moderation" if answer.state == "reviewRequired" else "rejected"
        return Readback(verdict, bool(answer.editable), answer.text)
    if channel == "question":
        question = await client.get_question(external_id)
        qa = question.answer
        if qa is None or not qa.text:
            return Readback("absent")
        verdict = "found" if same_text(qa.text, text) else "other_answer"
        return Readback(verdict, bool(qa.editable), qa.text)
    return await _chat_read_back(client, external_id, text, approved_at)


async def _chat_read_back(
    client: MarketplaceClient, chat_id: str, text: str, approved_at: datetime
) -> Readback:
    """Walk the events feed from just before the approval; our message is a seller event."""
    cursor = int((approved_at - CHAT_LOOKBACK).timestamp() * 1000)
    async for batch in client.iter_chat_events(cursor):
        for event in batch.items:
            if event.chat_id != chat_id or event.sender != "seller":
                continue
            message = event.message.text if event.message is not None else None
            if same_text(message, text):
                return Readback("found")
    return Readback("absent")
