"""Earned autonomy for auto-answers.

Every item falls in a bucket: channel × rating × intent («5★ отзыв», «вопрос о размере»).
Every bucket starts in shadow: the product drafts, the operator sends, and we record whether
the draft went out unchanged (accepted), edited, or the operator wrote their own (manual). A
bucket is promoted to auto only after N accepted drafts in a row (the seller's setting,
default 20) with overall acceptance above a threshold; one edit, one own answer or one
guardrail warning puts it back in shadow with the streak at zero. Each bucket has a kill
switch, a daily cap and pacing (a minimum interval between its auto answers). An item with a
link the link policy does not trust for automatic actions is never auto-answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.autonomy.repository import BucketRepository
from agentiq.autonomy.schemas import AUTO, SHADOW, AutonomySettings, BucketChange, BucketOut
from agentiq.kit.time import ensure_utc, utcnow
from agentiq.linking.policy import allows_auto_action
from agentiq.linking.repository import LinkRepository
from agentiq.models import AutonomyBucket, Interaction
from agentiq.settings.repository import RuntimeSettingRepository

NAMESPACE, KEY = "replies", "autonomy"
ACCEPTED, EDITED, MANUAL = "draft_accepted", "draft_edited", "reply_manual"

_CHANNELS: Final = {"review": "Отзывы", "question": "Вопросы", "chat": "Чаты"}
_INTENTS: Final = {
    "size_fit": "размер",
    "availability_delivery": "наличие и доставка",
    "compatibility_specs": "характеристики",
    "materials_care": "материал и уход",
    "pre_purchase_other": "перед покупкой",
    "general": "общее",
}

BucketKey = tuple[str, int, str]


def bucket_key(item: Interaction) -> BucketKey:
    rating = item.rating if item.channel == "review" and item.rating else 0
    intent = "" if item.channel == "review" else (item.intent or "general")
    return item.channel, rating, intent


def bucket_label(channel: str, rating: int, intent: str) -> str:
    parts = [_CHANNELS.get(channel, channel)]
    if rating:
        parts.append(f"{rating}★")
    if intent:
        parts.append(_INTENTS.get(intent, "другое"))
    return " · ".join(parts)


async def load_settings(session: AsyncSession, seller_id: int) -> AutonomySettings:
    row = await RuntimeSettingRepository(session, seller_id).entry(NAMESPACE, KEY)
    return AutonomySettings.model_validate(row.value if row is not None else {})


async def save_settings(
    session: AsyncSession, seller_id: int, settings: AutonomySettings
) -> AutonomySettings:
    row = await RuntimeSettingRepository(session, seller_id).entry_or_new(NAMESPACE, KEY)
    row.value = settings.model_dump()
    await session.flush()
    return settings


def acceptance(bucket: AutonomyBucket) -> float | None:
    total = bucket.accepted + bucket.edited + bucket.manual
    return bucket.accepted / total if total else None


def demote(bucket: AutonomyBucket, reason: str) -> None:
    bucket.streak = 0
    if bucket.mode == AUTO:
        bucket.mode = SHADOW
        bucket.demoted_at = utcnow()
        bucket.demoted_reason = reason[:200]


async def _bucket(session: AsyncSession, seller_id: int, item: Interaction) -> AutonomyBucket:
    repo = BucketRepository(session, seller_id)
    channel, rating, intent = bucket_key(item)
    row = await repo.by_key(channel, rating, intent)
    if row is None:
        row = repo.add(
            AutonomyBucket(
                channel=channel,
                rating=rating,
                intent=intent,
                mode=SHADOW,
                killed=False,
                streak=0,
                accepted=0,
                edited=0,
                manual=0,
                auto_sent=0,
                daily_cap=20,
                min_interval_s=300,
                demoted_reason="",
            )
        )
        await session.flush()
    return row


async def record_outcome(
    session: AsyncSession, seller_id: int, item: Interaction, quality: str
) -> AutonomyBucket:
    """An operator's reply in shadow: accepted extends the streak, anything else ends it."""
    bucket = await _bucket(session, seller_id, item)
    if quality == ACCEPTED:
        bucket.accepted += 1
        bucket.streak += 1
    elif quality == EDITED:
        bucket.edited += 1
        demote(bucket, "оператор исправил черновик")
    else:
        bucket.manual += 1
        demote(bucket, "оператор написал свой ответ")
    settings = await load_settings(session, seller_id)
    rate = acceptance(bucket)
    if (
        bucket.mode == SHADOW
        and bucket.streak >= settings.required_streak
        and rate is not None
        and rate >= settings.min_acceptance
    ):
        bucket.mode = AUTO
        bucket.promoted_at = utcnow()
    await session.flush()
    return bucket


