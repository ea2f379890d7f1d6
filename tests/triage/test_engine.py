"""The triage entry point: result shape, settings, seller SLA rules, needs_response."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from agentiq.triage import SlaRule, TriageInput, TriageSettings, triage

MSK = timezone(timedelta(hours=3))
AT = datetime(2026, 3, 2, 13, 0, tzinfo=MSK)  # 10:00 UTC


def item(channel: str = "review", **kw: object) -> TriageInput:
    return TriageInput(channel=channel, occurred_at=AT, **kw)


def test_review_result_carries_everything_the_sync_engine_stores() -> None:
    result = triage(item(rating=1, text="Пришла бракованная, молния сломана", has_photos=True))
    assert result.priority == "urgent"
    assert result.priority_reason == "1★ и упоминание брака, фото в отзыве"
    assert result.intent is None
    assert result.signals == ("defect", "photos")
    assert result.needs_response is True
    assert (result.sla_minutes, result.sla_source) == (240, "default")
    assert result.sla_due_at == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def test_occurred_at_is_normalised_to_utc() -> None:
    assert item(rating=5).occurred_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    naive = TriageInput(channel="chat", occurred_at=datetime(2026, 3, 2, 10, 0))
    assert naive.occurred_at.tzinfo is UTC


def test_input_validation() -> None:
    with pytest.raises(ValidationError):
        item(rating=6)
    with pytest.raises(ValidationError):
        item(channel="email")


def test_question_intent_drives_priority_and_sla() -> None:
    result = triage(item("question", text="Какой размер брать на рост 165?"))
    assert (result.intent, result.priority, result.sla_minutes) == ("size_fit", "high", 60)
    assert result.priority_reason == "вопрос о размере — влияет на покупку"
    assert result.sla_due_at == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)


def test_intent_override_from_llm() -> None:
    result = triage(
        item("question", text="Здравствуйте"),
        intent_override="materials_care",
        intent_method="llm",
    )
    assert (result.intent, result.intent_method, result.sla_minutes) == (
        "materials_care",
        "llm",
        240,
    )
    plain = triage(item("question", text="Здравствуйте"))
    assert (plain.intent, plain.intent_method) == ("general", "rule_based")


def test_seller_sla_rules_apply() -> None:
    rules = [SlaRule(channel="chat", minutes=15), SlaRule(channel="review", minutes=30)]
    chat = triage(item("chat", text="Где мой заказ?"), sla_rules=rules)
    assert (chat.sla_minutes, chat.sla_source) == (15, "seller")
    assert chat.sla_due_at == datetime(2026, 3, 2, 10, 15, tzinfo=UTC)


def test_wb_matching_size_counts_as_size_signal() -> None:
    result = triage(item(rating=4, text="Хорошее качество", matching_size="bigger"))
    assert (result.priority, result.signals) == ("normal", ("wrong_size",))
    assert triage(item(rating=4, text="Хорошее", matching_size="ok")).priority == "low"


# -- needs_response --------------------------------------------------------------------------


def test_empty_five_star_review_needs_no_answer_unless_seller_wants_it() -> None:
    empty = item(rating=5)
    result = triage(empty)
    assert result.needs_response is False
    assert result.needs_response_reason == "5★ без текста — ответ не обязателен"
    wants = TriageSettings(reply_to_empty_top_reviews=True)
    assert triage(empty, settings=wants).needs_response is True


def test_empty_review_silence_applies_only_to_configured_ratings() -> None:
    assert triage(item(rating=4)).needs_response is True
    assert triage(item(rating=1)).needs_response is True
    quiet_4_5 = TriageSettings(empty_review_silent_ratings=frozenset({4, 5}))
    assert triage(item(rating=4), settings=quiet_4_5).needs_response is False


@pytest.mark.parametrize(
    "content",
    [
        {"text": "Отлично"},
        {"pros": "Удобно"},
        {"cons": "Нет"},
        {"has_photos": True},
        {"has_video": True},
    ],
)
def test_five_star_review_with_any_content_needs_answer(content: dict[str, Any]) -> None:
    assert triage(item(rating=5, **content)).needs_response is True


def test_answered_items_need_nothing() -> None:
    for channel in ("review", "question", "chat"):
        result = triage(
            item(channel, rating=1 if channel == "review" else None, text="брак", is_answered=True)
        )
        assert (result.needs_response, result.needs_response_reason) == (False, "ответ уже дан")


def test_chat_where_seller_spoke_last_needs_nothing() -> None:
    result = triage(item("chat", text="Где мой заказ?", last_message_from_seller=True))
    assert result.needs_response is False
    assert result.priority == "high"  # priority still describes the conversation


def test_chat_thanks_is_low_and_optional() -> None:
    result = triage(item("chat", text="Спасибо, всё пришло!"))
    assert (result.intent, result.priority, result.needs_response) == ("thanks", "low", False)
    wants = TriageSettings(reply_to_chat_thanks=True)
    assert triage(item("chat", text="Спасибо!"), settings=wants).needs_response is True
    # A thank-you that asks something is not just thanks.
    asked = triage(item("chat", text="Спасибо! А когда доставка?"))
    assert (asked.intent, asked.needs_response) == ("delivery", True)


def test_questions_always_need_an_answer_until_answered() -> None:
    assert triage(item("question", text="")).needs_response is True


def test_praise_words_are_not_order_problems() -> None:
    # «отменное» shares a stem with «отмена»: it must stay praise.
    result = triage(item("chat", text="Спасибо, отменное качество"))
    assert (result.intent, result.priority) == ("thanks", "low")
