"""Typed WB payloads (Feedbacks, Questions, Buyers Chat).

Every model ignores-but-keeps unknown fields (`extra="allow"`) so a field WB adds tomorrow
does not break a sync, and keeps optional slots for fields WB has removed (`clientID`,
`goodCard.date`, `goodCard.statusID`) so old payloads and the sandbox still parse.
Only identifiers are required: an item without its id cannot be stored, anything else can.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field


class WBModel(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=False)


# --- feedbacks -------------------------------------------------------------------------------


class ProductDetails(WBModel):
    nm_id: int | None = Field(default=None, alias="nmId")
    imt_id: int | None = Field(default=None, alias="imtId")
    product_name: str | None = Field(default=None, alias="productName")
    supplier_article: str | None = Field(default=None, alias="supplierArticle")
    supplier_name: str | None = Field(default=None, alias="supplierName")
    brand_name: str | None = Field(default=None, alias="brandName")
    size: str | None = None


class FeedbackAnswer(WBModel):
    text: str = ""
    # none | wbRu | reviewRequired (under moderation) | rejected
    state: str | None = None
    editable: bool | None = None


class PhotoLink(WBModel):
    full_size: str | None = Field(default=None, alias="fullSize")
    mini_size: str | None = Field(default=None, alias="miniSize")


class Video(WBModel):
    preview_image: str | None = Field(default=None, alias="previewImage")
    link: str | None = None
    duration_sec: int | None = Field(default=None, alias="durationSec")


class Feedback(WBModel):
    id: str
    text: str = ""
    pros: str = ""
    cons: str = ""
    product_valuation: int | None = Field(default=None, alias="productValuation")
    created_date: datetime = Field(alias="createdDate")
    answer: FeedbackAnswer | None = None
    state: str | None = None
    product_details: ProductDetails | None = Field(default=None, alias="productDetails")
    photo_links: list[PhotoLink] | None = Field(default=None, alias="photoLinks")
    video: Video | None = None
    was_viewed: bool | None = Field(default=None, alias="wasViewed")
    user_name: str = Field(default="", alias="userName")
    order_status: str | None = Field(default=None, alias="orderStatus")
    matching_size: str | None = Field(default=None, alias="matchingSize")
    is_able_return_product_orders: bool | None = Field(
        default=None, alias="isAbleReturnProductOrders"
    )
    return_product_orders_date: str | None = Field(default=None, alias="returnProductOrdersDate")
    bables: list[str] | None = None
    last_order_shk_id: int | None = Field(default=None, alias="lastOrderShkId")
    last_order_created_at: str | None = Field(default=None, alias="lastOrderCreatedAt")
    color: str | None = None
    subject_id: int | None = Field(default=None, alias="subjectId")
    subject_name: str | None = Field(default=None, alias="subjectName")
    parent_feedback_id: str | None = Field(default=None, alias="parentFeedbackId")
    child_feedback_id: str | None = Field(default=None, alias="childFeedbackId")

    @property
    def is_answered(self) -> bool:
        return self.answer is not None and bool(self.answer.text)


class CountUnanswered(WBModel):
    count_unanswered: int = Field(alias="countUnanswered")
    count_unanswered_today: int = Field(default=0, alias="countUnansweredToday")


class NewFeedbacksQuestions(WBModel):
    has_new_questions: bool = Field(alias="hasNewQuestions")
    has_new_feedbacks: bool = Field(alias="hasNewFeedbacks")


# --- questions -------------------------------------------------------------------------------


class QuestionAnswer(WBModel):
    text: str = ""
    editable: bool | None = None
    create_date: datetime | None = Field(default=None, alias="createDate")


class Question(WBModel):
    id: str
    text: str = ""
    created_date: datetime = Field(alias="createdDate")
    # suppliersPortalSynch (new) | wbRu (answered, shown) | none (rejected by the seller)
    state: str | None = None
    answer: QuestionAnswer | None = None
    product_details: ProductDetails | None = Field(default=None, alias="productDetails")
    was_viewed: bool | None = Field(default=None, alias="wasViewed")
    is_warned: bool | None = Field(default=None, alias="isWarned")

    @property
    def is_answered(self) -> bool:
        return self.answer is not None and bool(self.answer.text)


# --- chats -----------------------------------------------------------------------------------


class Listing(WBModel):
    """`goodCard` of a chat; `date` and `status_id` were removed by WB in 2026."""

    nm_id: int | None = Field(default=None, alias="nmID")
    price: int | None = None
    price_currency: str | None = Field(default=None, alias="priceCurrency")
    rid: str | None = None
    size: str | None = None
    date: str | None = None
    status_id: int | None = Field(default=None, alias="statusID")
    need_refund: bool | None = Field(default=None, alias="needRefund")


class LastMessage(WBModel):
    text: str = ""
    add_timestamp: int | None = Field(default=None, alias="addTimestamp")


class Chat(WBModel):
    chat_id: str = Field(alias="chatID")
    reply_sign: str | None = Field(default=None, alias="replySign")
    client_name: str | None = Field(default=None, alias="clientName")
    # Switched off by WB on 2026-02-02; kept so older payloads still parse.
    client_id: str | None = Field(default=None, alias="clientID")
    good_card: Listing | None = Field(default=None, alias="goodCard")
    last_message: LastMessage | None = Field(default=None, alias="lastMessage")


class ChatFile(WBModel):
    content_type: str | None = Field(default=None, alias="contentType")
    date: str | None = None
    download_id: str | None = Field(default=None, alias="downloadID")
    name: str | None = None
    url: str | None = None
    size: int | None = None


class ChatImage(WBModel):
    date: str | None = None
    download_id: str | None = Field(default=None, alias="downloadID")
    url: str | None = None


class EventAttachments(WBModel):
    good_card: Listing | None = Field(default=None, alias="goodCard")
    files: list[ChatFile] | None = None
    images: list[ChatImage] | None = None


class EventMessage(WBModel):
    text: str | None = None
    attachments: EventAttachments | None = None


class ChatEvent(WBModel):
    event_id: str = Field(alias="eventID")
    chat_id: str = Field(alias="chatID")
    event_type: str | None = Field(default=None, alias="eventType")
    is_new_chat: bool = Field(default=False, alias="isNewChat")
    message: EventMessage | None = None
    source: str | None = None
    add_timestamp: int = Field(alias="addTimestamp")
    add_time: datetime | None = Field(default=None, alias="addTime")
    reply_sign: str | None = Field(default=None, alias="replySign")
    sender: str | None = None
    client_name: str | None = Field(default=None, alias="clientName")
    client_id: str | None = Field(default=None, alias="clientID")


class SentMessage(WBModel):
    add_time: int | None = Field(default=None, alias="addTime")
    chat_id: str | None = Field(default=None, alias="chatID")
    sign: str | None = None
    # WB's `errors` next to `result`: per-file upload problems, not sent by WB inside result.
    upload_errors: list[str] = Field(default_factory=list, exclude=True)


# --- pages: valid items plus the ones that did not parse ---------------------------------------

T = TypeVar("T", bound=WBModel)


@dataclass(slots=True)
class InvalidItem:
    """A WB item that failed validation: stored raw so the sync can record and skip it."""

    raw: Any
    error: str

    @property
    def external_id(self) -> str | None:
        if isinstance(self.raw, dict):
            for key in ("id", "eventID", "chatID"):
                value = self.raw.get(key)
                if isinstance(value, str):
                    return value
        return None


@dataclass(slots=True)
class Page(Generic[T]):
    items: list[T] = field(default_factory=list)
    invalid: list[InvalidItem] = field(default_factory=list)
    # Raw items the caller asked to leave out unparsed (e.g. answered ones in the archive).
    passed_over: int = 0

    @property
    def size(self) -> int:
        """How many raw items WB returned (valid, invalid, passed over): what paging counts."""
        return len(self.items) + len(self.invalid) + self.passed_over


@dataclass(slots=True)
class FeedbackPage(Page[Feedback]):
    count_unanswered: int | None = None
    count_archive: int | None = None


@dataclass(slots=True)
class QuestionPage(Page[Question]):
    count_unanswered: int | None = None
    count_archive: int | None = None


@dataclass(slots=True)
class ChatPage(Page[Chat]):
    pass


@dataclass(slots=True)
class EventsBatch(Page[ChatEvent]):
    next: int | None = None
    total_events: int = 0
    newest_event_time: str | None = None
    oldest_event_time: str | None = None


@dataclass(slots=True)
class PingResult:
    ok: bool
    status: int | None
    ts: str | None = None
    error: str | None = None


@dataclass(slots=True)
class AttachmentFile:
    content: bytes
    content_type: str
    kind: Literal["file"] = "file"


@dataclass(slots=True)
class AttachmentPending:
    """202: the file is still under WB moderation; ask again after `retry_seconds`."""

    retry_seconds: int
    moderation_state: str = "pending"
    kind: Literal["pending"] = "pending"


@dataclass(slots=True)
class AttachmentRejected:
    """451: the file failed moderation and will never be available."""

    detail: str
    kind: Literal["rejected"] = "rejected"


AttachmentResult = AttachmentFile | AttachmentPending | AttachmentRejected


def parse_items(
    model: type[T],
    raw_items: Any,
    page: Page[T],
    *,
    pass_over: Callable[[Any], bool] | None = None,
) -> None:
    """Validate items one by one so one broken item never sinks the page.

    Raw items for which `pass_over` is true are only counted: validation is most of the
    connector's CPU, and some callers need just a part of a page.
    """
    if raw_items is None:
        return
    for raw in raw_items:
        if pass_over is not None and pass_over(raw):
            page.passed_over += 1
            continue
        try:
            page.items.append(model.model_validate(raw))
        except ValueError as exc:  # pydantic.ValidationError subclasses ValueError
            page.invalid.append(InvalidItem(raw=raw, error=_short_error(exc)))


def has_answer_text(raw: Any) -> bool:
    """A raw WB feedback or question already answered (what `is_answered` says of a model)."""
    if not isinstance(raw, dict):
        return False
    answer = raw.get("answer")
    return isinstance(answer, dict) and bool(answer.get("text"))


def _short_error(exc: Exception) -> str:
    text = str(exc).replace("\n", " ")
    return text[:500]
