"""What one channel's sync run counts, and the small steps every walk shares: recording
skipped items, normalising a page, the live signal after commit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from agentiq.ingestion.ingest import BatchResult, IngestContext
from agentiq.ingestion.malformed import invalid_rows
from agentiq.ingestion.normalise import NormalisedItem
from agentiq.ingestion.repository import MalformedItemRepository
from agentiq.marketplaces.wb.schemas import InvalidItem
from agentiq.runtime import Runtime

MAX_SAMPLES = 5


@dataclass(slots=True)
class ChannelFigures:
    channel: str
    status: str = "running"
    fetched: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: int = 0
    rate_limited_wait_s: float = 0.0
    error_message: str | None = None
    samples: list[dict[str, Any]] = field(default_factory=list)
    # Skipped since the last page was written: recorded with that page, re-read later.
    unrecorded: list[InvalidItem] = field(default_factory=list)

    def add(self, batch: BatchResult) -> None:
        self.created += batch.created
        self.updated += batch.updated
        self.skipped += batch.skipped

    def take_unrecorded(self) -> list[InvalidItem]:
        taken, self.unrecorded = self.unrecorded, []
        return taken

    def malformed(self, raw: Any, error: str) -> None:
        self.unrecorded.append(InvalidItem(raw=raw, error=error))
        self.errors += 1
        if len(self.samples) < MAX_SAMPLES:
            self.samples.append({"error": error[:300], "raw": _jsonable(raw)})


def _jsonable(raw: Any) -> Any:
    try:
        json.dumps(raw)
        return raw
    except (TypeError, ValueError):
        return repr(raw)[:1000]


def publish(session: Any, runtime: Runtime, seller_id: int, event: dict[str, Any]) -> None:
    """Live signal after commit, if the event stream module is installed."""
    try:
        from agentiq.eventstream.service import publish_after_commit
    except ImportError:
        return
    publish_after_commit(session, runtime, seller_id, event)


async def record_skipped(
    session: Any, ctx: IngestContext, channel: str, invalid: list[InvalidItem]
) -> None:
    await MalformedItemRepository(session, ctx.seller_id).record(
        ctx.connection_id, channel, invalid_rows(invalid)
    )


def normalise_all(
    items: Sequence[Any], normalise: Any, figures: ChannelFigures
) -> list[NormalisedItem]:
    out = []
    for item in items:
        try:
            out.append(normalise(item))
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            figures.malformed(item.model_dump(mode="json", by_alias=True), repr(exc))
    return out


def record_invalid(invalid: Sequence[InvalidItem], figures: ChannelFigures) -> None:
    for bad in invalid:
        figures.malformed(bad.raw, bad.error)


def sync_event(channel: str, batch: BatchResult) -> dict[str, Any]:
    return {
        "type": "interactions.synced",
        "channel": channel,
        "created": batch.created,
        "updated": batch.updated,
    }
