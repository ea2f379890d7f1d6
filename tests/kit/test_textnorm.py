"""The shared normalisation: what it folds, and that spans still point at the original text."""

from __future__ import annotations

from agentiq.kit.textnorm import fold, reveal


def test_plain_text_folds_one_to_one() -> None:
    norm = fold("Ёжик в Тумане")
    assert norm.text == "ежик в тумане"
    assert norm.source_span(0, 4) == (0, 4)


def test_nfkc_casefold_and_decoration_are_mapped_back() -> None:
    assert fold("ＢＯＴ").text == "bot"  # fullwidth Latin
    source = "Б\u200bОТ и бо\u0336т"  # zero-width space, strike-through mark
    norm = fold(source)
    assert norm.text == "бот и бот"
    start, end = norm.source_span(0, 3)
    assert source[start:end] == "Б\u200bОТ"
    start, end = norm.source_span(6, 9)
    assert source[start:end] == "бо\u0336т"


def test_decomposed_short_i_stays_one_letter() -> None:
    assert fold("И\u0306ошкар-Ола").text == "йошкар-ола"


def test_mixed_script_words_are_repaired_both_ways() -> None:
    assert fold("нейрoсеть").text == "нейросеть"  # Latin o → Cyrillic
    assert fold("whatsаpp").text == "whatsapp"  # Cyrillic а → Latin


def test_reveal_joins_letters_numbers_and_leet_with_spans() -> None:
    source = "Наш т.г. и н е й р о с е т ь, тел восемь девятьсот, б0т"
    views = reveal(fold(source))
    text = views[0].text
    assert "тг" in text and "нейросеть" in text and "8900" in text and "бот" in text
    at = text.index("нейросеть")
    start, end = views[0].source_span(at, at + len("нейросеть"))
    assert source[start:end] == "н е й р о с е т ь"
    at = text.index("8900")
    start, end = views[0].source_span(at, at + 4)
    assert source[start:end] == "восемь девятьсот"


def test_reveal_keeps_a_leading_preposition_apart_in_a_second_view() -> None:
    views = reveal(fold("увидимся в с у д е"))
    assert any("в суде" in v.text for v in views)
