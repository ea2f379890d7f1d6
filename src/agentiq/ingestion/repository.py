"""Every query of the sync engine. Writes are batched dialect upserts (SQLite / PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.kit.repository import TenantRepository
from agentiq.kit.sanitize import clean_row
from agentiq.kit.time import utcnow
from agentiq.models import (
    ChatMessage,
    Interaction,
    MalformedItem,
    MarketplaceConnection,
    OutboxState,
    ProductCard,
    ReplyOutbox,
    ResponseHistory,
    SyncRun,
    SyncState,
)

# Columns the sync owns; everything else (assignment, views, drafts...) belongs to others.
SYNC_COLUMNS = (
    "connection_id",
    "customer_id",
    "order_id",
    "nm_id",
    "product_article",
    "buyer_name",
    "text",
    "pros",
    "cons",
    "rating",
    "status",
    "priority",
    "priority_rank",
    "priority_reason",
    "intent",
    "needs_response",
    "unread",
    "source",
    "occurred_at",
    "last_buyer_message_at",
    "sla_due_at",
    "escalated_at",
    "first_response_at",
    "extra_data",
    "content_hash",
    "updated_at",
)
IDENTITY = ("seller_id", "marketplace", "channel", "external_id")
PENDING_OUTBOX = (OutboxState.pending.value, OutboxState.sending.value, OutboxState.sent.value)
# A run that ended this way has done what a request made before it started asked for.
FINISHED_RUN = ("ok", "error")
# Bound parameters per statement stay well under SQLite's and asyncpg's limits.
LOOKUP_CHUNK = 900


def _insert(session: AsyncSession, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _chunks(values: Sequence[Any], size: int = LOOKUP_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class ExistingRow:
    """The parts of a stored interaction the sync needs to merge with a fresh WB item."""

    __slots__ = (
        "content_hash",
        "escalated_at",
        "extra_data",
        "first_response_at",
        "id",
        "sla_due_at",
    )

    def __init__(self, row: Any) -> None:
        self.id: int = row.id
        self.content_hash: str = row.content_hash
        self.extra_data: dict[str, Any] = row.extra_data or {}
        self.escalated_at: datetime | None = row.escalated_at
        self.sla_due_at: datetime | None = row.sla_due_at
        self.first_response_at: datetime | None = row.first_response_at


class IngestionRepository(TenantRepository[Interaction]):
    model = Interaction

    async def existing(
        self, marketplace: str, channel: str, external_ids: Sequence[str]
    ) -> dict[str, ExistingRow]:
        found: dict[str, ExistingRow] = {}
        for chunk in _chunks(list(external_ids)):
            rows = await self.session.execute(
                select(
                    Interaction.id,
                    Interaction.external_id,
                    Interaction.content_hash,
                    Interaction.extra_data,
                    Interaction.escalated_at,
                    Interaction.sla_due_at,
                    Interaction.first_response_at,
                ).where(
                    Interaction.seller_id == self.seller_id,
                    Interaction.marketplace == marketplace,
                    Interaction.channel == channel,
                    Interaction.external_id.in_(chunk),
                )
            )
            for row in rows:
                found[row.external_id] = ExistingRow(row)
        return found

    async def pending_reply_ids(self, interaction_ids: Sequence[int]) -> set[int]:
        """Items whose reply is on its way to WB: they must not flip back to unanswered."""
        pending: set[int] = set()
        for chunk in _chunks(list(interaction_ids)):
            rows = await self.session.scalars(
                select(ReplyOutbox.interaction_id).where(
                    ReplyOutbox.seller_id == self.seller_id,
                    ReplyOutbox.interaction_id.in_(chunk),
                    ReplyOutbox.state.in_(PENDING_OUTBOX),
                )
            )
            pending.update(rows)
        return pending

    async def upsert(self, rows: list[dict[str, Any]]) -> None:
        """INSERT ... ON CONFLICT (identity) DO UPDATE ... WHERE content_hash differs."""
        if not rows:
            return
        stmt = _insert(self.session, Interaction.__table__)
        stmt = stmt.on_conflict_do_update(
            index_elements=list(IDENTITY),
            set_={name: stmt.excluded[name] for name in SYNC_COLUMNS},
            where=Interaction.__table__.c.content_hash != stmt.excluded.content_hash,
        )
        for chunk in _chunks(rows, 500):
            for row in chunk:
                clean_row(row)  # one NUL in a WB text must not sink the page on PostgreSQL
                row["seller_id"] = self.seller_id
            await self.session.execute(stmt, list(chunk))

    async def replace_wb_answers(self, rows: list[dict[str, Any]], ids: dict[str, int]) -> None:
        """The seller's answers WB already shows (given outside AgentIQ) join response_history,
        so a new seller's first draft and the repetition check see the whole history.

        Set-based: the batch's WB-origin rows are replaced; an item answered through AgentIQ
        keeps only its own row (the same answer must not be counted twice).
        """
        answered: dict[int, dict[str, Any]] = {}
        for row in rows:
            reply = (row.get("extra_data") or {}).get("last_reply")
            if row["channel"] == "chat" or not isinstance(reply, dict):
                continue
            text = reply.get("text")
            interaction_id = ids.get(row["external_id"])
            wb_text = reply.get("source") == "wb" and isinstance(text, str) and text.strip()
            if wb_text and interaction_id is not None:
                answered[interaction_id] = {**row, "answer_text": text}
        touched = [ids[row["external_id"]] for row in rows if row["external_id"] in ids]
        for chunk in _chunks(touched):
            await self.session.execute(
                delete(ResponseHistory)
                .where(
                    ResponseHistory.seller_id == self.seller_id,
                    ResponseHistory.origin == "wb",
                    ResponseHistory.interaction_id.in_(chunk),
                )
                .execution_options(synchronize_session=False)
            )
        if not answered:
            return
        ours: set[int] = set()
        for chunk in _chunks(sorted(answered)):
            ours.update(
                await self.session.scalars(
                    select(ResponseHistory.interaction_id).where(
                        ResponseHistory.seller_id == self.seller_id,
                        ResponseHistory.origin == "agentiq",
                        ResponseHistory.interaction_id.in_(chunk),
                    )
                )
            )
        values = [
            {
                "seller_id": self.seller_id,
                "interaction_id": interaction_id,
                "nm_id": row["nm_id"],
                "channel": row["channel"],
                "intent": row["intent"],
                "text": row["answer_text"],
                "origin": "wb",
                "created_at": row["first_response_at"] or row["occurred_at"],
            }
            for interaction_id, row in answered.items()
            if interaction_id not in ours
        ]
        for chunk in _chunks(values, 500):
            await self.session.execute(insert(ResponseHistory), list(chunk))

    async def ids_for(
        self, marketplace: str, channel: str, external_ids: Sequence[str]
    ) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(list(external_ids)):
            rows = await self.session.execute(
                select(Interaction.external_id, Interaction.id).where(
                    Interaction.seller_id == self.seller_id,
                    Interaction.marketplace == marketplace,
                    Interaction.channel == channel,
                    Interaction.external_id.in_(chunk),
                )
            )
            found.update({row.external_id: row.id for row in rows})
        return found

    async def add_chat_messages(self, rows: list[dict[str, Any]]) -> int:
        """Insert messages not seen before; a re-delivered event is ignored. Returns new count."""
        if not rows:
            return 0
        for row in rows:
            clean_row(row)
            row["seller_id"] = self.seller_id
            row.setdefault("created_at", utcnow())
        stmt = _insert(self.session, ChatMessage.__table__).on_conflict_do_nothing(
            index_elements=["seller_id", "interaction_id", "external_id"]
        )
        total = 0
        for chunk in _chunks(rows, 500):
            result = await self.session.execute(stmt, list(chunk))
            total += max(int(getattr(result, "rowcount", 0) or 0), 0)
        return total

    async def upsert_product_cards(self, marketplace: str, cards: list[dict[str, Any]]) -> None:
        """One row per nm_id; non-empty WB values win, empty ones never erase what we know."""
        if not cards:
            return
        table = ProductCard.__table__
        now = utcnow()
        rows = [
            clean_row(
                {
                    **card,
                    "seller_id": self.seller_id,
                    "marketplace": marketplace,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for card in cards
        ]
        stmt = _insert(self.session, table)
        keep = {
            name: func.coalesce(func.nullif(stmt.excluded[name], ""), table.c[name])
            for name in ("name", "brand", "supplier_article", "colour", "photo_url")
        }
        stmt = stmt.on_conflict_do_update(
            index_elements=["seller_id", "marketplace", "nm_id"],
            set_={
                **keep,
                "imt_id": func.coalesce(stmt.excluded.imt_id, table.c.imt_id),
                "updated_at": stmt.excluded.updated_at,
            },
        )
        for chunk in _chunks(rows, 500):
            await self.session.execute(stmt, list(chunk))


class SyncStateRepository(TenantRepository[SyncState]):
    model = SyncState

    async def for_channel(self, connection_id: int, channel: str) -> SyncState:
        state = await self.session.scalar(
            self.scoped().where(
                SyncState.connection_id == connection_id, SyncState.channel == channel
            )
        )
        if state is None:
            state = self.add(SyncState(connection_id=connection_id, channel=channel))
            await self.session.flush()
        return state

    async def all_for(self, connection_id: int) -> Sequence[SyncState]:
        return await self.list(SyncState.connection_id == connection_id, order_by=SyncState.channel)


class SyncRunRepository(TenantRepository[SyncRun]):
    model = SyncRun

    async def latest(self, connection_id: int, limit: int = 10) -> Sequence[SyncRun]:
        return await self.list(
            SyncRun.connection_id == connection_id,
            order_by=SyncRun.id.desc(),
            limit=limit,
        )

    async def channels_finished_since(self, connection_id: int, since: datetime) -> set[str]:
        """Channels a run that started at or after `since` has finished (ok or error)."""
        done = await self.list(
            SyncRun.connection_id == connection_id,
            SyncRun.started_at >= since,
            SyncRun.status.in_(FINISHED_RUN),
        )
        return {run.channel for run in done}


async def all_connections(session: AsyncSession) -> list[tuple[int, int]]:
    """(seller_id, connection_id) of every cabinet: the scheduler's system-wide view."""
    rows = await session.execute(
        select(MarketplaceConnection.seller_id, MarketplaceConnection.id).order_by(
            MarketplaceConnection.id
        )
    )
    return [(row[0], row[1]) for row in rows]


