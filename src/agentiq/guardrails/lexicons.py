"""Word lists the guardrails match by stem: profanity and insults, competitors, seller words.

Profanity starts from the Russian dictionary of `glin-profanity` (a maintained, MIT-licensed
list), minus the entries that are ordinary words in a shop's answer («голый», «секс»,
«хрен» — horseradish, «бардак»…), plus the roots and insults below that any such list misses
in inflected or prefixed forms. Matching is by Snowball stem (`snowballstemmer`), so one entry
covers its word forms; masked spellings («х**ня», «бл*ть») are matched against `MASK_TARGETS`.

Competitors are a built-in list of other marketplaces; the seller adds brands of their own
(AI settings → «Конкуренты»), matched the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import snowballstemmer

from agentiq.kit.textnorm import Normalised, fold, to_cyrillic

# glin-profanity entries that are not swearing in an answer about a product.
_NOT_PROFANE = frozenset(
    {
        "бардак",
        "бугор",
        "голый",
        "обнаженный",
        "секс",
        "мент",
        "хрен",
        "фига",
        "на фиг",
        "офигеть",
        "хапать",
        "какая разница",
        "другой дразнится",
        "половое сношение",
        "встать раком",
        "сиски",
    }
)

# Roots and insults as patterns (same conventions as rules.py `words`): the prefixed and
# inflected forms of the core roots are too many to list word by word.
PROFANITY_PATTERNS: tuple[str, ...] = (
    r"(?:на|по|от|за|ни|о|до|об|с|вы)?ху(?:й|я|ю|е|и|ев|ем)[а-я]*",
    r"[а-я]*пизд[а-я]*",
    r"бля(?:дь|ть|ди|дск[а-я]*|дин[а-я]*|дств[а-я]*|дун[а-я]*)?",
    r"блят[а-я]*",
    r"(?:за|от|у|на|вы|по|до|про|раз|въ|подъ|съ|изъ|взъ|отъ|разъ)?еб(?:а|у|л|н|и|ет|ыв)[а-я]*",
    r"долбо-?еб[а-я]*",
    r"муд(?:ак|ач|ил|озвон)[а-я]*",
    r"говн[а-я]*",
    r"дерьм[а-я]*",
    r"жоп(?:а|е|у|ы|ой|ами)",
    r"залуп[а-я]*",
    r"гандон[а-я]*",
    r"шлюх[а-я]*",
    r"(?:срать|сран[а-я]*|засран[а-я]*|обосра[а-я]*|срал[аи]?|срет)",
    r"дроч[а-я]*",
    r"(?:пидор|пидар|педик)[а-я]*",
    r"(?:хер|херн[а-я]*|херов[а-я]*|нахер)",
    r"(?:сука|суки|суку|сукой|сучк[а-я]*|сучар[а-я]*)",
    r"(?:мразь|мрази|тварь|твари)",
    r"ублюд[а-я]*",
    r"(?:урод|уроды|уродина|уродов)",
    r"быдл[а-я]*",
    r"чмо",
    r"(?:лох|лохи|лохов|лохушк[а-я]*)",
    r"(?:идиот|дебил|кретин|придур|дегенерат|имбецил|бестолоч|недоум)[а-я]*",
    r"(?:дура|дурак[а-я]*|дураки|дурочк[а-я]*)",
    r"(?:вы|ты) (?:[а-я]+ )?(?:туп(?:ой|ая|ые|ица|ицы)|тупорыл[а-я]*|мошенни[а-я]*)",
    r"тупиц[а-я]*",
    r"тупорыл[а-я]*",
    r"скотин[а-я]*",
)

# What a masked word may stand for. Each `*` (or `#`, `%`, `…`) hides about one letter.
MASK_TARGETS: tuple[str, ...] = (
    "хуй",
    "хуя",
    "хуйня",
    "хуйни",
    "хуйню",
    "хуево",
    "хуевый",
    "нахуй",
    "похуй",
    "охуеть",
    "охуел",
    "пизда",
    "пизды",
    "пиздец",
    "пиздеж",
    "пиздато",
    "блять",
    "блядь",
    "бля",
    "ебать",
    "ебаный",
    "заебал",
    "заебали",
    "уебок",
    "ебанутый",
    "сука",
    "суки",
    "мудак",
    "говно",
    "жопа",
    "гандон",
    "херня",
    "дерьмо",
    "долбоеб",
    "пидор",
    "шлюха",
    "залупа",
)
_MASK_WORD_RE = re.compile(r"(?<![а-яa-z*#%…])[а-яa-z]*[*#%…]+[а-яa-z*#%…]*")

# Other marketplaces and big retailers. Cyrillic «тему» is an ordinary word (the accusative
# of «тема»), so Temu is listed in Latin only.
COMPETITORS: tuple[str, ...] = (
    "ozon",
    "озон",
    "яндекс маркет",
    "yandex market",
    "маркетплейс яндекса",
    "lamoda",
    "ламода",
    "aliexpress",
    "алиэкспресс",
    "али экспресс",
    "мегамаркет",
    "сбермегамаркет",
    "megamarket",
    "sbermegamarket",
    "магнит маркет",
    "kazanexpress",
    "казаньэкспресс",
    "avito",
    "авито",
    "joom",
    "джум",
    "temu",
    "shein",
    "детский мир",
    "золотое яблоко",
    "леруа мерлен",
    "спортмастер",
    "мвидео",
    "м видео",
    "эльдорадо",
    "ситилинк",
)

_TOKEN_RE = re.compile(r"[a-zа-я0-9]+")
_MIN_STEM = 4


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("russian")


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The Snowball stem of a folded word; short stems stay whole words (too ambiguous)."""
    if not re.search("[а-я]", word):
        return word
    stemmed: str = _stemmer().stemWord(word)
    return stemmed if len(stemmed) >= _MIN_STEM else word


