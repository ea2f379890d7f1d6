"""The inbox: list (tabs, queues, search, filters, endless scroll), item, actions, bulk.

All inbox data comes from `agentiq.interactions.service`; this module only turns query
strings and forms into its filters and calls, and picks the template block to render.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import QueryParams

from agentiq.cabinets.repository import CabinetRepository
from agentiq.deps import CurrentPrincipal, DbSession, RuntimeDep
from agentiq.drafting.service import generate_for_interaction
from agentiq.interactions import service as inbox
from agentiq.interactions.schemas import (
    BULK_LIMIT,
    BulkIn,
    InboxFilter,
    InboxPage,
    InteractionDetail,
)
from agentiq.kit.errors import ValidationFailed
from agentiq.linking import escalations
from agentiq.linking import service as linking
from agentiq.replies.service import submit_reply
from agentiq.tenancy.repository import MembershipRepository
from agentiq.web.routes.common import Shell
from agentiq.web.templating import is_htmx, redirect, render, target_block
from agentiq.web.views import ESCALATION_STATES, cabinet_view, item_view, thread_view

router = APIRouter(prefix="/inbox", include_in_schema=False)
PAGE_SIZE = 30
# A full list render (no JavaScript, or a live refresh) shows at most this many rows: the
# rows the operator had already loaded stay on screen instead of falling back to page one.
MAX_SHOWN = 600
FILTER_KEYS = ("channel", "queue", "q", "sort", "rating", "cabinet_id", "nm_id", "source")


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def inbox_filter(
    channel: str | None = None,
    queue: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    rating: list[str] | None = None,
    cabinet_id: str | None = None,
    nm_id: str | None = None,
    source: str | None = None,
) -> InboxFilter:
    """Query-string values → the service's filter; unknown values fall back to defaults."""
    values: dict[str, Any] = {
        "channel": channel or None,
        "queue": queue or "unanswered",
        "q": (q or "").strip() or None,
        "sort": sort or "priority",
        "rating": tuple(sorted({int(r) for r in rating or [] if r.isdigit() and 1 <= int(r) <= 5})),
        "cabinet_id": _int(cabinet_id),
        "nm_id": _int(nm_id),
        "source": source or None,
    }
    try:
        return InboxFilter(**values)
    except ValidationError:
        safe = {k: v for k, v in values.items() if k not in {"channel", "queue", "sort", "source"}}
        return InboxFilter(queue="unanswered", **safe)


def filter_query(flt: InboxFilter, **override: Any) -> str:
    """The query string that reproduces a filter (links, pagination, htmx re-fetches)."""
    pairs: list[tuple[str, Any]] = []
    data = flt.model_dump()
    data.update(override)
    for key in FILTER_KEYS:
        value = data.get(key)
        if key == "rating":
            pairs.extend(("rating", r) for r in value or ())
        elif value not in (None, "", ()):
            pairs.append((key, value))
    return urlencode(pairs)


def _filter_from(request: Request) -> InboxFilter:
    return _filter_from_query(str(request.query_params))


def _filter_from_query(query: str) -> InboxFilter:
    params = QueryParams(query)
    return inbox_filter(
        channel=params.get("channel"),
        queue=params.get("queue"),
        q=params.get("q"),
        sort=params.get("sort"),
        rating=params.getlist("rating"),
        cabinet_id=params.get("cabinet_id"),
        nm_id=params.get("nm_id"),
        source=params.get("source"),
    )


def _query_helpers(flt: InboxFilter) -> dict[str, Any]:
    return {
        "flt": flt,
        "query": filter_query(flt),
        "qs": lambda **override: filter_query(flt, **override),
    }


def _count(value: str | None, default: int) -> int:
    """A row count from the query string, bounded to [0, MAX_SHOWN]."""
    number = _int((value or "")[:6])
    return default if number is None else min(number, MAX_SHOWN)


async def _rows_page(
    db: DbSession, seller_id: int, flt: InboxFilter, cursor: str | None, rows: int
) -> InboxPage:
    """`rows` rows from `cursor` on, read in pages (the service caps one read)."""
    page = await inbox.list_interactions(db, seller_id, flt, cursor=cursor, limit=rows)
    items = list(page.items)
    while page.next_cursor and len(items) < rows:
        page = await inbox.list_interactions(
            db, seller_id, flt, cursor=page.next_cursor, limit=rows - len(items)
        )
        items.extend(page.items)
    return InboxPage(items=items, next_cursor=page.next_cursor)