async def demote_for_warning(
    session: AsyncSession, seller_id: int, item: Interaction, warning: str
) -> None:
    bucket = await _bucket(session, seller_id, item)
    demote(bucket, f"предупреждение проверки ответа: {warning}")
    await session.flush()


@dataclass(frozen=True)
class Gate:
    allowed: bool
    reason: str


def start_of_day(now: datetime) -> datetime:
    return datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)


async def auto_buckets(session: AsyncSession, seller_id: int) -> list[AutonomyBucket]:
    rows = await BucketRepository(session, seller_id).all()
    return [b for b in rows if b.mode == AUTO and not b.killed]


async def may_auto_answer(
    session: AsyncSession, seller_id: int, item: Interaction, *, now: datetime | None = None
) -> Gate:
    """Whether this item may be answered without a person, and if not, why."""
    now = now or utcnow()
    channel, rating, intent = bucket_key(item)
    repo = BucketRepository(session, seller_id)
    bucket = await repo.by_key(channel, rating, intent)
    if bucket is None or bucket.mode != AUTO:
        return Gate(False, "группа ещё не заслужила автоответы")
    if bucket.killed:
        return Gate(False, "автоответы группы выключены")
    if bucket.last_auto_at is not None and now - ensure_utc(bucket.last_auto_at) < timedelta(
        seconds=bucket.min_interval_s
    ):
        return Gate(False, "темп: слишком рано после прошлого автоответа")
    today = (await repo.auto_sent_since(start_of_day(now))).get((channel, rating, intent), 0)
    if today >= bucket.daily_cap:
        return Gate(False, "дневной лимит группы исчерпан")
    for link in await LinkRepository(session, seller_id).links_of(item.id):
        basis = str((link.reasoning_signals or {}).get("basis") or "probabilistic")
        if not allows_auto_action(basis, float(link.confidence)):
            return Gate(False, "вероятностная связь: только подсказка оператору")
    return Gate(True, "")


async def mark_auto_sent(
    session: AsyncSession, seller_id: int, item: Interaction, *, now: datetime | None = None
) -> None:
    bucket = await _bucket(session, seller_id, item)
    bucket.auto_sent += 1
    bucket.last_auto_at = now or utcnow()
    await session.flush()


async def list_buckets(session: AsyncSession, seller_id: int) -> list[BucketOut]:
    repo = BucketRepository(session, seller_id)
    today = await repo.auto_sent_since(start_of_day(utcnow()))
    return [
        BucketOut(
            id=b.id,
            channel=b.channel,
            rating=b.rating,
            intent=b.intent,
            label=bucket_label(b.channel, b.rating, b.intent),
            mode=b.mode,
            killed=b.killed,
            streak=b.streak,
            accepted=b.accepted,
            edited=b.edited,
            manual=b.manual,
            acceptance=acceptance(b),
            auto_sent=b.auto_sent,
            auto_today=today.get((b.channel, b.rating, b.intent), 0),
            daily_cap=b.daily_cap,
            min_interval_s=b.min_interval_s,
            last_auto_at=b.last_auto_at,
            promoted_at=b.promoted_at,
            demoted_at=b.demoted_at,
            demoted_reason=b.demoted_reason,
        )
        for b in await repo.all()
    ]


async def change_bucket(
    session: AsyncSession, seller_id: int, bucket_id: int, change: BucketChange
) -> None:
    bucket = await BucketRepository(session, seller_id).get(bucket_id)
    if change.killed is not None:
        bucket.killed = change.killed
    if change.daily_cap is not None:
        bucket.daily_cap = change.daily_cap
    if change.min_interval_s is not None:
        bucket.min_interval_s = change.min_interval_s
    await session.flush()
