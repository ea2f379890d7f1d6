"""In-memory emulator state: sellers, tokens, overlays of seller actions, faults, live traffic.

Generated items are never stored; a seller's actions (answers, edits, views, new live items)
are kept as overlays keyed by item index and applied when an item is rendered.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import random
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from agentiq.emulator import generator as gen
from agentiq.emulator import texts
from agentiq.emulator.faults import FaultConfig
from agentiq.emulator.ratelimit import RateLimiter
from agentiq.emulator.selection import Segment, count_segments, select
from agentiq.emulator.tokens import TOKEN_LIFETIME, TokenClaims, decode_token, encode_token

EDIT_WINDOW_S = 60 * gen.DAY
ARCHIVE_AFTER_S = 30 * gen.DAY
ALL_CATEGORIES = ("feedbacks_questions", "chat")


class OperationRefused(Exception):
    """A WB-side business refusal; routes turn `kind` into the right envelope."""

    def __init__(self, kind: str, text: str) -> None:
        super().__init__(text)
        self.kind = kind
        self.text = text


@dataclass
class ReceivedAnswer:
    """Every write the emulator accepted, for duplicate counting in crash tests."""

    # feedback_answer | feedback_edit | question_answer | question_edit | question_reject
    # | chat_message
    kind: str
    item_id: str
    text: str
    at: datetime
    known: bool = True
    duplicate: bool = False


@dataclass
class FeedbackAction:
    text: str
    answered_at: float  # first answer: starts the 60-day edit window
    submitted_at: float  # latest text sent: starts moderation again
    edits: int = 0
    moderation_rejected: bool = False


@dataclass
class QuestionAction:
    state: str  # wbRu | none
    text: str | None = None
    answered_at: float | None = None
    edits: int = 0


@dataclass
class EmulatedSeller:
    seller_id: str
    token: str
    name: str


@dataclass
class SellerState:
    seller_id: str
    name: str
    data: gen.Dataset
    chats: list[gen.ChatRecord]
    events: list[dict[str, Any]]
    attachments: dict[str, dict[str, Any]]
    sign_number: int
    faults: FaultConfig = field(default_factory=FaultConfig)
    fb_actions: dict[int, FeedbackAction] = field(default_factory=dict)
    fb_extra: dict[int, dict[str, Any]] = field(default_factory=dict)  # returns, views
    q_actions: dict[int, QuestionAction] = field(default_factory=dict)
    q_viewed: dict[int, bool] = field(default_factory=dict)
    received_answers: list[ReceivedAnswer] = field(default_factory=list)
    rng: random.Random = field(default_factory=random.Random)
    lock: threading.RLock = field(default_factory=threading.RLock)
    live_stop: threading.Event | None = None

    # ----- ground truth for tests -----
    @property
    def feedback_ids(self) -> list[str]:
        return [gen.item_id(self.data.seed, gen.FEEDBACK, i) for i in range(self.feedback_total)]

    @property
    def question_ids(self) -> list[str]:
        return [gen.item_id(self.data.seed, gen.QUESTION, i) for i in range(self.question_total)]

    @property
    def chat_ids(self) -> list[str]:
        return [c.chat_id for c in self.chats]

    @property
    def feedback_total(self) -> int:
        return self.data.feedbacks.total

    @property
    def question_total(self) -> int:
        return self.data.questions.total

    def feedback_index(self, feedback_id: str) -> int | None:
        i = gen.index_from_id(self.data.seed, gen.FEEDBACK, feedback_id)
        return i if i is not None and i < self.feedback_total else None

    def question_index(self, question_id: str) -> int | None:
        i = gen.index_from_id(self.data.seed, gen.QUESTION, question_id)
        return i if i is not None and i < self.question_total else None

    def chat(self, chat_id: str) -> gen.ChatRecord | None:
        for chat in self.chats:
            if chat.chat_id == chat_id:
                return chat
        return None

    def links(self) -> list[dict[str, Any]]:
        """Same buyer + same product across a chat and a feedback (linking ground truth)."""
        return [
            {
                "chatID": c.chat_id,
                "feedbackId": gen.item_id(self.data.seed, gen.FEEDBACK, c.linked_feedback),
                "clientName": c.client_name,
                "nmId": c.good_card["nmID"],
                "rid": c.good_card["rid"],
            }
            for c in self.chats
            if c.linked_feedback is not None
        ]


class Emulator:
    """The whole emulated WB: one instance per app (or per test)."""

    def __init__(
        self,
        *,
        rate_limits: bool = True,
        moderation_delay_s: float = 5.0,
        clock: Callable[[], datetime] | None = None,
        moderation_reject_rate: float = 0.0,
        events_batch: int = 100,
        signing_key: str | None = None,
    ) -> None:
        self.rate_limits = rate_limits
        self.moderation_delay_s = moderation_delay_s
        self.moderation_reject_rate = moderation_reject_rate
        self.events_batch = events_batch
        self._clock = clock or (lambda: datetime.now(UTC))
        # A stable key (embedded mode) keeps stored demo tokens valid across restarts.
        self._key = signing_key or secrets.token_hex(32)
        self._sellers: dict[str, SellerState] = {}
        self._revoked: set[str] = set()
        self._lock = threading.RLock()
        self.limiter = RateLimiter()

    # ----- time -----
    def now(self) -> datetime:
        return self._clock()

    def now_ts(self) -> float:
        return self._clock().timestamp()

    # ----- sellers and tokens -----
    def add_seller(
        self,
        name: str = "Демо продавец",
        *,
        seed: int = 1,
        feedbacks: int = 200,
        questions: int = 100,
        chats: int = 30,
        token_type: str = "personal",
        open_days: float = 14.0,
    ) -> EmulatedSeller:
        """`open_days`: how far back most items are still unanswered (the seller's backlog)."""
        now = self.now_ts()
        data = gen.make_dataset(seed, feedbacks, questions, now, open_days)
        chat_records, events = gen.make_chats(data, chats)
        attachments: dict[str, dict[str, Any]] = {}
        for event in events:
            found = event.get("message", {}).get("attachments", {})
            for item in [*found.get("images", []), *found.get("files", [])]:
                attachments[item["downloadID"]] = item
        seller_id = str(uuid.UUID(int=gen.mix(seed, 99) << 64 | gen.mix(seed, 98), version=4))
        with self._lock:
            if seller_id in self._sellers:
                seller_id = str(uuid.uuid4())  # same seed twice: same data, distinct tenant
            state = SellerState(
                seller_id=seller_id,
                name=name,
                data=data,
                chats=chat_records,
                events=events,
                attachments=attachments,
                sign_number=10_000_000 + gen.mix(seed, 97) % 89_999_999,
                rng=random.Random(gen.mix(seed, 96)),
            )
            self._sellers[seller_id] = state
        token = self.issue_token(seller_id, token_type=token_type)
        return EmulatedSeller(seller_id=seller_id, token=token, name=name)

    def sellers(self) -> list[SellerState]:
        return list(self._sellers.values())

    def seller(self, seller_id: str) -> SellerState:
        try:
            return self._sellers[seller_id]
        except KeyError:
            raise KeyError(f"unknown emulated seller {seller_id}") from None

    def issue_token(
        self,
        seller_id: str,
        *,
        token_type: str = "personal",
        categories: tuple[str, ...] | list[str] = ALL_CATEGORIES,
        read_only: bool = False,
        expires_at: datetime | None = None,
    ) -> str:
        self.seller(seller_id)
        token, _ = encode_token(
            self._key,
            seller_id=seller_id,
            token_type=token_type,
            categories=tuple(categories),
            read_only=read_only,
            expires_at=expires_at or self.now() + TOKEN_LIFETIME,
        )
        return token

    def revoke_token(self, token: str) -> None:
        claims = decode_token(self._key, token, now=datetime.min.replace(tzinfo=UTC))
        with self._lock:
            self._revoked.add(claims.token_id)

    def authenticate(self, raw: str) -> TokenClaims:
        """Raises TokenRejected with the gateway's detail text."""
        from agentiq.emulator.tokens import TokenRejected

        claims = decode_token(self._key, raw, now=self.now())
        if claims.token_id in self._revoked:
            raise TokenRejected("token problem; token has been revoked")
        if claims.seller_id not in self._sellers:
            raise TokenRejected("token problem; seller not found")
        return claims

    def set_faults(self, seller_id: str, faults: FaultConfig) -> None:
        self.seller(seller_id).faults = faults

    def rotate_reply_signs(self, seller_id: str) -> None:
        """Invalidate every replySign handed out so far (WB changed the format once)."""
        for chat in self.seller(seller_id).chats:
            chat.sign_version += 1

    # ----- chat signatures -----
    def reply_sign(self, state: SellerState, chat: gen.ChatRecord) -> str:
        msg = f"{chat.chat_id}|{chat.sign_version}".encode()
        digest = hmac.new(self._key.encode(), msg, hashlib.sha512).hexdigest()
        return f"{chat.chat_id}:{state.sign_number}:{digest}"

    # ----- feedbacks -----
    def render_feedback(self, state: SellerState, i: int) -> dict[str, Any]:
        item = state.data.base_feedback(i)
        action = state.fb_actions.get(i)
        now = self.now_ts()
        if action is not None:
            if now - action.submitted_at < self.moderation_delay_s:
                answer_state = "reviewRequired"
            else:
                answer_state = "rejected" if action.moderation_rejected else "wbRu"
            item["answer"] = {
                "text": action.text,
                "state": answer_state,
                "editable": action.edits == 0 and now - action.answered_at < EDIT_WINDOW_S,
            }
            item["state"] = "wbRu"
        extra = state.fb_extra.get(i)
        if extra:
            item.update(extra)
        if item["answer"] is None and now - state.data.feedbacks.ts(i) > ARCHIVE_AFTER_S:
            item["isAbleReturnProductOrders"] = False
        return item

    def _feedback_cutoff(self, state: SellerState) -> int:
        return state.data.feedbacks.first_at_or_after(self.now_ts() - ARCHIVE_AFTER_S)

    def _window(
        self, timeline: gen.Timeline, date_from: int | None, date_to: int | None
    ) -> tuple[int, int]:
        lo = timeline.first_at_or_after(date_from) if date_from is not None else 0
        hi = timeline.first_at_or_after(date_to + 1) if date_to is not None else timeline.total
        return lo, max(lo, hi)

    def feedback_segments(
        self,
        state: SellerState,
        *,
        answered: bool | None,
        date_from: int | None,
        date_to: int | None,
    ) -> list[Segment]:
        """answered=True: processed; False: open (not yet archived); None: the archive."""
        tl = state.data.feedbacks
        cutoff = self._feedback_cutoff(state)
        if answered is None:
            return [(0, cutoff, bytes((0, 1, 2))), (cutoff, tl.total, bytes((1, 2)))]
        lo, hi = self._window(tl, date_from, date_to)
        if answered:
            # WB lists ratings without text (nothing to answer) with the processed ones.
            return [(lo, hi, bytes((gen.FB_ANSWERED, gen.FB_EMPTY)))]
        return [(max(lo, cutoff), hi, bytes((gen.FB_OPEN,)))]

    def count_feedbacks(self, state: SellerState, segments: list[Segment]) -> int:
        return count_segments(state.data.feedbacks.status, segments)

    def list_feedbacks(
        self,
        state: SellerState,
        segments: list[Segment],
        *,
        nm_id: int | None,
        skip: int,
        take: int,
        desc: bool,
    ) -> list[dict[str, Any]]:
        tl = state.data.feedbacks
        accept = self._product_filter(state, tl, nm_id)
        with state.lock:
            indices = select(tl.status, segments, skip=skip, take=take, desc=desc, accept=accept)
            return [self.render_feedback(state, i) for i in indices]

    def _product_filter(
        self, state: SellerState, tl: gen.Timeline, nm_id: int | None
    ) -> Callable[[int], bool] | None:
        if nm_id is None:
            return None
        wanted = {k for k, p in enumerate(state.data.catalogue) if p.nm_id == nm_id}
        products = tl.products
        return lambda i: products[i] in wanted

    def answer_feedback(self, state: SellerState, feedback_id: str, text: str) -> None:
        with state.lock:
            i = state.feedback_index(feedback_id)
            record = ReceivedAnswer("feedback_answer", feedback_id, text, self.now(), i is not None)
            state.received_answers.append(record)
            if i is None:
                return  # WB does not validate ids: 204 for anything
            tl = state.data.feedbacks
            if tl.status[i] == gen.FB_ANSWERED:
                record.duplicate = True
                return
            rejected = self._moderation_rejects(state)
            now = self.now_ts()
            state.fb_actions[i] = FeedbackAction(text, now, now, moderation_rejected=rejected)
            tl.status[i] = gen.FB_ANSWERED

    def _moderation_rejects(self, state: SellerState) -> bool:
        rate = state.faults.moderation_reject_rate
        rate = self.moderation_reject_rate if rate is None else rate
        return rate > 0 and state.rng.random() < rate

    def edit_feedback_answer(self, state: SellerState, feedback_id: str, text: str) -> None:
        with state.lock:
            i = state.feedback_index(feedback_id)
            if i is None:
                state.received_answers.append(
                    ReceivedAnswer("feedback_edit", feedback_id, text, self.now(), False)
                )
                return
            item = self.render_feedback(state, i)
            answer = item["answer"]
            if answer is None or not answer["editable"]:
                raise OperationRefused("edit", "Ответ на отзыв нельзя отредактировать")
            now = self.now_ts()
            action = state.fb_actions.get(i)
            if action is None:  # a generated answer becomes an overlay on its first edit
                action = state.fb_actions[i] = FeedbackAction(answer["text"], now, now)
            action.text = text
            action.edits += 1
            action.submitted_at = now
            action.moderation_rejected = self._moderation_rejects(state)  # moderated again
            state.received_answers.append(
                ReceivedAnswer("feedback_edit", feedback_id, text, self.now())
            )

    def request_return(self, state: SellerState, feedback_id: str) -> None:
        with state.lock:
            i = state.feedback_index(feedback_id)
            if i is None:
                raise OperationRefused("bad_request", "Не удалось получить отзыв")
            item = self.render_feedback(state, i)
            if not item["isAbleReturnProductOrders"]:
                raise OperationRefused("unprocessable", "Запрос на возврат покупок недоступен")
            state.fb_extra[i] = {
                "returnProductOrdersDate": self.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
                "isAbleReturnProductOrders": False,
            }

    # ----- questions -----
    def render_question(self, state: SellerState, i: int) -> dict[str, Any]:
        item = state.data.base_question(i)
        action = state.q_actions.get(i)
        now = self.now_ts()
        if action is not None:
            item["state"] = action.state
            if action.text is not None and action.answered_at is not None:
                item["answer"] = {
                    "text": action.text,
                    "editable": action.edits == 0 and now - action.answered_at < EDIT_WINDOW_S,
                    "createDate": gen.utc_nanos(action.answered_at),
                }
        if i in state.q_viewed:
            item["wasViewed"] = state.q_viewed[i]
        return item

    def question_segments(
        self, state: SellerState, *, answered: bool, date_from: int | None, date_to: int | None
    ) -> list[Segment]:
        lo, hi = self._window(state.data.questions, date_from, date_to)
        values = bytes((gen.Q_ANSWERED, gen.Q_REJECTED)) if answered else bytes((gen.Q_NEW,))
        return [(lo, hi, values)]

    def count_questions(self, state: SellerState, segments: list[Segment]) -> int:
        return count_segments(state.data.questions.status, segments)

    def list_questions(
        self,
        state: SellerState,
        segments: list[Segment],
        *,
        nm_id: int | None,
        skip: int,
        take: int,
        desc: bool,
    ) -> list[dict[str, Any]]:
        tl = state.data.questions
        accept = self._product_filter(state, tl, nm_id)
        with state.lock:
            indices = select(tl.status, segments, skip=skip, take=take, desc=desc, accept=accept)
            return [self.render_question(state, i) for i in indices]

    def mark_question_viewed(self, state: SellerState, question_id: str, viewed: bool) -> None:
        with state.lock:
            i = state.question_index(question_id)
            if i is None:
                raise OperationRefused("not_found", "Не найден отзыв")
            state.q_viewed[i] = viewed

    def patch_question(
        self, state: SellerState, question_id: str, text: str, new_state: str
    ) -> None:
        with state.lock:
            i = state.question_index(question_id)
            if i is None:
                raise OperationRefused("not_found", "Не найден отзыв")
            item = self.render_question(state, i)
            tl = state.data.questions
            now = self.now_ts()
            if new_state == "none":
                state.q_actions[i] = QuestionAction("none", None, None)
                tl.status[i] = gen.Q_REJECTED
                state.received_answers.append(
                    ReceivedAnswer("question_reject", question_id, text, self.now())
                )
                return
            answer = item["answer"]
            if answer is None:
                state.q_actions[i] = QuestionAction("wbRu", text, now)
                tl.status[i] = gen.Q_ANSWERED
                kind = "question_answer"
            else:
                if not answer["editable"]:
                    raise OperationRefused("unprocessable", "Не удалось отредактировать вопрос")
                action = state.q_actions.get(i) or QuestionAction("wbRu", answer["text"], now)
                action.text, action.edits = text, action.edits + 1
                state.q_actions[i] = action
                kind = "question_edit"
            state.received_answers.append(ReceivedAnswer(kind, question_id, text, self.now()))

    def has_new(self, state: SellerState, channel: int) -> bool:
        """Any unviewed item; only the recent tail can be unviewed, so scan from the end."""
        tl = state.data.feedbacks if channel == gen.FEEDBACK else state.data.questions
        horizon = self.now_ts() - 3 * gen.DAY
        for i in range(tl.total - 1, -1, -1):
            if tl.ts(i) < horizon:
                break
            item = (
                self.render_feedback(state, i)
                if channel == gen.FEEDBACK
                else self.render_question(state, i)
            )
            if not item["wasViewed"]:
                return True
        return False

    def moscow_midnight_ts(self) -> float:
        msk = self.now().astimezone(gen.MSK)
        return msk.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()

    # ----- chats -----
    def events_after(self, state: SellerState, after_ms: int | None) -> list[dict[str, Any]]:
        with state.lock:
            stamps = [int(e["addTimestamp"]) for e in state.events]
            start = 0 if after_ms is None else bisect.bisect_right(stamps, after_ms)
            return [dict(e) for e in state.events[start : start + self.events_batch]]

    def send_message(
        self, state: SellerState, reply_sign: str, text: str, files: list[dict[str, Any]]
    ) -> tuple[gen.ChatRecord, int]:
        with state.lock:
            chat = next((c for c in state.chats if self.reply_sign(state, c) == reply_sign), None)
            if chat is None:
                raise OperationRefused("bad_request", "Invalid signature")
            ts = int(self.now_ts() * 1000)
            if state.events:
                ts = max(ts, int(state.events[-1]["addTimestamp"]) + 1)
            message: dict[str, Any] = {}
            if text:
                message["text"] = text
            if files:
                message["attachments"] = {"files": files}
            event = {
                "chatID": chat.chat_id,
                "eventID": str(uuid.uuid4()),
                "eventType": "message",
                "message": message,
                "source": "seller-public-api",
                "addTimestamp": ts,
                "addTime": gen.utc_iso(ts / 1000),
                "sender": "seller",
            }
            chat.events.append(event)
            state.events.append(event)
            state.received_answers.append(
                ReceivedAnswer("chat_message", chat.chat_id, text, self.now())
            )
            return chat, ts

    # ----- live traffic -----
    def tick(self, seller_id: str, channel: str | None = None) -> tuple[str, str]:
        """Add one new buyer item; returns (channel, id) where id is the item or chat id."""
        state = self.seller(seller_id)
        with state.lock:
            rng = state.rng
            channel = channel or rng.choice(("review", "question", "chat"))
            now = self.now_ts()
            if channel == "review":
                tl = state.data.feedbacks
                i = tl.append(now, gen.FB_OPEN, rng.randrange(len(state.data.catalogue)))
                return channel, gen.item_id(state.data.seed, gen.FEEDBACK, i)
            if channel == "question":
                tl = state.data.questions
                i = tl.append(now, gen.Q_NEW, rng.randrange(len(state.data.catalogue)))
                return channel, gen.item_id(state.data.seed, gen.QUESTION, i)
            if channel != "chat":
                raise ValueError(f"unknown channel {channel!r}")
            return channel, self._live_chat_message(state, now)

    def buyer_chat(self, seller_id: str, feedback_id: str, text: str) -> str:
        """The buyer of feedback `feedback_id` opens a chat about the same product now.

        Same first name and product as the review, a new order id (WB gives a review no
        order id to match); recorded in `links()` as ground truth. Returns the chat id.
        """
        state = self.seller(seller_id)
        with state.lock:
            i = state.feedback_index(feedback_id)
            if i is None:
                raise KeyError(feedback_id)
            data = state.data
            product_index = data.feedback_product(i)
            product = data.catalogue[product_index]
            size = data.base_feedback(i)["productDetails"].get("size")
            rng = state.rng
            j = len(state.chats) + 20_000
            chat = gen.ChatRecord(
                chat_id=f"1:{gen.chat_uuid(data.seed, j, rng.randrange(1 << 30))}",
                client_name=data.feedback_buyer(i),
                good_card={
                    "nmID": product.nm_id,
                    "price": product.price,
                    "priceCurrency": "RUB",
                    "rid": str(rng.randrange(10**17, 10**18)),
                    "size": size or (product.sizes[0] if product.sizes else "0"),
                },
                product_index=product_index,
                linked_feedback=i,
            )
            state.chats.append(chat)
            ts = int(self.now_ts() * 1000)
            if state.events:
                ts = max(ts, int(state.events[-1]["addTimestamp"]) + 1)
            event: dict[str, Any] = {
                "chatID": chat.chat_id,
                "eventID": str(uuid.uuid4()),
                "eventType": "message",
                "message": {"text": text, "attachments": {"goodCard": dict(chat.good_card)}},
                "source": "rusite",
                "addTimestamp": ts,
                "addTime": gen.utc_iso(ts / 1000),
                "sender": "client",
                "clientName": chat.client_name,
                "isNewChat": True,
            }
            chat.events.append(event)
            state.events.append(event)
            return chat.chat_id

    def _live_chat_message(self, state: SellerState, now: float) -> str:
        rng = state.rng
        new_chat = not state.chats or rng.random() < 0.3
        if new_chat:
            j = len(state.chats) + 10_000
            product_index = rng.randrange(len(state.data.catalogue))
            product = state.data.catalogue[product_index]
            chat = gen.ChatRecord(
                chat_id=f"1:{gen.chat_uuid(state.data.seed, j, rng.randrange(1 << 30))}",
                client_name=rng.choice(texts.FIRST_NAMES),
                good_card={
                    "nmID": product.nm_id,
                    "price": product.price,
                    "priceCurrency": "RUB",
                    "rid": str(rng.randrange(10**17, 10**18)),
                    "size": product.sizes[0] if product.sizes else "0",
                },
                product_index=product_index,
                linked_feedback=None,
            )
            state.chats.append(chat)
            text = rng.choice(texts.CHAT_OPENERS)
        else:
            chat = rng.choice(state.chats)
            text = rng.choice(texts.CHAT_FOLLOWUPS)
        ts = int(now * 1000)
        if state.events:
            ts = max(ts, int(state.events[-1]["addTimestamp"]) + 1)
        message: dict[str, Any] = {"text": text}
        if new_chat:
            message["attachments"] = {"goodCard": dict(chat.good_card)}
        event: dict[str, Any] = {
            "chatID": chat.chat_id,
            "eventID": str(uuid.uuid4()),
            "eventType": "message",
            "message": message,
            "source": rng.choice(("rusite", "ios", "android")),
            "addTimestamp": ts,
            "addTime": gen.utc_iso(ts / 1000),
            "sender": "client",
            "clientName": chat.client_name,
        }
        if new_chat:
            event["isNewChat"] = True
        chat.events.append(event)
        state.events.append(event)
        return chat.chat_id

    def start_live_traffic(self, seller_id: str, every_s: float = 5.0) -> None:
        state = self.seller(seller_id)
        self.stop_live_traffic(seller_id)
        stop = threading.Event()
        state.live_stop = stop

        def run() -> None:
            while not stop.wait(every_s):
                self.tick(seller_id)

        threading.Thread(target=run, name=f"emulator-live-{seller_id[:8]}", daemon=True).start()

    def stop_live_traffic(self, seller_id: str) -> None:
        state = self.seller(seller_id)
        if state.live_stop is not None:
            state.live_stop.set()
            state.live_stop = None

    def stop_all(self) -> None:
        for state in self.sellers():
            self.stop_live_traffic(state.seller_id)


def chat_last_message(chat: gen.ChatRecord) -> dict[str, Any]:
    for event in reversed(chat.events):
        text = event.get("message", {}).get("text")
        if text:
            return {"text": text, "addTimestamp": event["addTimestamp"]}
    last = chat.events[-1] if chat.events else None
    return {"text": "", "addTimestamp": last["addTimestamp"] if last else 0}


def edit_window() -> timedelta:
    return timedelta(seconds=EDIT_WINDOW_S)
