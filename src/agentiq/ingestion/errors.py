"""What a failed sync tells the seller: in Russian, saying what to do next."""

from __future__ import annotations

from agentiq.marketplaces.wb.errors import (
    WBAuthError,
    WBError,
    WBMalformedResponse,
    WBPaymentRequired,
    WBRateLimited,
    WBServerError,
    WBTransportError,
)

CATEGORY_TITLES = {
    "review": "Вопросы и отзывы",
    "question": "Вопросы и отзывы",
    "chat": "Чат с покупателями",
}
STALE_MESSAGE = (
    "Синхронизация прервалась (процесс был остановлен). Она запустится снова автоматически; "
    "если ошибка повторяется, нажмите «Синхронизировать сейчас»."
)


def describe_sync_error(exc: BaseException, channel: str) -> str:
    category = CATEGORY_TITLES.get(channel, "Вопросы и отзывы")
    if isinstance(exc, WBAuthError):
        return (
            f"WB отклонил токен: создайте новый токен с категорией «{category}» "
            "и обновите его в Настройках"
        )
    if isinstance(exc, WBPaymentRequired):
        return "WB требует оплату доступа к API: пополните баланс сервиса в кабинете WB"
    if isinstance(exc, WBRateLimited):
        return "WB временно ограничил частоту запросов; синхронизация продолжится автоматически"
    if isinstance(exc, WBServerError | WBTransportError):
        return "WB временно недоступен; синхронизация повторится автоматически"
    if isinstance(exc, WBMalformedResponse):
        return "WB прислал неполный ответ; синхронизация повторится автоматически"
    if isinstance(exc, WBError):
        return f"WB отклонил запрос: {exc.message}"
    return "Не удалось синхронизировать кабинет; попробуем снова автоматически"
