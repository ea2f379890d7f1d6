"""The «Обжалование» queue: classify negative reviews, propose appeals, track outcomes.

The appeal itself is filed by a person in the WB cabinet (WB switched its complaint API off in
December 2025); nothing here talks to the cabinet's web pages. We prepare an argued text in
WB's terms, link to the cabinet and record what the operator reports back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.appeals.causes import (
    ABUSIVE,
    APPEALABLE_CAUSES,
    CAUSE_LABELS,
    CAUSES,
    LOGISTICS,
    SPAM,
    WRONG_ITEM,
    Classification,
    classify,
    review_text,
)
from agentiq.appeals.repository import ReviewCauseRepository
from agentiq.appeals.schemas import AppealOut, CauseRate, MarkedSpan, OutcomeIn
from agentiq.kit.errors import ValidationFailed
from agentiq.kit.time import utcnow
from agentiq.models import AppealStatus, Interaction, ReviewCause

A = AppealStatus
# The cabinet page where feedbacks are contested (no per-review deep link is documented).
WB_CABINET_FEEDBACKS_URL = "https://seller.wildberries.ru/feedback-and-questions/feedbacks"
# The reason to pick in the cabinet's complaint form, per cause.
WB_REASONS = {
    LOGISTICS: "Отзыв не относится к товару",
    WRONG_ITEM: "Отзыв не относится к товару",
    ABUSIVE: "Нецензурная лексика, оскорбления или текст не по теме",
    SPAM: "Спам-реклама в тексте",
}
# Which outcome may follow which; anything else is refused with a sentence.
TRANSITIONS: dict[str, frozenset[str]] = {
    A.none.value: frozenset({A.proposed.value}),
    A.proposed.value: frozenset({A.submitted.value, A.dismissed.value}),
    A.submitted.value: frozenset({A.approved.value, A.rejected.value, A.proposed.value}),
    A.approved.value: frozenset({A.submitted.value}),
    A.rejected.value: frozenset({A.submitted.value}),
    A.dismissed.value: frozenset({A.proposed.value}),
}
QUEUE_STATUSES = (A.proposed.value, A.submitted.value, A.approved.value, A.rejected.value)
_MAX_QUOTE = 160


def _quote(text: str, classification_spans: Sequence[tuple[int, int]]) -> str:
    words = [text[s:e] for s, e in classification_spans][:3]
    quote = "… ".join(w.strip() for w in words if w.strip())
    return quote[:_MAX_QUOTE]


def appeal_text(cause: str, text: str, spans: Sequence[tuple[int, int]], nm_id: int | None) -> str:
    """A pre-filled, argued appeal in WB's terms (the operator may edit it before filing)."""
    quote = _quote(text, spans)
    article = f" (артикул {nm_id})" if nm_id else ""
    if cause == LOGISTICS:
        return (
            f"Просим исключить отзыв из рейтинга товара{article}: он не относится к товару. "
            f"Покупатель оценивает доставку, пункт выдачи или курьера («{quote}»), а не "
            "качество, размер или внешний вид товара. По правилам Wildberries отзывы о "
            "доставке и работе пунктов выдачи не учитываются в рейтинге товара."
        )
    if cause == WRONG_ITEM:
        return (
            f"Просим исключить отзыв из рейтинга товара{article}: он не относится к товару. "
            f"Покупатель описывает другой товар, который ему выдали вместо заказанного "
            f"(«{quote}»); оценка касается ошибки комплектации заказа, а не этого артикула."
        )
    if cause == SPAM:
        return (
            "Просим удалить отзыв: в нём реклама другого магазина, контакты для связи или "
            f"бессмысленный текст («{quote}»), а не оценка товара. Это нарушает правила "
            "публикации отзывов Wildberries (спам-реклама, отзыв конкурента)."
        )
    if cause == ABUSIVE:
        return (
            "Просим удалить отзыв: он содержит оскорбления или нецензурную лексику либо не "
            "относится к товару и не содержит его оценки. Это нарушает правила публикации "
            "отзывов Wildberries."
        )
    raise ValueError(f"no appeal for a product complaint: {cause}")


def _classify_item(item: Interaction) -> tuple[str, Classification]:
    text = review_text(item.text, item.cons)
    return text, classify(text, rating=item.rating)


