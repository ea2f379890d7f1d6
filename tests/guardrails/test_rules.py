"""Guardrail rules, both sides: what must be caught and the near-misses that must pass."""

from __future__ import annotations

import pytest

from agentiq.guardrails import DUPLICATE_THRESHOLD, check, fold, has_blocking

CAUGHT = [
    # ai_mention
    ("ai_mention", "Вам ответил наш бот, он всё проверил", "бот"),
    ("ai_mention", "Ответ подготовлен ботом поддержки", "ботом"),
    ("ai_mention", "Боты иногда ошибаются", "Боты"),
    ("ai_mention", "Это сообщение написал чат-бот магазина", "чат-бот"),
    ("ai_mention", "Ответ сгенерирован нейросетью", "нейросетью"),
    ("ai_mention", "Мы используем искусственный интеллект", "искусственный интеллект"),
    ("ai_mention", "ИИ-помощник рад помочь", "ИИ"),
    ("ai_mention", "Это ответ от ChatGPT", "ChatGPT"),
    ("ai_mention", "Наша языковая модель ответила", "языковая модель"),
    ("ai_mention", "Это автоматический ответ", "автоматический ответ"),
    # promise
    ("promise", "Мы вернём вам деньги в течение дня", "вернём"),
    ("promise", "Компенсируем стоимость доставки", "Компенсируем"),
    ("promise", "Гарантируем, что такого больше не будет", "Гарантируем"),
    ("promise", "Заменим товар на новый", "Заменим"),
    ("promise", "Оформим вам возврат сами", "Оформим вам возврат"),
    ("promise", "Вышлем новый экземпляр бесплатно", "Вышлем новый"),
    # money
    ("promise", "Переведём деньги на карту", "деньги"),
    ("promise", "Вы получите компенсацию", "компенсацию"),
    ("promise", "Дарим 500 рублей", "рублей"),
    ("promise", "Вернём 300 ₽ на счёт", "300 ₽"),
    ("promise", "Начислим кэшбэк за покупку", "кэшбэк"),
    ("promise", "Скидка на следующий заказ ждёт вас", "Скидка на следующий заказ"),
    # review_bargain
    ("review_manipulation", "Пожалуйста, измените отзыв", "измените отзыв"),
    ("review_manipulation", "Удалите ваш отзыв, и мы всё решим", "Удалите ваш отзыв"),
    ("review_manipulation", "Поставьте 5 звёзд", "Поставьте 5"),
    ("review_manipulation", "Подарок в обмен на отзыв", "в обмен на отзыв"),
    ("review_manipulation", "Исправьте оценку, пожалуйста", "Исправьте оценку"),
    ("review_manipulation", "Если повысите оценку, будет бонус", "повысите оценку"),
    # contacts
    ("contacts", "Звоните +7 (999) 123-45-67", "+7 (999) 123-45-67"),
    ("contacts", "Наш номер 8 800 555 35 35", "8 800 555 35 35"),
    ("contacts", "Телефон 89991234567", "89991234567"),
    ("contacts", "Пишите на shop@mail.ru", "shop@mail.ru"),
    ("contacts", "Подробности на https://shop.example.com/sale", "https://shop.example.com/sale"),
    ("contacts", "Заходите на www.shop-best.com", "www.shop-best.com"),
    ("contacts", "Смотрите shop-best.ru", "shop-best.ru"),
    ("contacts", "Напишите нам в Телеграм", "Телеграм"),
    ("contacts", "Есть WhatsApp для связи", "WhatsApp"),
    ("contacts", "Пишите в ватсап", "ватсап"),
    ("contacts", "Наш аккаунт @shop_support", "@shop_support"),
    ("contacts", "Напишите в личку", "в личку"),
    ("contacts", "Подробнее на нашем сайте", "на нашем сайте"),
    ("contacts", "Мы есть в инсте", "инсте"),
    # blame_buyer
    ("blame_buyer", "Вы сами виноваты, что выбрали не тот размер", "Вы сами виноваты"),
    ("blame_buyer", "Вы неправильно постирали изделие", "Вы неправильно постирали"),
    ("blame_buyer", "Надо было читать описание", "Надо было читать"),
    ("blame_buyer", "Читайте внимательнее карточку", "Читайте внимательнее"),
    ("blame_buyer", "Это по вашей вине", "по вашей вине"),
    # dismissive
    ("dismissive", "Это не наша проблема", "Это не наша проблема"),
    ("dismissive", "Нам всё равно, что вы думаете", "Нам всё равно"),
    ("dismissive", "Ничем не можем помочь", "Ничем не можем помочь"),
    ("dismissive", "Не нравится — не покупайте", "Не нравится — не покупайте"),
    # legal_threat
    ("legal_threat", "Подадим на вас в суд за клевету", "Подадим на вас в суд"),
    ("legal_threat", "Дело дойдёт до суда", "суда"),
    ("legal_threat", "Наш юрист с вами свяжется", "юрист"),
    ("legal_threat", "Это клевета", "клевета"),
    ("legal_threat", "Привлечём вас к ответственности", "Привлечём вас к ответственности"),
    # profanity
    ("profanity", "Вы идиот", "идиот"),
    ("profanity", "Да ну нахуй", "нахуй"),
    # jargon
    ("jargon", "Ваш тикет передан на эскалацию", "тикет"),
    ("jargon", "Товар по схеме FBO", "FBO"),
    # template leftovers
    ("template_leftover", "Здравствуйте, [Имя покупателя]!", "[Имя покупателя]"),
    ("template_leftover", "Спасибо за покупку {product_name}", "{product_name}"),
]

