"""One normalisation for every rule that reads people's words: triage and guardrails share it.

`fold(text)` is the common step: Unicode NFKC, case folding, «ё» → «е», zero-width and
decorative characters (format characters, combining marks, variation selectors) removed, and
words that mix Latin and Cyrillic look-alikes («бoт», «whatsаpp») repaired towards the script
that fits. It keeps a map from every folded character back to the original text, so a rule
hit found in the folded text is reported at its place in what the person wrote.

`reveal(folded)` goes further, for guardrails, which must see through deliberate disguise:
letters separated by spaces, dots or dashes joined («н е й р о с е т ь», «т.г.»), digits and
symbols used as letters inside words («б0т», «з@ебал»), hyphens inside words dropped, and
numbers written in words turned into digits («восемь девятьсот…» → «8900…»). Triage does not
need it (a buyer does not disguise a complaint), so its per-item cost stays that of `fold`.

The look-alike pairs come from Unicode's confusables data (the `confusable-homoglyphs`
package), not from a hand-written table.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Text made only of these characters is unchanged by NFKC and case-folds one to one, so the
# common case (plain Russian or English) skips the per-character path.
_PLAIN = r"[\x20-\x7e\t\n\r\u00a0«»—–№ёЁА-Яа-я]"
_PLAIN_RE = re.compile(_PLAIN + "*")
_PLAIN_RUN_RE = re.compile(_PLAIN + "+")
_RUSSIAN = "абвгдежзийклмнопрстуфхцчшщъыьэюя"


@lru_cache(maxsize=1)
def _lookalike_tables() -> tuple[dict[int, str], dict[int, str], str, str]:
    """(Latin → Cyrillic, Cyrillic → Latin) translate tables built from Unicode confusables.

    Pairs are taken in both cases and folded, because people mix «Т» and «t» the same way
    they mix «T» and «т». Digits are left to `reveal` (they are numbers more often than not).
    """
    data = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    to_cyr: dict[str, str] = {}
    to_lat: dict[str, str] = {}
    for cyr in _RUSSIAN + _RUSSIAN.upper():
        for glyph in data.get(cyr, []):
            lat = glyph["c"]
            if len(lat) == 1 and lat.isascii() and lat.isalpha():
                to_cyr.setdefault(lat.lower(), cyr.lower())
                to_lat.setdefault(cyr.lower(), lat.lower())
    # Non-Russian Cyrillic letters that are look-alikes of Latin ones («і», «ј», «ѕ», «һ»).
    for lat in "abcdefghijklmnopqrstuvwxyz":
        for glyph in data.get(lat, []):
            cyr = glyph["c"]
            if "CYRILLIC" in glyph["n"] and cyr.lower() not in _RUSSIAN:
                to_lat.setdefault(cyr.lower(), lat)
    return (
        str.maketrans(to_cyr),
        str.maketrans(to_lat),
        "".join(sorted(to_cyr)),
        "".join(sorted(to_lat)),
    )


@lru_cache(maxsize=1)
def _mixed_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a Latin letter next to a Cyrillic one, a word of either script)."""
    _, _, _, lat_keys = _lookalike_tables()
    cyr = "а-я" + "".join(c for c in lat_keys if c not in _RUSSIAN)
    return re.compile(rf"[a-z][{cyr}]|[{cyr}][a-z]"), re.compile(rf"[a-z{cyr}]+")


def repair_mixed_script(word: str) -> str:
    """A word mixing Latin and Cyrillic look-alikes, written in the one script that fits."""
    to_cyr, to_lat, cyr_keys, lat_keys = _lookalike_tables()
    latin = {c for c in word if "a" <= c <= "z"}
    if latin <= set(cyr_keys):
        return word.translate(to_cyr)
    cyrillic = {c for c in word if c in _RUSSIAN or c in lat_keys}
    if cyrillic <= set(lat_keys):
        return word.translate(to_lat)
    return word


def to_cyrillic(text: str) -> str:
    """Every Latin look-alike letter as its Cyrillic twin (used to read pure-Latin disguises)."""
    return text.translate(_lookalike_tables()[0])


