"""What a pre-purchase question asks about, and the product card's fact that answers it.

A question is read for its topic (size chart, composition, dimensions, compatibility, country,
package contents, care, weight, availability, delivery) in Russian, English or Kazakh; the
card's facts are matched to the topic by their Russian labels («Состав», «Страна
производства»…). The built-in drafter answers from the fact when the card has it and says
honestly what the card lacks when it does not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from agentiq.guardrails import fold

Topic = Literal[
    "dimensions",
    "size",
    "composition",
    "compatibility",
    "country",
    "package",
    "care",
    "weight",
    "availability",
    "delivery",
]
Language = Literal["ru", "en", "kk", "other"]

# Cues per topic over folded text; checked in this order, so «размеры коробки» is dimensions
# before it is a clothing size, and «подойдёт к iPhone» is compatibility.
_CUES: tuple[tuple[Topic, tuple[str, ...]], ...] = (
    (
        "dimensions",
        (
            "габарит",
            "в сложенном",
            "размеры короб",
            "размер короб",
            "размеры упаков",
            "длина",
            "ширина",
            "высота",
            "глубина",
            "диаметр",
            "dimension",
            "how big",
            "how long is it",
            "ұзындығ",
        ),
    ),
    (
        "compatibility",
        (
            "подойдет к",
            "подойдет для",
            "подходит к",
            "подходит для",
            "совмест",
            "подойдет ли к",
            "подойдет на мой",
            "к моему",
            "к моей",
            "fit iphone",
            "fit samsung",
            "compatible",
            "does it fit",
            "сәйкес",
        ),
    ),
    (
        "composition",
        (
            "состав",
            "материал",
            "ткань",
            "из чего",
            "сделан",
            "хлопок",
            "синтетик",
            "натуральн",
            "fabric",
            "material",
            "composition",
            "cotton",
            "made of",
            "материалдан",
            "маталы",
        ),
    ),
    ("care", ("стира", "стирк", "уход", "гладит", "химчистк", "wash", "жуу")),
    (
        "package",
        ("комплект", "входит", "в наборе", "в коробке есть", "included", "package", "жинақ"),
    ),
    (
        "country",
        ("страна", "производ", "где сделан", "чье производство", "made in", "country", "елде"),
    ),
    ("weight", ("вес ", "вес?", "весит", "weight", "салмағ")),
    (
        "availability",
        ("налич", "будет ли", "поступ", "in stock", "available", "бар ма"),
    ),
    (
        "size",
        (
            "размер",
            "рост",
            "маломер",
            "большемер",
            "сетк",
            "обхват",
            "на вес",
            "size",
            "өлшем",
        ),
    ),
    (
        "delivery",
        ("доставк", "когда придет", "сколько ехать", "delivery", "ship", "жеткіз"),
    ),
)

# Card fact labels (folded, prefix) that answer each topic.
_LABELS: dict[Topic, tuple[str, ...]] = {
    "dimensions": ("габарит", "размеры упаков", "размер упаков", "размеры", "длина", "высота"),
    "size": ("размерная сетка", "таблица размеров", "размерный ряд", "размер"),
    "composition": ("состав", "материал", "ткань"),
    "compatibility": ("совместимость", "подходит для", "совместим"),
    "country": ("страна",),
    "package": ("комплектация", "комплект", "в комплекте"),
    "care": ("уход", "стирка"),
    "weight": ("вес",),
    "availability": (),
    "delivery": (),
}

# Topics only the card can answer: without the fact the draft says the card lacks it.
CARD_TOPICS: frozenset[Topic] = frozenset(
    {"dimensions", "composition", "compatibility", "country", "package", "care", "weight"}
)
# What the card lacks, in the phrase «В карточке пока не указан(а/о/ы) …».
MISSING: dict[Topic, str] = {
    "dimensions": "ы габариты",
    "composition": " состав",
    "compatibility": "а совместимость",
    "country": "а страна производства",
    "package": "а комплектация",
    "care": "ы рекомендации по уходу",
    "weight": " вес",
    "size": "а размерная сетка",
}

_KAZAKH_RE = re.compile("[әғқңөұүһі]")
_CYRILLIC_RE = re.compile("[а-я]")
_LATIN_RE = re.compile("[a-z]")


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def language(text: str) -> Language:
    """The question's language: Kazakh by its own letters, English by Latin-only words."""
    folded = fold(text)
    if _KAZAKH_RE.search(folded):
        return "kk"
    cyrillic = len(_CYRILLIC_RE.findall(folded))
    latin = len(_LATIN_RE.findall(folded))
    if latin > 3 * max(cyrillic, 1):
        return "en"
    if cyrillic == 0 and latin == 0:
        return "other"
    return "ru"


def topic(text: str) -> Topic | None:
    folded = fold(text) + " "
    for name, cues in _CUES:
        if any(cue in folded for cue in cues):
            return name
    return None


def find_fact(facts: Mapping[str, str], wanted: Topic | None) -> Fact | None:
    """The card's fact for `wanted`, by the first label that matches (in label priority)."""
    if wanted is None:
        return None
    cleaned = {
        fold(label).strip(): (label.strip(), " ".join(str(value).split()))
        for label, value in facts.items()
        if str(value).strip()
    }
    for prefix in _LABELS[wanted]:
        for folded, (label, value) in cleaned.items():
            if folded.startswith(prefix):
                return Fact(label, value)
    return None
