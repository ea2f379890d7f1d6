"""Issue 10, «No trap in a seller's day», through the ASGI client: each test is named after
the item it guards and failed on the code before the fix."""

from __future__ import annotations

import re

import httpx

from tests.conftest import browser_client
from tests.web.conftest import form, seed_items, seller_id_of, signed_in

HX = {"hx-request": "true"}


async def _client(app: object, email: str) -> httpx.AsyncClient:
    client = browser_client(app)
    await client.__aenter__()
    await signed_in(client, email)
    return client


def _ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'class="inbox-row[^"]*" data-id="(\d+)"', html)]


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
