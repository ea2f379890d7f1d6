"""Approve a reply: guardrails at send time, then an outbox row in the same transaction.

Everything about the decision — the outbox row, the item's status and reply state, the
reporting events, the response history — is written in one transaction, so an approval is
either fully recorded (and will reach WB exactly once) or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.analytics.facts import record_many, reply_facts
from agentiq.autonomy import service as autonomy
from agentiq.cabinets.repository import CabinetRepository
from agentiq.db import after_commit
from agentiq.drafting.quality import (
    ACCEPTED_THRESHOLD,
    EDITED_THRESHOLD,
    classify_reply,
    similarity,
)
from agentiq.drafting.repository import (
    ResponseHistoryRepository,
    record_event,
)
from agentiq.guardrails.service import check_text
from agentiq.interactions.repository import InteractionRepository
from agentiq.kit.errors import Conflict, ValidationFailed
from agentiq.kit.time import ensure_utc, utcnow
from agentiq.models import Interaction, OutboxState, ReplyOutbox, ResponseHistory, Status
from agentiq.promo import service as promo
from agentiq.replies.repository import DELIVERED, IN_FLIGHT, OutboxRepository
from agentiq.runtime import Runtime
from agentiq.settings.service import load_ai_settings
from agentiq.worker.port import DispatchReplies

S = OutboxState
EDIT_WINDOW = timedelta(days=60)


@dataclass(frozen=True)
class Approval:
    outbox: ReplyOutbox
    warnings: list[dict[str, object]]
    quality: str | None


class GuardrailsBlocked(ValidationFailed):
    code = "guardrails_blocked"


def _wb_answer(item: Interaction) -> dict[str, Any] | None:
    """The answer WB showed at the last sync, if the sync recorded one (`extra_data`)."""
    extra = item.extra_data or {}
    for key in ("wb_answer", "answer"):
        value = extra.get(key)
        if isinstance(value, dict) and value.get("text"):
            return value
    return None


def _reply_kind(item: Interaction, history: list[ReplyOutbox]) -> str:
    """answer | edit | chat_message; refuses what WB would refuse, before calling WB."""
    if any(r.state in IN_FLIGHT for r in history):
        raise Conflict(
            "Ответ на это обращение уже отправляется — дождитесь результата",
            code="reply_in_progress",
        )
    if item.channel == "chat":
        return "chat_message"
    delivered = [r for r in history if r.state in DELIVERED]
    wb_answer = _wb_answer(item)
    if not delivered and wb_answer is None:
        return "answer"
    if any(r.kind == "edit" for r in delivered) or (
        wb_answer is not None and wb_answer.get("editable") is False
    ):
        raise Conflict(
            "Ответ уже редактировали: WB разрешает изменить ответ только один раз",
            code="edit_not_allowed",
        )
    first = delivered[0] if delivered else None
    answered_at = (first.confirmed_at or first.sent_at or first.created_at) if first else None
    if answered_at is not None and utcnow() - ensure_utc(answered_at) > EDIT_WINDOW:
        raise Conflict(
            "Изменить ответ можно только в течение 60 дней после публикации",
            code="edit_window_closed",
        )
    return "edit"


class EditNeedsConfirmation(Conflict):
    code = "edit_needs_confirmation"


def replaces_published_answer(item: Interaction, history: list[ReplyOutbox]) -> bool:
    """True when a reply would overwrite an answer buyers can already see (ours, delivered,
    or one WB shows) — WB allows that once, so the operator confirms it first. A rejected
    answer is not public: replacing it needs no confirmation."""
    if item.channel == "chat":
        return False
    if any(r.state in DELIVERED for r in history):
        return True
    wb_answer = _wb_answer(item)
    return wb_answer is not None and wb_answer.get("state") != "rejected"


async def submit_reply(
    session: AsyncSession,
    runtime: Runtime,
    seller_id: int,
    interaction_id: int,
    text: str,
    *,
    user_id: int | None,
    is_auto: bool = False,
    send_after: timedelta | None = None,
    confirm_edit: bool = False,
) -> Approval:
    item = await InteractionRepository(session, seller_id).get_for_update(interaction_id)
    text = text.strip()
    ai = await load_ai_settings(session, runtime, seller_id)
    # The same check the composer runs while the operator types (guardrails/service.py).
    checked = await check_text(session, runtime, seller_id, text, item=item)
    violations = checked.violations
    if checked.blocking:
        lines = checked.lines_ru(blocking_only=True)
        raise GuardrailsBlocked(
            "Ответ нельзя отправить: " + " ".join(lines),
            details={
                "violations": [_violation(v.as_dict()) for v in checked.blocking],
                "lines_ru": lines,
            },
        )
    outbox_repo = OutboxRepository(session, seller_id)
    history = list(await outbox_repo.for_interaction(item.id))
    kind = _reply_kind(item, history)
    if kind == "edit" and not confirm_edit and replaces_published_answer(item, history):
        raise EditNeedsConfirmation(
            "Ответ уже опубликован. Новый текст заменит его, а WB разрешает изменить ответ "
            "только один раз — подтвердите замену.",
        )

    connection = (
        await CabinetRepository(session, seller_id).find(item.connection_id)
        if item.connection_id is not None
        else None
    )
    sandbox = connection is not None and connection.is_sandbox
    now = utcnow()
    row = outbox_repo.add(
        ReplyOutbox(
            interaction_id=item.id,
            connection_id=item.connection_id,
            kind=kind,
            text=text,
            state=(S.stored if sandbox else S.pending).value,
            requested_by_user_id=user_id,
            is_auto=is_auto,
            next_attempt_at=now + (send_after or timedelta()),
        )
    )
    await session.flush()

    await promo.record_sent(session, seller_id, text)
    last_draft = (item.extra_data or {}).get("last_draft") or {}
    quality = None if is_auto else classify_reply(last_draft.get("text"), text)
    first_answer = item.first_response_at is None
    _mark_responded(item, row, ai.view.reply_pending_minutes, user_id)
    await record_many(session, seller_id, reply_facts(item, quality, user_id, first=first_answer))
    record_event(
        session,
        seller_id,
        item.id,
        "reply_sent",
        actor_user_id=user_id,
        payload={"outbox_id": row.id, "kind": kind, "is_auto": is_auto, "state": row.state},
    )
    if quality is not None:
        await autonomy.record_outcome(session, seller_id, item, quality)
        record_event(
            session,
            seller_id,
            item.id,
            quality,
            actor_user_id=user_id,
            payload={
                "outbox_id": row.id,
                "draft_id": last_draft.get("id"),
                "similarity": round(similarity(last_draft["text"], text), 3)
                if last_draft.get("text")
                else None,
                "thresholds": {"accepted": ACCEPTED_THRESHOLD, "edited": EDITED_THRESHOLD},
            },
        )
    ResponseHistoryRepository(session, seller_id).add(
        ResponseHistory(
            interaction_id=item.id,
            nm_id=item.nm_id,
            channel=item.channel,
            intent=item.intent,
            text=text,
            origin="agentiq",
        )
    )
    await session.flush()
    if not sandbox:
        after_commit(session, lambda: runtime.worker.enqueue(DispatchReplies()))
    return Approval(row, [v.as_dict() for v in violations], quality)


def _violation(v: dict[str, object]) -> dict[str, object]:
    return {
        "category": v["category"],
        "label_ru": v["label_ru"],
        "span": [v["start"], v["end"]],
        "fragment": v["fragment"],
        "message_ru": v["message_ru"],
    }


def _mark_responded(
    item: Interaction, row: ReplyOutbox, pending_minutes: int, user_id: int | None
) -> None:
    now = utcnow()
    item.status = Status.responded.value
    item.needs_response = False
    # An edit replaces an answer that already exists (ours, or one given in the WB cabinet):
    # it is not the first response, whatever the clock says.
    if item.first_response_at is None and row.kind != "edit":
        item.first_response_at = now
    extra = dict(item.extra_data or {})
    extra["reply_pending_until"] = (now + timedelta(minutes=pending_minutes)).isoformat()
    extra["reply_state"] = row.state
    extra.pop("reply_error", None)
    extra["last_reply"] = {
        "outbox_id": row.id,
        "text": row.text,
        "kind": row.kind,
        "at": now.isoformat(),
        "by_user_id": user_id,
        "is_auto": row.is_auto,
    }
    item.extra_data = extra


async def retry_reply(
    session: AsyncSession, runtime: Runtime, seller_id: int, interaction_id: int
) -> ReplyOutbox:
    """Put the item's failed (or stuck-unknown) reply back in the queue.

    `attempts` restarts but `last_error` stays, which makes the dispatcher read the item
    back before sending: a retry can never produce a second answer.
    """
    item = await InteractionRepository(session, seller_id).get_for_update(interaction_id)
    rows = list(await OutboxRepository(session, seller_id).for_interaction(item.id))
    row = rows[-1] if rows else None
    if row is None or row.state not in (S.failed.value, S.unknown.value):
        raise Conflict("Повторять нечего: ответ не в состоянии ошибки", code="nothing_to_retry")
    row.state = S.pending.value
    row.attempts = 0
    row.last_error = row.last_error or "повтор по запросу оператора"
    row.next_attempt_at = utcnow()
    row.lease_until = None
    extra = dict(item.extra_data or {})
    extra["reply_state"] = S.pending.value
    extra.pop("reply_error", None)
    item.extra_data = extra
    await session.flush()
    after_commit(session, lambda: runtime.worker.enqueue(DispatchReplies()))
    return row
