"""Settings: WB cabinets (Подключения), the team (Команда), API tokens (API-токены).

Owner-only actions are refused here, in the routes (OwnerPrincipal); templates only hide
the buttons, they never decide.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from agentiq.auth import service as auth_service
from agentiq.auth.repository import AccountRepository
from agentiq.cabinets import service as cabinet_service
from agentiq.cabinets.check import check_cabinet
from agentiq.cabinets.repository import CabinetRepository
from agentiq.deps import CurrentPrincipal, DbSession, OwnerPrincipal, RuntimeDep
from agentiq.ingestion.tasks import request_sync
from agentiq.kit.errors import Conflict, ValidationFailed
from agentiq.tenancy.repository import MembershipRepository
from agentiq.web.routes.common import Shell, field_errors
from agentiq.web.templating import redirect, render
from agentiq.web.views import cabinet_view

router = APIRouter(prefix="/settings", include_in_schema=False)


@router.get("")
async def settings_home() -> RedirectResponse:
    return RedirectResponse("/settings/connections", status_code=303)


async def _connections(
    request: Request,
    shell: Shell,
    db: DbSession,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    rows = await CabinetRepository(db, shell["principal"].seller_id).all()
    context = {
        **shell,
        "section": "connections",
        "cabinets": [cabinet_view(row) for row in rows],
        # True / False after a check against WB, None when only the offline decode ran.
        "check_ok": {row.id: (row.token_check or {}).get("ok") for row in rows},
        "checked_id": request.query_params.get("checked"),
        "replaced_id": request.query_params.get("replaced"),
        "replace": None,
        "lacks_access": False,
        "values": {},
        "errors": {},
        **(extra or {}),
    }
    return render(request, "settings_connections.html", context, status=status)


@router.get("/connections")
async def connections(request: Request, shell: Shell, db: DbSession) -> Response:
    return await _connections(request, shell, db)


@router.post("/connections")
async def add_connection(
    request: Request,
    shell: Shell,
    principal: OwnerPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
    name: Annotated[str, Form(max_length=200)] = "",
    token: Annotated[str, Form(max_length=4000)] = "",
    is_sandbox: Annotated[bool, Form()] = False,
    accept_missing_access: Annotated[bool, Form()] = False,
) -> Response:
    try:
        cabinet = await cabinet_service.add_cabinet(
            db,
            runtime.secrets,
            principal.seller_id,
            name=name,
            token=token,
            is_sandbox=is_sandbox,
            accept_missing_access=accept_missing_access,
        )
    except ValidationFailed as exc:
        # The token is never put back into the page: the seller pastes it again.
        extra = {
            "values": {"name": name, "is_sandbox": is_sandbox},
            "errors": field_errors(exc),
            "lacks_access": isinstance(exc, cabinet_service.TokenLacksAccess),
        }
        return await _connections(request, shell, db, extra, status=422)
    await request_sync(db, runtime, principal.seller_id, cabinet.id)
    return redirect(request, "/settings/connections")


@router.post("/connections/{cabinet_id}/rename")
async def rename_connection(
    request: Request,
    cabinet_id: int,
    principal: OwnerPrincipal,
    db: DbSession,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    await cabinet_service.rename_cabinet(db, principal.seller_id, cabinet_id, name)
    return redirect(request, "/settings/connections")


@router.post("/connections/{cabinet_id}/token")
async def replace_token(
    request: Request,
    cabinet_id: int,
    shell: Shell,
    principal: OwnerPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
    token: Annotated[str, Form(max_length=4000)] = "",
    accept_missing_access: Annotated[bool, Form()] = False,
) -> Response:
    """A new WB token for an existing cabinet (expired, revoked, or with more access)."""
    try:
        await cabinet_service.replace_token(
            db,
            runtime.secrets,
            principal.seller_id,
            cabinet_id,
            token,
            accept_missing_access=accept_missing_access,
        )
    except ValidationFailed as exc:
        extra = {
            "replace": {
                "id": cabinet_id,
                "errors": field_errors(exc),
                "lacks_access": isinstance(exc, cabinet_service.TokenLacksAccess),
            }
        }
        return await _connections(request, shell, db, extra, status=422)
    await request_sync(db, runtime, principal.seller_id, cabinet_id)
    return redirect(request, f"/settings/connections?replaced={cabinet_id}#cabinet-{cabinet_id}")


@router.post("/connections/{cabinet_id}/remove")
async def remove_connection(
    request: Request, cabinet_id: int, principal: OwnerPrincipal, db: DbSession
) -> Response:
    await cabinet_service.remove_cabinet(db, principal.seller_id, cabinet_id)
    return redirect(request, "/settings/connections")


@router.post("/connections/{cabinet_id}/sync")
async def sync_connection(
    request: Request,
    cabinet_id: int,
    principal: CurrentPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
) -> Response:
    await CabinetRepository(db, principal.seller_id).get(cabinet_id)  # 404 for a foreign id
    await request_sync(db, runtime, principal.seller_id, cabinet_id)
    return redirect(request, request.headers.get("hx-current-url") or "/settings/connections")


@router.post("/connections/{cabinet_id}/check")
async def check_connection(
    request: Request,
    cabinet_id: int,
    principal: CurrentPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
) -> Response:
    """Ping WB with the cabinet's token; the result lands in `token_check` and on the page."""
    await check_cabinet(db, runtime, principal.seller_id, cabinet_id)  # 404 for a foreign id
    return redirect(request, f"/settings/connections?checked={cabinet_id}#cabinet-{cabinet_id}")


