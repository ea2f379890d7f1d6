"""Reply quality: accepted / edited / manual from the last draft and the sent text."""

from __future__ import annotations

import pytest

from agentiq.drafting.quality import ACCEPTED_THRESHOLD, EDITED_THRESHOLD, classify_reply

DRAFT = (
    "Здравствуйте, Анна! Спасибо за отзыв о товаре «Кроссовки беговые». Особенно приятно, "
    "что Вы отметили качество. Ждём Вас за новыми покупками!"
)


@pytest.mark.parametrize(
    ("draft", "sent", "expected"),
    [
        (DRAFT, DRAFT, "draft_accepted"),
        (DRAFT, DRAFT.upper(), "draft_accepted"),
        (DRAFT, DRAFT.replace("!", ".").replace("«", '"'), "draft_accepted"),
        (DRAFT, "  " + DRAFT.replace(" ", "  ") + "\n", "draft_accepted"),
        (DRAFT, DRAFT.replace("Анна", "Аня"), "draft_accepted"),
        (DRAFT, DRAFT.replace("Особенно приятно, что Вы отметили качество. ", ""), "draft_edited"),
        (DRAFT, DRAFT + " Мы также добавили новые цвета в эту модель.", "draft_edited"),
        (DRAFT, "Спасибо!", "reply_manual"),
        (DRAFT, "Добрый день. Размер уточните в таблице, она в описании.", "reply_manual"),
        (None, DRAFT, "reply_manual"),
        ("", DRAFT, "reply_manual"),
        ("   ", DRAFT, "reply_manual"),
    ],
)
def test_classify_reply(draft: str | None, sent: str, expected: str) -> None:
    assert classify_reply(draft, sent) == expected


def test_thresholds_are_ordered() -> None:
    assert 0 < EDITED_THRESHOLD < ACCEPTED_THRESHOLD <= 1