async def _list_context(
    db: DbSession,
    principal: CurrentPrincipal,
    flt: InboxFilter,
    cursor: str | None,
    *,
    rows: int = PAGE_SIZE,
    loaded: int = 0,
) -> dict[str, Any]:
    """`rows`: how many rows to render; `loaded`: how many the list already shows above."""
    seller_id = principal.seller_id
    resolved = flt.for_user(principal.user.id)
    page = await _rows_page(db, seller_id, resolved, cursor, max(rows, 1))
    counts = await inbox.channel_counts(db, seller_id, resolved)
    cabinets = [cabinet_view(c) for c in await CabinetRepository(db, seller_id).all()]
    members = await MembershipRepository(db, seller_id).members()
    return {
        **_query_helpers(flt),
        "page": page,
        "counts": counts.labels,
        "cabinets": cabinets,
        "demo": any(c.is_demo for c in cabinets),
        "banner": [c for c in cabinets if c.is_syncing or c.sync_status == "error"],
        "cursor": cursor,
        "shown": loaded + len(page.items),
        "page_size": PAGE_SIZE,
        "members": [{"id": u.id, "label": u.name or u.email} for _, u in members],
    }


async def _detail_context(
    db: DbSession, principal: CurrentPrincipal, interaction_id: int
) -> dict[str, Any]:
    detail: InteractionDetail = await inbox.get_interaction_detail(
        db, principal.seller_id, interaction_id
    )
    members = await MembershipRepository(db, principal.seller_id).members()
    seller_id = principal.seller_id
    return {
        "detail": detail,
        "thread": thread_view(await linking.timeline(db, seller_id, interaction_id)),
        "escalation": await escalations.open_for(db, seller_id, interaction_id),
        "can_escalate": escalations.can_escalate(detail.item),
        "escalation_states": ESCALATION_STATES,
        "item": item_view(detail),
        "members": [{"id": u.id, "label": u.name or u.email} for _, u in members],
    }


async def _page(
    request: Request,
    shell: dict[str, Any],
    db: DbSession,
    principal: CurrentPrincipal,
    interaction_id: int | None,
) -> Response:
    flt = _filter_from(request)
    params = request.query_params
    cursor = params.get("cursor") or None
    block = target_block(request, "inbox.html")
    context: dict[str, Any] = {**shell, **_query_helpers(flt)}
    if block != "item_pane":
        # `shown`: the rows a live refresh or the no-JS «Показать ещё» link must keep.
        rows = max(_count(params.get("shown"), PAGE_SIZE), PAGE_SIZE)
        context.update(await _list_context(db, principal, flt, cursor, rows=rows))
        context["undo"] = _bulk_notice(params)
    if interaction_id is not None and block in (None, "item_pane"):
        context.update(await _detail_context(db, principal, interaction_id))
    context["open_id"] = interaction_id
    return render(request, "inbox.html", context, block=block)


def _bulk_notice(params: QueryParams) -> dict[str, Any] | None:
    """What the last bulk step did, for the notice above the list (and its «Отменить»)."""
    token = (params.get("undo") or "")[:64]
    closed = _int((params.get("closed") or "")[:6])
    reopened = _int((params.get("reopened") or "")[:6])
    if token and closed:
        return {"token": token, "closed": closed}
    if reopened is not None:
        return {"reopened": reopened}
    return None


@router.get("")
async def inbox_page(
    request: Request, shell: Shell, db: DbSession, principal: CurrentPrincipal
) -> Response:
    return await _page(request, shell, db, principal, None)


@router.get("/rows")
async def more_rows(
    request: Request, shell: Shell, db: DbSession, principal: CurrentPrincipal
) -> Response:
    """The next page of rows for endless scroll (the block that replaces the sentinel)."""
    flt = _filter_from(request)
    params = request.query_params
    loaded = _count(params.get("loaded"), 0)
    context = {
        **shell,
        **await _list_context(db, principal, flt, params.get("cursor"), loaded=loaded),
    }
    return render(request, "inbox.html", context, block="rows")