@dataclass(frozen=True)
class Normalised:
    """Normalised `text` of `source`; `origin[i]` is where character i came from."""

    source: str
    text: str
    origin: tuple[int, ...] | None = None  # None: one to one with `source`

    def position(self, index: int) -> int:
        if self.origin is None:
            return index
        if not self.origin:
            return 0
        return self.origin[min(index, len(self.origin) - 1)]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of `source` that normalised characters [start, end) came from."""
        if self.origin is None:
            return start, end
        if end <= start:
            at = self.position(start) if start < len(self.origin) else len(self.source)
            return at, at
        return self.position(start), self.position(end - 1) + 1


def _dropped(char: str) -> bool:
    # Format characters (zero-width space/joiners, soft hyphen, BOM), combining marks left
    # after NFKC (strike-through, underline, accents used as decoration), enclosing marks.
    return unicodedata.category(char) in {"Cf", "Mn", "Me"}


def fold(text: str) -> Normalised:
    """NFKC, case fold, ё→е, decoration removed, mixed-script words repaired; spans kept."""
    if _PLAIN_RE.fullmatch(text):
        return Normalised(text, _repair_words(text.lower().replace("ё", "е")), None)
    pieces: list[str] = []
    origin: list[int] = []
    index, size = 0, len(text)
    while index < size:
        plain = _PLAIN_RUN_RE.match(text, index)
        end = plain.end() if plain is not None else index
        if end < size and end > index and unicodedata.category(text[end]) == "Mn":
            end -= 1  # the last letter takes the marks after it: leave it to the slow path
        if end > index:
            # Runs of ordinary characters (most of any text) skip the per-character path.
            pieces.append(text[index:end].lower().replace("ё", "е"))
            origin.extend(range(index, end))
            index = end
            continue
        char, nxt = text[index], index + 1
        # Compose a letter with the marks that follow it («и» + breve is «й»); marks that do
        # not compose are decoration and are dropped below.
        while nxt < size and unicodedata.category(text[nxt]) == "Mn":
            composed = unicodedata.normalize("NFC", char + text[nxt])
            if len(composed) == 1:
                char = composed
            nxt += 1
        for out in unicodedata.normalize("NFKC", char).casefold():
            if not _dropped(out):
                pieces.append("е" if out == "ё" else out)
                origin.append(index)
        index = nxt
    folded = "".join(pieces)
    if len(origin) == size and origin[-1:] == [size - 1] and len(set(origin)) == size:
        # Nothing dropped or expanded: the map is the identity.
        return Normalised(text, _repair_words(folded), None)
    return Normalised(text, _repair_words(folded), tuple(origin))


def _repair_words(folded: str) -> str:
    boundary, word = _mixed_res()
    if not boundary.search(folded):  # the common case: no word mixes scripts
        return folded
    return word.sub(lambda m: repair_mixed_script(m.group(0)), folded)


# -- reveal: what a determined person does to slip past a word list -----------------------

# Digits and symbols used as letters inside a word. Not Unicode confusables (the shapes
# differ), so no library lists them; the set is the usual one of Russian internet spelling.
_LEET = str.maketrans({"0": "о", "3": "з", "4": "ч", "6": "б", "@": "а", "$": "s"})
# «@» and «$» count only inside a word: at its start «@» is a handle, which contacts catch.
# Each alternative starts only at a word start, so a 5 000-letter word is scanned once, not from
# every position.
_LEET_WORD_RE = re.compile(
    r"(?<![a-zа-я0-9@$])(?:[a-zа-я]+[0346@$][a-zа-я0346@$]*|[0346]+[a-zа-я][a-zа-я0346@$]*)"
)
# Single letters separated by spaces (three or more letters) or by dots, dashes, underscores
# (two or more): «н е й р о с е т ь», «т.г.», «в-о-т-с-а-п».
_SPACED_RE = re.compile(r"(?<![\w*])[a-zа-я](?: {1,2}[a-zа-я]){2,}(?![\w*])")
_DOTTED_RE = re.compile(r"(?<![\w*])[a-zа-я](?: ?[._·-] ?[a-zа-я])+\.?(?![\w*])")
_HYPHEN_RE = re.compile(r"(?<=[a-zа-я])-(?=[a-zа-я])")
# Single-letter prepositions a joined run may have swallowed: «в с у д е» is «в суде».
_PREPOSITIONS = frozenset("вкосуя")

# Russian numerals. Number parsers on PyPI turn a whole run into one value and lose where each
# word was, while a phone dictated as «восемь девятьсот двенадцать…» must become the digit
# groups 8-900-12…, each traced to its words; the closed set of numeral words is small.
_UNITS = {
    "ноль": 0, "нуль": 0, "один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4,
    "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9,
}  # fmt: skip
_TEENS = {
    "десять": 10, "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14,
    "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18,
    "девятнадцать": 19,
}  # fmt: skip
_TENS = {
    "двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60,
    "семьдесят": 70, "восемьдесят": 80, "девяносто": 90,
}  # fmt: skip
_HUNDREDS = {
    "сто": 100, "двести": 200, "триста": 300, "четыреста": 400, "пятьсот": 500,
    "шестьсот": 600, "семьсот": 700, "восемьсот": 800, "девятьсот": 900,
}  # fmt: skip
_NUMERALS = {**_UNITS, **_TEENS, **_TENS, **_HUNDREDS}
_NUMBER_RUN_RE = re.compile(
    r"(?<![а-я])(?:" + "|".join(sorted(_NUMERALS, key=len, reverse=True)) + r")(?![а-я])"
    r"(?:[ ,-]+(?:" + "|".join(sorted(_NUMERALS, key=len, reverse=True)) + r")(?![а-я]))*"
)


def _number_groups(words: list[str]) -> str:
    """Digit groups of a run of numeral words: «восемь девятьсот двенадцать» → «8912»."""
    groups: list[int] = []
    current: int | None = None
    slot = 4  # 3 hundreds, 2 tens/teens, 1 units: a word may only fill a lower slot
    for word in words:
        value = _NUMERALS[word]
        place = 3 if word in _HUNDREDS else 2 if word in _TENS or word in _TEENS else 1
        if current is not None and place < slot and not (slot == 2 and value >= 10):
            current += value
        else:
            if current is not None:
                groups.append(current)
            current = value
        slot = 1 if word in _TEENS else place
    if current is not None:
        groups.append(current)
    return "".join(str(g) for g in groups)


def _rewrite(
    norm: Normalised, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]
) -> Normalised:
    """Apply `pattern` → `replace` to `norm.text`, keeping the map back to the source."""
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    text = norm.text
    changed = False
    for match in pattern.finditer(text):
        start, end = match.span()
        new = replace(match)
        if new == match.group(0):
            continue
        changed = True
        pieces.append(text[last:start])
        origin.extend(norm.position(i) for i in range(last, start))
        size = end - start
        for k in range(len(new)):
            at = start + (k * size) // len(new) if k < len(new) - 1 else end - 1
            origin.append(norm.position(at))
        pieces.append(new)
        last = end
    if not changed:
        return norm
    pieces.append(text[last:])
    origin.extend(norm.position(i) for i in range(last, len(text)))
    return Normalised(norm.source, "".join(pieces), tuple(origin))


def _join_letters(match: re.Match[str]) -> str:
    return re.sub(r"[ ._·-]", "", match.group(0))


def _join_keeping_preposition(match: re.Match[str]) -> str:
    joined = _join_letters(match)
    if len(joined) > 3 and joined[0] in _PREPOSITIONS:
        return joined[0] + " " + joined[1:]
    return joined


def _numbers(match: re.Match[str]) -> str:
    return _number_groups(re.findall(r"[а-я]+", match.group(0)))


def _leet(match: re.Match[str]) -> str:
    return repair_mixed_script(match.group(0).translate(_LEET))


def reveal(norm: Normalised) -> tuple[Normalised, ...]:
    """Views of a folded text with disguises undone; every view keeps the map to the source.

    Two views differ only in how a run of single letters is joined: with and without a
    leading one-letter preposition («в с у д е» → «всуде» and «в суде»).
    """
    base = _rewrite(norm, _LEET_WORD_RE, _leet)
    base = _rewrite(base, _HYPHEN_RE, lambda m: "")
    base = _rewrite(base, _NUMBER_RUN_RE, _numbers)
    dotted = _rewrite(base, _DOTTED_RE, _join_letters)
    joined = _rewrite(dotted, _SPACED_RE, _join_letters)
    views = [joined]
    if _SPACED_RE.search(dotted.text):
        views.append(_rewrite(dotted, _SPACED_RE, _join_keeping_preposition))
    return tuple(views)
