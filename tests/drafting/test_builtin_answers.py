"""The built-in drafter answers the buyer's point: names only when they are names, pre-purchase
questions from the card's facts, other languages honestly, contacts requests to the WB chat,
and sentence-level variety across one product's answers."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from agentiq.drafting.builtin import draft_builtin
from agentiq.drafting.context import DraftContext
from agentiq.guardrails import check, has_blocking
from agentiq.guardrails.engine import sentences


def _question(text: str, facts: dict[str, str] | None = None, key: str = "q") -> DraftContext:
    return DraftContext(
        channel="question",
        text=text,
        product_name="Платье летнее",
        product_facts=facts or {},
        item_key=key,
    )


@pytest.mark.parametrize(
    "name", ["Бот", "Telegram", "Магазин Одежды", "@ivan_99", "WB Покупатель", "Ozon", "ChatGPT"]
)
def test_display_name_that_is_not_a_person_gets_a_neutral_greeting(name: str) -> None:
    ctx = DraftContext(channel="review", text="Всё супер", rating=5, buyer_name=name)
    for variant in range(5):
        text = draft_builtin(ctx, variant=variant).text
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE)
        assert not has_blocking(check(text, "review"))


def test_person_name_with_patronymic_greets_by_first_name() -> None:
    ctx = DraftContext(channel="review", text="Спасибо", rating=5, buyer_name="Мария Петровна")
    assert "Мария" in draft_builtin(ctx).text


@pytest.mark.parametrize(
    ("question", "facts", "expected"),
    [
        ("Какой состав ткани?", {"Состав": "хлопок 95 %, эластан 5 %"}, "хлопок 95 %, эластан 5 %"),
        ("Какие габариты коробки?", {"Габариты упаковки": "30 × 20 × 10 см"}, "30 × 20 × 10 см"),
        (
            "Подойдёт к iPhone 13?",
            {"Совместимость": "iPhone 13, iPhone 14"},
            "iPhone 13, iPhone 14",
        ),
        ("Где производится?", {"Страна производства": "Турция"}, "Турция"),
        ("Что входит в комплект?", {"Комплектация": "чехол, кабель"}, "чехол, кабель"),
        ("Какой размер на рост 170?", {"Размерная сетка": "S — 42–44, M — 46–48"}, "42–44"),
        ("What is the fabric? Cotton?", {"Состав": "хлопок 100 %"}, "хлопок 100 %"),
        ("Бұл қандай материалдан жасалған?", {"Материал": "кожа"}, "кожа"),
    ],
)
def test_question_is_answered_from_the_card(
    question: str, facts: dict[str, str], expected: str
) -> None:
    result = draft_builtin(_question(question, facts))
    assert expected in result.text
    assert not has_blocking(result.warnings)
    assert "needs_operator" not in {v.category for v in result.warnings}


def test_missing_fact_is_said_honestly_and_flagged_for_the_operator() -> None:
    result = draft_builtin(_question("Что входит в комплект?", {"Состав": "хлопок"}))
    assert "не указана комплектация" in result.text
    assert [v.category for v in result.warnings] == ["needs_operator"]


def test_other_language_without_an_answer_goes_to_the_operator() -> None:
    result = draft_builtin(_question("Қашан жеткізіледі?"))
    assert "оператор" in result.text
    notes = [v for v in result.warnings if v.category == "needs_operator"]
    assert notes and "на казахском" in notes[0].message_ru
    assert not notes[0].blocking


@pytest.mark.parametrize(
    "question", ["Дайте ваш телеграм, хочу оптом", "Есть ли у вас ватсап или телефон для связи?"]
)
def test_request_for_contacts_is_sent_to_the_wb_chat(question: str) -> None:
    text = draft_builtin(_question(question)).text
    assert "чат" in text and "Wildberries" in text
    assert not has_blocking(check(text, "question"))


def test_no_sentence_repeats_in_more_than_a_tenth_of_one_products_answers() -> None:
    answers: list[str] = []
    seen: Counter[str] = Counter()
    for index in range(100):
        ctx = DraftContext(
            channel="review",
            text=("Отличное платье", "Всё понравилось", "Качество супер", "")[index % 4],
            rating=5,
            buyer_name=("Анна", None, "Ольга")[index % 3],
            product_name="Платье летнее",
            nm_id=1,
            recent_answers=tuple(reversed(answers[-10:])),
            item_key=f"r-{index}",
        )
        text = draft_builtin(ctx).text
        answers.append(text)
        body = text.split("\n\n")[0]
        seen.update({w for _, _, w in sentences(body) if w.count(" ") >= 2})
    top, times = seen.most_common(1)[0]
    assert times <= 10, top
