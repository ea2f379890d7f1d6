"""WB DTOs -> interaction fields (the plan's §5.1), with no database and no triage.

`NormalisedItem.content_hash` covers only what WB told us, so a re-read of an unchanged item
is recognised before any triage or write happens.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from agentiq.kit.time import ensure_utc
from agentiq.marketplaces.wb.schemas import Chat, ChatEvent, Feedback, ProductDetails, Question

# WB answer states -> what the operator sees about the last answer.
ANSWER_STATES = {
    "wbRu": "published",
    "reviewRequired": "moderation",
    "rejected": "rejected",
    "none": "published",
}


@dataclass(slots=True)
class ProductInfo:
    nm_id: int
    imt_id: int | None = None
    name: str = ""
    brand: str = ""
    supplier_article: str = ""
    colour: str = ""
    size: str = ""


@dataclass(slots=True)
class NormalisedItem:
    channel: str
    external_id: str
    occurred_at: datetime
    text: str = ""
    pros: str = ""
    cons: str = ""
    rating: int | None = None
    nm_id: int | None = None
    product_article: str | None = None
    buyer_name: str | None = None
    customer_id: str | None = None
    order_id: str | None = None
    status: str = "open"
    is_answered: bool = False
    has_photos: bool = False
    has_video: bool = False
    last_message_from_seller: bool = False
    matching_size: str = ""
    # Only in WB's archive (old and unanswered): history, not work to do.
    archived: bool = False
    last_buyer_message_at: datetime | None = None
    first_response_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    product: ProductInfo | None = None

    @property
    def content_hash(self) -> str:
        payload = [
            self.channel,
            self.external_id,
            self.occurred_at.isoformat(),
            self.text,
            self.pros,
            self.cons,
            self.rating,
            self.nm_id,
            self.product_article,
            self.buyer_name,
            self.customer_id,
            self.order_id,
            self.status,
            self.last_message_from_seller,
            self.archived,
            self.extra,
        ]
        raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(raw.encode()).hexdigest()


def _product(details: ProductDetails | None, colour: str | None = None) -> ProductInfo | None:
    if details is None or details.nm_id is None:
        return None
    return ProductInfo(
        nm_id=details.nm_id,
        imt_id=details.imt_id,
        name=details.product_name or "",
        brand=details.brand_name or "",
        supplier_article=details.supplier_article or "",
        colour=colour or "",
        size=details.size or "",
    )


# Why an item is (not) waiting, when WB's own data decides it rather than triage.
MODERATION_REJECTED_REASON = "WB отклонил ответ на модерации — нужен новый ответ"
RATING_ONLY_REASON = "оценка без текста — WB считает отзыв обработанным"


def wb_answer(text: str, state: str, editable: bool | None) -> dict[str, Any]:
    """The answer WB shows in the cabinet: a new reply from us is an edit of it."""
    return {"text": text, "state": state, "editable": editable}


def is_rating_only(item: Feedback) -> bool:
    """Stars only — no text, pros, cons, photos or video: WB lists it as processed."""
    return not (
        item.text.strip()
        or item.pros.strip()
        or item.cons.strip()
        or any(p.full_size or p.mini_size for p in item.photo_links or [])
        or (item.video is not None and item.video.link)
    )


def normalise_feedback(item: Feedback) -> NormalisedItem:
    answer = item.answer if item.is_answered else None
    answer_state = ANSWER_STATES.get(answer.state or "wbRu", answer.state or "") if answer else ""
    # WB's moderation refused the answer: the buyer sees none, so the review waits again.
    rejected = answer_state == "rejected"
    rating_only = answer is None and item.state == "wbRu" and is_rating_only(item)
    photos = [
        p.full_size or p.mini_size for p in item.photo_links or [] if p.full_size or p.mini_size
    ]
    extra: dict[str, Any] = {
        "wb_state": item.state,
        "photos": photos,
        "video": item.video.model_dump(by_alias=True) if item.video and item.video.link else None,
        "order_status": item.order_status,
        "matching_size": item.matching_size,
        "size": item.product_details.size if item.product_details else None,
        "product_name": item.product_details.product_name if item.product_details else None,
        "brand": item.product_details.brand_name if item.product_details else None,
        "subject": item.subject_name,
        "bables": item.bables or [],
        # A supplement («дополнение») points at its original review and back.
        "parent_feedback_id": item.parent_feedback_id,
        "child_feedback_id": item.child_feedback_id,
        "can_request_return": item.is_able_return_product_orders,
        "last_order_created_at": item.last_order_created_at,
        "last_reply": (
            {
                "text": answer.text,
                "state": answer_state,
                "editable": answer.editable,
                "source": "wb",
            }
            if answer is not None
            else None
        ),
        "wb_answer": (
            wb_answer(answer.text, answer_state, answer.editable) if answer is not None else None
        ),
        "wb_reason": (
            MODERATION_REJECTED_REASON if rejected else RATING_ONLY_REASON if rating_only else None
        ),
    }
    rating = item.product_valuation if item.product_valuation in (1, 2, 3, 4, 5) else None
    details = item.product_details
    return NormalisedItem(
        channel="review",
        external_id=item.id,
        occurred_at=ensure_utc(item.created_date),
        text=item.text or "",
        pros=item.pros or "",
        cons=item.cons or "",
        rating=rating,
        nm_id=details.nm_id if details else None,
        product_article=(details.supplier_article if details else None) or None,
        buyer_name=item.user_name or None,
        # The barcode of the buyer's last order of this product: the same purchase in a
        # review and its supplement. Namespaced, so it never equals a chat's order id (rid).
        order_id=f"shk:{item.last_order_shk_id}" if item.last_order_shk_id else None,
        status="open"
        if rejected
        else "responded"
        if answer is not None
        else "closed"
        if rating_only
        else "open",
        is_answered=(answer is not None and not rejected) or rating_only,
        has_photos=bool(photos),
        has_video=extra["video"] is not None,
        matching_size=item.matching_size or "",
        last_buyer_message_at=ensure_utc(item.created_date),
        extra=extra,
        product=_product(details, item.color),
    )


def normalise_question(item: Question) -> NormalisedItem:
    answer = item.answer if item.is_answered else None
    rejected = item.state == "none" and answer is None
    details = item.product_details
    extra: dict[str, Any] = {
        "wb_state": item.state,
        "product_name": details.product_name if details else None,
        "brand": details.brand_name if details else None,
        "last_reply": (
            {"text": answer.text, "state": "published", "editable": answer.editable, "source": "wb"}
            if answer is not None
            else None
        ),
        "wb_answer": (
            wb_answer(answer.text, "published", answer.editable) if answer is not None else None
        ),
    }
    return NormalisedItem(
        channel="question",
        external_id=item.id,
        occurred_at=ensure_utc(item.created_date),
        text=item.text or "",
        nm_id=details.nm_id if details else None,
        product_article=(details.supplier_article if details else None) or None,
        # A question the seller hid (`state: none`) is closed, not waiting.
        status="closed" if rejected else "responded" if answer is not None else "open",
        is_answered=answer is not None or rejected,
        last_buyer_message_at=ensure_utc(item.created_date),
        first_response_at=(
            ensure_utc(answer.create_date) if answer is not None and answer.create_date else None
        ),
        extra=extra,
        product=_product(details),
    )


# --- chats: one interaction per thread, rebuilt from a small state kept in extra_data -----

# A buyer's turn kept for triage and the inbox: the last messages, bounded in size.
TURN_MESSAGES = 10
TURN_CHARS = 4000


def ms_to_dt(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


@dataclass(slots=True)
class ChatThread:
    """What a chat interaction needs to know about its thread; stored as extra_data["chat"]."""

    chat_id: str
    first_ms: int | None = None
    last_event_ms: int = 0
    last_sender: str = ""
    last_buyer_text: str = ""
    last_buyer_ms: int | None = None
    # The buyer's whole last turn (every message after the seller's last one), oldest first:
    # «Фото прикрепила.» then «Спасибо, жду ответа.» is one request, not a thank-you.
    buyer_turn: list[str] = field(default_factory=list)
    client_name: str | None = None
    client_id: str | None = None
    reply_sign: str | None = None
    good_card: dict[str, Any] = field(default_factory=dict)
    list_text: str = ""
    list_ms: int | None = None

    @classmethod
    def from_extra(cls, chat_id: str, extra: dict[str, Any] | None) -> ChatThread:
        data = dict((extra or {}).get("chat") or {})
        data.pop("chat_id", None)
        known = {k: v for k, v in data.items() if k in cls.__slots__}
        return cls(chat_id=chat_id, **known)

    def to_extra(self) -> dict[str, Any]:
        return {s: getattr(self, s) for s in self.__slots__ if s != "chat_id"}

    def apply_listing(self, chat: Chat) -> None:
        """The chat list gives the reply signature, product card and buyer name."""
        if chat.reply_sign:
            self.reply_sign = chat.reply_sign
        if chat.client_name:
            self.client_name = chat.client_name
        if chat.client_id:
            self.client_id = chat.client_id
        if chat.good_card is not None:
            self.good_card = chat.good_card.model_dump(by_alias=True, exclude_none=True)
        if chat.last_message is not None and chat.last_message.add_timestamp:
            self.list_text = chat.last_message.text
            self.list_ms = chat.last_message.add_timestamp

    def apply_event(self, event: ChatEvent) -> None:
        """Events arrive in time order; a re-delivered older event changes nothing."""
        ts = event.add_timestamp
        self.first_ms = ts if self.first_ms is None else min(self.first_ms, ts)
        if event.reply_sign:
            self.reply_sign = event.reply_sign
        if event.client_name:
            self.client_name = event.client_name
        if event.client_id:
            self.client_id = event.client_id
        attachments = event.message.attachments if event.message else None
        if attachments is not None and attachments.good_card is not None:
            self.good_card = attachments.good_card.model_dump(by_alias=True, exclude_none=True)
        if ts < self.last_event_ms or is_wb_event(event):
            # WB's own notices are nobody's turn: they neither reopen the chat nor start its
            # SLA clock nor become the buyer's text.
            return
        self.last_event_ms = ts
        self.last_sender = "seller" if is_seller_event(event) else "client"
        if self.last_sender == "seller":
            self.buyer_turn = []
            return
        text = (event.message.text if event.message else None) or ""
        self.last_buyer_ms = ts
        self.last_buyer_text = text
        if text:
            self.buyer_turn = [*self.buyer_turn, text][-TURN_MESSAGES:]


def turn_text(thread: ChatThread) -> str:
    """What the buyer said in their last turn (the last message alone for older threads)."""
    text = "\n".join(thread.buyer_turn) or thread.last_buyer_text
    return text[:TURN_CHARS]


def is_seller_event(event: ChatEvent) -> bool:
    """Our own messages (portal, API, our outbox) come back as sender "seller"."""
    return (event.sender or "").lower() == "seller"


def is_wb_event(event: ChatEvent) -> bool:
    """A system message WB itself posts into the chat (sender "wb")."""
    return (event.sender or "").lower() == "wb"


def normalise_chat(thread: ChatThread) -> NormalisedItem:
    card = thread.good_card
    buyer_ms = thread.last_buyer_ms
    anchor_ms = buyer_ms or thread.first_ms or thread.list_ms or 0
    from_seller = thread.last_sender == "seller"
    text = turn_text(thread) if buyer_ms else (thread.list_text if not thread.last_sender else "")
    nm_id = card.get("nmID")
    return NormalisedItem(
        channel="chat",
        external_id=thread.chat_id,
        occurred_at=ms_to_dt(anchor_ms),
        text=text,
        nm_id=nm_id if isinstance(nm_id, int) else None,
        buyer_name=thread.client_name,
        customer_id=thread.client_id,
        order_id=str(card["rid"]) if card.get("rid") else None,
        status="responded" if from_seller else "open",
        is_answered=False,
        last_message_from_seller=from_seller,
        last_buyer_message_at=ms_to_dt(buyer_ms) if buyer_ms else None,
        extra={"chat": thread.to_extra(), "size": card.get("size")},
        product=ProductInfo(nm_id=nm_id, size=str(card.get("size") or ""))
        if isinstance(nm_id, int)
        else None,
    )


def chat_message_row(event: ChatEvent) -> dict[str, Any]:
    message = event.message
    attachments: dict[str, Any] = {}
    if message is not None and message.attachments is not None:
        attachments = message.attachments.model_dump(by_alias=True, exclude_none=True)
    seller = is_seller_event(event)
    if is_wb_event(event):
        direction, sender = "system", "Wildberries"
    elif seller:
        direction, sender = "out", "seller"
    else:
        direction, sender = "in", event.client_name or "buyer"
    return {
        "external_id": event.event_id,
        "direction": direction,
        "sender": sender,
        "text": (message.text if message else None) or "",
        "attachments": attachments,
        "sent_at": ms_to_dt(event.add_timestamp),
    }
