"""Russian words for the codes stored in the database: one place for the UI, the drafting
prompt and the settings pages.

A code missing here is shown as nothing (or a neutral word), never as itself: the people
using AgentIQ must not see `thanks`, `size_fit` or `draft_edited`.
"""

from __future__ import annotations

from collections.abc import Mapping

CHANNELS = {"review": "Отзыв", "question": "Вопрос", "chat": "Чат"}
CHANNELS_PLURAL = {"review": "Отзывы", "question": "Вопросы", "chat": "Чаты"}
# How the drafting prompt names what the buyer wrote.
CHANNELS_IN_PROMPT = {"review": "отзыв", "question": "вопрос о товаре", "chat": "сообщение в чате"}
CHANNEL_ICONS = {"review": "★", "question": "?", "chat": "✉"}

# Question intents (triage/intents.py) and chat topics (triage/rules.py).
QUESTION_INTENTS = {
    "size_fit": "размер и посадка",
    "availability_delivery": "наличие и доставка",
    "compatibility_specs": "совместимость и характеристики",
    "materials_care": "материалы и уход",
    "pre_purchase_other": "другое перед покупкой",
    "general": "общие",
}
CHAT_TOPICS = {
    "aggression": "агрессия и угрозы",
    "complaint": "жалоба",
    "return": "возврат",
    "order_problem": "проблема с заказом",
    "delivery": "доставка",
    "thanks": "благодарность",
    "general": "прочее",
}

STATUSES = {"open": "Открыт", "responded": "Отвечен", "closed": "Закрыт"}
PRIORITIES = {"urgent": "Срочно", "high": "Высокий", "normal": "Обычный", "low": "Низкий"}
SOURCES = {"wb_api": "WB API", "demo": "Демо", "fallback": "Оценка / доп. источник"}
OUTBOX_STATES = {
    "pending": "в очереди на отправку",
    "sending": "отправляется",
    "sent": "отправлен, на модерации",
    "published": "опубликован",
    "stored": "сохранён (песочница, не отправлялся)",
    "failed": "не отправлен",
    "unknown": "статус уточняется",
}
# WB's own state of a published answer.
REPLY_STATES = {
    "pending": "на модерации",
    "moderation": "на модерации",
    "published": "опубликован",
    "rejected": "отклонён модерацией",
    "wbRu": "опубликован",
    "none": "",
}
EVENT_KINDS = {
    "note": "Заметка",
    "assigned": "Назначено",
    "viewed": "Просмотрено",
    "closed": "Закрыто",
    "reopened": "Открыто снова",
    "draft_generated": "Черновик",
    "reply_sent": "Ответ отправлен",
    "escalated": "SLA просрочен: приоритет повышен",
    "deescalated": "Срок SLA изменён: эскалация снята",
    "classified": "Тема вопроса уточнена ИИ",
    "link_confirmed": "Связь с другим обращением подтверждена",
    "link_rejected": "Связь с другим обращением отклонена",
    "escalation_opened": "Переведено в чат",
    "escalation_chat_opened": "Покупатель написал в чат",
    "escalation_resolved": "Решено в чате",
    "escalation_expired": "Покупатель не пришёл в чат",
}
REPLY_QUALITY = {
    "draft_accepted": "черновик принят",
    "draft_edited": "черновик исправлен",
    "reply_manual": "написан вручную",
}
AUTHORS = {"seller": "Продавец", "buyer": "Покупатель", "client": "Покупатель"}
# A review's `orderStatus` as WB documents it; "notSpecified" means WB has no status to show.
ORDER_STATUSES = {"buyout": "выкуплен", "rejected": "отказ от заказа", "returned": "возврат"}


def label(words: Mapping[str, str], code: str | None, default: str = "") -> str:
    """The Russian word for `code`; `default` (never the code itself) when there is none."""
    return words.get(code or "", default)


def topic(channel: str, code: str | None) -> str:
    """A question's intent or a chat's topic in words; "" when unknown."""
    words = CHAT_TOPICS if channel == "chat" else QUESTION_INTENTS
    return label(words, code)
