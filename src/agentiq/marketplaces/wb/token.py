"""What a WB token can do, and whether the connection works — for Settings → Подключения.

The payload is decoded without checking the signature (only WB holds the key): it tells the
token type (`acc`), categories (bitmask `s`, bit n = `1 << n` as numbered in WB's table),
the read-only bit and expiry. `check_connection` then asks WB itself via `/ping` per host.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Literal

import jwt

from agentiq.kit.time import utcnow
from agentiq.marketplaces.wb.errors import WBAuthError, WBPaymentRequired

CATEGORY_BITS: dict[str, int] = {
    "content": 1,
    "analytics": 2,
    "prices": 3,
    "marketplace": 4,
    "statistics": 5,
    "promotion": 6,
    "feedbacks_questions": 7,
    "chat": 9,
    "supplies": 10,
    "returns": 11,
    "documents": 12,
    "finance": 13,
    "users": 16,
}
READ_ONLY_BIT = 30
TokenType = Literal["base", "test", "personal", "service", "unknown"]
_ACC_TYPES: dict[int, TokenType] = {1: "base", 2: "test", 3: "personal", 4: "service"}
TYPE_NAMES_RU = {
    "base": "базовый",
    "test": "тестовый",
    "personal": "персональный",
    "service": "сервисный",
    "unknown": "неизвестного типа",
}
MSK = timezone(timedelta(hours=3))


class TokenMalformed(ValueError):
    """The string is not a WB token; `message` is a Russian sentence for the seller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class TokenInfo:
    token_type: TokenType
    categories: frozenset[str]
    read_only: bool
    expires_at: datetime | None
    seller_id: str | None = None
    token_id: str | None = None

    @property
    def has_feedbacks(self) -> bool:
        return "feedbacks_questions" in self.categories

    @property
    def has_chat(self) -> bool:
        return "chat" in self.categories

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or utcnow())


def decode_token(token: str) -> TokenInfo:
    """Read the token payload (no signature check). Raises `TokenMalformed` with Russian text."""
    raw = (token or "").strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    if not raw:
        raise TokenMalformed("Токен не указан.")
    try:
        payload = jwt.decode(raw, options={"verify_signature": False, "verify_exp": False})
    except jwt.PyJWTError:
        raise TokenMalformed(
            "Это не похоже на токен WB: скопируйте его целиком из раздела «Доступ к API» "
            "личного кабинета продавца."
        ) from None
    if not isinstance(payload, dict):
        raise TokenMalformed("Токен WB повреждён: не удалось прочитать его содержимое.")
    try:
        bits = int(payload.get("s", 0))
        acc = int(payload.get("acc", 0))
        exp_raw = payload.get("exp")
        expires_at = datetime.fromtimestamp(int(exp_raw), tz=UTC) if exp_raw is not None else None
    except (TypeError, ValueError, OverflowError, OSError):
        raise TokenMalformed("Токен WB повреждён: не удалось прочитать его содержимое.") from None
    token_type = _ACC_TYPES.get(acc, "unknown")
    if token_type == "unknown" and payload.get("t") is True:
        token_type = "test"
    return TokenInfo(
        token_type=token_type,
        categories=frozenset(name for name, bit in CATEGORY_BITS.items() if bits >> bit & 1),
        read_only=bool(bits >> READ_ONLY_BIT & 1),
        expires_at=expires_at,
        seller_id=str(payload["sid"]) if payload.get("sid") is not None else None,
        token_id=str(payload["id"]) if payload.get("id") is not None else None,
    )


def guess_token_type(token: str) -> str:
    """Token type for picking rate limits; an unreadable token is treated as personal."""
    try:
        token_type = decode_token(token).token_type
    except TokenMalformed:
        return "personal"
    return "personal" if token_type == "unknown" else token_type


# --- connection check ------------------------------------------------------------------------


@dataclass(slots=True)
class HostCheck:
    host: Literal["feedbacks", "chat"]
    ok: bool
    status: int | None = None
    error_code: str | None = None  # WBError.code when not ok
    wb_text: str = ""


@dataclass(slots=True)
class ConnectionCheck:
    token: TokenInfo | None
    token_error: str | None = None
    hosts: dict[str, HostCheck] = field(default_factory=dict)
    checked_at: datetime = field(default_factory=utcnow)

    @property
    def ok(self) -> bool:
        return (
            self.token is not None and bool(self.hosts) and all(h.ok for h in self.hosts.values())
        )


def describe_connection(check: ConnectionCheck, *, now: datetime | None = None) -> list[str]:
    """Russian sentences for Settings → Подключения: what works, what is missing, and why."""
    now = now or utcnow()
    if check.token is None:
        return [check.token_error or "Токен WB не удалось прочитать."]
    info = check.token
    lines: list[str] = [f"Токен {TYPE_NAMES_RU[info.token_type]}."]
    if info.token_type == "test":
        lines.append(
            "Это тестовый токен: он работает только с песочницей WB, реальные отзывы, "
            "вопросы и чаты через него не видны."
        )
    if info.expires_at is not None:
        date = info.expires_at.astimezone(MSK).strftime("%d.%m.%Y")
        if info.is_expired(now):
            lines.append(f"Срок действия токена истёк {date}: создайте новый токен в кабинете WB.")
        elif info.expires_at - now <= timedelta(days=14):
            days = max(0, (info.expires_at - now).days)
            lines.append(
                f"Токен действует до {date} — осталось {days} дн.; заранее создайте новый."
            )
        else:
            lines.append(f"Токен действует до {date}.")

    lines.extend(_channel_lines(check, "feedbacks"))
    lines.extend(_channel_lines(check, "chat"))

    if info.read_only:
        lines.append(
            "Токен только для чтения: отзывы, вопросы и чаты будут загружаться, "
            "но отправлять ответы нельзя. Для ответов создайте токен без галочки "
            "«Только на чтение»."
        )
    if info.token_type == "base":
        lines.append(
            "Внимание: базовый токен WB ограничен 5 запросами в час для отзывов и вопросов "
            "и 1 запросом в час для чатов — синхронизация будет слишком медленной. "
            "Создайте персональный токен."
        )
    return lines


_CHANNEL_TEXT = {
    "feedbacks": ("отзывам и вопросам", "Отзывы и вопросы", "«Вопросы и отзывы»"),
    "chat": ("чатам", "Чаты с покупателями", "«Чат с покупателями»"),
}


def _channel_lines(check: ConnectionCheck, host: Literal["feedbacks", "chat"]) -> list[str]:
    assert check.token is not None
    dative, title, category = _CHANNEL_TEXT[host]
    has_category = check.token.has_feedbacks if host == "feedbacks" else check.token.has_chat
    result = check.hosts.get(host)
    if not has_category:
        return [f"Нет доступа к {dative}: в токене не выбрана категория {category}."]
    if result is None:
        return []
    if result.ok:
        return [f"{title}: подключение работает."]
    if result.error_code == WBAuthError.code:
        return [f"{title}: WB отклонил токен (он отозван, истёк или недействителен)."]
    if result.error_code == WBPaymentRequired.code:
        return [f"{title}: WB требует оплату сервиса в каталоге решений."]
    if result.status == 429:
        return [f"{title}: WB временно ограничил проверки подключения, повторите через минуту."]
    return [f"{title}: WB не ответил, попробуйте проверить подключение позже."]
