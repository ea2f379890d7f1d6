"""Turn rows into what a page shows, in Russian (no DB access here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agentiq.labels import (
    CHANNEL_ICONS,
    CHANNELS,
    EVENT_KINDS,
    ORDER_STATUSES,
    OUTBOX_STATES,
    PRIORITIES,
    REPLY_STATES,
    SOURCES,
    STATUSES,
    label,
    topic,
)
from agentiq.linking.schemas import Timeline
from agentiq.models import MarketplaceConnection

TOKEN_TYPES = {
    "personal": "Персональный",
    "base": "Базовый",
    "basic": "Базовый",
    "test": "Тестовый",
    "service": "Сервисный",
    "unknown": "Тип не определён",
}
SYNC_STATUSES = {
    "idle": "Ожидает синхронизации",
    "queued": "Синхронизация запланирована",
    "running": "Синхронизация…",
    "syncing": "Синхронизация…",
    "ok": "Синхронизировано",
    "error": "Ошибка синхронизации",
    "paused": "Приостановлено",
}


@dataclass
class CabinetView:
    id: int
    name: str
    is_demo: bool
    is_sandbox: bool
    token_type: str
    token_expires_at: datetime | None
    checks: list[str]
    sync_status: str
    sync_label: str
    sync_error: str | None
    last_sync_at: datetime | None

    @property
    def is_syncing(self) -> bool:
        return self.sync_status in {"running", "syncing", "queued"}


def _checks(token_check: dict[str, Any]) -> list[str]:
    """Whatever the connector found about the token, as short Russian phrases."""
    token_check = token_check or {}
    if isinstance(token_check.get("lines"), list):
        return [str(line) for line in token_check["lines"]]
    lines: list[str] = []
    for key, value in token_check.items():
        if isinstance(value, bool):
            lines.append(f"{key}: {'да' if value else 'нет'}")
        elif isinstance(value, list | tuple):
            lines.append(f"{key}: {', '.join(str(v) for v in value)}")
        elif value not in (None, ""):
            lines.append(f"{key}: {value}")
    return lines


def _effective_status(row: MarketplaceConnection) -> tuple[str, str | None]:
    """The sync engine's view of the status (a stale "syncing" is shown as an error)."""
    try:
        from agentiq.ingestion.service import effective_status
    except ImportError:
        return row.sync_status, row.sync_error
    return effective_status(row)


def cabinet_view(row: MarketplaceConnection) -> CabinetView:
    status, error = _effective_status(row)
    return CabinetView(
        id=row.id,
        name=row.name,
        is_demo=row.is_demo,
        is_sandbox=row.is_sandbox,
        token_type=TOKEN_TYPES.get(row.token_type, row.token_type),
        token_expires_at=row.token_expires_at,
        checks=_checks(row.token_check),
        sync_status=status,
        sync_label=SYNC_STATUSES.get(status, status),
        sync_error=error,
        last_sync_at=row.last_sync_at,
    )


# --- inbox ---------------------------------------------------------------------------------

# WB's limits on an answer's length, per channel.
REPLY_LIMITS = {"review": 5000, "question": 5000, "chat": 1000}


def wb_url(nm_id: int | None) -> str | None:
    return f"https://www.wildberries.ru/catalog/{nm_id}/detail.aspx" if nm_id else None


