"""Issue 10, «No trap in a seller's day», through the ASGI client: each test is named after
the item it guards and failed on the code before the fix."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.conftest import browser_client
from tests.web.conftest import form, seed_items, seller_id_of, signed_in

HX = {"hx-request": "true"}
BOTH_DATABASES = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)


async def _client(app: object, email: str) -> httpx.AsyncClient:
    client = browser_client(app)
    await client.__aenter__()
    await signed_in(client, email)
    return client


def _ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'class="inbox-row[^"]*" data-id="(\d+)"', html)]


@BOTH_DATABASES
async def test_inbox_keeps_rows_when_next_page_loads_without_javascript(app: object) -> None:
    """«Показать ещё» as a plain link shows the rows so far plus one page, not page two."""
    client = await _client(app, "pages@example.ru")
    ids = await seed_items(app, await seller_id_of(client), 75)
    first = await client.get("/inbox?queue=all")
    link = re.search(r'<a href="(/inbox\?[^"]*shown=60[^"]*)"', first.text)
    assert link is not None, "the «Показать ещё» link must ask for 60 rows"
    second = await client.get(link.group(1).replace("&amp;", "&").split("#")[0])
    assert _ids(second.text) == _ids(first.text) + _ids(second.text)[30:]
    assert len(_ids(second.text)) == 60
    third = await client.get("/inbox?queue=all&shown=90")
    assert sorted(_ids(third.text)) == sorted(ids) and 'id="more-rows"' not in third.text
    # A live refresh of the list (htmx, the rows on screen as `shown`) keeps them all.
    refresh = await client.get(
        "/inbox?queue=all&shown=75", headers={**HX, "hx-target": "inbox-list"}
    )
    assert len(_ids(refresh.text)) == 75
    # Nonsense counts fall back to one page or the cap, never an error.
    for bad in ("abc", "-5", "99999999999999999999"):
        page = await client.get(f"/inbox?queue=all&shown={bad}")
        assert page.status_code == 200 and len(_ids(page.text)) in (30, 75)


async def test_inbox_next_page_fragment_continues_the_count(app: object) -> None:
    client = await _client(app, "pages2@example.ru")
    await seed_items(app, await seller_id_of(client), 65)
    first = await client.get("/inbox?queue=all")
    rows_url = re.search(r'hx-get="(/inbox/rows\?[^"]*)"', first.text)
    assert rows_url is not None and "loaded=30" in rows_url.group(1)
    nxt = await client.get(
        rows_url.group(1).replace("&amp;", "&"), headers={**HX, "hx-target": "more-rows"}
    )
    assert len(_ids(nxt.text)) == 30 and not set(_ids(nxt.text)) & set(_ids(first.text))
    assert "loaded=60" in nxt.text and "shown=90" in nxt.text


async def test_profile_changes_name_and_password(app: object) -> None:
    client = await _client(app, "profile@example.ru")
    page = await client.get("/profile")
    assert page.status_code == 200 and "Сменить пароль" in page.text and "/logout" in page.text
    saved = await client.post("/profile/name", data=form(name="  Анна Петрова "))
    assert saved.status_code == 303
    me = await client.get("/api/auth/me")
    assert me.json()["name"] == "Анна Петрова"
    assert "Анна Петрова" in (await client.get("/inbox")).text  # the sidebar names the user
    wrong = await client.post(
        "/profile/password",
        data=form(
            current_password="nope", new_password="new-pass-456", repeat_password="new-pass-456"
        ),
    )
    assert wrong.status_code == 422 and 'id="current_password-error"' in wrong.text
    mismatch = await client.post(
        "/profile/password",
        data=form(
            current_password="password-123", new_password="new-pass-456", repeat_password="x"
        ),
    )
    assert mismatch.status_code == 422 and "Пароли не совпадают" in mismatch.text
    short = await client.post(
        "/profile/password",
        data=form(current_password="password-123", new_password="1", repeat_password="1"),
    )
    assert short.status_code == 422 and 'id="new_password-error"' in short.text
    # Another browser signed in as the same user is signed out by the change.
    other = browser_client(app)
    await other.__aenter__()
    signin = await other.post(
        "/login", data=form(email="profile@example.ru", password="password-123")
    )
    assert signin.status_code == 303
    changed = await client.post(
        "/profile/password",
        data=form(
            current_password="password-123",
            new_password="new-pass-456",
            repeat_password="new-pass-456",
        ),
    )
    assert changed.status_code == 303
    assert (await client.get("/profile")).status_code == 200  # this session stays
    assert (await other.get("/api/auth/me")).status_code == 401
    fresh = browser_client(app)
    await fresh.__aenter__()
    old = await fresh.post("/login", data=form(email="profile@example.ru", password="password-123"))
    assert old.status_code == 401
    new = await fresh.post("/login", data=form(email="profile@example.ru", password="new-pass-456"))
    assert new.status_code == 303


async def test_invited_operator_replaces_one_time_password(app: object) -> None:
    owner = await _client(app, "owner-otp@example.ru")
    invited = await owner.post("/settings/team", data=form(email="operator-otp@example.ru"))
    assert invited.status_code == 200, invited.text
    match = re.search(r'id="temporary-password">([^<]+)<', invited.text)
    assert match is not None
    one_time = match.group(1)
    operator = browser_client(app)
    await operator.__aenter__()
    signin = await operator.post(
        "/login", data=form(email="operator-otp@example.ru", password=one_time)
    )
    assert signin.status_code == 303
    profile = await operator.get("/profile")
    assert 'id="one-time-password-notice"' in profile.text and "Выданный пароль" in profile.text
    assert "attention-dot" in (await operator.get("/inbox")).text
    changed = await operator.post(
        "/profile/password",
        data=form(
            current_password=one_time, new_password="my-own-pass-1", repeat_password="my-own-pass-1"
        ),
    )
    assert changed.status_code == 303
    after = await operator.get("/profile")
    assert 'id="one-time-password-notice"' not in after.text
    assert "attention-dot" not in (await operator.get("/inbox")).text
    fresh = browser_client(app)
    await fresh.__aenter__()
    assert (
        await fresh.post("/login", data=form(email="operator-otp@example.ru", password=one_time))
    ).status_code == 401
    assert (
        await fresh.post(
            "/login", data=form(email="operator-otp@example.ru", password="my-own-pass-1")
        )
    ).status_code == 303


async def _states(app: object, ids: list[int]) -> dict[int, tuple[str, bool]]:
    from sqlalchemy import select

    from agentiq.models import Interaction

    runtime = app.state.runtime  # type: ignore[attr-defined]
    async with runtime.sessionmaker() as session:
        rows = await session.execute(
            select(Interaction.id, Interaction.status, Interaction.needs_response).where(
                Interaction.id.in_(ids)
            )
        )
        return {r.id: (r.status, bool(r.needs_response)) for r in rows}


async def test_bulk_close_all_matching_asks_for_confirmation(app: object) -> None:
    client = await _client(app, "confirm@example.ru")
    ids = await seed_items(app, await seller_id_of(client), 7)
    before = await _states(app, ids)
    asked = await client.post(
        "/inbox/bulk",
        data=form(action="close", all_matching="true", f_queue="all", f_channel="review"),
    )
    assert asked.status_code == 200 and 'id="bulk-confirm"' in asked.text
    assert "Закрыть 3 сообщения?" in asked.text  # reviews are ids 0, 3, 6
    assert await _states(app, ids) == before  # nothing closed yet
    # The confirmation form carries the same filter and action, plus the confirmation.
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', asked.text))
    assert fields["f_channel"] == "review" and fields["action"] == "close"
    assert fields["confirmed"] == "yes"
    done = await client.post("/inbox/bulk", data={**fields, "csrf_token": fields["csrf_token"]})
    assert done.status_code == 303 and "undo=" in done.headers["location"]
    after = await _states(app, ids)
    assert [i for i in ids if after[i][0] == "closed"] == [ids[0], ids[3], ids[6]]
    # Explicitly ticked rows are closed at once (the operator saw what they ticked).
    ticked = await client.post("/inbox/bulk", data=form(action="close", ids=[str(ids[1])]))
    assert ticked.status_code == 303


@BOTH_DATABASES
async def test_bulk_close_can_be_undone_exactly(app: object) -> None:
    client = await _client(app, "undo@example.ru")
    seller_id = await seller_id_of(client)
    ids = await seed_items(app, seller_id, 6)
    answered = await seed_items(
        app, seller_id, 1, first=10, status="responded", needs_response=False
    )
    everything = ids + answered
    # Closed before the bulk step: not part of it, stays closed after the undo.
    await client.post(f"/inbox/{ids[0]}/close", data=form())
    done = await client.post(
        "/inbox/bulk",
        data=form(action="close", all_matching="true", f_queue="all", confirmed="yes"),
    )
    location = done.headers["location"]
    assert "closed=6" in location  # 5 open ones + the answered one
    page = await client.get(location)
    assert 'id="bulk-notice"' in page.text and "Закрыто 6 сообщений." in page.text
    token = re.search(r'name="undo" value="([0-9a-f]{32})"', page.text)
    assert token is not None
    # Someone reopened and closed ids[1] again after the bulk step: the undo leaves it alone.
    await client.post(f"/inbox/{ids[1]}/reopen", data=form())
    await client.post(f"/inbox/{ids[1]}/close", data=form())
    # Another seller cannot undo this seller's step.
    stranger = await _client(app, "undo-stranger@example.ru")
    foreign = await stranger.post("/inbox/bulk/undo", data=form(undo=token.group(1)))
    assert foreign.status_code == 303 and "reopened=0" in foreign.headers["location"]
    assert all(s[0] == "closed" for s in (await _states(app, everything)).values())

    undone = await client.post("/inbox/bulk/undo", data=form(undo=token.group(1), back="queue=all"))
    assert undone.status_code == 303 and "reopened=5" in undone.headers["location"]
    assert "queue=all" in undone.headers["location"]
    states = await _states(app, everything)
    assert states[ids[0]] == ("closed", False) and states[ids[1]] == ("closed", False)
    assert all(states[i] == ("open", True) for i in ids[2:])
    assert states[answered[0]] == ("responded", False)  # back exactly as it was
    notice = await client.get(undone.headers["location"])
    assert "5 сообщений снова открыты" in notice.text
    again = await client.post("/inbox/bulk/undo", data=form(undo=token.group(1)))
    assert "reopened=0" in again.headers["location"]
    bad = await client.post("/inbox/bulk/undo", data=form(undo="../../etc"))
    assert bad.status_code in (400, 422)


async def test_bulk_close_undo_over_the_json_api(app: object) -> None:
    client = await _client(app, "undo-api@example.ru")
    ids = await seed_items(app, await seller_id_of(client), 4)
    result = await client.post("/api/interactions/bulk", json={"action": "close", "ids": ids[:3]})
    assert result.status_code == 200 and result.json()["affected"] == 3
    token = result.json()["undo"]
    undone = await client.post("/api/interactions/bulk/undo", json={"undo": token})
    assert undone.status_code == 200 and undone.json()["ids"] == sorted(ids[:3])


def wb_token(*, sid: str, bits: int = (1 << 7) | (1 << 9), read_only: bool = False) -> str:
    """A WB-shaped token for a given WB seller (sid), signed with a test key."""
    import time
    import uuid

    import jwt

    if read_only:
        bits |= 1 << 30
    payload = {
        "acc": 3,
        "s": bits,
        "sid": sid,
        "id": str(uuid.uuid4()),
        "exp": int(time.time()) + 90 * 86400,
    }
    return jwt.encode(payload, "not-a-wb-key-" + "k" * 32, algorithm="HS256")


async def _cabinets(app: object, seller_id: int) -> list[Any]:
    from sqlalchemy import select

    from agentiq.models import MarketplaceConnection

    runtime = app.state.runtime  # type: ignore[attr-defined]
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(
            select(MarketplaceConnection).where(MarketplaceConnection.seller_id == seller_id)
        )
        return list(rows)


async def test_cabinet_token_lacking_access_is_not_saved_silently(app: object) -> None:
    client = await _client(app, "access@example.ru")
    seller_id = await seller_id_of(client)
    chat_only = wb_token(sid="wb-1", bits=1 << 9)
    refused = await client.post("/settings/connections", data=form(name="Магазин", token=chat_only))
    assert refused.status_code == 422
    assert "«Отзывы и вопросы»" in refused.text and 'id="access-decision"' in refused.text
    assert chat_only not in refused.text  # the token is never echoed back
    assert await _cabinets(app, seller_id) == []
    read_only = wb_token(sid="wb-1", read_only=True)
    refused = await client.post("/settings/connections", data=form(name="М", token=read_only))
    assert refused.status_code == 422 and "только для чтения" in refused.text
    assert await _cabinets(app, seller_id) == []
    # The seller decides: connect it anyway.
    accepted = await client.post(
        "/settings/connections",
        data=form(name="Магазин", token=chat_only, accept_missing_access="true"),
    )
    assert accepted.status_code == 303
    assert [c.name for c in await _cabinets(app, seller_id)] == ["Магазин"]
    # The same decision over the JSON API and on the onboarding page.
    api = await client.post("/api/settings/cabinets", json={"name": "API", "token": chat_only})
    assert api.status_code == 422 and api.json()["error"]["code"] == "token_lacks_access"
    assert "«Отзывы и вопросы»" in api.json()["error"]["details"]["missing"][0]
    onboarding = await client.post("/onboarding/connect", data=form(token=chat_only))
    assert onboarding.status_code == 422 and 'id="access-decision"' in onboarding.text
    full = await client.post(
        "/api/settings/cabinets", json={"name": "Полный", "token": wb_token(sid="wb-2")}
    )
    assert full.status_code == 201


async def test_cabinet_token_can_be_replaced(app: object) -> None:
    client = await _client(app, "replace@example.ru")
    seller_id = await seller_id_of(client)
    old = wb_token(sid="wb-7", bits=1 << 7)
    await client.post("/settings/connections", data=form(name="Основной", token=old))
    [cabinet] = await _cabinets(app, seller_id)
    page = await client.get("/settings/connections")
    assert (
        "Заменить токен" in page.text
        and f'action="/settings/connections/{cabinet.id}/token"' in page.text
    )
    new = wb_token(sid="wb-7")
    done = await client.post(f"/settings/connections/{cabinet.id}/token", data=form(token=new))
    assert done.status_code == 303 and f"replaced={cabinet.id}" in done.headers["location"]
    [after] = await _cabinets(app, seller_id)
    runtime = app.state.runtime  # type: ignore[attr-defined]
    assert runtime.secrets.decrypt(after.token_encrypted) == new
    shown = await client.get(done.headers["location"])
    assert 'id="token-replaced"' in shown.text and new not in shown.text
    assert "Нет доступа к чатам" not in shown.text  # the new token has chat, the old had not
    # A token of another WB cabinet is refused; the stored token stays.
    other = await client.post(
        f"/settings/connections/{cabinet.id}/token", data=form(token=wb_token(sid="wb-8"))
    )
    assert other.status_code == 422 and "другого кабинета WB" in other.text
    # A token without reviews access asks for the seller's decision first.
    weak = wb_token(sid="wb-7", bits=1 << 9)
    asked = await client.post(f"/settings/connections/{cabinet.id}/token", data=form(token=weak))
    assert asked.status_code == 422 and "accept_missing_access" in asked.text
    assert weak not in asked.text
    [still] = await _cabinets(app, seller_id)
    assert runtime.secrets.decrypt(still.token_encrypted) == new
    api = await client.put(
        f"/api/settings/cabinets/{cabinet.id}/token",
        json={"token": weak, "accept_missing_access": True},
    )
    assert api.status_code == 200 and "token" not in api.json()
    # Another seller's cabinet is 404.
    stranger = await _client(app, "replace-stranger@example.ru")
    foreign = await stranger.post(
        f"/settings/connections/{cabinet.id}/token", data=form(token=wb_token(sid="wb-7"))
    )
    assert foreign.status_code == 404


async def test_editing_published_answer_asks_for_confirmation(app: object) -> None:
    from sqlalchemy import select

    from agentiq.models import ReplyOutbox

    client = await _client(app, "edit@example.ru")
    seller_id = await seller_id_of(client)
    published = {"text": "Спасибо за отзыв!", "state": "wbRu", "editable": True}
    [answered] = await seed_items(app, seller_id, 1, extra_data={"wb_answer": published})
    [rejected] = await seed_items(
        app,
        seller_id,
        1,
        first=3,
        extra_data={"wb_answer": {**published, "state": "rejected"}},
    )
    [fresh] = await seed_items(app, seller_id, 1, first=6)
    text = "Здравствуйте! Спасибо, что написали, мы проверили партию."
    page = await client.get(f"/inbox/{answered}")
    assert 'id="edit-confirm" hidden' not in page.text and "Изменить ответ" in page.text
    asked = await client.post(f"/api/interactions/{answered}/reply", json={"text": text})
    assert asked.status_code == 409, asked.text
    assert asked.json()["error"]["code"] == "edit_needs_confirmation"
    assert "только один раз" in asked.json()["error"]["message"]
    runtime = app.state.runtime  # type: ignore[attr-defined]

    async def outbox(item_id: int) -> list[str]:
        async with runtime.sessionmaker() as session:
            rows = await session.scalars(
                select(ReplyOutbox.kind).where(ReplyOutbox.interaction_id == item_id)
            )
            return list(rows)

    assert await outbox(answered) == []  # nothing queued for WB
    plain = await client.post(f"/inbox/{answered}/reply", data=form(text=text))
    assert plain.status_code == 409 and await outbox(answered) == []
    confirmed = await client.post(
        f"/api/interactions/{answered}/reply", json={"text": text, "confirm_edit": True}
    )
    assert confirmed.status_code == 201, confirmed.text
    assert await outbox(answered) == ["edit"]
    # A first answer, or one replacing an answer WB's moderation rejected, asks nothing.
    for item_id in (fresh, rejected):
        item_page = await client.get(f"/inbox/{item_id}")
        assert 'id="edit-confirm" hidden' in item_page.text
        sent = await client.post(f"/api/interactions/{item_id}/reply", json={"text": text})
        assert sent.status_code == 201, sent.text


async def test_demo_owner_first_view_is_not_all_answered_on_an_empty_account(
    app: object,
) -> None:
    """No cabinet yet: the inbox shows the first step, never «Всё отвечено»."""
    from agentiq.cli_ops import ensure_demo_owner

    runtime = app.state.runtime  # type: ignore[attr-defined]
    # The CLI's demo owner (this test app runs without the emulator: no demo data here).
    assert await ensure_demo_owner(runtime.settings, "demo@agentiq.local", "demo-password")
    client = browser_client(app)
    await client.__aenter__()
    signin = await client.post(
        "/login", data=form(email="demo@agentiq.local", password="demo-password")
    )
    assert signin.status_code == 303
    page = await client.get("/inbox")
    assert page.status_code == 200
    assert "Всё отвечено" not in page.text
    assert 'id="first-step"' in page.text and "Подключить кабинет WB" in page.text
    assert 'id="empty-demo"' in page.text  # the owner may load demo data
    me = (await client.get("/api/auth/me")).json()
    assert me["seller"]["is_demo"] is True
