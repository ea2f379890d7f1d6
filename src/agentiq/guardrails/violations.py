"""What a guardrail check returns: one Violation per offending fragment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Channel = Literal["review", "question", "chat"]
Severity = Literal["error", "warning"]

# Review and question answers are shown on the product page to everybody; chats are private.
PUBLIC_CHANNELS: frozenset[str] = frozenset({"review", "question"})


@dataclass(frozen=True)
class Violation:
    """One rule hit. `start`/`end` index the checked text; `message_ru` says how to fix it."""

    category: str
    severity: Severity
    start: int
    end: int
    fragment: str
    message_ru: str

    @property
    def blocking(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "label_ru": label_ru(self.category),
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "fragment": self.fragment,
            "message_ru": self.message_ru,
        }


def has_blocking(violations: Iterable[Violation]) -> bool:
    """True when any violation must stop the reply from being sent."""
    return any(v.blocking for v in violations)


# What each category is called on screen: the API's violation list and the composer show these,
# never the internal code.
CATEGORY_LABELS_RU: dict[str, str] = {
    "ai_mention": "Упоминание ИИ или бота",
    "promise": "Обещание денег, возврата или замены",
    "blame_buyer": "Обвинение покупателя",
    "dismissive": "Пренебрежительный тон",
    "legal_threat": "Угрозы и юридические формулировки",
    "jargon": "Внутренний жаргон и коды",
    "contacts": "Контакты, ссылки, мессенджеры",
    "review_manipulation": "Просьба изменить отзыв или выгода за оценку",
    "competitor": "Другие площадки и бренды",
    "profanity": "Грубые слова",
    "personal_data": "Личные данные покупателя",
    "template_leftover": "Незаполненная заготовка",
    "length": "Длина ответа",
    "duplicate": "Повтор недавнего ответа",
    "reused_sentence": "Повтор предложения из недавнего ответа",
    "avoid_topic": "Тема, которую просили не затрагивать",
    "needs_operator": "Нужен оператор",
    "llm_replaced": "Черновик модели заменён",
    "llm_failed": "Модель ИИ недоступна",
}


def label_ru(category: str) -> str:
    return CATEGORY_LABELS_RU.get(category, "Замечание к тексту")


def describe_ru(violation: Violation) -> str:
    """One line a person reads: what was found, where, and how to fix it."""
    fragment = " ".join(violation.fragment.split())
    where = f" «{fragment[:60]}»" if fragment and violation.category != "length" else ""
    return f"{label_ru(violation.category)}{where}: {violation.message_ru}"