# --- Team ---------------------------------------------------------------------------------


async def _team(
    request: Request,
    shell: Shell,
    db: DbSession,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    members = await MembershipRepository(db, shell["principal"].seller_id).members()
    context = {
        **shell,
        "section": "team",
        "members": [{"membership": m, "user": u} for m, u in members],
        "values": {},
        "errors": {},
        **(extra or {}),
    }
    return render(request, "settings_team.html", context, status=status)


@router.get("/team")
async def team(request: Request, shell: Shell, db: DbSession) -> Response:
    return await _team(request, shell, db)


@router.post("/team")
async def invite(
    request: Request,
    shell: Shell,
    principal: OwnerPrincipal,
    db: DbSession,
    email: Annotated[str, Form(max_length=320)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        invitation = await auth_service.invite_operator(
            db, principal.seller_id, email=email, name=name, invited_by=principal.user
        )
    except (ValidationFailed, Conflict) as exc:
        extra = {"values": {"email": email, "name": name}, "errors": field_errors(exc)}
        return await _team(request, shell, db, extra, status=422)
    # The one-time password is rendered in this response only (no redirect: it is never stored).
    return await _team(request, shell, db, {"invited": invitation})


@router.post("/team/{user_id}/remove")
async def remove_member(
    request: Request, user_id: int, principal: OwnerPrincipal, db: DbSession
) -> Response:
    await auth_service.remove_member(db, principal.seller_id, user_id, by=principal.user)
    return redirect(request, "/settings/team")


# --- API tokens ---------------------------------------------------------------------------


async def _tokens(
    request: Request,
    shell: Shell,
    db: DbSession,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    principal = shell["principal"]
    rows = await AccountRepository(db).api_tokens(principal.seller_id, principal.user.id)
    context = {**shell, "section": "tokens", "tokens": rows, "errors": {}, **(extra or {})}
    return render(request, "settings_tokens.html", context, status=status)


@router.get("/tokens")
async def tokens(request: Request, shell: Shell, db: DbSession) -> Response:
    return await _tokens(request, shell, db)


@router.post("/tokens")
async def create_token(
    request: Request,
    shell: Shell,
    principal: CurrentPrincipal,
    db: DbSession,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        _, plain = await auth_service.issue_api_token(db, principal.seller_id, principal.user, name)
    except ValidationFailed as exc:
        return await _tokens(request, shell, db, {"errors": field_errors(exc)}, status=422)
    return await _tokens(request, shell, db, {"created_token": plain})


@router.post("/tokens/{token_id}/revoke")
async def revoke_token(
    request: Request, token_id: int, principal: CurrentPrincipal, db: DbSession
) -> Response:
    await auth_service.revoke_api_token(db, principal.seller_id, principal.user, token_id)
    return redirect(request, "/settings/tokens")
