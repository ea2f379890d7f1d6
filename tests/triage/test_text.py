"""Normalisation and matching of Russian rule terms."""

from __future__ import annotations

import pytest

from agentiq.triage.text import Text, compile_term, is_negated, tokenize


def found(text: str, term: str, *, negation: bool = True) -> bool:
    return bool(Text.of(text).find([term], respect_negation=negation))


def test_tokenize_folds_case_yo_and_punctuation() -> None:
    assert tokenize("Пришёл БРАК!!! Ёлка, ещё") == ("пришел", "брак", "елка", "еще")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("размеp", "размер"),  # Latin p
        ("Cломано", "сломано"),  # Latin C
        ("ХL", "xl"),  # Cyrillic Х with Latin L: the Latin reading wins
        ("iPhone", "iphone"),  # pure Latin stays Latin
    ],
)
def test_mixed_script_words_are_repaired(raw: str, expected: str) -> None:
    assert tokenize(raw) == (expected,)


def test_stem_matches_word_forms_but_only_at_word_start() -> None:
    assert found("бракованная куртка", "брак*")
    assert found("с браком", "брак*")
    assert not found("избракованный", "брак*")
    assert not found("мятный чай", "мятая")


def test_exact_word_does_not_match_longer_words() -> None:
    assert found("мала в плечах", "мала")
    assert not found("маленькая сумка", "мала")


def test_phrase_needs_consecutive_words() -> None:
    assert found("не подошёл размер", "не подош* размер*")
    assert not found("размер подошёл идеально", "не подош* размер*")


def test_long_stem_tolerates_one_typo_short_stem_does_not() -> None:
    assert found("возрат оформила", "возврат*")
    assert found("возвратт", "возврат*")
    assert not found("позиции", "полици*")  # six letters: no fuzzy matching
    assert not found("вес", "весит")


@pytest.mark.parametrize(
    "text",
    ["не брак", "без повреждений", "брака нет", "брака не обнаружено", "не было брака"],
)
def test_negations(text: str) -> None:
    assert not found(text, "брак*") and not found(text, "поврежд*")
    assert found(text, "брак*", negation=False) or found(text, "поврежд*", negation=False)


def test_negation_does_not_leak_over_unrelated_words() -> None:
    assert found("не пришел брак", "брак*")
    assert found("брак, не рекомендую", "брак*")


def test_regex_terms_map_to_words_for_negation() -> None:
    term = compile_term(r"re:\bвместо \w+ прислал\w*")
    text = Text.of("вместо крема прислали шампунь")
    spans = term.spans(text.tokens, text.joined)
    assert spans == [(0, 3)]
    assert not is_negated(text.tokens, *spans[0])


def test_parts_do_not_join_into_phrases() -> None:
    # «не» ends the pros and «брак» starts the cons: they must not form «не брак».
    text = Text.of("", "цена хорошая не", "брак на шве")
    assert text.find(["брак*"], respect_negation=True) == ["брак*"]


def test_empty_text() -> None:
    assert Text.of("", "", "").is_empty
    assert not Text.of("", "", "ok").is_empty


def _one_term_at_a_time(text: Text, terms: tuple[str, ...], negation: bool) -> list[str]:
    """The reference semantics: scan the whole text for each term separately."""
    hits = []
    for source in terms:
        for start, end in compile_term(source).spans(text.tokens, text.joined):
            if not (negation and is_negated(text.tokens, start, end)):
                hits.append(source)
                break
    return hits


def test_compiled_term_sets_agree_with_scanning_each_term() -> None:
    """The one-pass matcher finds exactly what a term-by-term scan finds, on every rule list."""
    import random

    from agentiq.triage import rules

    term_lists = [
        *rules.SIGNAL_TERMS.values(),
        *(tuple(terms) for terms in rules.INTENT_TERMS.values()),
        *rules.CHAT_TOPIC_TERMS.values(),
    ]
    # Word salad from the rules' own words, typos and negators: many partial and near hits.
    vocabulary = sorted(
        {
            word.rstrip("*") + suffix
            for terms in term_lists
            for term in terms
            if not term.startswith("re:")
            for word in term.split()
            for suffix in ("", "а", "ов")
        }
        | {"не", "нет", "без", "было", "возрат", "размеp", "40", "или", "42", "и", "?"}
    )
    rng = random.Random(20261129)
    checked = 0
    for _ in range(250):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(1, 14))]
        text = Text.of(" ".join(words))
        for terms in term_lists:
            for negation in (True, False):
                expected = _one_term_at_a_time(text, tuple(terms), negation)
                assert text.find(terms, respect_negation=negation) == expected, words
                checked += bool(expected)
    assert checked > 200  # the salad really hits terms, so agreement is not vacuous
