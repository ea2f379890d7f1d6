"""Inbox pages through the ASGI client: full pages, htmx fragments, actions, bulk, tenancy."""

from __future__ import annotations

import httpx

from tests.conftest import browser_client
from tests.web.conftest import form, seed_items, seller_id_of, signed_in

HX = {"hx-request": "true"}


async def _setup(
    app: object, email: str = "inbox@example.ru", count: int = 6
) -> tuple[httpx.AsyncClient, list[int]]:
    """A signed-in client (already open: use it, it is closed with the app) and seeded ids."""
    client = browser_client(app)
    await client.__aenter__()
    await signed_in(client, email)
    ids = await seed_items(app, await seller_id_of(client), count)
    return client, ids


async def test_inbox_full_page_lists_rows_with_badges(app: object) -> None:
    client, ids = await _setup(app)
    if client:
        page = await client.get("/inbox")
    assert page.status_code == 200
    text = page.text
    assert "Сообщения" in text and 'id="inbox-list"' in text and "sidebar" in text
    assert text.count('class="inbox-row') == len(ids)
    assert "Термокружка 450 мл" in text and "Демо" in text
    assert "просрочено" in text and "негативный отзыв о браке" in text
    # the most urgent row comes first
    assert text.index(f'id="row-{ids[0]}"') < text.index(f'id="row-{ids[1]}"')
    assert "Отзывы" in text and "Без ответа" in text


async def test_channel_tab_filters_and_counts(app: object) -> None:
    client, _ = await _setup(app)
    if client:
        page = await client.get("/inbox?channel=chat&queue=all")
    assert page.text.count('class="inbox-row') == 2
    assert 'data-channel="chat"' in page.text


async def test_htmx_list_request_gets_only_the_fragment(app: object) -> None:
    client, _ = await _setup(app)
    if client:
        fragment = await client.get("/inbox?queue=all", headers={**HX, "hx-target": "inbox-list"})
        column = await client.get("/inbox?q=кнопка", headers={**HX, "hx-target": "inbox-column"})
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<ul id="inbox-list"')
    assert "<html" not in fragment.text and "sidebar" not in fragment.text
    assert "<html" not in column.text and "search-form" in column.text


async def test_search_finds_words(app: object) -> None:
    client, ids = await _setup(app)
    if client:
        page = await client.get("/inbox?queue=all&q=кнопка")
        nothing = await client.get("/inbox?queue=all&q=абракадабра")
    assert 0 < page.text.count('class="inbox-row') < len(ids)
    assert "Ничего не нашлось" in nothing.text


async def test_endless_scroll_cursor(app: object) -> None:
    client, ids = await _setup(app, count=45)
    if client:
        first = await client.get("/inbox?queue=all")
        assert 'id="more-rows"' in first.text
        link = first.text.split('hx-get="/inbox/rows?')[1].split('"')[0].replace("&amp;", "&")
        rest = await client.get("/inbox/rows?" + link, headers={**HX, "hx-target": "more-rows"})
    seen_first = {int(x.split('"')[0]) for x in first.text.split('data-id="')[1:]}
    seen_rest = {int(x.split('"')[0]) for x in rest.text.split('data-id="')[1:]}
    assert len(seen_first) == 30 and len(seen_rest) == 15
    assert not seen_first & seen_rest and seen_first | seen_rest == set(ids)
    assert "<html" not in rest.text


async def test_item_page_and_pane(app: object) -> None:
    client, ids = await _setup(app)
    if client:
        review = await client.get(f"/inbox/{ids[0]}")
        pane = await client.get(f"/inbox/{ids[0]}", headers={**HX, "hx-target": "item-pane"})
        chat = await client.get(f"/inbox/{ids[2]}")
    assert review.status_code == 200
    assert "Достоинства:" in review.text and "Кнопка заедает" in review.text
    assert "https://www.wildberries.ru/catalog/777001/detail.aspx" in review.text
    assert 'maxlength="5000"' in review.text and "Рекомендация AI" in review.text
    assert "<html" not in pane.text and "data-item-id" in pane.text
    assert 'maxlength="1000"' in chat.text and "реплика 2" in chat.text


async def test_actions_close_reopen_note_assign(app: object) -> None:
    client, ids = await _setup(app)
    item = ids[1]
    if client:
        closed = await client.post(f"/inbox/{item}/close", data=form())
        assert closed.status_code == 303
        page = await client.get(f"/inbox/{item}")
        assert "Открыть снова" in page.text
        reopened = await client.post(f"/inbox/{item}/reopen", headers=HX, data=form())
        assert reopened.status_code == 200 and 'id="close-button"' in reopened.text
        assert "<html" not in reopened.text
        noted = await client.post(f"/inbox/{item}/note", headers=HX, data=form(text="Позвонить"))
        assert "Позвонить" in noted.text
        me = (await client.get("/api/auth/me")).json()["id"]
        assigned = await client.post(f"/inbox/{item}/assign", headers=HX, data=form(user_id=me))
        assert "inbox@example.ru" in assigned.text