async def classify_negative_reviews(
    session: AsyncSession, seller_id: int, *, limit: int = 2000
) -> int:
    """Classify negative reviews not classified yet (or changed); returns how many."""
    repo = ReviewCauseRepository(session, seller_id)
    items = await repo.reviews_to_classify(limit)
    existing = await repo.for_interactions([item.id for item in items])
    for item in items:
        text, result = _classify_item(item)
        spans = [[s.start, s.end] for s in result.spans]
        row = existing.get(item.id)
        if row is None:
            row = repo.add(ReviewCause(interaction_id=item.id, rating=item.rating or 0))
        elif row.appeal_status not in (A.none.value, A.proposed.value):
            # An appeal the operator acted on keeps its cause; only the text hash moves.
            row.content_hash = item.content_hash
            continue
        row.nm_id = item.nm_id
        row.rating = item.rating or 0
        row.cause = result.cause
        row.confidence = result.confidence
        row.spans = {"spans": spans}
        row.content_hash = item.content_hash
        if result.proposed:
            row.appeal_status = A.proposed.value
            row.appeal_text = appeal_text(
                result.cause, text, [(s, e) for s, e in spans], item.nm_id
            )
        else:
            row.appeal_status = A.none.value
            row.appeal_text = ""
    await session.flush()
    return len(items)


def appeal_view(row: ReviewCause, item: Interaction, gain: float | None = None) -> AppealOut:
    text = review_text(item.text, item.cons)
    spans = [
        MarkedSpan(start=s, end=e, words=text[s:e])
        for s, e in (row.spans or {}).get("spans", [])
        if 0 <= s < e <= len(text)
    ]
    return AppealOut(
        id=row.id,
        interaction_id=item.id,
        nm_id=item.nm_id,
        rating=row.rating,
        cause=row.cause,
        cause_label=CAUSE_LABELS.get(row.cause, row.cause),
        wb_reason=WB_REASONS.get(row.cause, ""),
        confidence=row.confidence,
        review_text=text,
        spans=spans,
        appeal_text=row.appeal_text,
        status=row.appeal_status,
        submitted_at=row.appeal_submitted_at,
        decided_at=row.appeal_decided_at,
        occurred_at=item.occurred_at,
        cabinet_url=WB_CABINET_FEEDBACKS_URL,
        rating_gain=gain,
    )


async def appeal_queue(
    session: AsyncSession, seller_id: int, *, status: str | None = None, limit: int = 200
) -> list[tuple[ReviewCause, Interaction]]:
    await classify_negative_reviews(session, seller_id)
    statuses = [status] if status in QUEUE_STATUSES else list(QUEUE_STATUSES)
    return await ReviewCauseRepository(session, seller_id).with_items(
        ReviewCause.appeal_status.in_(statuses), limit=limit
    )


async def set_outcome(
    session: AsyncSession, seller_id: int, cause_id: int, change: OutcomeIn, *, user_id: int
) -> tuple[ReviewCause, Interaction]:
    repo = ReviewCauseRepository(session, seller_id)
    row, item = await repo.get_with_item(cause_id)
    allowed = TRANSITIONS.get(row.appeal_status, frozenset())
    if change.status not in allowed:
        message = "Этот шаг невозможен для обжалования в его текущем состоянии"
        raise ValidationFailed(message, details={"status": message})
    if change.status == A.proposed.value and row.cause not in APPEALABLE_CAUSES:
        message = "Отзыв о самом товаре WB не исключит из рейтинга — обжаловать его нельзя"
        raise ValidationFailed(message, details={"status": message})
    when = utcnow()
    if change.on is not None:
        if change.on > when.date():
            message = "Дата не может быть в будущем"
            raise ValidationFailed(message, details={"on": message})
        when = datetime.combine(change.on, time(12), tzinfo=UTC)
    if change.appeal_text is not None and change.appeal_text.strip():
        row.appeal_text = change.appeal_text.strip()
    if change.status == A.proposed.value and not row.appeal_text:
        text = review_text(item.text, item.cons)
        spans = [(s, e) for s, e in (row.spans or {}).get("spans", [])]
        row.appeal_text = appeal_text(row.cause, text, spans, item.nm_id)
    if change.status == A.submitted.value:
        row.appeal_submitted_at = when
        row.appeal_decided_at = None
    elif change.status in (A.approved.value, A.rejected.value):
        row.appeal_decided_at = when
    elif change.status == A.proposed.value:
        row.appeal_submitted_at = None
        row.appeal_decided_at = None
    row.appeal_status = change.status
    row.appeal_user_id = user_id
    await session.flush()
    return row, item


async def approval_rates(session: AsyncSession, seller_id: int) -> list[CauseRate]:
    """Per appealable cause: filed, approved, rejected and the approval rate of decided ones."""
    counts = await ReviewCauseRepository(session, seller_id).counts_by_cause_and_status()
    rates = []
    for cause in CAUSES:
        if cause not in APPEALABLE_CAUSES:
            continue
        by_status = {status: n for c, status, n in counts if c == cause}
        approved = by_status.get(A.approved.value, 0)
        rejected = by_status.get(A.rejected.value, 0)
        submitted = by_status.get(A.submitted.value, 0) + approved + rejected
        decided = approved + rejected
        rates.append(
            CauseRate(
                cause=cause,
                cause_label=CAUSE_LABELS[cause],
                submitted=submitted,
                approved=approved,
                rejected=rejected,
                approval_rate=round(approved / decided, 3) if decided else None,
            )
        )
    return rates
