"""Inbox filters and the shapes the list, detail and actions return (API and UI share them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agentiq.kit.errors import ValidationFailed

Queue = Literal["urgent", "unanswered", "done", "all"]
Sort = Literal["priority", "newest", "oldest"]
CHANNELS = ("review", "question", "chat")
QUEUES: tuple[Queue, ...] = ("urgent", "unanswered", "done", "all")
# Counts stop at this many rows so a tab badge stays cheap at a million rows ("999+").
COUNT_CAP = 1000
# "All matching this filter" bulk actions touch at most this many rows at once.
BULK_LIMIT = 5000


class InboxFilter(BaseModel):
    """What the operator is looking at. `assigned`: "me", "none" or a user id as text."""

    model_config = ConfigDict(frozen=True)

    channel: Literal["review", "question", "chat"] | None = None
    queue: Queue = "all"
    q: str | None = None
    sort: Sort = "priority"
    rating: tuple[int, ...] = ()
    cabinet_id: int | None = None
    nm_id: int | None = None
    source: str | None = None
    status: str | None = None
    priority: str | None = None
    unread: bool | None = None
    assigned: str | None = None

    def for_user(self, user_id: int) -> InboxFilter:
        """Resolve "me" to the signed-in user (endpoints and UI routes call this)."""
        if self.assigned == "me":
            return self.model_copy(update={"assigned": str(user_id)})
        return self

    def assigned_user_id(self) -> int | Literal["none"] | None:
        value = (self.assigned or "").strip()
        if not value:
            return None
        if value == "none":
            return "none"
        if value.isdigit():
            return int(value)
        raise ValidationFailed(
            "Неверный фильтр по исполнителю", details={"assigned": "me, none или id"}
        )


class InboxRow(BaseModel):
    """One line of the inbox list (no heavy fields: pros/cons/extra_data live in the detail)."""

    id: int
    channel: str
    external_id: str
    connection_id: int | None
    nm_id: int | None
    product_name: str | None
    product_article: str | None
    buyer_name: str | None
    text: str
    rating: int | None
    status: str
    priority: str
    priority_reason: str
    intent: str | None
    needs_response: bool
    unread: bool
    source: str
    occurred_at: datetime
    last_buyer_message_at: datetime | None
    sla_due_at: datetime | None
    sla_state: Literal["overdue", "due_soon", "ok"] | None
    viewed_at: datetime | None
    assigned_user_id: int | None
    assigned_user_name: str | None
    # An auto answer was queued (earned autonomy): «авто» in the list.
    auto_answered: bool = False


class InboxPage(BaseModel):
    items: list[InboxRow]
    next_cursor: str | None


class InboxCounts(BaseModel):
    """Capped counts for the current filter: per channel tab and per queue pill."""

    channels: dict[str, int]
    queues: dict[str, int]
    cap: int = COUNT_CAP

    def label(self, value: int) -> str:
        return f"{self.cap - 1}+" if value >= self.cap else str(value)

    @property
    def labels(self) -> dict[str, dict[str, str]]:
        return {
            "channels": {k: self.label(v) for k, v in self.channels.items()},
            "queues": {k: self.label(v) for k, v in self.queues.items()},
        }


class ProductOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    nm_id: int
    name: str
    brand: str
    supplier_article: str
    colour: str
    photo_url: str


class EarlierAnswer(BaseModel):
    interaction_id: int | None
    channel: str
    text: str
    origin: str
    created_at: datetime


class ChatMessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    external_id: str
    direction: str
    sender: str
    text: str
    attachments: dict[str, Any]
    sent_at: datetime


class ChatPage(BaseModel):
    """Newest page first in time order; `before_id` of the next call = `older_cursor`."""

    items: list[ChatMessageOut]
    older_cursor: int | None


class ItemDraftOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    text: str
    model: str
    prompt_version: str
    warnings: dict[str, Any]
    context_used: dict[str, Any]
    created_at: datetime


class ItemOutboxOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    text: str
    state: str
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    confirmed_at: datetime | None
    created_at: datetime


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    actor_user_id: int | None
    payload: dict[str, Any]
    created_at: datetime


class AssigneeOut(BaseModel):
    id: int
    name: str
    email: str


class InteractionItem(InboxRow):
    pros: str
    cons: str
    customer_id: str | None
    order_id: str | None
    escalated_at: datetime | None
    first_response_at: datetime | None
    extra_data: dict[str, Any]


class InteractionDetail(BaseModel):
    item: InteractionItem
    product: ProductOut | None
    earlier_answers: list[EarlierAnswer]
    linked: list[InboxRow]
    messages: ChatPage | None
    latest_draft: ItemDraftOut | None
    outbox: ItemOutboxOut | None
    events: list[EventOut]
    assigned: AssigneeOut | None


class AssignIn(BaseModel):
    user_id: int | None = None


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class BulkIn(BaseModel):
    """Either explicit `ids` or `all_matching` with the list's filter (bounded by BULK_LIMIT)."""

    action: Literal["assign", "close", "reopen", "viewed"]
    ids: list[int] | None = Field(default=None, max_length=BULK_LIMIT)
    all_matching: bool = False
    filter: InboxFilter | None = None
    user_id: int | None = None


class BulkResult(BaseModel):
    affected: int
    ids: list[int]
    truncated: bool = False
    # A bulk close can be undone: POST this token to /api/interactions/bulk/undo.
    undo: str | None = None


class UndoIn(BaseModel):
    undo: str = Field(max_length=64)


class SlaMetrics(BaseModel):
    window_days: int
    answered: int
    answered_in_time: int
    sla_hit_rate: float | None
    overdue_now: int
    due_soon: int
    median_first_response_minutes: float | None
    by_channel: dict[str, dict[str, Any]]