async def test_bulk_close_selected_and_all_matching(app: object) -> None:
    client, ids = await _setup(app)
    if client:
        done = await client.post(
            "/inbox/bulk", data=form(action="close", ids=[str(ids[0]), str(ids[1])])
        )
        assert done.status_code == 303
        open_rows = (await client.get("/inbox?queue=unanswered")).text.count('class="inbox-row')
        assert open_rows == len(ids) - 2
        await client.post(
            "/inbox/bulk",
            data=form(action="close", all_matching="true", f_channel="chat", confirmed="yes"),
        )
        remaining = (await client.get("/inbox?queue=unanswered")).text
    assert remaining.count('class="inbox-row') == len(ids) - 4  # ids[2] and ids[5] are chats
    assert f'data-id="{ids[5]}"' not in remaining


async def test_another_sellers_item_is_404_everywhere(app: object) -> None:
    owner, ids = await _setup(app, "a@example.ru")
    async with browser_client(app) as stranger:
        await signed_in(stranger, "b@example.ru")
        assert (await stranger.get(f"/inbox/{ids[0]}")).status_code == 404
        assert (await stranger.get(f"/inbox/{ids[2]}/messages")).status_code == 404
        for action in ("close", "reopen", "viewed", "assign", "note"):
            response = await stranger.post(f"/inbox/{ids[0]}/{action}", data=form(text="x"))
            assert response.status_code == 404, action
        listed = await stranger.get("/inbox?queue=all")
        assert 'class="inbox-row' not in listed.text
        bulk = await stranger.post("/inbox/bulk", data=form(action="close", ids=[str(ids[0])]))
        assert bulk.status_code in (303, 404)
        still_open = await owner.get(f"/inbox/{ids[0]}")
        assert 'id="close-button"' in still_open.text


async def test_htmx_request_after_sign_out_asks_to_sign_in_again(app: object) -> None:
    client, ids = await _setup(app)
    if client:
        await client.post("/logout", data=form())
        response = await client.post(f"/inbox/{ids[0]}/note", headers=HX, data=form(text="x"))
    assert response.status_code == 401 and response.headers["hx-trigger"] == "session-expired"


async def test_draft_and_reply_render_in_the_item(app: object) -> None:
    client, ids = await _setup(app)
    item = ids[1]
    if client:
        drafted = await client.post(f"/inbox/{item}/ai-draft", headers=HX, data=form())
        assert drafted.status_code == 200, drafted.text
        assert 'id="draft-text"' in drafted.text and "Перегенерировать" in drafted.text
        # the JSON endpoint the page's script calls works with the same session and CSRF header
        api = await client.post(f"/api/interactions/{item}/ai-draft")
        assert api.status_code == 200
        sent = await client.post(
            f"/inbox/{item}/reply", data=form(text="Здравствуйте! Спасибо за вопрос.")
        )
        assert sent.status_code == 303
        page = await client.get(f"/inbox/{item}")
    assert 'id="outbox-state"' in page.text and "Ответ " in page.text


async def test_chat_history_older_page_is_a_fragment(app: object) -> None:
    client, ids = await _setup(app)
    if client:
        older = await client.get(f"/inbox/{ids[2]}/messages?before_id=999999999", headers=HX)
    assert older.status_code == 200 and "<html" not in older.text


async def test_analytics_page(app: object) -> None:
    client, _ = await _setup(app)
    if client:
        page = await client.get("/analytics?days=7")
    assert (
        page.status_code == 200
        and "Ответ вовремя" in page.text
        and "Просрочено сейчас" in page.text
    )


async def test_item_pane_shows_wb_order_status_in_words_never_as_a_code(app: object) -> None:
    from sqlalchemy import select

    from agentiq.models import Interaction

    client, ids = await _setup(app)
    sessionmaker = app.state.runtime.sessionmaker  # type: ignore[attr-defined]

    async def pane_with(order_status: str) -> str:
        async with sessionmaker() as session:
            row = await session.scalar(select(Interaction).where(Interaction.id == ids[0]))
            assert row is not None
            row.extra_data = {**(row.extra_data or {}), "order_status": order_status}
            await session.commit()
        return (await client.get(f"/inbox/{ids[0]}")).text

    returned = await pane_with("returned")
    assert "<dt>Заказ</dt><dd>возврат</dd>" in returned
    unknown = await pane_with("notSpecified")
    assert "notSpecified" not in unknown and "<dt>Заказ</dt>" not in unknown
