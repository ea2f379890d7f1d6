"""Triage rules as data: content signals, question intents and chat topics.

Terms use the pattern language of `text.py` (``стем*``, exact words, phrases, ``re:``).
Signals respect negation («не брак», «без повреждений», «запаха нет»); intent terms do not,
because a negated question is still about the same topic («нет в наличии?»).
"""

from __future__ import annotations

from typing import Final

# -- content signals (reviews, chats, questions) ---------------------------------------------

DEFECT: Final = "defect"
DAMAGE: Final = "damage"
WRONG_ITEM: Final = "wrong_item"
EMPTY_PACKAGE: Final = "empty_package"
FAKE: Final = "fake"
SMELL: Final = "smell"
WRONG_SIZE: Final = "wrong_size"
RETURN: Final = "return"
PHOTOS: Final = "photos"
VIDEO: Final = "video"

SIGNAL_TERMS: Final[dict[str, tuple[str, ...]]] = {
    DEFECT: (
        "брак*",
        "дефект*",
        "слома*",
        "сломан*",
        "не работает",
        "не работают",
        "не работал*",
        "перестал* работать",
        "не включает*",
        "не заряжает*",
        "развалил*",
        "отклеил*",
        "порвал*",
        "разошел*",
        "расползл*",
        "дыр*",
        "пятн*",
        "плесен*",
        "трещин*",
        "треснул*",
        "не застегива*",
        "заедает",
    ),
    DAMAGE: (
        "поврежд*",
        "поцарапан*",
        "царапин*",
        "помят*",
        "мятая",
        "мятый",
        "мятую",
        "мятой",
        "мятые",
        "мятое",
        "разбит*",
        "разбил*",
        "вытек*",
        "протек*",
        "порван*",
        "всмятку",
        "раздавлен*",
        "вмятин*",
        "скол",
        "сколы",
        "сколот*",
    ),
    WRONG_ITEM: (
        "пересорт*",
        r"re:\b(пришл|пришел|прислал|привезл|положил|отправил|доставил)\w*( \w+){0,2} "
        r"не (тот|та|то|те|ту|той|того)\b",
        r"re:\bне (тот|ту|та|те) (товар|цвет|размер|модел\w*|артикул|оттенок)\b",
        r"re:\bвместо \w+( \w+)? (прислал|пришл|пришел|положил|привезл|отправил)\w*",
        "перепутал*",
    ),
    EMPTY_PACKAGE: (
        "пуст* короб*",
        "пуст* пакет*",
        "пуст* упаковк*",
        "пуст* посылк*",
        "коробк* пуст*",
        "пакет пуст*",
    ),
    FAKE: (
        "подделк*",
        "поддельн*",
        "фейк*",
        "fake",
        "не оригинал*",
        "неоригинал*",
        "реплик*",
        "паленк*",
        "паленый",
        "паленая",
        "паленое",
        "оригинал* не похож*",
        "на оригинал не похож*",
    ),
    SMELL: ("запах*", "пахн*", "воня*", "вонь*", "вонюч*"),
    WRONG_SIZE: (
        "маломер*",
        "большемер*",
        "размер не подош*",
        "не подош* размер*",
        "не подош* по размеру",
        "не мой размер",
        "размер не соответ*",
        "не соответ* размер*",
        "мала",
        "мал в",
        "велика",
        "велик в",
        "маловат*",
        "великоват*",
        "жмет",
        "жмут",
        "не налез*",
        "не сходит*",
        "не сошл*",
    ),
    RETURN: (
        "возврат*",
        "вернул*",
        "вернуть",
        "верну",
        "верните",
        "вернем",
        "обмен*",
    ),
}

# Signals a person reads as "the product is bad or not what was ordered".
CRITICAL_SIGNALS: Final = frozenset({DEFECT, DAMAGE, WRONG_ITEM, EMPTY_PACKAGE, FAKE})
# Photos and videos make a negative review far more persuasive to other buyers.
EVIDENCE_SIGNALS: Final = frozenset({PHOTOS, VIDEO})
MINOR_SIGNALS: Final = frozenset({SMELL, WRONG_SIZE, RETURN})

# Order in which signals are named in a reason (most serious first).
SIGNAL_ORDER: Final = (
    DEFECT,
    DAMAGE,
    WRONG_ITEM,
    EMPTY_PACKAGE,
    FAKE,
    PHOTOS,
    VIDEO,
    SMELL,
    WRONG_SIZE,
    RETURN,
)

