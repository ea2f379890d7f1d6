"""What the sync engine and the reply dispatcher may call on a marketplace client.

Each marketplace registers a factory under its name; callers do
`get_marketplace("wb").create_client(token, cabinet_key=..., ...)` and depend only on the
`MarketplaceClient` Protocol. Clients talk HTTP only — they never touch the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class MarketplaceClient(Protocol):
    """The operations AgentIQ needs from a marketplace, in the marketplace's own types."""

    marketplace: str
    cabinet_key: str

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