@dataclass(frozen=True)
class StemLexicon:
    """Entries (one or more words each) matched as runs of tokens with the same stems."""

    entries: tuple[tuple[str, ...], ...]
    sources: tuple[str, ...]

    @classmethod
    def of(cls, words: Iterable[str]) -> StemLexicon:
        entries, sources = [], []
        for word in words:
            folded = fold(word).text
            tokens = tuple(stem(t) for t in _TOKEN_RE.findall(folded))
            if tokens and tokens not in entries:
                entries.append(tokens)
                sources.append(word)
        return cls(tuple(entries), tuple(sources))

    def find(self, view: Normalised) -> Iterator[tuple[int, int]]:
        """(start, end) in `view.text` of every entry found."""
        tokens = [(m.start(), m.end(), stem(m.group(0))) for m in _TOKEN_RE.finditer(view.text)]
        if not tokens:
            return
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for entry in self.entries:
            by_first.setdefault(entry[0], []).append(entry)
        for index, (start, _, first) in enumerate(tokens):
            for entry in by_first.get(first, ()):
                last = index + len(entry) - 1
                if last < len(tokens) and all(
                    tokens[index + k][2] == entry[k] for k in range(1, len(entry))
                ):
                    yield start, tokens[last][1]


@lru_cache(maxsize=1)
def profanity_lexicon() -> StemLexicon:
    data = json.loads(
        resources.files("glin_profanity")
        .joinpath("data/dictionaries/russian.json")
        .read_text("utf-8")
    )
    words = [
        w
        for w in data.get("words", [])
        if re.search("[а-яё]", w) and fold(w).text not in _NOT_PROFANE
    ]
    return StemLexicon.of(words)


@lru_cache(maxsize=64)
def competitor_lexicon(extra: tuple[str, ...] = ()) -> StemLexicon:
    return StemLexicon.of((*COMPETITORS, *extra))


@lru_cache(maxsize=4096)
def _mask_regex(masked: str) -> re.Pattern[str] | None:
    word = to_cyrillic(masked)
    parts = re.findall(r"[*#%…]+|[а-яa-z]+", word)
    if sum(len(p) for p in parts if p[0].isalpha()) < 1 or len(word) < 3:
        return None
    regex = ""
    for part in parts:
        if part[0].isalpha():
            regex += re.escape(part)
        else:
            size = len(part)
            regex += f"[а-я]{{{max(1, size - 1)},{size + 1}}}"
    return re.compile(regex)


def masked_profanity(view: Normalised) -> Iterator[tuple[int, int]]:
    """Spans of masked words that can only be one of the swear words («х**ня»)."""
    for match in _MASK_WORD_RE.finditer(view.text):
        regex = _mask_regex(match.group(0))
        if regex is not None and any(regex.fullmatch(t) for t in MASK_TARGETS):
            yield match.span()


def seller_terms(values: Sequence[str]) -> tuple[str, ...]:
    """The seller's own list, cleaned: blank entries dropped, order kept, duplicates removed."""
    seen: dict[str, None] = {}
    for value in values:
        value = " ".join(str(value).split())
        if value:
            seen.setdefault(value, None)
    return tuple(seen)
