"""Promo code payloads. Placements say where a code may be offered; public ones are risky."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Final, Literal

from pydantic import BaseModel, Field, field_validator

Placement = Literal[
    "chat_positive", "chat_negative", "chat_question", "review_positive", "review_negative"
]
PLACEMENTS: Final[tuple[str, ...]] = (
    "chat_positive",
    "chat_negative",
    "chat_question",
    "review_positive",
    "review_negative",
)
PUBLIC_PLACEMENTS: Final = frozenset({"review_positive", "review_negative"})
PLACEMENT_LABELS: Final = {
    "chat_positive": "Чаты: позитив",
    "chat_negative": "Чаты: негатив",
    "chat_question": "Чаты: вопросы",
    "review_positive": "Отзывы: позитив",
    "review_negative": "Отзывы: негатив",
}
# What WB accepts as a code: letters and digits (Latin or Cyrillic), dash and underscore.
CODE_RE: Final = re.compile(r"^[A-Za-zА-Яа-яЁё0-9_-]{3,50}$")
MAX_CODES: Final = 10


class PromoCodeIn(BaseModel):
    code: str = Field(max_length=50, examples=["WELCOME20"])
    discount_percent: int | None = Field(default=None, ge=1, le=99)
    valid_until: date | None = None
    all_products: bool = True
    nm_ids: list[int] = Field(default_factory=list, max_length=200)
    placements: list[Placement] = Field(default_factory=list, max_length=5)

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        value = value.strip().upper()
        if not CODE_RE.match(value):
            raise ValueError("code")
        return value

    @field_validator("nm_ids")
    @classmethod
    def _nm_ids(cls, value: list[int]) -> list[int]:
        if any(n <= 0 for n in value):
            raise ValueError("nm_ids")
        return sorted(set(value))


class PromoCodeOut(BaseModel):
    id: int
    code: str
    discount_percent: int | None
    valid_until: date | None
    all_products: bool
    nm_ids: list[int]
    placements: list[str]
    send_count: int
    last_offered_at: datetime | None
    expired: bool
    risky: bool  # offered in public answers


class PromoSettings(BaseModel):
    # «AI предлагает промокод в ответах»: drafts include an allowed code where it fits.
    ai_offers: bool = False
    # «Предупреждать об отзывах»: a draft answering a review publicly with a code is flagged.
    warn_reviews: bool = True