SIGNAL_PHRASES: Final[dict[str, str]] = {
    DEFECT: "упоминание брака",
    DAMAGE: "повреждение товара",
    WRONG_ITEM: "пересорт — пришёл не тот товар",
    EMPTY_PACKAGE: "пустая упаковка",
    FAKE: "подозрение на подделку",
    SMELL: "неприятный запах",
    WRONG_SIZE: "проблема с размером",
    RETURN: "возврат",
    PHOTOS: "фото в отзыве",
    VIDEO: "видео в отзыве",
}

# -- question intents ------------------------------------------------------------------------

SIZE_FIT: Final = "size_fit"
AVAILABILITY_DELIVERY: Final = "availability_delivery"
COMPATIBILITY_SPECS: Final = "compatibility_specs"
MATERIALS_CARE: Final = "materials_care"
PRE_PURCHASE_OTHER: Final = "pre_purchase_other"
GENERAL: Final = "general"

QUESTION_INTENTS: Final = (
    SIZE_FIT,
    AVAILABILITY_DELIVERY,
    COMPATIBILITY_SPECS,
    MATERIALS_CARE,
    PRE_PURCHASE_OTHER,
    GENERAL,
)

# Below this score the question is "general" (and a candidate for the LLM fallback).
INTENT_MIN_SCORE: Final = 2.0

INTENT_TERMS: Final[dict[str, dict[str, float]]] = {
    SIZE_FIT: {
        "размер*": 2,
        "маломер*": 3,
        "большемер*": 3,
        "в размер": 3,
        "рост": 2,
        "ростом": 2,
        "роста": 2,
        "обхват*": 3,
        "тали*": 2,
        "бедр*": 2,
        "груд*": 1,
        "стельк*": 3,
        "длина стопы": 3,
        "сядет": 2,
        "сидит": 1,
        "замер*": 2,
        "ношу": 2,
        "на ногу": 2,
        "вес": 1,
        "xs": 2,
        "s": 2,
        "m": 2,
        "l": 2,
        "xl": 2,
        "xxl": 2,
        "3xl": 2,
        r"re:\b\d{2} (росс|рус)": 3,
        r"re:\b(3[4-9]|4[0-9]|5[0-8]) или (3[4-9]|4[0-9]|5[0-8])\b": 3,
    },
    AVAILABILITY_DELIVERY: {
        "налич*": 3,
        "достав*": 3,
        "поступлен*": 3,
        "поступит*": 3,
        "склад*": 3,
        "пополн*": 2,
        "завоз*": 3,
        "привез*": 2,
        "когда будет": 2,
        "будет ли": 1,
        "будет еще": 2,
        "отправ*": 2,
        "сколько дней": 2,
        "ехать": 1,
        "пвз": 3,
        "пункт выдачи": 3,
        "когда придет": 2,
        "закончил*": 2,
        "распродан*": 2,
        "казахстан*": 2,
        "беларус*": 2,
        "заказать": 1,
        "штук": 1,
    },
    COMPATIBILITY_SPECS: {
        "совмест*": 3,
        "подойд* для": 3,
        "подход* для": 3,
        "подойд* к": 2,
        "iphone": 3,
        "айфон*": 3,
        "samsung": 3,
        "самсунг*": 3,
        "xiaomi": 3,
        "huawei": 3,
        "андроид*": 3,
        "android": 3,
        "модел*": 2,
        "характеристик*": 3,
        "мощност*": 3,
        "ватт*": 2,
        "вольт*": 2,
        "емкост*": 3,
        "мач": 2,
        "mah": 2,
        "аккумулятор*": 2,
        "батаре*": 2,
        "заряд*": 2,
        "разъем*": 3,
        "type": 2,
        "usb": 2,
        "весит": 3,
        "габарит*": 3,
        "сантиметр*": 3,
        "см": 3,
        "мм": 3,
        "диаметр*": 3,
        "комплект*": 3,
        "страна производ*": 3,
        "производств*": 2,
        "чем отлича*": 3,
        "отличает*": 2,
        "работает с": 3,
        "поддерживает": 3,
        "bluetooth": 3,
        "wifi": 3,
        "плит*": 2,
        "индукц*": 3,
    },
    MATERIALS_CARE: {
        "состав*": 3,
        "ткан*": 2,
        "материал*": 3,
        "стир*": 3,
        "глад*": 3,
        "утюг*": 3,
        "кожа": 3,
        "кожи": 3,
        "кожаный": 3,
        "кожаная": 3,
        "экокож*": 3,
        "кожзам*": 3,
        "натуральн*": 2,
        "хлоп*": 3,
        "шерст*": 3,
        "синтетик*": 3,
        "полиэстер*": 3,
        "вискоз*": 3,
        "мех": 3,
        "меха": 3,
        "мехом": 3,
        "линя*": 3,
        "садится": 3,
        "катыш*": 3,
        "из чего": 3,
        "сделан*": 1,
        "уход*": 2,
        "чист*": 2,
        "химчистк*": 3,
        "выцвета*": 3,
        "пластик*": 2,
        "металл*": 2,
        "дерев*": 2,
    },
    PRE_PURCHASE_OTHER: {
        "оригинал*": 3,
        "подделк*": 3,
        "гарант*": 3,
        "цвет*": 2,
        "на фото": 2,
        "подарок": 3,
        "подарк*": 3,
        "подароч*": 3,
        "скидк*": 3,
        "акци*": 2,
        "цена": 2,
        "цену": 2,
        "цены": 2,
        "подешевл*": 1,
        "если не подойд*": 3,
        "вернуть": 2,
        "стоит ли": 3,
        "стоит брать": 3,
        "покупал*": 2,
        "брать": 1,
        "официальн*": 2,
        "оплат*": 3,
        "рассрочк*": 3,
        "упаковк*": 1,
        "сертификат*": 2,
    },
    GENERAL: {
        "обмен*": 3,
        "пришел": 2,
        "пришла": 2,
        "пришло": 2,
        "получил*": 2,
        "брак*": 3,
        "слома*": 3,
        "связаться": 3,
        "инструкци*": 3,
        "пользоваться": 3,
        "озон*": 3,
    },
}

