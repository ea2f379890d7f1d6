"""Russian text matching for triage rules: normalisation, word-form stems, negation.

A rule term is a small pattern language, so rules stay data:
- ``брак*``           a word starting with the stem (any Russian ending);
- ``мала``            exactly this word;
- ``не подош* размер`` consecutive words, each exact or stem;
- ``re:<regex>``      a regular expression over the normalised text (words joined by spaces).
Text goes through the normalisation guardrails use too (`agentiq.kit.textnorm.fold`): NFKC,
case folding, ё → е, decoration removed, words typed with Latin look-alike letters repaired
(«размеp», «Cломано»). Stems of seven letters or more also accept one typo («возрат»).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from agentiq.kit.textnorm import fold

_WORD_RE = re.compile(r"[a-zа-я0-9]+")
# The characters of un-lowered text that make it non-empty (`Text.is_empty`). SQL matches this
# class where it cannot run the normalisation (see triage/repository.py), so emptiness is
# decided by it rather than by the tokens: NFKC turns «①» or «²» into digits, but a review of
# decorative symbols is still an empty review. İ and the Kelvin sign lower-case to i and k.
WORD_CHAR_CLASS = "[0-9A-Za-zА-яЁё\u0130\u212a]"
_WORD_CHAR_RE = re.compile(WORD_CHAR_CLASS)
# A typo is tolerated only in long stems: short ones would match unrelated words.
FUZZY_MIN_STEM = 7

NEGATORS = frozenset({"не", "нет", "без", "ни", "никакого", "никакой", "никаких", "ничего"})
# Words that may sit between a negator and the negated word: «не было брака», «нет никакого запаха».
NEGATION_FILLERS = frozenset(
    {
        "было",
        "был",
        "была",
        "были",
        "совсем",
        "вообще",
        "никакого",
        "никакой",
        "никаких",
        "какого",
        "явного",
        "это",
        "обнаружено",
        "замечено",
        "видно",
        "заметно",
    }
)
# Verbs after the word that negate it: «брака не обнаружено», «запаха не чувствуется».
NEGATING_VERB_STEMS = (
    "был",
    "обнаруж",
    "замет",
    "нашл",
    "нашел",
    "увидел",
    "видно",
    "оказал",
    "выявл",
    "чувству",
    "ощуща",
)


def tokenize(text: str) -> tuple[str, ...]:
    """Words of the shared normalisation (`agentiq.kit.textnorm.fold`); punctuation dropped."""
    return tuple(_WORD_RE.findall(fold(text).text))


@dataclass(frozen=True)
class _Word:
    value: str
    is_stem: bool

    def matches(self, token: str) -> bool:
        if not self.is_stem:
            return token == self.value
        return _stem_matches(self.value, token)


@lru_cache(maxsize=262_144)
def _stem_matches(stem: str, token: str) -> bool:
    # Cached: words repeat heavily across buyers' texts, and the fuzzy comparison below is
    # what made triage the bottleneck of ingestion.
    if token.startswith(stem):
        return True
    size = len(stem)
    if size < FUZZY_MIN_STEM or len(token) < size - 1:
        return False
    # Compare the stem with the token's head allowing one inserted or dropped letter.
    heads = {token[: size - 1], token[:size], token[: size + 1]}
    return any(Levenshtein.distance(head, stem, score_cutoff=1) <= 1 for head in heads)


@dataclass(frozen=True)
class Term:
    """One compiled rule term; `source` is the term as written in the rules."""

    source: str
    words: tuple[_Word, ...] = ()
    regex: re.Pattern[str] | None = None

    def spans(self, tokens: Sequence[str], joined: str) -> list[tuple[int, int]]:
        """Token spans (start, end) where the term occurs; regex terms map to word indexes."""
        if self.regex is not None:
            return [
                _char_span_to_tokens(joined, m.start(), m.end())
                for m in self.regex.finditer(joined)
            ]
        size = len(self.words)
        found = []
        for start in range(len(tokens) - size + 1):
            if all(w.matches(tokens[start + i]) for i, w in enumerate(self.words)):
                found.append((start, start + size))
        return found


def _char_span_to_tokens(joined: str, start: int, end: int) -> tuple[int, int]:
    first = joined.count(" ", 0, start)
    last = joined.count(" ", 0, max(start, end - 1)) + 1
    return first, last


@lru_cache(maxsize=4096)
def compile_term(source: str) -> Term:
    if source.startswith("re:"):
        return Term(source, regex=re.compile(source[3:]))
    words = []
    for raw in tokenize_term(source):
        is_stem = raw.endswith("*")
        words.append(_Word(raw.rstrip("*"), is_stem))
    if not words:
        raise ValueError(f"empty triage term: {source!r}")
    return Term(source, words=tuple(words))


def tokenize_term(source: str) -> list[str]:
    return [part.replace("ё", "е") for part in source.lower().split()]


def is_negated(tokens: Sequence[str], start: int, end: int) -> bool:
    """Whether words [start, end) are negated: «не брак», «без повреждений», «брака нет»."""
    if start >= 1 and tokens[start - 1] in NEGATORS:
        return True
    if start >= 2 and tokens[start - 2] in NEGATORS and tokens[start - 1] in NEGATION_FILLERS:
        return True
    if end < len(tokens):
        following = tokens[end]
        if following == "нет":
            return True
        if (
            following == "не"
            and end + 1 < len(tokens)
            and tokens[end + 1].startswith(NEGATING_VERB_STEMS)
        ):
            return True
    return False


@dataclass(frozen=True)
class Text:
    """A normalised text ready for matching many terms."""

    tokens: tuple[str, ...]
    joined: str
    has_word_chars: bool = True

    @classmethod
    def of(cls, *parts: str) -> Text:
        # Parts (text, pros, cons) are joined with a break word so phrases never span them.
        tokens: list[str] = []
        for part in parts:
            if part:
                if tokens:
                    tokens.append("|")
                tokens.extend(tokenize(part))
        has_word_chars = any(part and _WORD_CHAR_RE.search(part) for part in parts)
        return cls(tuple(tokens), " ".join(tokens), bool(has_word_chars))

    @property
    def is_empty(self) -> bool:
        return not self.tokens or not self.has_word_chars

    def find(self, terms: Iterable[str], *, respect_negation: bool) -> list[str]:
        """Sources of the terms that occur (not negated, when asked), in the terms' order."""
        return term_set(tuple(terms)).find(self, respect_negation=respect_negation)


