"""The SQL recount of empty reviews (triage/repository.py) matches `WORD_CHAR_CLASS`; it
must call a text empty exactly when the tokenizer finds no word in it."""

from __future__ import annotations

import re

from agentiq.triage.text import WORD_CHAR_CLASS, Text


def test_word_char_class_matches_the_tokenizer_for_every_character() -> None:
    word_char = re.compile(WORD_CHAR_CLASS)
    differ = [
        hex(code)
        for code in range(0x110000)
        if not 0xD800 <= code <= 0xDFFF
        and Text.of(chr(code)).is_empty == bool(word_char.search(chr(code)))
    ]
    assert differ == []
