"""Changing a needs-response switch re-decides the seller's open items it affects, and only
those: the same verdict ingestion gives, set-based, and flipping back restores them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from agentiq.db import unit_of_work
from agentiq.ingestion.ingest import IngestContext, ingest_batch
from agentiq.ingestion.normalise import NormalisedItem
from agentiq.interactions import actions
from agentiq.kit.errors import ValidationFailed
from agentiq.kit.time import utcnow
from agentiq.models import Interaction, InteractionEvent, Seller
from agentiq.runtime import Runtime, build_runtime
from agentiq.triage.engine import triage
from agentiq.triage.schemas import TriageInput, TriageSettings, TriageSettingsUpdate
from agentiq.triage.service import (
    TriageSettingsChange,
    load_triage_settings,
    update_triage_settings,
)

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)

# Texts with no word for triage (punctuation, emoji, letters of other alphabets): the SQL
# recount must call them empty exactly as the Python tokenizer does at ingestion.
NO_WORDS = ("", "   ", "!!! 👍👍", "...", "ＯＫ", "ї є", "—")
# One letter or digit is a word, in either case, with ё and the letters that lower-case
# into the word alphabet (İ, the Kelvin sign).
WORDS = ("5", "Ok", "ё", "Ё", "Я", "\u0130", "\u212a")


async def _seller(runtime: Runtime, name: str = "Магазин") -> int:
    async with unit_of_work(runtime.sessionmaker) as session:
        seller = Seller(name=name)
        session.add(seller)
        await session.flush()
        return seller.id


def review(
    ext: str,
    rating: int,
    text: str = "",
    *,
    pros: str = "",
    cons: str = "",
    hours_ago: float = 1,
    answered: bool = False,
    photos: bool = False,
    video: bool = False,
) -> NormalisedItem:
    # Media the way normalise_feedback stores it.
    extra: dict[str, Any] = {
        "photos": ["https://example.test/p.jpg"] if photos else [],
        "video": {"link": "https://example.test/v.mp4"} if video else None,
    }
    return NormalisedItem(
        channel="review",
        external_id=ext,
        occurred_at=utcnow() - timedelta(hours=hours_ago),
        text=text,
        pros=pros,
        cons=cons,
        rating=rating,
        status="responded" if answered else "open",
        is_answered=answered,
        has_photos=photos,
        has_video=video,
        extra=extra,
    )


def chat(ext: str, text: str, *, seller_last: bool = False) -> NormalisedItem:
    return NormalisedItem(
        channel="chat",
        external_id=ext,
        occurred_at=utcnow() - timedelta(minutes=30),
        text=text,
        status="responded" if seller_last else "open",
        last_message_from_seller=seller_last,
        extra={"chat": {"last_sender": "seller" if seller_last else "client"}},
    )


def a_items() -> dict[str, NormalisedItem]:
    items = [
        review("empty-5", 5),
        # Three days old: overdue (24 h) the moment it waits again.
        review("old-empty-5", 5, hours_ago=72),
        review("photo-5", 5, photos=True),
        review("video-5", 5, video=True),
        review("text-5", 5, "Отлично, всё подошло"),
        review("pros-5", 5, pros="Тёплая"),
        review("empty-4", 4),
        review("empty-1", 1),
        review("answered-5", 5, answered=True),
        *(review(f"nowords-{i}", 5, text) for i, text in enumerate(NO_WORDS)),
        *(review(f"word-{i}", 5, cons=text) for i, text in enumerate(WORDS)),
        chat("thanks", "Спасибо большое, всё пришло!"),
        chat("thanks-seller-last", "Спасибо!", seller_last=True),
        chat("complaint", "Товар бракованный, верните деньги"),
    ]
    return {item.external_id: item for item in items}


async def _ingest(
    runtime: Runtime,
    seller_id: int,
    items: list[NormalisedItem],
    settings: TriageSettings | None = None,
) -> None:
    ctx = IngestContext(seller_id=seller_id, connection_id=None)  # type: ignore[arg-type]
    async with unit_of_work(runtime.sessionmaker) as session:
        ctx.triage_settings = settings or await load_triage_settings(session, seller_id)
        for channel in ("review", "chat"):
            await ingest_batch(session, ctx, channel, [i for i in items if i.channel == channel])


async def _rows(runtime: Runtime, seller_id: int) -> dict[str, Interaction]:
    async with runtime.sessionmaker() as session:
        stmt = select(Interaction).where(Interaction.seller_id == seller_id)
        return {row.external_id: row for row in (await session.scalars(stmt)).all()}


async def _update(runtime: Runtime, seller_id: int, **changes: Any) -> TriageSettingsChange:
    async with unit_of_work(runtime.sessionmaker) as session:
        return await update_triage_settings(session, seller_id, TriageSettingsUpdate(**changes))


def _state(row: Interaction) -> tuple[Any, ...]:
    return (
        row.needs_response,
        row.unread,
        row.status,
        row.priority,
        row.priority_rank,
        row.escalated_at,
        row.sla_due_at,
        row.extra_data["triage"]["needs_response_reason"],
    )


def _as_ingestion_would(item: NormalisedItem, settings: TriageSettings) -> bool:
    verdict = triage(
        TriageInput(
            channel=item.channel,  # type: ignore[arg-type]
            occurred_at=item.occurred_at,
            text=item.text,
            pros=item.pros,
            cons=item.cons,
            rating=item.rating,
            has_photos=item.has_photos,
            has_video=item.has_video,
            is_answered=item.is_answered,
            last_message_from_seller=item.last_message_from_seller,
        ),
        settings=settings,
    )
    return verdict.needs_response


def _assert_matches_ingestion(
    rows: dict[str, Interaction], items: dict[str, NormalisedItem], settings: TriageSettings
) -> None:
    for ext, item in items.items():
        expected = _as_ingestion_would(item, settings)
        assert rows[ext].needs_response is expected, ext
        assert rows[ext].unread is expected, ext


async def test_empty_top_review_switch_changes_only_matching_open_items(settings) -> None:  # type: ignore[no-untyped-def]
    runtime = build_runtime(settings)
    seller_id, other_id = await _seller(runtime), await _seller(runtime, "Другой")
    items = a_items()
    await _ingest(runtime, seller_id, list(items.values()))
    await _ingest(runtime, other_id, [review("empty-5", 5), chat("thanks", "Спасибо!")])
    # Waiting, overdue, not swept yet: escalated by the sweep the recount runs, but not
    # counted as an item the switch changed.
    await _ingest(runtime, seller_id, [review("late-1", 1, "Брак", hours_ago=72)])
    before, other_before = await _rows(runtime, seller_id), await _rows(runtime, other_id)
    late_before = before.pop("late-1")
    assert late_before.needs_response and late_before.escalated_at is None
    _assert_matches_ingestion(before, items, TriageSettings())
    quiet = {"empty-5", "old-empty-5", *(f"nowords-{i}" for i in range(len(NO_WORDS)))}
    assert {e for e, r in before.items() if r.channel == "review" and not r.needs_response} == {
        *quiet,
        "answered-5",
    }

    on = await _update(runtime, seller_id, reply_to_empty_top_reviews=True)

    assert (on.now_waiting, on.no_longer_waiting, on.escalated) == (len(quiet), 0, 1)
    assert on.settings.reply_to_empty_top_reviews is True
    rows = await _rows(runtime, seller_id)
    _assert_matches_ingestion(rows, items, on.settings)
    for ext in quiet:
        assert rows[ext].extra_data["triage"]["needs_response_reason"] == "отзыв без ответа"
        # Everything else in extra_data is kept.
        assert (
            rows[ext].extra_data["photos"] == [] and "sla_minutes" in rows[ext].extra_data["triage"]
        )
    # Waiting again and three days old: overdue, so escalated now (low → normal).
    assert rows["old-empty-5"].escalated_at is not None
    assert rows["old-empty-5"].priority == "normal"
    assert rows["empty-5"].escalated_at is None and rows["empty-5"].priority == "low"
    for ext in set(items) - quiet:
        assert _state(rows[ext]) == _state(before[ext]), ext
    assert rows.pop("late-1").escalated_at is not None
    # Another seller's items are untouched, and so are their settings.
    other = await _rows(runtime, other_id)
    assert {e: _state(r) for e, r in other.items()} == {
        e: _state(r) for e, r in other_before.items()
    }
    async with runtime.sessionmaker() as session:
        assert (await load_triage_settings(session, other_id)) == TriageSettings()

    # Saving the same switch again changes nothing.
    again = await _update(runtime, seller_id, reply_to_empty_top_reviews=True)
    assert (again.now_waiting, again.no_longer_waiting, again.escalated) == (0, 0, 0)

    off = await _update(runtime, seller_id, reply_to_empty_top_reviews=False)

    assert (off.now_waiting, off.no_longer_waiting) == (0, len(quiet))
    rows = await _rows(runtime, seller_id)
    del rows["late-1"]
    _assert_matches_ingestion(rows, items, TriageSettings())
    # Back as ingestion left them: the escalation of the overdue one is undone too.
    assert {e: _state(r) for e, r in rows.items()} == {e: _state(r) for e, r in before.items()}
    async with runtime.sessionmaker() as session:
        events = (await session.scalars(select(InteractionEvent))).all()
    events = [e for e in events if e.interaction_id != late_before.id]
    assert [(e.kind, e.interaction_id) for e in events] == [
        ("escalated", rows["old-empty-5"].id),
        ("deescalated", rows["old-empty-5"].id),
    ]
    assert events[1].payload == {"from": "normal", "to": "low", "reason": "ответ больше не нужен"}


async def test_silent_ratings_and_thanks_chats(settings) -> None:  # type: ignore[no-untyped-def]
    runtime = build_runtime(settings)
    seller_id = await _seller(runtime)
    items = a_items()
    await _ingest(runtime, seller_id, list(items.values()))
    before = await _rows(runtime, seller_id)

    # 4★ becomes quiet too, 5★ stays quiet, 1★ still waits.
    both = await _update(runtime, seller_id, empty_review_silent_ratings=[4, 5, 5])
    assert both.settings.empty_review_silent_ratings == frozenset({4, 5})
    assert (both.now_waiting, both.no_longer_waiting) == (0, 1)
    rows = await _rows(runtime, seller_id)
    _assert_matches_ingestion(rows, items, both.settings)
    assert rows["empty-4"].extra_data["triage"]["needs_response_reason"] == (
        "4★ без текста — ответ не обязателен"
    )
    # Only 4★ now: the 5★ ones wait again, the 4★ one stays quiet.
    only_four = await _update(runtime, seller_id, empty_review_silent_ratings=[4])
    assert only_four.no_longer_waiting == 0
    assert only_four.now_waiting == 2 + len(NO_WORDS)
    _assert_matches_ingestion(await _rows(runtime, seller_id), items, only_four.settings)
    restored = await _update(runtime, seller_id, empty_review_silent_ratings=[5])
    assert {e: _state(r) for e, r in (await _rows(runtime, seller_id)).items()} == {
        e: _state(r) for e, r in before.items()
    }
    assert restored.settings == TriageSettings()

    # Thanks-only chats: the buyer's «спасибо» waits; the one the seller answered does not.
    thanks = await _update(runtime, seller_id, reply_to_chat_thanks=True)
    assert (thanks.now_waiting, thanks.no_longer_waiting) == (1, 0)
    rows = await _rows(runtime, seller_id)
    _assert_matches_ingestion(rows, items, thanks.settings)
    assert rows["thanks"].extra_data["triage"]["needs_response_reason"] == (
        "покупатель ждёт ответа в чате"
    )
    assert not rows["thanks-seller-last"].needs_response
    back = await _update(runtime, seller_id, reply_to_chat_thanks=False)
    assert (back.now_waiting, back.no_longer_waiting) == (0, 1)
    assert {e: _state(r) for e, r in (await _rows(runtime, seller_id)).items()} == {
        e: _state(r) for e, r in before.items()
    }


async def test_item_reopened_by_hand_is_left_as_the_operator_set_it(settings) -> None:  # type: ignore[no-untyped-def]
    runtime = build_runtime(settings)
    seller_id = await _seller(runtime)
    await _ingest(runtime, seller_id, [review("empty-5", 5), chat("thanks", "Спасибо!")])
    rows = await _rows(runtime, seller_id)
    async with unit_of_work(runtime.sessionmaker) as session:
        await actions.reopen(session, seller_id, [r.id for r in rows.values()], None)
    await _update(runtime, seller_id, reply_to_empty_top_reviews=True, reply_to_chat_thanks=True)
    change = await _update(
        runtime, seller_id, reply_to_empty_top_reviews=False, reply_to_chat_thanks=False
    )
    assert change.no_longer_waiting == 0
    assert all(row.needs_response for row in (await _rows(runtime, seller_id)).values())


async def test_new_items_are_ingested_under_the_saved_switches(settings) -> None:  # type: ignore[no-untyped-def]
    runtime = build_runtime(settings)
    seller_id = await _seller(runtime)
    await _update(runtime, seller_id, reply_to_empty_top_reviews=True, reply_to_chat_thanks=True)
    # As the sync does: the context carries the seller's stored switches.
    await _ingest(runtime, seller_id, [review("new-empty-5", 5), chat("new-thanks", "Спасибо!")])
    rows = await _rows(runtime, seller_id)
    for ext in ("new-empty-5", "new-thanks"):
        assert rows[ext].needs_response and rows[ext].unread, ext
    assert rows["new-empty-5"].extra_data["triage"]["needs_response_reason"] == "отзыв без ответа"


async def test_ratings_outside_one_to_five_are_refused_and_nothing_is_stored(settings) -> None:  # type: ignore[no-untyped-def]
    runtime = build_runtime(settings)
    seller_id = await _seller(runtime)
    with pytest.raises(ValidationFailed) as refused:
        await _update(runtime, seller_id, empty_review_silent_ratings=[5, 6])
    assert refused.value.details == {"empty_review_silent_ratings": "Выберите оценки от 1 до 5"}
    async with runtime.sessionmaker() as session:
        assert (await load_triage_settings(session, seller_id)) == TriageSettings()