NEAR_MISSES = [
    "Спасибо за отзыв, наша работа — делать удобные вещи",
    "Обработка заказа занимает один день",
    "Ботинки сделаны из натуральной кожи",
    "Ботильоны маломерят, берите на размер больше",
    "Мы заботимся о каждом покупателе",
    "Работаем без выходных",
    "Вернуть товар можно через личный кабинет WB",
    "Возврат оформляется в личном кабинете Wildberries",
    "Оформить возврат можно в разделе «Покупки»",
    "Артикул 123456789, размер 42",
    "Артикул товара: 187654321",
    "Рост модели 170 см, вес 55 кг",
    "Гарантийный срок — 12 месяцев",
    "Судя по отзыву, размер не подошёл",
    "Будем искать причину вместе с производством",
    "Смотрите таблицу размеров в карточке товара",
    "Робот-пылесос убирает квартиру за час",
    "Отзыв очень важен для нас, спасибо",
    "Мы передали ваш отзыв в отдел качества",
    "Доставка занимает от 2 до 5 дней",
    "Подарочная упаковка доступна при заказе",
    "Спасибо, что выбрали наш магазин на Wildberries",
    "Телевизор поддерживает Wi-Fi 5",
    "Хорошего дня и приятных покупок!",
    "Материал: 100% хлопок",
    "Содержание хлопка 95%, эластан 5%",
]


@pytest.mark.parametrize(("category", "text", "fragment"), CAUGHT)
def test_caught(category: str, text: str, fragment: str) -> None:
    hits = [v for v in check(text, "review") if v.category == category]
    assert hits, f"{category} not caught in {text!r}"
    assert any(fold(fragment) in fold(v.fragment) for v in hits), [v.fragment for v in hits]
    for v in hits:
        assert text[v.start : v.end] == v.fragment
        assert v.message_ru.endswith(".")


@pytest.mark.parametrize("text", NEAR_MISSES)
@pytest.mark.parametrize("channel", ["review", "question", "chat"])
def test_near_miss_passes(text: str, channel: str) -> None:
    assert check(text, channel) == []


@pytest.mark.parametrize(
    ("category", "text"),
    [
        ("promise", "Мы можем обсудить компенсацию"),
        ("promise", "Заменим товар на новый"),
        ("blame_buyer", "Вы неправильно постирали изделие"),
    ],
)
def test_chat_is_relaxed_for_some_categories(category: str, text: str) -> None:
    public = [v for v in check(text, "review") if v.category == category]
    private = [v for v in check(text, "chat") if v.category == category]
    assert public and all(v.severity == "error" for v in public)
    assert private and all(v.severity == "warning" for v in private)
    assert not has_blocking(private)


@pytest.mark.parametrize(
    "text", ["Пишите в телеграм", "Это ответ бота", "Удалите отзыв", "Подадим в суд"]
)
def test_chat_still_blocks_contacts_ai_and_bargains(text: str) -> None:
    assert has_blocking(check(text, "chat"))


def test_e_and_yo_are_folded() -> None:
    assert [v.fragment for v in check("Вернем вам деньги", "review")] == ["Вернем", "деньги"]
    assert [v.fragment for v in check("Вернём вам деньги", "review")] == ["Вернём", "деньги"]


@pytest.mark.parametrize(
    ("channel", "size", "blocked"),
    [
        ("review", 1, True),
        ("review", 2, False),
        ("review", 5000, False),
        ("review", 5001, True),
        ("question", 5001, True),
        ("chat", 1000, False),
        ("chat", 1001, True),
        ("chat", 0, True),
    ],
)
def test_length_limits(channel: str, size: int, blocked: bool) -> None:
    violations = check("ы" * size, channel)
    assert has_blocking(violations) is blocked
    assert all(v.category == "length" for v in violations)


def test_duplicate_of_recent_answer_warns_on_public_channels() -> None:
    previous = "Здравствуйте, Анна! Спасибо за отзыв, рады, что кроссовки подошли."
    near = "Здравствуйте, Мария! Спасибо за отзыв, рады, что кроссовки подошли."
    different = "Добрый день! Благодарим за высокую оценку, ждём вас снова за покупками."
    dup = [v for v in check(near, "review", recent_public_answers=[previous])]
    assert {v.category for v in dup} == {"duplicate", "reused_sentence"}
    assert all(v.severity == "warning" for v in dup)
    assert check(different, "review", recent_public_answers=[previous]) == []
    assert check(near, "chat", recent_public_answers=[previous]) == []
    assert DUPLICATE_THRESHOLD == 90.0


def test_avoid_topics_are_stems_and_warn() -> None:
    violations = check("Доставкой занимается Wildberries", "review", avoid_topics=["доставк"])
    assert [(v.category, v.severity, v.fragment) for v in violations] == [
        ("avoid_topic", "warning", "Доставкой")
    ]


def test_violations_are_in_text_order_with_spans() -> None:
    text = "Звоните 89991234567 или пишите в телеграм, вернём деньги"
    violations = check(text, "review")
    assert [v.start for v in violations] == sorted(v.start for v in violations)
    assert {v.category for v in violations} == {"contacts", "promise"}
    for v in violations:
        assert text[v.start : v.end] == v.fragment


def test_unknown_channel_is_rejected() -> None:
    with pytest.raises(ValueError):
        check("текст", "email")
