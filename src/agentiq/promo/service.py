"""Promo codes: register, list, pick one for an item, count the ones sent.

A code is offered only where the seller allowed it (placement), only for its products, never
after its last day, and never in a question's public answer. Public review answers are a
placement the seller may allow, flagged as risky; the guardrails block any code offered in
exchange for changing a review.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.kit.errors import Conflict, ValidationFailed
from agentiq.kit.time import utcnow
from agentiq.models import Interaction, PromoCode
from agentiq.promo.repository import PromoCodeRepository
from agentiq.promo.schemas import (
    MAX_CODES,
    PUBLIC_PLACEMENTS,
    PromoCodeIn,
    PromoCodeOut,
    PromoSettings,
)
from agentiq.settings.repository import RuntimeSettingRepository

NAMESPACE, KEY = "promo", "settings"
PUBLIC_CHANNELS = frozenset({"review", "question"})


def today() -> date:
    return utcnow().date()


def view(row: PromoCode, *, on: date | None = None) -> PromoCodeOut:
    scope = row.scope or {}
    placements = [p for p in scope.get("placements", []) if isinstance(p, str)]
    return PromoCodeOut(
        id=row.id,
        code=row.code,
        discount_percent=row.discount_percent,
        valid_until=row.valid_until,
        all_products=row.all_products,
        nm_ids=[int(n) for n in scope.get("nm_ids", [])],
        placements=placements,
        send_count=row.send_count,
        last_offered_at=row.last_offered_at,
        expired=is_expired(row, on or today()),
        risky=bool(set(placements) & PUBLIC_PLACEMENTS),
    )


def is_expired(row: PromoCode, on: date) -> bool:
    return row.valid_until is not None and row.valid_until < on


async def list_codes(session: AsyncSession, seller_id: int) -> list[PromoCodeOut]:
    on = today()
    return [view(row, on=on) for row in await PromoCodeRepository(session, seller_id).all()]


def _apply(row: PromoCode, data: PromoCodeIn) -> None:
    row.code = data.code
    row.discount_percent = data.discount_percent
    row.valid_until = data.valid_until
    row.all_products = data.all_products or not data.nm_ids
    row.scope = {
        "nm_ids": [] if row.all_products else data.nm_ids,
        "placements": [p for p in data.placements],
    }


async def create_code(session: AsyncSession, seller_id: int, data: PromoCodeIn) -> PromoCodeOut:
    repo = PromoCodeRepository(session, seller_id)
    if len(await repo.all()) >= MAX_CODES:
        message = f"Можно завести не больше {MAX_CODES} промокодов"
        raise ValidationFailed(message, details={"code": message})
    if await repo.by_code(data.code) is not None:
        raise Conflict("Такой промокод уже есть", details={"code": "Такой промокод уже есть"})
    row = repo.add(PromoCode(code=data.code, send_count=0))
    _apply(row, data)
    await session.flush()
    return view(row)


async def update_code(
    session: AsyncSession, seller_id: int, code_id: int, data: PromoCodeIn
) -> PromoCodeOut:
    repo = PromoCodeRepository(session, seller_id)
    row = await repo.get(code_id)
    same = await repo.by_code(data.code)
    if same is not None and same.id != row.id:
        raise Conflict("Такой промокод уже есть", details={"code": "Такой промокод уже есть"})
    _apply(row, data)
    await session.flush()
    return view(row)


async def delete_code(session: AsyncSession, seller_id: int, code_id: int) -> None:
    repo = PromoCodeRepository(session, seller_id)
    await repo.delete(await repo.get(code_id))
    await session.flush()


async def load_settings(session: AsyncSession, seller_id: int) -> PromoSettings:
    row = await RuntimeSettingRepository(session, seller_id).entry(NAMESPACE, KEY)
    return PromoSettings.model_validate(row.value if row is not None else {})


async def save_settings(
    session: AsyncSession, seller_id: int, settings: PromoSettings
) -> PromoSettings:
    row = await RuntimeSettingRepository(session, seller_id).entry_or_new(NAMESPACE, KEY)
    row.value = settings.model_dump()
    await session.flush()
    return settings


def placements_for(item: Interaction) -> tuple[str, ...]:
    """Where an answer to this item stands: a review by its stars, any chat mood; none for
    questions (their answers are public and nobody complained or praised)."""
    if item.channel == "chat":
        return ("chat_positive", "chat_negative", "chat_question")
    if item.channel == "review" and item.rating is not None:
        return ("review_positive",) if item.rating >= 4 else ("review_negative",)
    return ()


async def offers_for_item(
    session: AsyncSession, seller_id: int, item: Interaction, *, on: date | None = None
) -> dict[str, str]:
    """{placement: code} the drafter may offer for this item; {} when the seller said no."""
    settings = await load_settings(session, seller_id)
    if not settings.ai_offers:
        return {}
    on = on or today()
    wanted = placements_for(item)
    offers: dict[str, tuple[int, str]] = {}
    for row in await PromoCodeRepository(session, seller_id).all():
        if is_expired(row, on):
            continue
        scope = row.scope or {}
        if not row.all_products and item.nm_id not in scope.get("nm_ids", []):
            continue
        for placement in wanted:
            if placement in scope.get("placements", []):
                best = offers.get(placement)
                discount = row.discount_percent or 0
                if best is None or discount > best[0]:
                    offers[placement] = (discount, row.code)
    return {placement: code for placement, (_, code) in offers.items()}


def _code_re(code: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(code)}(?![\w-])", re.IGNORECASE)


async def record_sent(session: AsyncSession, seller_id: int, text: str) -> list[str]:
    """Count the seller's codes a sent answer contains; returns them."""
    sent = []
    for row in await PromoCodeRepository(session, seller_id).all():
        if _code_re(row.code).search(text):
            row.send_count += 1
            row.last_offered_at = utcnow()
            sent.append(row.code)
    if sent:
        await session.flush()
    return sent


async def public_code_warnings(
    session: AsyncSession, seller_id: int, channel: str, text: str
) -> list[dict[str, Any]]:
    """«Предупреждать об отзывах»: a code in a public answer is pointed out before sending."""
    if channel not in PUBLIC_CHANNELS or not (await load_settings(session, seller_id)).warn_reviews:
        return []
    warnings = []
    for row in await PromoCodeRepository(session, seller_id).all():
        match = _code_re(row.code).search(text)
        if match:
            warnings.append(
                {
                    "category": "promo_public",
                    "severity": "warning",
                    "start": match.start(),
                    "end": match.end(),
                    "fragment": match.group(),
                    "message_ru": (
                        f"Промокод {row.code} в публичном ответе увидят все покупатели; "
                        "не связывайте его с изменением отзыва"
                    ),
                }
            )
    return warnings