# -- chat topics -----------------------------------------------------------------------------

AGGRESSION: Final = "aggression"
COMPLAINT: Final = "complaint"
CHAT_RETURN: Final = "return"
ORDER_PROBLEM: Final = "order_problem"
DELIVERY: Final = "delivery"
THANKS: Final = "thanks"
CHAT_GENERAL: Final = "general"

CHAT_TOPICS: Final = (
    AGGRESSION,
    COMPLAINT,
    CHAT_RETURN,
    ORDER_PROBLEM,
    DELIVERY,
    THANKS,
    CHAT_GENERAL,
)

CHAT_TOPIC_TERMS: Final[dict[str, tuple[str, ...]]] = {
    AGGRESSION: (
        "мошенник*",
        "мошенничеств*",
        "обман*",
        "роспотребнадзор*",
        "прокуратур*",
        "полици*",
        "суд",
        "суда",
        "судом",
        "в суд",
        "напишу на вас",
        "на вас жалоб*",
        "жалоб* на вас",
        "буду жаловаться",
        "пожалуюсь",
        "тупые",
        "тупой",
        "идиот*",
        "дебил*",
        "уроды",
        "кидал*",
        "ворье",
        "воры",
    ),
    ORDER_PROBLEM: (
        "не пришел",
        "не пришла",
        "не пришло",
        "не пришли",
        "не получил*",
        "где мой заказ",
        "где заказ",
        "статус не меня*",
        "потерял*",
        "потерян*",
        "отменил*",
        "отмена заказа",
        "не привез*",
        "не доставил*",
        "не доставлен*",
        "не хватает",
        "не полностью",
        "недовложен*",
        "не доложили",
        "не положили",
    ),
    DELIVERY: (
        "достав*",
        "отправк*",
        "когда отправ*",
        "пункт выдачи",
        "пвз",
        "курьер*",
        "трек*",
        "когда придет",
        "приедет",
        "привезут",
    ),
    THANKS: (
        "спасибо",
        "благодар*",
        "ок",
        "ok",
        "окей",
        "хорошо",
        "отлично",
        "супер",
        "понятно",
    ),
}

# A chat counts as "just thanks" only if it is this short: longer texts say something more.
THANKS_MAX_WORDS: Final = 12
