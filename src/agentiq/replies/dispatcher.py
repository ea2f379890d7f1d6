"""The outbox dispatcher: claim a due row with a lease, read back when in doubt, send once.

States: pending → sending → sent → published, or failed / unknown; `stored` (sandbox) never
leaves the database. Each row goes through short transactions — claim, (read-back,) send,
record — so a crash at any point leaves a row that the next worker can finish safely:

- `attempts` is incremented by the claim itself, before anything goes to WB. A row that was
  ever claimed (attempts > 0) or failed before (`last_error`) is READ BACK before any send:
  if WB already shows our answer it becomes published, otherwise it is sent.
- A worker that died holding a row leaves it in `sending` with a lease that expires; only then
  may another worker take it (and it reads back first).
- The lease is renewed by compare-and-set right before the write, so a worker that lost its
  row (lease expired during a slow read-back) never writes.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.cabinets.clients import client_for
from agentiq.db import unit_of_work
from agentiq.drafting.repository import record_event
from agentiq.kit.time import utcnow
from agentiq.marketplaces.base import (
    ItemNotFound,
    MarketplaceClient,
    MarketplaceError,
    RateLimited,
    Unavailable,
    UnknownOutcome,
)
from agentiq.models import (
    Interaction,
    MarketplaceConnection,
    OutboxState,
    ReplyAttempt,
    ReplyOutbox,
)
from agentiq.replies.readback import Readback, read_back
from agentiq.replies.repository import claim, renew_lease
from agentiq.runtime import Runtime

log = logging.getLogger(__name__)
S = OutboxState

MAX_ATTEMPTS = 6  # claims before a reply that never shows up on WB is declared failed
BACKOFF_BASE_S = 2.0
BACKOFF_MAX_S = 300.0
# How long WB may take to show an answer it accepted before we call the 204 a lie.
CONFIRM_GRACE = timedelta(minutes=10)
CONFIRM_RECHECK_S = 30.0
MISSING = "WB не нашёл это обращение: ответ не опубликован"
MODERATION_REJECTED = "WB отклонил ответ на модерации: покупатель его не видит"
# WB moderates public answers for minutes to hours: look again at this pace meanwhile.
MODERATION_RECHECK_S = 300.0


T = TypeVar("T")


async def atomic(runtime: Runtime, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """One short transaction that a cancellation (shutdown, a killed worker) cannot cut in half.

    Cancelling a task inside a database call can leave the connection mid-rollback and its
    lock held; shielded, the transaction finishes (or rolls back) on its own and the
    cancellation lands on the next network await instead.
    """

    async def run() -> T:
        async with unit_of_work(runtime.sessionmaker) as session:
            return await work(session)

    return await asyncio.shield(asyncio.ensure_future(run()))


@dataclass(frozen=True)
class DispatchConfig:
    # Must exceed the longest send (WB timeout + rate-limit waits); renewed before the write.
    lease_s: float = 120.0
    backoff_base_s: float = BACKOFF_BASE_S
    backoff_max_s: float = BACKOFF_MAX_S
    confirm_recheck_s: float = CONFIRM_RECHECK_S
    max_attempts: int = MAX_ATTEMPTS


@dataclass
class Job:
    """What one worker knows about the row it holds."""

    outbox_id: int
    seller_id: int
    interaction_id: int
    channel: str
    external_id: str
    kind: str
    text: str
    state: str  # as claimed: sending (will send) or sent (confirm only)
    attempts: int  # after this claim
    had_error: bool
    created_at: datetime
    sent_at: datetime | None
    lease_until: datetime
    connection: MarketplaceConnection | None
    reply_sign: str | None
    config: DispatchConfig


def backoff(config: DispatchConfig, attempts: int) -> timedelta:
    delay = min(config.backoff_max_s, config.backoff_base_s * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay * random.uniform(0.5, 1.0))


async def claim_and_load(runtime: Runtime, outbox_id: int, config: DispatchConfig) -> Job | None:
    now = utcnow()
    lease_until = now + timedelta(seconds=config.lease_s)

    async def work(session: AsyncSession) -> Job | None:
        if not await claim(session, outbox_id, now, lease_until):
            return None
        row = await session.get(ReplyOutbox, outbox_id, populate_existing=True)
        assert row is not None
        item = await session.get(Interaction, row.interaction_id)
        assert item is not None
        connection = (
            await session.get(MarketplaceConnection, row.connection_id)
            if row.connection_id is not None
            else None
        )
        return Job(
            outbox_id=row.id,
            seller_id=row.seller_id,
            interaction_id=item.id,
            channel=item.channel,
            external_id=item.external_id,
            kind=row.kind,
            text=row.text,
            state=row.state,
            attempts=row.attempts,
            had_error=row.last_error is not None,
            created_at=row.created_at,
            sent_at=row.sent_at,
            lease_until=lease_until,
            connection=connection,
            reply_sign=_reply_sign(item),
            config=config,
        )

    return await atomic(runtime, work)


def _reply_sign(item: Interaction) -> str | None:
    """The chat's signature as the sync stores it (extra_data["chat"]["reply_sign"])."""
    extra = item.extra_data or {}
    chat = extra.get("chat") if isinstance(extra.get("chat"), dict) else {}
    sign = (chat or {}).get("reply_sign") or extra.get("reply_sign")
    return str(sign) if sign else None


