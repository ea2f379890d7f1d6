"""Request and response of `POST /api/guardrails/check`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, field_validator, model_validator
from pydantic_core import PydanticCustomError

# A reply is at most 5000 characters on WB; twice that still lets the composer check a paste.
MAX_CHECK_CHARS = 10_000


class CheckIn(BaseModel):
    text: str
    channel: Literal["review", "question", "chat"] | None = None
    interaction_id: int | None = None

    @field_validator("text")
    @classmethod
    def _not_too_long(cls, value: str) -> str:
        if len(value) > MAX_CHECK_CHARS:
            raise PydanticCustomError(
                "text_too_long",
                "Текст длиннее 10 000 символов: WB принимает ответы до 5 000 символов.",
            )
        return value

    @model_validator(mode="after")
    def _channel_or_item(self) -> CheckIn:
        if self.channel is None and self.interaction_id is None:
            raise PydanticCustomError(
                "channel_or_item", "Укажите канал (отзыв, вопрос или чат) или обращение."
            )
        return self


class ViolationOut(BaseModel):
    category: str
    label_ru: str
    severity: Literal["error", "warning"]
    start: int
    end: int
    fragment: str
    message_ru: str
    line_ru: str


class CheckOut(BaseModel):
    channel: str
    can_send: bool
    violations: list[ViolationOut]
    summary_ru: str