async def claim_sync_start(session: AsyncSession, connection_id: int, now: datetime) -> None:
    await session.execute(
        update(MarketplaceConnection)
        .where(MarketplaceConnection.id == connection_id)
        .values(sync_status="syncing", sync_started_at=now)
    )


class MalformedItemRepository(TenantRepository[MalformedItem]):
    """WB items a sync skipped: recorded with the page that skipped them, re-read later."""

    model = MalformedItem

    async def record(self, connection_id: int, channel: str, items: list[dict[str, Any]]) -> None:
        """Insert or refresh (raw, error) of `items` ({external_id, raw, error} each)."""
        if not items:
            return
        now = utcnow()
        rows = [
            clean_row(
                {
                    "seller_id": self.seller_id,
                    "connection_id": connection_id,
                    "channel": channel,
                    "external_id": item["external_id"][:100],
                    "raw": {"item": item["raw"]},
                    "error": item["error"][:2000],
                    "attempts": 1,
                    "permanent": False,
                    "first_seen_at": now,
                    "last_tried_at": now,
                }
            )
            for item in items
        ]
        stmt = _insert(self.session, MalformedItem.__table__)
        stmt = stmt.on_conflict_do_update(
            index_elements=["connection_id", "channel", "external_id"],
            set_={"raw": stmt.excluded.raw, "error": stmt.excluded.error},
        )
        for chunk in _chunks(rows, 500):
            await self.session.execute(stmt, list(chunk))

    async def pending(
        self, connection_id: int, channel: str, limit: int
    ) -> Sequence[MalformedItem]:
        return await self.list(
            MalformedItem.connection_id == connection_id,
            MalformedItem.channel == channel,
            MalformedItem.permanent.is_(False),
            order_by=MalformedItem.id,
            limit=limit,
        )

    async def has_pending(self, connection_id: int, channel: str) -> bool:
        return bool(await self.pending(connection_id, channel, limit=1))

    async def resolve(self, connection_id: int, channel: str, external_ids: Sequence[str]) -> None:
        """Items that parsed after all: nothing left to re-read."""
        for chunk in _chunks(list(external_ids)):
            await self.session.execute(
                delete(MalformedItem).where(
                    MalformedItem.seller_id == self.seller_id,
                    MalformedItem.connection_id == connection_id,
                    MalformedItem.channel == channel,
                    MalformedItem.external_id.in_(chunk),
                )
            )