async def process(runtime: Runtime, outbox_id: int, config: DispatchConfig) -> str | None:
    """Take one row and move it as far as it goes; returns its new state (None: not ours)."""
    job = await claim_and_load(runtime, outbox_id, config)
    if job is None:
        return None
    if job.connection is None:
        return await finish(runtime, job, S.failed, error="Кабинет WB не подключён")
    client = client_for(runtime, job.connection)

    confirming = job.state == S.sent.value
    if confirming or job.attempts > 1 or job.had_error:
        verdict = await _read_back_logged(runtime, client, job)
        if verdict is None:  # WB could not be read: never send blind
            state = S.sent if confirming else S.unknown
            return await finish(
                runtime, job, state, error="Не удалось проверить ответ в WB", retry=True
            )
        if verdict.verdict == "found":
            return await finish(runtime, job, S.published, confirmed=True)
        if verdict.verdict == "missing":
            return await finish(runtime, job, S.failed, error=MISSING)
        if verdict.verdict == "rejected":
            return await finish(runtime, job, S.failed, error=MODERATION_REJECTED)
        if verdict.verdict == "moderation":
            # Our text is on WB, under moderation: never send it again, look again later.
            return await finish(runtime, job, S.sent, retry_in=MODERATION_RECHECK_S)
        if confirming:
            return await _unconfirmed(runtime, job, config)
        if verdict.verdict == "other_answer" and not (job.kind == "edit" and verdict.editable):
            reason = (
                "В WB уже опубликован другой ответ; отправка отменена, чтобы не было двух ответов"
                if job.kind != "edit"
                else "WB не разрешает изменить ответ (одно изменение в течение 60 дней)"
            )
            return await finish(runtime, job, S.failed, error=reason)
        if job.attempts > config.max_attempts:
            error = f"WB не принял ответ после {config.max_attempts} попыток"
            return await finish(runtime, job, S.failed, error=error)
    return await _send(runtime, client, job, config)


async def _read_back_logged(
    runtime: Runtime, client: MarketplaceClient, job: Job
) -> Readback | None:
    started = time.perf_counter()
    try:
        result = await read_back(client, job.channel, job.external_id, job.text, job.created_at)
    except MarketplaceError as exc:
        await _log_attempt(runtime, job, "readback", started, exc.status, str(exc))
        return None
    await _log_attempt(runtime, job, "readback", started, 200, result.verdict)
    return result


async def _send(
    runtime: Runtime, client: MarketplaceClient, job: Job, config: DispatchConfig
) -> str:
    renewed = job.lease_until
    now = utcnow()
    new_until = now + timedelta(seconds=config.lease_s)
    ok = await atomic(
        runtime, lambda session: renew_lease(session, job.outbox_id, renewed, new_until)
    )
    if not ok:
        log.warning("outbox %s: lease lost before sending; left to its new owner", job.outbox_id)
        return S.sending.value
    job.lease_until = new_until

    started = time.perf_counter()
    try:
        await _write(client, job)
    except UnknownOutcome as exc:
        outcome = "timeout" if exc.status is None else "unknown"
        await _log_attempt(runtime, job, outcome, started, exc.status, str(exc))
        return await finish(runtime, job, S.unknown, error=exc.message, retry=True)
    except (RateLimited, Unavailable) as exc:
        # WB never processed it: plain retry later (the read-back will still run first).
        await _log_attempt(runtime, job, "error", started, exc.status, str(exc))
        return await finish(runtime, job, S.pending, error=exc.message, retry=True)
    except MarketplaceError as exc:
        await _log_attempt(runtime, job, "error", started, exc.status, str(exc))
        return await finish(runtime, job, S.failed, error=_refusal(exc))
    await _log_attempt(runtime, job, "ok", started, 200, None)
    if job.channel == "chat":
        # The chat API answers with the stored message: that is WB's own confirmation.
        return await finish(runtime, job, S.published, sent=True, confirmed=True)
    await finish(runtime, job, S.sent, sent=True, keep_lease=True)
    # Confirm right away; if this worker dies now, the row stays `sent` and is confirmed later.
    job.state = S.sent.value
    job.sent_at = utcnow()
    verdict = await _read_back_logged(runtime, client, job)
    if verdict is not None and verdict.verdict == "found":
        return await finish(runtime, job, S.published, confirmed=True)
    if verdict is not None and verdict.verdict == "missing":
        # WB answers 204 even for an id it does not know: the answer went nowhere.
        return await finish(runtime, job, S.failed, error=MISSING)
    if verdict is not None and verdict.verdict == "rejected":
        return await finish(runtime, job, S.failed, error=MODERATION_REJECTED)
    if verdict is not None and verdict.verdict == "moderation":
        return await finish(runtime, job, S.sent, retry_in=MODERATION_RECHECK_S)
    return await finish(runtime, job, S.sent, retry_in=config.confirm_recheck_s)


