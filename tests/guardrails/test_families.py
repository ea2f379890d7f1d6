"""Every rule family's own examples are blocked and its near-misses pass; disguises are seen
through and reported at the place the person typed them."""

from __future__ import annotations

import time

import pytest

from agentiq.guardrails import RULES, check, has_blocking

EXAMPLES = [(rule.category, text) for rule in RULES for text in rule.examples]
NEAR_MISSES = [(rule.category, text) for rule in RULES for text in rule.near_misses]


@pytest.mark.parametrize(("category", "text"), EXAMPLES)
def test_family_example_is_blocked(category: str, text: str) -> None:
    hits = [v for v in check(text, "review") if v.category == category]
    assert hits and all(v.blocking for v in hits), (category, text)


@pytest.mark.parametrize(("category", "text"), NEAR_MISSES)
@pytest.mark.parametrize("channel", ["review", "question", "chat"])
def test_family_near_miss_passes(category: str, text: str, channel: str) -> None:
    assert not has_blocking(check(text, channel)), (category, text)


@pytest.mark.parametrize(
    ("text", "category", "fragment"),
    [
        ("Вам отвечает бoт магазина", "ai_mention", "бoт"),  # Latin «o»
        ("Я б0т поддержки", "ai_mention", "б0т"),
        ("Отвечает н е й р о с е т ь", "ai_mention", "н е й р о с е т ь"),
        ("Отвечает бот\u200b магазина", "ai_mention", "бот"),
        ("Отвечает ＢＯＴ", "ai_mention", "ＢＯＴ"),
        ("Т.г. @shop_best", "contacts", "Т.г"),
        ("Почта shop собака mail точка ru", "contacts", "shop собака mail точка ru"),
        (
            "Звоните: восемь девятьсот двенадцать триста сорок пять шестьдесят семь "
            "восемьдесят девять",
            "contacts",
            "восемь девятьсот двенадцать",
        ),
        ("Пишите в t.me/best", "contacts", "t.me/best"),
        ("Напишите в мессенджер MAX", "contacts", "мессенджер MAX"),
        ("Это полная х**ня", "profanity", "х**ня"),
        ("Какой же вы идиoт", "profanity", "идиoт"),
        ("Мы продаём и на 0зоне", "competitor", "0зоне"),
        (
            "Удалите, пожалуйста, этот отзыв",
            "review_manipulation",
            "Удалите, пожалуйста, этот отзыв",
        ),
        ("За отзыв с пятью звёздами скидка 20 %", "review_manipulation", "отзыв"),
        ("Оценку поменяйте — пришлём подарок", "review_manipulation", "Оценку поменяйте"),
    ],
)
def test_disguise_is_seen_through_and_reported_in_place(
    text: str, category: str, fragment: str
) -> None:
    hits = [v for v in check(text, "review") if v.category == category and v.blocking]
    assert hits, (category, text)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.fragment
    assert any(fragment in hit.fragment for hit in hits), [h.fragment for h in hits]


@pytest.mark.parametrize(
    "text",
    [
        "Это не ваша вина, мы разберёмся",
        "Мы сами виноваты и приносим извинения",
        "Простите нас, это наша ошибка",
        "Не ваша вина, что курьер опоздал",
    ],
)
def test_apologies_pass(text: str) -> None:
    assert not has_blocking(check(text, "review"))


@pytest.mark.parametrize(
    "text",
    ["Я бот", "Пишите в вотсап", "Поставьте 5★ — получите кешбэк", "Купите на Ozon", "Вы идиот"],
)
def test_chat_never_relaxes_ai_contacts_manipulation_competitors_profanity(text: str) -> None:
    assert has_blocking(check(text, "chat"))


def test_seller_competitor_list_is_matched_by_stem() -> None:
    text = "У Бренда Ромашка такие же, но хуже"
    assert not has_blocking(check(text, "review"))
    hits = check(text, "review", competitors=["Ромашка"])
    assert [(v.category, v.fragment) for v in hits] == [("competitor", "Ромашка")]


def test_reused_long_sentence_is_flagged_but_short_ones_are_not() -> None:
    recent = ["Спасибо за отзыв! Мы стараемся, чтобы каждый заказ приходил в отличном состоянии."]
    text = (
        "Благодарим! Мы стараемся, чтобы каждый заказ приходил в отличном состоянии. "
        "Спасибо за отзыв!"
    )
    hits = [v for v in check(text, "review", recent_public_answers=recent)]
    assert [(v.category, v.severity) for v in hits] == [("reused_sentence", "warning")]
    assert hits[0].fragment.startswith("Мы стараемся")


@pytest.mark.parametrize(
    "text",
    ["a" * 10_000, "б" * 10_000, "1 " * 5_000, "х*" * 5_000, "бoт" * 3_300, "a@" * 5_000],
    ids=["latin", "cyrillic", "digits", "masks", "mixed", "at-signs"],
)
def test_long_hostile_text_is_checked_in_linear_time(text: str) -> None:
    # The composer sends up to 10 000 characters; a pattern that rescans a long word from
    # every position takes many seconds here (it did before the anchors).
    check("прогрев", "review")
    started = time.perf_counter()
    check(text, "review")
    assert time.perf_counter() - started < 3.0
