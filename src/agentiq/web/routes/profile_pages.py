"""Профиль: the signed-in user's name and password, their companies, and sign-out — the
one page that holds them on every screen size (the phone's bottom bar links here)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from agentiq.auth import service
from agentiq.deps import CurrentPrincipal, DbSession
from agentiq.kit.errors import ValidationFailed
from agentiq.web.routes.common import Shell, field_errors
from agentiq.web.templating import redirect, render

router = APIRouter(prefix="/profile", include_in_schema=False)


def _page(
    request: Request,
    shell: dict[str, Any],
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    saved: str | None = None,
) -> Response:
    context = {
        **shell,
        "errors": errors or {},
        "values": values or {},
        "saved": saved,
        "own_password": service.has_own_password(shell["user"]),
    }
    return render(request, "profile.html", context, status=status)


@router.get("")
async def profile(request: Request, shell: Shell, saved: str = "") -> Response:
    return _page(request, shell, saved=saved if saved in ("name", "password") else None)


@router.post("/name")
async def save_name(
    request: Request,
    shell: Shell,
    principal: CurrentPrincipal,
    db: DbSession,
    name: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    try:
        await service.rename(db, principal.user, name)
    except ValidationFailed as exc:
        return _page(request, shell, status=422, errors=field_errors(exc), values={"name": name})
    return redirect(request, "/profile?saved=name")


@router.post("/password")
async def save_password(
    request: Request,
    shell: Shell,
    principal: CurrentPrincipal,
    db: DbSession,
    current_password: Annotated[str, Form(max_length=200)] = "",
    new_password: Annotated[str, Form(max_length=200)] = "",
    repeat_password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        if new_password != repeat_password:
            message = "Пароли не совпадают"
            raise ValidationFailed(message, details={"repeat_password": message})
        # One service function: it also signs out the user's other sessions (and whatever
        # else a password change must revoke).
        await service.change_password(
            db,
            principal.user,
            current=current_password,
            new=new_password,
            keep=principal.session,
        )
    except ValidationFailed as exc:
        return _page(request, shell, status=422, errors=field_errors(exc))
    return redirect(request, "/profile?saved=password")