async def _write(client: MarketplaceClient, job: Job) -> None:
    if job.channel == "review":
        if job.kind == "edit":
            await client.edit_feedback_answer(job.external_id, job.text)
        else:
            await client.answer_feedback(job.external_id, job.text)
    elif job.channel == "question":
        await client.answer_question(job.external_id, job.text)
    else:
        sign = await _fresh_reply_sign(client, job.external_id) or job.reply_sign
        if not sign:
            raise ItemNotFound("WB не вернул подпись чата (replySign): чат недоступен")
        await client.send_message(sign, job.text)


async def _fresh_reply_sign(client: MarketplaceClient, chat_id: str) -> str | None:
    page = await client.list_chats()
    for chat in page.items:
        if chat.chat_id == chat_id:
            return chat.reply_sign
    return None


def _refusal(exc: MarketplaceError) -> str:
    return f"{exc.message}: {exc.remote_text}" if exc.remote_text else exc.message


async def _unconfirmed(runtime: Runtime, job: Job, config: DispatchConfig) -> str:
    sent_at = job.sent_at or job.created_at
    if utcnow() - sent_at < CONFIRM_GRACE:
        return await finish(runtime, job, S.sent, retry_in=config.confirm_recheck_s)
    reason = "WB принял запрос, но ответа на карточке нет (возможно, неверный id)"
    return await finish(runtime, job, S.failed, error=reason)


async def _log_attempt(
    runtime: Runtime,
    job: Job,
    outcome: str,
    started: float,
    http_status: int | None,
    wb_error: str | None,
) -> None:
    latency = int((time.perf_counter() - started) * 1000)

    async def work(session: AsyncSession) -> None:
        session.add(
            ReplyAttempt(
                seller_id=job.seller_id,
                outbox_id=job.outbox_id,
                outcome=outcome,
                http_status=http_status,
                latency_ms=latency,
                wb_error=wb_error,
            )
        )

    await atomic(runtime, work)


async def finish(
    runtime: Runtime,
    job: Job,
    state: OutboxState,
    *,
    error: str | None = None,
    retry: bool = False,
    retry_in: float | None = None,
    sent: bool = False,
    confirmed: bool = False,
    keep_lease: bool = False,
) -> str:
    """Record the outcome if we still hold the lease (compare-and-set on `lease_until`)."""
    now = utcnow()
    values: dict[str, Any] = {"state": state.value}
    if not keep_lease:
        values["lease_until"] = None
    if error is not None:
        values["last_error"] = error
    if retry:
        values["next_attempt_at"] = now + backoff(job.config, job.attempts)
    if retry_in is not None:
        values["next_attempt_at"] = now + timedelta(seconds=retry_in)
    if sent:
        values["sent_at"] = now
    if confirmed:
        values["confirmed_at"] = now
        values["sent_at"] = job.sent_at or now

    async def work(session: AsyncSession) -> bool:
        result = await session.execute(
            update(ReplyOutbox)
            .where(ReplyOutbox.id == job.outbox_id, ReplyOutbox.lease_until == job.lease_until)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            log.warning("outbox %s: lease lost; outcome %s not recorded", job.outbox_id, state)
            return False
        item = await session.get(Interaction, job.interaction_id)
        if item is not None:
            _mark_item(item, state, error, now)
        if state in (S.published, S.failed):
            record_event(
                session,
                job.seller_id,
                job.interaction_id,
                "reply_published" if state is S.published else "reply_failed",
                payload={"outbox_id": job.outbox_id, "error": error, "attempts": job.attempts},
            )
        return True

    await atomic(runtime, work)
    return state.value


def _mark_item(item: Interaction, state: OutboxState, error: str | None, now: datetime) -> None:
    extra = dict(item.extra_data or {})
    extra["reply_state"] = state.value
    if state is S.failed:
        extra["reply_error"] = error
    if state is S.failed and error == MODERATION_REJECTED:
        # The buyer sees no answer: the item waits in «Без ответа» again, with the reason.
        item.status = "open"
        item.needs_response = True
        item.unread = True
        extra.pop("reply_pending_until", None)
    elif state is S.published:
        extra.pop("reply_error", None)
        extra["reply_published_at"] = now.isoformat()
    item.extra_data = extra
