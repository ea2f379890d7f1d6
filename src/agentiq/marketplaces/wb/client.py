"""Typed async client for WB's Feedbacks, Questions and Buyers Chat APIs.

One instance per WB cabinet (token); the `httpx.AsyncClient` and the `RateLimiter` are shared
by the whole process. The client never touches the database.

Retry policy, because WB has no idempotency keys:
- 429: wait `X-Ratelimit-Retry` (fallback `Retry-After`, then one bucket interval) and retry —
  WB did not process the request, so this is safe for writes too.
- `X-Ratelimit-Remaining: 0`: pause the shared bucket for one interval.
- reads: 5xx, timeouts and network errors are retried with exponential backoff and jitter.
- writes: retried only when the request provably never left (connect errors); a timeout or a
  5xx raises `WBUnknownOutcome` so the dispatcher reads the item back before any retry.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import httpx
import orjson

from agentiq.kit.http import USER_AGENT
from agentiq.kit.ratelimit import MemoryRateLimiter, RateLimit, RateLimiter
from agentiq.marketplaces.base import ClientStats
from agentiq.marketplaces.wb.errors import (
    WBBadRequest,
    WBError,
    WBMalformedResponse,
    WBNotFound,
    WBRateLimited,
    WBTransportError,
    WBUnknownOutcome,
    error_from_response,
)
from agentiq.marketplaces.wb.limits import Category, WBLimits, limits_for
from agentiq.marketplaces.wb.schemas import (
    AttachmentFile,
    AttachmentPending,
    AttachmentRejected,
    AttachmentResult,
    ChatPage,
    CountUnanswered,
    EventsBatch,
    Feedback,
    FeedbackPage,
    NewFeedbacksQuestions,
    PingResult,
    Question,
    QuestionPage,
    SentMessage,
    has_answer_text,
    parse_items,
)
from agentiq.marketplaces.wb.schemas import Chat as ChatModel
from agentiq.marketplaces.wb.schemas import ChatEvent as ChatEventModel
from agentiq.marketplaces.wb.token import (
    ConnectionCheck,
    HostCheck,
    TokenMalformed,
    decode_token,
    guess_token_type,
)

if TYPE_CHECKING:
    from agentiq.marketplaces.wb.windows import WindowWalker

Host = Literal["feedbacks", "chat"]
Order = Literal["dateAsc", "dateDesc"]
_WRITE_METHODS = frozenset({"POST", "PATCH", "DELETE", "PUT"})
# Where `request` leaves the body it has already parsed (response.extensions).
PARSED_JSON = "agentiq.parsed_json"


@dataclass(frozen=True, slots=True)
class WBHosts:
    """One base URL per WB host; the emulator serves each under a path prefix."""

    feedbacks: str = "https://feedbacks-api.wildberries.ru"
    chat: str = "https://buyer-chat-api.wildberries.ru"

    @classmethod
    def emulator(cls, base_url: str) -> WBHosts:
        base = base_url.rstrip("/")
        return cls(feedbacks=f"{base}/feedbacks-api", chat=f"{base}/buyer-chat-api")

    def url(self, host: Host, path: str) -> str:
        base = self.feedbacks if host == "feedbacks" else self.chat
        return base.rstrip("/") + path


PRODUCTION_HOSTS = WBHosts()
SANDBOX_HOSTS = WBHosts(feedbacks="https://feedbacks-api-sandbox.wildberries.ru")


# Counters the sync reports per run (e.g. "rate-limited waits").
WBClientStats = ClientStats


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 4  # reads: first try + 3 retries on 5xx/timeouts
    max_throttled: int = 8  # consecutive 429s before giving up
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0

    def backoff(self, attempt: int) -> float:
        # Full jitter: spreads retries from many workers instead of synchronising them.
        return random.uniform(0, min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))


def unix_seconds(value: datetime | int | None) -> int | None:
    if value is None or isinstance(value, int):
        return value
    return int(value.timestamp())


def _header_float(response: httpx.Response, name: str) -> float | None:
    value = response.headers.get(name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


class WBClient:
    """Every Feedbacks, Questions and Buyers Chat operation of WB, typed."""

    marketplace = "wb"

    def __init__(
        self,
        token: str,
        *,
        http: httpx.AsyncClient,
        cabinet_key: str,
        hosts: WBHosts = PRODUCTION_HOSTS,
        limiter: RateLimiter | None = None,
        token_type: str | None = None,
        client_secret: str | None = None,
        limits: WBLimits | None = None,
        rate_margin: float = 0.95,
        retry: RetryPolicy | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> None:
        if token_type is None:
            token_type = guess_token_type(token)
        # A base token with a registered service secret gets personal-token limits.
        effective_type = "personal" if client_secret else token_type
        self.token_type = token_type
        self.cabinet_key = cabinet_key
        self.hosts = hosts
        self.stats = WBClientStats()
        self._http = http
        self._limiter: RateLimiter = limiter or MemoryRateLimiter()
        self._limits = (limits or limits_for(effective_type)).scaled(rate_margin)
        self._retry = retry or RetryPolicy()
        self._timeout = timeout
        self._headers = {"Authorization": token, "User-Agent": USER_AGENT}
        if client_secret:
            self._headers["X-Client-Secret"] = client_secret

    # --- transport --------------------------------------------------------------------------

    def bucket_key(self, category: Category) -> str:
        bucket = "chat" if category == "chat" else category
        return f"wb:{self.cabinet_key}:{bucket}"

    async def _acquire(self, key: str, limit: RateLimit) -> None:
        waited = await self._limiter.acquire(key, limit)
        if waited > 0:
            self.stats.rate_limit_waits += 1
            self.stats.rate_limit_wait_s += waited

    async def request(
        self,
        method: str,
        host: Host,
        path: str,
        *,
        category: Category,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        files: Sequence[tuple[str, tuple[str | None, Any] | tuple[str | None, Any, str]]]
        | None = None,
        accept: tuple[int, ...] = (200,),
    ) -> httpx.Response:
        """Send one logical request with WB's limits and the retry policy above."""
        write = method.upper() in _WRITE_METHODS
        limit = self._limits.for_category(category)
        key = self.bucket_key(category)
        url = self.hosts.url(host, path)
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        attempt = 0
        throttled = 0
        while True:
            await self._acquire(key, limit)
            try:
                kwargs: dict[str, Any] = {"params": clean_params, "headers": self._headers}
                if json_body is not None:
                    kwargs["json"] = json_body
                if files is not None:
                    kwargs["files"] = files
                if self._timeout is not None:
                    kwargs["timeout"] = self._timeout
                response = await self._http.request(method, url, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # The request never reached WB: safe to retry, even a write.
                attempt += 1
                if attempt >= self._retry.max_attempts:
                    raise WBTransportError(details=repr(exc)) from exc
                self.stats.retries += 1
                await asyncio.sleep(self._retry.backoff(attempt))
                continue
            except httpx.TransportError as exc:
                if write:
                    raise WBUnknownOutcome(details=repr(exc)) from exc
                attempt += 1
                if attempt >= self._retry.max_attempts:
                    raise WBTransportError(details=repr(exc)) from exc
                self.stats.retries += 1
                await asyncio.sleep(self._retry.backoff(attempt))
                continue

            status = response.status_code
            self.stats.requests += 1
            self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
            if status == 429:
                wait = self._retry_after(response, limit)
                throttled += 1
                self.stats.throttled += 1
                if throttled > self._retry.max_throttled:
                    raise error_from_response(response, retry_after=wait)
                await self._limiter.block(key, limit, wait)
                continue
            if _header_float(response, "X-Ratelimit-Remaining") == 0:
                await self._limiter.block(key, limit, limit.interval)
            if status >= 500:
                if write:
                    error = error_from_response(response)
                    raise WBUnknownOutcome(
                        status=status, wb_text=error.wb_text, request_id=error.request_id
                    )
                attempt += 1
                if attempt >= self._retry.max_attempts:
                    raise error_from_response(response)
                self.stats.retries += 1
                await asyncio.sleep(self._retry.backoff(attempt))
                continue
            if status in accept:
                if write or not _is_json(response):
                    return response
                try:
                    # Parsed once here, so a truncated page is retried like a 5xx.
                    response.extensions[PARSED_JSON] = orjson.loads(response.content)
                except ValueError:
                    attempt += 1
                    if attempt >= self._retry.max_attempts:
                        raise WBMalformedResponse(
                            status=status, wb_text=response.text[:200]
                        ) from None
                    self.stats.retries += 1
                    await asyncio.sleep(self._retry.backoff(attempt))
                    continue
                return response
            raise error_from_response(response)

    @staticmethod
    def _retry_after(response: httpx.Response, limit: RateLimit) -> float:
        for name in ("X-Ratelimit-Retry", "Retry-After"):
            value = _header_float(response, name)
            if value is not None and value >= 0:
                return max(value, 0.01)
        return limit.interval

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        if PARSED_JSON in response.extensions:
            return response.extensions[PARSED_JSON]
        # orjson: a 5 000-item page is several MB of JSON, parsed ~3x faster than by json.
        try:
            return orjson.loads(response.content)
        except ValueError as exc:
            raise WBMalformedResponse(
                status=response.status_code, wb_text=response.text[:200]
            ) from exc

    def _legacy_data(self, response: httpx.Response) -> Any:
        """`data` of the feedbacks/questions envelope; `error: true` on a 200 is an error."""
        body = self._json(response)
        if not isinstance(body, dict):
            raise WBMalformedResponse(status=response.status_code, wb_text=str(body)[:200])
        if body.get("error") is True:
            text = body.get("errorText") or ""
            raise WBBadRequest(
                f"WB отклонил запрос: {text}" if text else None,
                status=response.status_code,
                wb_text=str(text),
                request_id=body.get("requestId"),
            )
        return body.get("data")

    def _chat_result(self, response: httpx.Response) -> tuple[Any, list[str]]:
        body = self._json(response)
        if not isinstance(body, dict):
            raise WBMalformedResponse(status=response.status_code, wb_text=str(body)[:200])
        errors = body.get("errors") or []
        if not isinstance(errors, list):
            errors = [str(errors)]
        return body.get("result"), [str(e) for e in errors]

    @staticmethod
    def _expect_dict(value: Any, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise WBMalformedResponse(wb_text=f"{what}: ожидался объект, получено {value!r:.100}")
        return value

    @staticmethod
    def _expect_list(value: Any, what: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise WBMalformedResponse(wb_text=f"{what}: ожидался список, получено {value!r:.100}")
        return value

    @staticmethod
    def _expect_int(value: Any, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise WBMalformedResponse(wb_text=f"{what}: ожидалось число, получено {value!r:.100}")
        return value

    @staticmethod
    def _model(model: Any, value: Any) -> Any:
        try:
            return model.model_validate(value)
        except ValueError as exc:
            raise WBMalformedResponse(wb_text=str(exc)[:300]) from exc

    # --- date windows (feedbacks, questions) -------------------------------------------------

    def walk(
        self,
        channel: str,
        *,
        date_from: datetime | int,
        date_to: datetime | int | None = None,
        answered_states: Sequence[bool] = (False, True),
        take: int = 5000,
    ) -> WindowWalker[Any]:
        """A resumable walker over `feedbacks` or `questions`; iterate `.pages()`."""
        from agentiq.marketplaces.wb.windows import WindowWalker

        if channel not in ("feedbacks", "questions"):
            raise ValueError(f"unknown channel {channel!r}")
        return WindowWalker(
            self,
            "feedbacks" if channel == "feedbacks" else "questions",
            date_from=date_from,
            date_to=date_to,
            answered_states=answered_states,
            take=take,
        )

    # --- connection ---------------------------------------------------------------------------

    async def ping(self, host: Host) -> PingResult:
        """GET /ping on one host: checks the token and that its category fits the host."""
        category: Category = "ping_feedbacks" if host == "feedbacks" else "ping_chat"
        response = await self.request("GET", host, "/ping", category=category)
        body = self._json(response)
        ts = body.get("TS") if isinstance(body, dict) else None
        return PingResult(ok=True, status=response.status_code, ts=ts)

    # --- feedbacks ----------------------------------------------------------------------------

    async def new_feedbacks_questions(self) -> NewFeedbacksQuestions:
        response = await self.request(
            "GET", "feedbacks", "/api/v1/new-feedbacks-questions", category="feedbacks"
        )
        data = self._legacy_data(response)
        result: NewFeedbacksQuestions = self._model(NewFeedbacksQuestions, data)
        return result

    async def _count_unanswered(self, kind: Literal["feedbacks", "questions"]) -> CountUnanswered:
        response = await self.request(
            "GET", "feedbacks", f"/api/v1/{kind}/count-unanswered", category="feedbacks"
        )
        result: CountUnanswered = self._model(CountUnanswered, self._legacy_data(response))
        return result

    async def _count(
        self,
        kind: Literal["feedbacks", "questions"],
        is_answered: bool,
        date_from: datetime | int | None,
        date_to: datetime | int | None,
    ) -> int:
        # isAnswered is always sent: the RU and EN docs disagree on its default.
        response = await self.request(
            "GET",
            "feedbacks",
            f"/api/v1/{kind}/count",
            category="feedbacks",
            params={
                "isAnswered": _bool(is_answered),
                "dateFrom": unix_seconds(date_from),
                "dateTo": unix_seconds(date_to),
            },
        )
        return self._expect_int(self._legacy_data(response), f"{kind}/count")

    async def count_unanswered_feedbacks(self) -> CountUnanswered:
        return await self._count_unanswered("feedbacks")

    async def count_feedbacks(
        self,
        *,
        is_answered: bool,
        date_from: datetime | int | None = None,
        date_to: datetime | int | None = None,
    ) -> int:
        return await self._count("feedbacks", is_answered, date_from, date_to)

    async def list_feedbacks(
        self,
        *,
        is_answered: bool,
        take: int,
        skip: int = 0,
        nm_id: int | None = None,
        order: Order | None = None,
        date_from: datetime | int | None = None,
        date_to: datetime | int | None = None,
    ) -> FeedbackPage:
        if not 0 < take <= 5000 or not 0 <= skip <= 199_990:
            raise ValueError("WB limits: take in 1..5000, skip in 0..199990")
        response = await self.request(
            "GET",
            "feedbacks",
            "/api/v1/feedbacks",
            category="feedbacks",
            params={
                "isAnswered": _bool(is_answered),
                "take": take,
                "skip": skip,
                "nmId": nm_id,
                "order": order,
                "dateFrom": unix_seconds(date_from),
                "dateTo": unix_seconds(date_to),
            },
        )
        data = self._expect_dict(self._legacy_data(response), "feedbacks")
        page = FeedbackPage(
            count_unanswered=_opt_int(data.get("countUnanswered")),
            count_archive=_opt_int(data.get("countArchive")),
        )
        parse_items(Feedback, self._expect_list(data.get("feedbacks"), "feedbacks"), page)
        return page

    async def list_archived_feedbacks(
        self,
        *,
        take: int,
        skip: int = 0,
        nm_id: int | None = None,
        order: Order | None = None,
        unanswered_only: bool = False,
    ) -> FeedbackPage:
        """WB's archive. `unanswered_only` counts answered items without parsing them."""
        if not 0 < take <= 5000 or skip < 0:
            raise ValueError("WB limits: take in 1..5000, skip >= 0")
        response = await self.request(
            "GET",
            "feedbacks",
            "/api/v1/feedbacks/archive",
            category="feedbacks",
            params={"take": take, "skip": skip, "nmId": nm_id, "order": order},
        )
        data = self._expect_dict(self._legacy_data(response), "feedbacks/archive")
        page = FeedbackPage()
        raw_items = self._expect_list(data.get("feedbacks"), "feedbacks")
        parse_items(
            Feedback, raw_items, page, pass_over=has_answer_text if unanswered_only else None
        )
        return page

    async def get_feedback(self, feedback_id: str) -> Feedback:
        """One feedback; WB's 422 «Невозможно получить отзыв по id» becomes WBNotFound."""
        try:
            response = await self.request(
                "GET",
                "feedbacks",
                "/api/v1/feedback",
                category="feedbacks",
                params={"id": feedback_id},
            )
        except WBBadRequest as exc:
            if exc.status == 422:
                raise WBNotFound(
                    "WB не нашёл отзыв", status=422, wb_text=exc.wb_text, request_id=exc.request_id
                ) from exc
            raise
        result: Feedback = self._model(Feedback, self._legacy_data(response))
        return result

    async def answer_feedback(self, feedback_id: str, text: str) -> None:
        """POST the first answer. WB answers 204 even for an unknown id — read back to verify."""
        await self.request(
            "POST",
            "feedbacks",
            "/api/v1/feedbacks/answer",
            category="feedbacks",
            json_body={"id": feedback_id, "text": text},
            accept=(200, 204),
        )

    async def edit_feedback_answer(self, feedback_id: str, text: str) -> None:
        """PATCH the answer: WB allows one edit within 60 days of the first answer."""
        await self.request(
            "PATCH",
            "feedbacks",
            "/api/v1/feedbacks/answer",
            category="feedbacks",
            json_body={"id": feedback_id, "text": text},
            accept=(200, 204),
        )

    async def request_order_return(self, feedback_id: str) -> None:
        response = await self.request(
            "POST",
            "feedbacks",
            "/api/v1/feedbacks/order/return",
            category="feedbacks",
            json_body={"feedbackId": feedback_id},
        )
        self._legacy_data(response)

    # --- questions ----------------------------------------------------------------------------

    async def count_unanswered_questions(self) -> CountUnanswered:
        return await self._count_unanswered("questions")

    async def count_questions(
        self,
        *,
        is_answered: bool,
        date_from: datetime | int | None = None,
        date_to: datetime | int | None = None,
    ) -> int:
        return await self._count("questions", is_answered, date_from, date_to)

    async def list_questions(
        self,
        *,
        is_answered: bool,
        take: int,
        skip: int = 0,
        nm_id: int | None = None,
        order: Order | None = None,
        date_from: datetime | int | None = None,
        date_to: datetime | int | None = None,
    ) -> QuestionPage:
        if take <= 0 or skip < 0 or take + skip > 10_000:
            raise ValueError("WB limits: take > 0, skip >= 0, take + skip <= 10000")
        response = await self.request(
            "GET",
            "feedbacks",
            "/api/v1/questions",
            category="feedbacks",
            params={
                "isAnswered": _bool(is_answered),
                "take": take,
                "skip": skip,
                "nmId": nm_id,
                "order": order,
                "dateFrom": unix_seconds(date_from),
                "dateTo": unix_seconds(date_to),
            },
        )
        data = self._expect_dict(self._legacy_data(response), "questions")
        page = QuestionPage(
            count_unanswered=_opt_int(data.get("countUnanswered")),
            count_archive=_opt_int(data.get("countArchive")),
        )
        parse_items(Question, self._expect_list(data.get("questions"), "questions"), page)
        return page

    async def get_question(self, question_id: str) -> Question:
        try:
            response = await self.request(
                "GET",
                "feedbacks",
                "/api/v1/question",
                category="feedbacks",
                params={"id": question_id},
            )
        except WBBadRequest as exc:
            if exc.status == 422:
                raise WBNotFound(
                    "WB не нашёл вопрос", status=422, wb_text=exc.wb_text, request_id=exc.request_id
                ) from exc
            raise
        result: Question = self._model(Question, self._legacy_data(response))
        return result

    async def _patch_question(self, body: dict[str, Any]) -> None:
        response = await self.request(
            "PATCH", "feedbacks", "/api/v1/questions", category="feedbacks", json_body=body
        )
        if response.content:
            self._legacy_data(response)

    async def mark_question_viewed(self, question_id: str) -> None:
        await self._patch_question({"id": question_id, "wasViewed": True})

    async def answer_question(self, question_id: str, text: str) -> None:
        """Answer, or edit the answer (WB uses the same call; one edit within 60 days)."""
        await self._patch_question({"id": question_id, "answer": {"text": text}, "state": "wbRu"})

    async def edit_question_answer(self, question_id: str, text: str) -> None:
        await self.answer_question(question_id, text)

    async def reject_question(self, question_id: str, text: str = "") -> None:
        """Hide the question from buyers (`state: none`)."""
        await self._patch_question({"id": question_id, "answer": {"text": text}, "state": "none"})

    # --- chats ----------------------------------------------------------------------------------

    async def list_chats(self) -> ChatPage:
        response = await self.request("GET", "chat", "/api/v1/seller/chats", category="chat")
        result, _errors = self._chat_result(response)
        page = ChatPage()
        parse_items(ChatModel, self._expect_list(result, "chats"), page)
        return page

    async def chat_events(self, next_cursor: int | None = None) -> EventsBatch:
        """One batch of the events feed; pass the previous batch's `next`."""
        response = await self.request(
            "GET",
            "chat",
            "/api/v1/seller/events",
            category="chat",
            params={"next": next_cursor},
        )
        result, _errors = self._chat_result(response)
        data = self._expect_dict(result, "events")
        total = data.get("totalEvents", 0)
        batch = EventsBatch(
            next=_opt_int(data.get("next")),
            total_events=self._expect_int(total, "totalEvents"),
            newest_event_time=_opt_str(data.get("newestEventTime")),
            oldest_event_time=_opt_str(data.get("oldestEventTime")),
        )
        parse_items(ChatEventModel, self._expect_list(data.get("events"), "events"), batch)
        return batch

    async def iter_chat_events(self, next_cursor: int | None = None) -> AsyncIterator[EventsBatch]:
        """Follow the `next` cursor until WB says `totalEvents: 0` (the official procedure).

        Each yielded batch carries the cursor to persist once its events are stored.
        """
        cursor = next_cursor
        while True:
            batch = await self.chat_events(cursor)
            if batch.total_events == 0 or batch.size == 0:
                return
            yield batch
            if batch.next is None or batch.next == cursor:
                return
            cursor = batch.next

    async def send_message(
        self,
        reply_sign: str,
        text: str | None = None,
        files: Sequence[tuple[str, bytes, str]] = (),
    ) -> SentMessage:
        """POST a chat message as multipart/form-data (`replySign`, `message`, `file`…).

        `files` are (name, content, content type); WB's per-file upload errors end up in
        `SentMessage.upload_errors`.
        """
        # (None, value) parts are plain form fields; they force multipart even without files.
        parts: list[tuple[str, tuple[str | None, Any] | tuple[str | None, Any, str]]] = [
            ("replySign", (None, reply_sign))
        ]
        if text is not None:
            parts.append(("message", (None, text)))
        for name, content, content_type in files:
            parts.append(("file", (name, content, content_type)))
        response = await self.request(
            "POST", "chat", "/api/v1/seller/message", category="chat", files=parts
        )
        result, errors = self._chat_result(response)
        sent: SentMessage = self._model(SentMessage, result or {})
        sent.upload_errors = errors
        return sent

    async def download_attachment(self, download_id: str) -> AttachmentResult:
        response = await self.request(
            "GET",
            "chat",
            f"/api/v1/seller/download/{download_id}",
            category="download",
            accept=(200, 202, 451),
        )
        if response.status_code == 202:
            body = self._expect_dict(self._json(response), "download")
            return AttachmentPending(
                retry_seconds=_opt_int(body.get("retrySeconds")) or 30,
                moderation_state=str(body.get("moderationState") or "pending"),
            )
        if response.status_code == 451:
            body = self._json(response) if response.content else {}
            detail = body.get("detail") if isinstance(body, dict) else None
            return AttachmentRejected(detail=str(detail or "moderation error"))
        content_type = response.headers.get("content-type", "application/octet-stream")
        return AttachmentFile(content=response.content, content_type=content_type)


def _is_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "") and bool(response.content)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _opt_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


async def check_connection(
    http: httpx.AsyncClient,
    token: str,
    *,
    hosts: object | None = None,
    limiter: RateLimiter | None = None,
    cabinet_key: str = "connection-check",
) -> ConnectionCheck:
    """Decode the token, then `/ping` each WB host with it. Never raises for WB answers."""
    try:
        info = decode_token(token)
    except TokenMalformed as exc:
        return ConnectionCheck(token=None, token_error=exc.message)
    wb_hosts = hosts if isinstance(hosts, WBHosts) else PRODUCTION_HOSTS
    client = WBClient(
        token.strip(),
        http=http,
        hosts=wb_hosts,
        limiter=limiter,
        cabinet_key=cabinet_key,
        token_type=info.token_type if info.token_type != "unknown" else "personal",
        retry=RetryPolicy(max_attempts=2, max_throttled=0, base_delay_s=0.2),
    )

    async def one(host: Literal["feedbacks", "chat"]) -> HostCheck:
        try:
            result: PingResult = await client.ping(host)
        except WBError as exc:
            return HostCheck(
                host, ok=False, status=exc.status, error_code=exc.code, wb_text=exc.wb_text
            )
        return HostCheck(host, ok=result.ok, status=result.status)

    feedbacks, chat = await asyncio.gather(one("feedbacks"), one("chat"))
    return ConnectionCheck(token=info, hosts={"feedbacks": feedbacks, "chat": chat})


__all__ = [
    "PRODUCTION_HOSTS",
    "SANDBOX_HOSTS",
    "RetryPolicy",
    "WBClient",
    "WBClientStats",
    "WBError",
    "WBHosts",
    "WBRateLimited",
    "check_connection",
]