@router.post("/bulk")
async def bulk(
    request: Request,
    shell: Shell,
    db: DbSession,
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    action: Annotated[str, Form()],
    ids: Annotated[list[int] | None, Form()] = None,
    all_matching: Annotated[bool, Form()] = False,
    user_id: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    form = await request.form()
    flt = inbox_filter(
        channel=str(form.get("f_channel") or "") or None,
        queue=str(form.get("f_queue") or "") or None,
        q=str(form.get("f_q") or "") or None,
        sort=str(form.get("f_sort") or "") or None,
        rating=[str(r) for r in form.getlist("f_rating")],
        cabinet_id=str(form.get("f_cabinet_id") or "") or None,
        nm_id=str(form.get("f_nm_id") or "") or None,
        source=str(form.get("f_source") or "") or None,
    )
    if not all_matching and not ids:
        raise ValidationFailed("Отметьте сообщения или «все по фильтру»")
    resolved = flt.for_user(principal.user.id)
    if all_matching and action == "close" and form.get("confirmed") != "yes":
        # Everything the filter matches, possibly thousands: say how many and ask first.
        count = await inbox.count_matching(db, principal.seller_id, resolved)
        context = {
            **shell,
            **_query_helpers(flt),
            "count": count,
            "limit": BULK_LIMIT,
            "fields": [(k, str(v)) for k, v in form.multi_items() if k not in ("csrf_token",)],
        }
        return render(request, "inbox_confirm.html", context)
    try:
        body = BulkIn(
            action=action,
            ids=None if all_matching else ids,
            all_matching=all_matching,
            filter=resolved if all_matching else None,
            user_id=_int(user_id),
        )
    except ValidationError:
        raise ValidationFailed("Неизвестное действие") from None
    result = await inbox.bulk_action(
        db, principal.seller_id, body, principal.user.id, runtime=runtime
    )
    query = filter_query(flt)
    if result.undo:
        # The list comes back with «Закрыто N — Отменить» for exactly this step.
        query += "&" + urlencode({"undo": result.undo, "closed": result.affected})
    return redirect(request, "/inbox?" + query)


@router.post("/bulk/undo")
async def bulk_undo(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    undo: Annotated[str, Form(max_length=64)] = "",
    back: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Reopen exactly the items one bulk close closed."""
    reopened = await inbox.undo_close(
        db, principal.seller_id, undo, principal.user.id, runtime=runtime
    )
    query = filter_query(_filter_from_query(back))
    return redirect(request, "/inbox?" + query + "&" + urlencode({"reopened": len(reopened)}))


# --- one item ----------------------------------------------------------------------------


@router.get("/{interaction_id}")
async def item_page(
    request: Request,
    interaction_id: int,
    shell: Shell,
    db: DbSession,
    principal: CurrentPrincipal,
) -> Response:
    return await _page(request, shell, db, principal, interaction_id)


@router.get("/{interaction_id}/messages")
async def older_messages(
    request: Request,
    interaction_id: int,
    db: DbSession,
    principal: CurrentPrincipal,
    before_id: int | None = None,
) -> Response:
    page = await inbox.chat_messages_page(
        db, principal.seller_id, interaction_id, before_id=before_id
    )
    context = {"messages": page, "interaction_id": interaction_id}
    return render(request, "_chat_messages.html", context)


async def after_action(
    request: Request,
    shell: dict[str, Any],
    db: DbSession,
    principal: CurrentPrincipal,
    item_id: int,
) -> Response:
    """htmx: the item pane re-rendered in place; without JS: back to the item (PRG)."""
    if is_htmx(request):
        current = request.headers.get("hx-current-url") or ""
        flt = _filter_from_query(current.split("?", 1)[1] if "?" in current else "")
        context = {
            **shell,
            **_query_helpers(flt),
            **await _detail_context(db, principal, item_id),
            "open_id": item_id,
        }
        response = render(request, "inbox.html", context, block="item_pane")
        response.headers["HX-Trigger"] = "inbox-changed"
        return response
    back = request.headers.get("referer") or ""
    query = back.split("?", 1)[1] if "?" in back else ""
    return redirect(request, f"/inbox/{item_id}" + (f"?{query}" if query else ""))


@router.post("/{interaction_id}/assign")
async def assign(
    request: Request,
    interaction_id: int,
    shell: Shell,
    db: DbSession,
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    user_id: Annotated[str, Form()] = "",
) -> Response:
    await inbox.assign(
        db, principal.seller_id, interaction_id, _int(user_id), principal.user.id, runtime=runtime
    )
    return await after_action(request, shell, db, principal, interaction_id)


@router.post("/{interaction_id}/note")
async def note(
    request: Request,
    interaction_id: int,
    shell: Shell,
    db: DbSession,
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    text: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    # The service finds the item first (another seller's → 404), then refuses an empty note.
    await inbox.add_note(
        db, principal.seller_id, interaction_id, text, principal.user.id, runtime=runtime
    )
    return await after_action(request, shell, db, principal, interaction_id)


@router.post("/{interaction_id}/{action}")
async def simple_action(
    request: Request,
    interaction_id: int,
    action: str,
    shell: Shell,
    db: DbSession,
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    text: Annotated[str, Form(max_length=6000)] = "",
    confirm_edit: Annotated[bool, Form()] = False,
) -> Response:
    seller_id, actor = principal.seller_id, principal.user.id
    if action == "viewed":
        await inbox.mark_viewed(db, seller_id, interaction_id, actor, runtime=runtime)
    elif action == "close":
        await inbox.close(db, seller_id, interaction_id, actor, runtime=runtime)
    elif action == "reopen":
        await inbox.reopen(db, seller_id, interaction_id, actor, runtime=runtime)
    elif action == "ai-draft":
        await inbox.get_interaction_detail(db, seller_id, interaction_id)  # 404 first
        await generate_for_interaction(db, runtime, seller_id, interaction_id, user_id=actor)
    elif action == "reply":
        await inbox.get_interaction_detail(db, seller_id, interaction_id)
        await submit_reply(
            db, runtime, seller_id, interaction_id, text, user_id=actor, confirm_edit=confirm_edit
        )
    else:
        raise ValidationFailed("Неизвестное действие")
    return await after_action(request, shell, db, principal, interaction_id)
