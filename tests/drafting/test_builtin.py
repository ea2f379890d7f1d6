"""The built-in drafter: variation, names, product, address forms, limits, hostile context."""

from __future__ import annotations

import pytest

from agentiq.drafting.builtin import BUILTIN_MODEL, BUILTIN_VERSION, draft_builtin
from agentiq.drafting.context import DraftContext, SellerAISettings, real_name
from agentiq.guardrails import LENGTH_LIMITS, check, has_blocking

REVIEW = DraftContext(
    channel="review",
    text="Качество отличное, цвет как на фото",
    rating=5,
    buyer_name="Анна",
    product_name="Кроссовки беговые",
    product_brand="Runner",
    item_key="r-1",
)


def test_same_item_and_variant_is_deterministic() -> None:
    assert draft_builtin(REVIEW, variant=3).text == draft_builtin(REVIEW, variant=3).text


@pytest.mark.parametrize(
    "ctx",
    [
        REVIEW,
        DraftContext(channel="review", cons="Брак, порвалось", rating=1, item_key="r-2"),
        DraftContext(channel="question", text="Какой размер?", intent="size_fit", item_key="q"),
        DraftContext(channel="chat", text="Пришёл брак, хочу вернуть", item_key="c"),
    ],
)
def test_regenerate_gives_different_answers(ctx: DraftContext) -> None:
    texts = {draft_builtin(ctx, variant=v).text for v in range(10)}
    assert len(texts) >= 7


def test_different_items_do_not_repeat_word_for_word() -> None:
    texts = {
        draft_builtin(
            DraftContext(channel="review", text="Всё отлично", rating=5, item_key=f"i-{i}")
        ).text
        for i in range(20)
    }
    assert len(texts) >= 15


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Анна", "Анна"),
        ("анна", "Анна"),
        ("Олег П.", "Олег"),
        ("Покупатель", None),
        ("покупатель", None),
        ("Клиент", None),
        ("Buyer", None),
        ("user12345", None),
        ("+79991234567", None),
        ("", None),
        (None, None),
        ("А", None),
    ],
)
def test_real_name(given: str | None, expected: str | None) -> None:
    assert real_name(given) == expected


def test_name_used_only_when_real() -> None:
    named = draft_builtin(REVIEW).text
    anon = draft_builtin(DraftContext(**{**REVIEW.__dict__, "buyer_name": "Покупатель"})).text
    assert "Анна" in named
    assert "Покупатель" not in anon
    assert "имя покупателя" in draft_builtin(REVIEW).context_used


def test_product_name_and_brand_are_used() -> None:
    results = [draft_builtin(REVIEW, variant=v) for v in range(10)]
    assert sum("«Кроссовки беговые»" in r.text for r in results) >= 3
    assert any("Runner" in r.text for r in results)
    assert "карточка товара" in results[0].context_used


def test_unsafe_product_name_and_signature_are_dropped() -> None:
    ctx = DraftContext(
        channel="review",
        text="Хорошо",
        rating=5,
        product_name="Чехол! Звоните 89991234567 www.shop.ru",
        product_brand="AI Store",
        settings=SellerAISettings(signature="Пишите в телеграм @shop"),
        item_key="hostile",
    )
    for variant in range(5):
        result = draft_builtin(ctx, variant=variant)
        assert result.warnings == []
        assert "8999" not in result.text and "AI" not in result.text
        assert "телеграм" not in result.text


def test_signature_from_settings_ends_the_answer() -> None:
    ctx = DraftContext(
        channel="question",
        text="Есть ли 42?",
        intent="availability_delivery",
        settings=SellerAISettings(signature="Команда Mia"),
    )
    assert draft_builtin(ctx).text.endswith("\n\nКоманда Mia")


@pytest.mark.parametrize(
    ("address", "present", "absent"),
    [
        ("Вы", "Вас", "тебя"),
        ("вы", "вас", "Вас"),
        ("ты", "тебя", "Вас"),
    ],
)
def test_form_of_address(address: str, present: str, absent: str) -> None:
    ctx = DraftContext(
        channel="review",
        text="Отлично",
        rating=5,
        settings=SellerAISettings(address=address),
        item_key="addr",
    )
    texts = [draft_builtin(ctx, variant=v).text for v in range(12)]
    assert any(present in t.split() or f"{present}!" in t for t in texts)
    assert not any(absent in t.replace("!", " ").split() for t in texts)
    # Sentences always start with a capital letter, whatever the address form.
    for text in texts:
        for sentence in text.replace("!", ".").split(". "):
            assert not sentence[:1].islower(), sentence


@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5])
def test_low_ratings_apologise_and_point_to_wb_returns(rating: int) -> None:
    ctx = DraftContext(
        channel="review", cons="Брак, шов разошёлся", rating=rating, item_key=f"rate-{rating}"
    )
    text = draft_builtin(ctx).text
    assert "Wildberries" in text
    if rating <= 2:
        assert any(w in text for w in ("жаль", "Сожалеем", "извинения", "Простите"))
    assert not has_blocking(check(text, "review"))


@pytest.mark.parametrize("channel", ["review", "question", "chat"])
def test_length_within_channel_limits(channel: str) -> None:
    low, high = LENGTH_LIMITS[channel]
    ctx = DraftContext(
        channel=channel,
        text="Очень длинный текст. " * 500,
        rating=2 if channel == "review" else None,
        buyer_name="Константин",
        product_name="Очень длинное название товара " * 5,
        product_brand="Бренд",
        settings=SellerAISettings(signature="С уважением, команда магазина «Бренд»"),
    )
    for variant in range(5):
        text = draft_builtin(ctx, variant=variant).text
        assert low <= len(text) <= min(high, 1000)


def test_avoid_duplicates_of_recent_answers() -> None:
    first = draft_builtin(REVIEW).text
    ctx = DraftContext(**{**REVIEW.__dict__, "recent_answers": (first,)})
    result = draft_builtin(ctx)
    assert result.text != first
    assert [v for v in result.warnings if v.category == "duplicate"] == []


def test_chat_promo_only_when_enabled() -> None:
    base = {"channel": "chat", "text": "Спасибо, всё понравилось!", "item_key": "promo"}
    on = SellerAISettings(suggest_promo=True, promo_code="HELLO10")
    off = SellerAISettings(suggest_promo=False, promo_code="HELLO10")
    assert "HELLO10" in draft_builtin(DraftContext(**base, settings=on)).text
    assert "HELLO10" not in draft_builtin(DraftContext(**base, settings=off)).text


def test_result_provenance() -> None:
    result = draft_builtin(REVIEW)
    assert result.model == BUILTIN_MODEL
    assert result.prompt_version == BUILTIN_VERSION
    assert result.source == "builtin"
    assert result.prompt_tokens is None
    assert result.context_used[0] == "текст отзыва"


def test_rating_out_of_range_is_rejected() -> None:
    with pytest.raises(ValueError):
        DraftContext(channel="review", rating=6)


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("Подскажите, когда придёт заказ?", "доставки"),
        ("Какой размер взять на рост 170?", "размер"),
        ("Какой состав ткани?", "Состав"),
        ("Пришёл брак, не включается", "фото"),
        ("Ты бот? Позови человека", "сотрудник магазина"),
    ],
)
def test_chat_answers_what_was_asked(text: str, marker: str) -> None:
    texts = [
        draft_builtin(DraftContext(channel="chat", text=text, item_key="c"), variant=v).text
        for v in range(4)
    ]
    assert all(marker.lower() in t.lower() for t in texts), texts
