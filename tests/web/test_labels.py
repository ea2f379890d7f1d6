"""The item pane names a question's intent and a chat's topic in Russian, never by its code."""

from __future__ import annotations

import re

from tests.conftest import browser_client
from tests.web.conftest import seed_items, seller_id_of, signed_in

CODES = ("size_fit", "thanks", "notSpecified", "draft_edited", "availability_delivery")


def visible_text(html: str) -> str:
    """What a person reads: tags, attributes and scripts removed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


async def test_item_pane_shows_topics_in_words(app: object) -> None:
    async with browser_client(app) as client:
        await signed_in(client, "labels@example.ru")
        seller_id = await seller_id_of(client)
        (question,) = await seed_items(app, seller_id, 1, first=1, intent="size_fit")
        (chat,) = await seed_items(app, seller_id, 1, first=2, intent="thanks")
        question_page = await client.get(f"/inbox/{question}")
        chat_page = await client.get(f"/inbox/{chat}")
    assert question_page.status_code == 200 and chat_page.status_code == 200
    assert "размер и посадка" in visible_text(question_page.text)
    assert "благодарность" in visible_text(chat_page.text)
    for page in (question_page, chat_page):
        shown = visible_text(page.text)
        assert not [code for code in CODES if code in shown], shown
