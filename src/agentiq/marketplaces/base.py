"""What the sync engine and the reply dispatcher may call on a marketplace client.

Each marketplace registers a factory under its name; callers do
`get_marketplace("wb").create_client(token, cabinet_key=..., ...)` and depend only on the
`MarketplaceClient` Protocol. Clients talk HTTP only — they never touch the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from agentiq.kit.errors import AgentIQError

# --- errors every marketplace client raises (its own classes derive from these) -----------


class MarketplaceError(AgentIQError):
    """The marketplace refused or failed a request; `message` is Russian."""

    status_code = 502
    code = "marketplace_error"
    status: int | None = None  # the marketplace's HTTP status, when it answered

    @property
    def remote_text(self) -> str:
        """The marketplace's own words about the error ("" when it said nothing)."""
        return ""


class ItemNotFound(MarketplaceError):
    """The review, question or chat is not (or no longer) there."""


class RateLimited(MarketplaceError):
    """Too many requests: nothing was processed, retry later."""


class Unavailable(MarketplaceError):
    """Network failure or timeout before the marketplace processed anything."""


class UnknownOutcome(MarketplaceError):
    """A write timed out or failed half-way: it may have been applied. Read back first."""


@dataclass(slots=True)
class ClientStats:
    """Counters a client keeps for the sync's per-run figures."""

    requests: int = 0
    rate_limit_waits: int = 0
    rate_limit_wait_s: float = 0.0
    throttled: int = 0  # "too many requests" answers received
    retries: int = 0
    by_status: dict[int, int] = field(default_factory=dict)

    def snapshot(self) -> ClientStats:
        return ClientStats(
            self.requests,
            self.rate_limit_waits,
            self.rate_limit_wait_s,
            self.throttled,
            self.retries,
            dict(self.by_status),
        )


@runtime_checkable
class MarketplaceClient(Protocol):
    """The operations AgentIQ needs from a marketplace, in the marketplace's own types."""

    marketplace: str
    cabinet_key: str
    stats: ClientStats

    # Reviews and questions: windows over dates, resumable from a watermark.
    def walk(
        self,
        channel: str,
        *,
        date_from: datetime | int,
        date_to: datetime | int | None = None,
        answered_states: Sequence[bool] = (False, True),
        take: int = 5000,
    ) -> Any: ...

    # Old unanswered reviews that only the archive still has (read once, for history).
    async def list_archived_feedbacks(
        self,
        *,
        take: int,
        skip: int = 0,
        nm_id: int | None = None,
        order: Any = None,
        unanswered_only: bool = False,
    ) -> Any: ...

    # Chats: the events feed with its cursor, and the chat list (for reply signatures).
    def iter_chat_events(self, next_cursor: int | None = None) -> AsyncIterator[Any]: ...
    async def list_chats(self) -> Any: ...

    # Read-back, used by the dispatcher before any retry of an unknown outcome.
    async def get_feedback(self, feedback_id: str) -> Any: ...
    async def get_question(self, question_id: str) -> Any: ...

    # Writes: never retried blindly by the client.
    async def answer_feedback(self, feedback_id: str, text: str) -> None: ...
    async def edit_feedback_answer(self, feedback_id: str, text: str) -> None: ...
    async def answer_question(self, question_id: str, text: str) -> None: ...
    async def send_message(
        self, reply_sign: str, text: str | None = None, files: Sequence[tuple[str, bytes, str]] = ()
    ) -> Any: ...


class MarketplaceFactory(Protocol):
    def __call__(self, token: str, *, cabinet_key: str, **options: Any) -> MarketplaceClient: ...


@dataclass(frozen=True, slots=True)
class Marketplace:
    name: str
    title: str
    create_client: MarketplaceFactory
