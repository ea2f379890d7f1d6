"""JSON API of the inbox (/api/interactions). Another seller's item answers 404."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from agentiq.deps import CurrentPrincipal, DbSession, RuntimeDep
from agentiq.interactions import service
from agentiq.interactions.schemas import (
    AssignIn,
    BulkIn,
    BulkResult,
    ChatPage,
    EventOut,
    InboxFilter,
    InboxPage,
    InteractionDetail,
    NoteIn,
    Queue,
    SlaMetrics,
    Sort,
    UndoIn,
)
from agentiq.linking import service as linking
from agentiq.linking.schemas import Scope, Timeline

router = APIRouter(prefix="/api/interactions", tags=["interactions"])


def inbox_filter(
    channel: Literal["review", "question", "chat"] | None = None,
    queue: Queue = "all",
    q: str | None = Query(default=None, max_length=200),
    sort: Sort = "priority",
    rating: Annotated[list[int] | None, Query()] = None,
    cabinet_id: int | None = None,
    nm_id: int | None = None,
    source: str | None = None,
    status: str | None = None,
    priority: str | None = None,
    unread: bool | None = None,
    assigned: str | None = None,
) -> InboxFilter:
    """The list filter from query parameters (the UI routes reuse this dependency)."""
    return InboxFilter(
        channel=channel,
        queue=queue,
        q=q,
        sort=sort,
        rating=tuple(rating or ()),
        cabinet_id=cabinet_id,
        nm_id=nm_id,
        source=source,
        status=status,
        priority=priority,
        unread=unread,
        assigned=assigned,
    )


FilterDep = Annotated[InboxFilter, Depends(inbox_filter)]


@router.get("", response_model=InboxPage)
async def list_interactions(
    flt: FilterDep,
    principal: CurrentPrincipal,
    db: DbSession,
    cursor: str | None = Query(default=None, max_length=500),
    limit: int = Query(default=50, ge=1, le=200),
) -> InboxPage:
    return await service.list_interactions(
        db, principal.seller_id, flt.for_user(principal.user.id), cursor=cursor, limit=limit
    )


@router.get("/counts")
async def counts(flt: FilterDep, principal: CurrentPrincipal, db: DbSession) -> dict[str, object]:
    result = await service.channel_counts(db, principal.seller_id, flt.for_user(principal.user.id))
    return {**result.model_dump(), "labels": result.labels}


@router.get("/metrics/sla", response_model=SlaMetrics)
async def metrics_sla(
    principal: CurrentPrincipal, db: DbSession, days: int = Query(default=30, ge=1, le=365)
) -> SlaMetrics:
    return await service.sla_metrics(db, principal.seller_id, days=days)


@router.post("/bulk", response_model=BulkResult)
async def bulk(
    body: BulkIn, principal: CurrentPrincipal, db: DbSession, runtime: RuntimeDep
) -> BulkResult:
    if body.filter is not None:
        body = body.model_copy(update={"filter": body.filter.for_user(principal.user.id)})
    return await service.bulk_action(
        db, principal.seller_id, body, principal.user.id, runtime=runtime
    )


@router.post("/bulk/undo", response_model=BulkResult)
async def bulk_undo(
    body: UndoIn, principal: CurrentPrincipal, db: DbSession, runtime: RuntimeDep
) -> BulkResult:
    """Reopen exactly the items one bulk close closed (its `undo` token)."""
    ids = await service.undo_close(
        db, principal.seller_id, body.undo, principal.user.id, runtime=runtime
    )
    return BulkResult(affected=len(ids), ids=ids)


# `:int`: only numbers match, so GET on a POST-only sibling (/bulk) is 405, not a 422 here.
@router.get("/{interaction_id:int}", response_model=InteractionDetail)
async def detail(
    interaction_id: int, principal: CurrentPrincipal, db: DbSession
) -> InteractionDetail:
    return await service.get_interaction_detail(db, principal.seller_id, interaction_id)


@router.get("/{interaction_id}/messages", response_model=ChatPage)
async def messages(
    interaction_id: int,
    principal: CurrentPrincipal,
    db: DbSession,
    before_id: int | None = None,
    limit: int = Query(default=30, ge=1, le=200),
) -> ChatPage:
    return await service.chat_messages_page(
        db, principal.seller_id, interaction_id, before_id=before_id, limit=limit
    )


@router.get("/{interaction_id}/timeline", response_model=Timeline)
async def thread_timeline(
    interaction_id: int, principal: CurrentPrincipal, db: DbSession, scope: Scope | None = None
) -> Timeline:
    """The buyer's thread across channels (the linking module decides what belongs in it)."""
    return await linking.timeline(db, principal.seller_id, interaction_id, scope)


@router.post("/{interaction_id}/assign")
async def assign(
    interaction_id: int,
    body: AssignIn,
    principal: CurrentPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
) -> dict[str, object]:
    changed = await service.assign(
        db, principal.seller_id, interaction_id, body.user_id, principal.user.id, runtime=runtime
    )
    return {"id": interaction_id, "changed": bool(changed), "assigned_user_id": body.user_id}


@router.post("/{interaction_id}/note", response_model=EventOut, status_code=201)
async def note(
    interaction_id: int,
    body: NoteIn,
    principal: CurrentPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
) -> EventOut:
    event = await service.add_note(
        db, principal.seller_id, interaction_id, body.text, principal.user.id, runtime=runtime
    )
    return EventOut.model_validate(event)


@router.post("/{interaction_id}/viewed")
async def viewed(
    interaction_id: int, principal: CurrentPrincipal, db: DbSession, runtime: RuntimeDep
) -> dict[str, object]:
    changed = await service.mark_viewed(
        db, principal.seller_id, interaction_id, principal.user.id, runtime=runtime
    )
    return {"id": interaction_id, "changed": bool(changed)}


@router.post("/{interaction_id}/close")
async def close(
    interaction_id: int, principal: CurrentPrincipal, db: DbSession, runtime: RuntimeDep
) -> dict[str, object]:
    changed = await service.close(
        db, principal.seller_id, interaction_id, principal.user.id, runtime=runtime
    )
    return {"id": interaction_id, "changed": bool(changed)}


@router.post("/{interaction_id}/reopen")
async def reopen(
    interaction_id: int, principal: CurrentPrincipal, db: DbSession, runtime: RuntimeDep
) -> dict[str, object]:
    changed = await service.reopen(
        db, principal.seller_id, interaction_id, principal.user.id, runtime=runtime
    )
    return {"id": interaction_id, "changed": bool(changed)}
