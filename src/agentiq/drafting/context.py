"""What a drafter knows about an item: the buyer's text, the product, history, seller settings.

Collectors (written elsewhere) fill a DraftContext from the database; the drafters here only
read it, so they stay free of models and sessions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from agentiq.drafting.names import person_first_name
from agentiq.guardrails.violations import Channel, Violation

Intent = Literal[
    "size_fit",
    "availability_delivery",
    "compatibility_specs",
    "materials_care",
    "pre_purchase_other",
    "general",
]
Tone = Literal["friendly", "formal", "neutral"]
# «Вы» capitalised is the polite default of Russian customer service; some brands prefer «вы»
# or a casual «ты».
Address = Literal["Вы", "вы", "ты"]
Direction = Literal["buyer", "seller"]
DraftSource = Literal["llm", "builtin"]

INTENTS: tuple[Intent, ...] = (
    "size_fit",
    "availability_delivery",
    "compatibility_specs",
    "materials_care",
    "pre_purchase_other",
    "general",
)

# Names WB shows when the buyer hid theirs; greeting «Здравствуйте, Покупатель!» reads robotic.
_PLACEHOLDER_NAMES = frozenset(
    {
        "покупатель",
        "покупательница",
        "клиент",
        "пользователь",
        "аноним",
        "анонимный",
        "гость",
        "имя",
        "скрыто",
        "нет",
        "buyer",
        "customer",
        "user",
        "anonymous",
        "guest",
        "unknown",
        "none",
        "null",
    }
)


@dataclass(frozen=True)
class SellerAISettings:
    tone: Tone = "friendly"
    address: Address = "Вы"
    signature: str | None = None
    avoid_topics: Sequence[str] = ()
    competitors: Sequence[str] = ()
    suggest_promo: bool = False
    promo_code: str | None = None
    # {placement: code} allowed for this item by the Промокоды page (promo.service).
    promo_offers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ThreadTouch:
    """One of the same buyer's other touches, as the linking module found it."""

    interaction_id: int
    channel: str
    occurred_at: datetime
    text: str = ""
    rating: int | None = None
    seller_reply: str | None = None
    link_label: str = ""  # the link's confidence in words («вероятно тот же покупатель, 72 %»)

    @property
    def is_negative_review(self) -> bool:
        return self.channel == "review" and self.rating is not None and self.rating <= 3

    @property
    def short_label(self) -> str:
        """«отзыв 1★ от 01.12» — how «учтено: …» names this step."""
        kind = {"review": "отзыв", "question": "вопрос", "chat": "чат"}.get(
            self.channel, "обращение"
        )
        stars = f" {self.rating}★" if self.rating else ""
        return f"{kind}{stars} от {self.occurred_at.strftime('%d.%m')}"


@dataclass(frozen=True)
class DraftContext:
    channel: Channel
    text: str = ""
    pros: str = ""
    cons: str = ""
    rating: int | None = None
    buyer_name: str | None = None
    product_name: str | None = None
    product_brand: str | None = None
    nm_id: int | None = None
    # Facts from the product card («Состав», «Размерная сетка», «Страна производства», …).
    product_facts: Mapping[str, str] = field(default_factory=dict)
    intent: Intent | None = None
    chat_history: Sequence[tuple[Direction, str]] = ()
    recent_answers: Sequence[str] = ()
    frequent_complaints: Sequence[str] = ()
    linked_touches: Sequence[str] = ()
    # The same touches, structured, newest first: what a draft must not contradict.
    thread: Sequence[ThreadTouch] = ()
    settings: SellerAISettings = field(default_factory=SellerAISettings)
    # Identifies the item for deterministic variation (e.g. the interaction id).
    item_key: str = ""

    def __post_init__(self) -> None:
        if self.rating is not None and not 1 <= self.rating <= 5:
            raise ValueError(f"rating must be 1..5, got {self.rating}")

    @property
    def real_buyer_name(self) -> str | None:
        return real_name(self.buyer_name)


@dataclass(frozen=True)
class DraftResult:
    """A draft plus how it was made: the stored draft's provenance and guardrail warnings."""

    text: str
    model: str
    prompt_version: str
    latency_ms: int
    prompt_tokens: int | None
    completion_tokens: int | None
    context_used: list[str]
    warnings: list[Violation]
    source: DraftSource = "builtin"
    fallback_reason: str | None = None


def real_name(name: str | None) -> str | None:
    """The buyer's first name if WB gave a person's name, else None (placeholders, brands,
    handles, words like «Бот»): see `drafting/names.py`."""
    if not name or first_word(name).lower().replace("ё", "е") in _PLACEHOLDER_NAMES:
        return None
    return person_first_name(name)


def first_word(name: str) -> str:
    return name.strip().split()[0] if name.strip() else ""


def plural_ru(count: int, one: str, few: str, many: str) -> str:
    """Russian plural form: 1 ответ, 2 ответа, 5 ответов."""
    tail = count % 100
    if 11 <= tail <= 14:
        return many
    if count % 10 == 1:
        return one
    if 2 <= count % 10 <= 4:
        return few
    return many


def text_label(channel: str) -> str:
    return {"review": "текст отзыва", "question": "текст вопроса"}.get(
        channel, "сообщение покупателя"
    )


def available_context(ctx: DraftContext) -> list[str]:
    """Russian labels for every context item present in `ctx` (what an LLM prompt includes)."""
    labels: list[str] = []
    if ctx.text.strip():
        labels.append(text_label(ctx.channel))
    if ctx.pros.strip():
        labels.append("достоинства")
    if ctx.cons.strip():
        labels.append("недостатки")
    if ctx.rating is not None:
        labels.append("оценка")
    if ctx.real_buyer_name:
        labels.append("имя покупателя")
    if ctx.product_name or ctx.product_brand or ctx.nm_id:
        labels.append("карточка товара")
    if ctx.intent:
        labels.append("интент вопроса")
    if ctx.chat_history:
        labels.append("история чата")
    if ctx.recent_answers:
        n = len(ctx.recent_answers)
        labels.append(f"{n} {plural_ru(n, 'прошлый ответ', 'прошлых ответа', 'прошлых ответов')}")
    if ctx.frequent_complaints:
        labels.append("частые жалобы")
    if ctx.thread:
        labels.extend(thread_labels(ctx))
    elif ctx.linked_touches:
        labels.append("связанные обращения")
    labels.append("настройки тона")
    return labels


def thread_labels(ctx: DraftContext) -> list[str]:
    """«учтено: …» entries naming the linked steps a draft took into account."""
    return [f"{t.short_label} ({t.link_label})" for t in ctx.thread]