# A set's token cache is dropped when it grows past this many distinct words.
_TOKEN_CACHE_LIMIT = 100_000


class TermSet:
    """Many terms compiled into one matcher: a text is scanned once, not once per term.

    Word terms are indexed by their first word (exact words in a dict, stems by prefix, long
    stems also by one-typo distance), and each distinct token's candidates are cached, so the
    cost per text is a dict lookup per word plus a check of the few terms that start there.
    """

    def __init__(self, sources: tuple[str, ...]) -> None:
        self.sources = sources
        self._terms = [compile_term(source) for source in sources]
        self._regex = [(i, t) for i, t in enumerate(self._terms) if t.regex is not None]
        self._exact: dict[str, list[int]] = {}
        self._stems: dict[str, list[int]] = {}
        self._fuzzy: list[tuple[str, int]] = []
        for index, term in enumerate(self._terms):
            if not term.words:
                continue
            first = term.words[0]
            if not first.is_stem:
                self._exact.setdefault(first.value, []).append(index)
                continue
            self._stems.setdefault(first.value, []).append(index)
            if len(first.value) >= FUZZY_MIN_STEM:
                self._fuzzy.append((first.value, index))
        self._stem_sizes = sorted({len(stem) for stem in self._stems})
        self._starts: dict[str, tuple[int, ...]] = {}

    def _starting_with(self, token: str) -> tuple[int, ...]:
        """Indexes of the word terms whose first word matches `token`."""
        found = self._starts.get(token)
        if found is not None:
            return found
        indexes = set(self._exact.get(token, ()))
        for size in self._stem_sizes:
            if size > len(token):
                break
            indexes.update(self._stems.get(token[:size], ()))
        for stem, index in self._fuzzy:
            if index not in indexes and _stem_matches(stem, token):
                indexes.add(index)
        found = tuple(sorted(indexes))
        if len(self._starts) >= _TOKEN_CACHE_LIMIT:
            self._starts.clear()
        self._starts[token] = found
        return found

    def find(self, text: Text, *, respect_negation: bool) -> list[str]:
        tokens = text.tokens
        count = len(tokens)
        hits: set[int] = set()
        for start, token in enumerate(tokens):
            for index in self._starting_with(token):
                if index in hits:
                    continue
                words = self._terms[index].words
                end = start + len(words)
                if end > count or not all(
                    words[k].matches(tokens[start + k]) for k in range(1, len(words))
                ):
                    continue
                if respect_negation and is_negated(tokens, start, end):
                    continue
                hits.add(index)
        for index, term in self._regex:
            for start, end in term.spans(tokens, text.joined):
                if not (respect_negation and is_negated(tokens, start, end)):
                    hits.add(index)
                    break
        return [self.sources[index] for index in sorted(hits)]


@lru_cache(maxsize=1024)
def term_set(sources: tuple[str, ...]) -> TermSet:
    return TermSet(sources)