def item_view(detail: Any) -> dict[str, Any]:
    """Everything the item pane shows that needs a decision (labels, limits, states)."""
    item = detail.item
    extra = item.extra_data or {}
    last_reply = extra.get("last_reply") or {}
    draft = detail.latest_draft
    last_draft = extra.get("last_draft") or {}
    context_used = (draft.context_used if draft else last_draft.get("context_used")) or {}
    warnings = (draft.warnings if draft else last_draft.get("warnings")) or {}
    outbox = detail.outbox
    chat = extra.get("chat") or {}
    return {
        "channel_label": label(CHANNELS, item.channel),
        "icon": CHANNEL_ICONS.get(item.channel, "•"),
        "limit": REPLY_LIMITS.get(item.channel, 1000),
        "priority_label": label(PRIORITIES, item.priority),
        "status_label": label(STATUSES, item.status),
        "source_label": label(SOURCES, item.source),
        "intent_label": topic(item.channel, item.intent),
        "product_name": item.product_name
        or (detail.product.name if detail.product else None)
        or extra.get("product_name")
        or (chat.get("good_card") or {}).get("name"),
        "wb_url": wb_url(item.nm_id),
        "continues": (item.extra_data or {}).get("continues"),
        "photos": [p for p in extra.get("photos") or [] if isinstance(p, str)][:8],
        "video": extra.get("video"),
        "order_status": label(ORDER_STATUSES, extra.get("order_status")),
        "size": extra.get("size"),
        "last_reply": last_reply if last_reply.get("text") else None,
        "last_reply_state": label(REPLY_STATES, str(last_reply.get("state", ""))),
        **_wb_answer_notice(item, extra),
        # A reply would replace an answer buyers see: the composer asks to confirm.
        "confirm_edit": item.channel != "chat"
        and (
            bool(outbox and outbox.state in {"published", "stored"})
            or bool(
                isinstance(extra.get("wb_answer"), dict)
                and extra["wb_answer"].get("text")
                and extra["wb_answer"].get("state") != "rejected"
            )
        ),
        "draft_text": draft.text if draft else last_draft.get("text"),
        "draft_model": draft.model if draft else last_draft.get("model"),
        "context_used": _context_words(context_used),
        "warnings": _warning_lines(warnings),
        "outbox_state": label(OUTBOX_STATES, outbox.state) if outbox else None,
        "outbox_failed": bool(outbox and outbox.state in {"failed", "unknown"}),
        "events": [
            {"label": label(EVENT_KINDS, e.kind, "Событие"), "event": e} for e in detail.events
        ],
    }


def _wb_answer_notice(item: Any, extra: dict[str, Any]) -> dict[str, Any]:
    """What the operator must know before sending: WB already shows an answer (a new reply
    edits it, once) or WB's moderation rejected the last one."""
    answer = extra.get("wb_answer")
    answer = answer if isinstance(answer, dict) and answer.get("text") else None
    rejected = answer is not None and answer.get("state") == "rejected"
    if answer is None or item.channel == "chat":
        notice = None
    elif rejected:
        notice = "WB отклонил ответ на модерации. Новый ответ заменит отклонённый."
    elif answer.get("editable") is False:
        notice = "В кабинете WB уже есть ответ, и WB больше не разрешает его изменить."
    else:
        notice = (
            "В кабинете WB уже есть ответ. Отправка заменит его: WB разрешает изменить "
            "ответ только один раз в течение 60 дней."
        )
    return {
        "wb_answer": answer,
        "wb_answer_notice": notice,
    }


def _context_words(context: dict[str, Any]) -> list[str]:
    """«учтено: …» — which pieces of context the draft used, in words."""
    names = {
        "product": "карточка товара",
        "product_card": "карточка товара",
        "earlier_answers": "прошлые ответы",
        "history": "прошлые ответы",
        "complaints": "частые жалобы",
        "linked": "связанные обращения",
        "settings": "настройки тона",
        "tone": "тон",
    }
    if isinstance(context.get("labels"), list):
        return [str(label) for label in context["labels"]]
    words = []
    for key, value in context.items():
        if value in (None, False, [], {}, ""):
            continue
        words.append(names.get(key, key))
    return list(dict.fromkeys(words))


def _warning_lines(warnings: Any) -> list[str]:
    if isinstance(warnings, dict):
        items = warnings.get("items") or warnings.get("violations") or list(warnings.values())
    else:
        items = warnings or []
    lines = []
    for w in items:
        if isinstance(w, dict):
            lines.append(str(w.get("message_ru") or w.get("message") or w))
        elif isinstance(w, list):
            lines.extend(str(x.get("message_ru", x)) if isinstance(x, dict) else str(x) for x in w)
        else:
            lines.append(str(w))
    return lines


ESCALATION_STATES = {
    "awaiting_chat": "Ждём покупателя в чате",
    "chat_opened": "Покупатель написал в чат",
    "resolved": "Решено в чате",
    "expired": "Покупатель не пришёл в чат",
}


def thread_view(timeline: Timeline) -> dict[str, Any]:
    """The buyer's thread for the item pane: one line per touch, the link in words."""
    steps = []
    for step in timeline.steps:
        steps.append(
            {
                "step": step,
                "channel_label": label(CHANNELS, step.channel, "Обращение"),
                "icon": CHANNEL_ICONS.get(step.channel, "•"),
                # A probable link the operator has not judged yet can be confirmed or rejected.
                "judgeable": step.level == "C" and step.verdict is None and not step.is_current,
                "confirmed": step.verdict == "confirmed",
                "template": step.last_reply_text or step.last_ai_draft_text or "",
            }
        )
    return {
        "scope": timeline.thread_scope,
        "steps": steps,
        "has_links": any(not step.is_current for step in timeline.steps),
    }
