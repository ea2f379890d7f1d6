"""Whether a buyer's display name is a person's name that a greeting may use.

WB shows whatever the buyer typed: «Анна», but also «Бот», «Telegram», «@ivan_99», «Магазин
Одежды» or «WB Покупатель». A greeting «Здравствуйте, Бот!» is worse than none, so a name is
used only when its first word is a first name by the Russian morphological dictionary
(pymorphy3 marks first names with the «Name» grammeme), any further words are a surname, a
patronymic or an initial, and nothing in it trips a guardrail. Latin names cannot be told
from brands and handles this way, so they get the neutral greeting.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pymorphy3

from agentiq.guardrails import check, has_blocking

_WORD_RE = re.compile(r"^[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)?$")
_INITIAL_RE = re.compile(r"^[А-ЯЁ]\.$")
_MAX_WORDS = 3


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=8192)
def _has_grammeme(word: str, grammemes: frozenset[str]) -> bool:
    return any(grammemes & set(parse.tag.grammemes) for parse in _morph().parse(word))


def person_first_name(display_name: str | None) -> str | None:
    """The first name to greet with, capitalised, or None when the name is not a person's."""
    words = (display_name or "").split()
    if not words or len(words) > _MAX_WORDS:
        return None
    first = words[0]
    if not _WORD_RE.match(first) or not _has_grammeme(first.lower(), frozenset({"Name"})):
        return None
    for other in words[1:]:
        if _INITIAL_RE.match(other):
            continue
        if not _WORD_RE.match(other) or not _has_grammeme(
            other.lower(), frozenset({"Surn", "Patr"})
        ):
            return None
    if has_blocking(check(display_name or "", "chat")):
        return None
    return "-".join(part[:1].upper() + part[1:].lower() for part in first.split("-"))
