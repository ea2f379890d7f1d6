"""Sign-in, registration, sign-out and seller switching, on the real session cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from agentiq.auth import service
from agentiq.auth.cookies import clear_session_cookie, rotate_csrf_cookie, set_session_cookie
from agentiq.auth.endpoints import client_ip
from agentiq.deps import (
    SESSION_COOKIE,
    CurrentPrincipal,
    DbSession,
    Principal,
    RuntimeDep,
    optional_principal,
)
from agentiq.kit.errors import Conflict, NotFound, TooManyRequests, Unauthorized, ValidationFailed
from agentiq.kit.time import utcnow
from agentiq.tenancy.service import sellers_for_user
from agentiq.web.routes.common import Shell, field_errors, safe_next
from agentiq.web.routes.onboarding import demo_data_for_demo_seller
from agentiq.web.templating import redirect, render

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]


@router.get("/")
async def home(principal: MaybePrincipal) -> RedirectResponse:
    return RedirectResponse("/home" if principal else "/login", status_code=303)


@router.get("/login")
async def login_page(request: Request, principal: MaybePrincipal, next: str = "") -> Response:
    if principal is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next, ""), "values": {}, "errors": {}})


@router.post("/login")
async def login_submit(
    request: Request,
    db: DbSession,
    runtime: RuntimeDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    context = {"next": safe_next(next, ""), "values": {"email": email}, "errors": {}}
    try:
        user = await service.authenticate(
            db, runtime.throttle, email=email, password=password, ip=client_ip(request)
        )
    except TooManyRequests as exc:
        context["errors"] = {"form": exc.message}
        return render(request, "login.html", context, status=429)
    except Unauthorized as exc:
        context["errors"] = {"password": exc.message}
        return render(request, "login.html", context, status=401)
    sellers = await sellers_for_user(db, user.id)
    issued = await service.start_session(
        db,
        user,
        seller_id=await service.landing_seller_id(db, user.id, [a.seller_id for a in sellers]),
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
        replaces=await service.session_from_cookie(db, request.cookies.get(SESSION_COOKIE)),
    )
    await demo_data_for_demo_seller(db, runtime, issued.row.seller_id)
    # Invitations waiting for this user are shown first: joining a company is their call.
    waiting = await service.pending_invitations(db, user)
    response = RedirectResponse("/invitations" if waiting else safe_next(next), status_code=303)
    set_session_cookie(response, issued.token, runtime.settings)
    rotate_csrf_cookie(response, runtime.settings)
    return response


@router.get("/register")
async def register_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is not None:
        return RedirectResponse("/inbox", status_code=303)
    return render(request, "register.html", {"values": {}, "errors": {}})


@router.post("/register")
async def register_submit(
    request: Request,
    db: DbSession,
    runtime: RuntimeDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    seller_name: Annotated[str, Form(max_length=200)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    values = {"email": email, "seller_name": seller_name, "name": name}
    try:
        user, seller = await service.register(
            db, email=email, password=password, seller_name=seller_name, name=name
        )
    except (ValidationFailed, Conflict) as exc:
        return render(
            request, "register.html", {"values": values, "errors": field_errors(exc)}, status=422
        )
    issued = await service.start_session(
        db,
        user,
        seller_id=seller.id,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    response = RedirectResponse("/onboarding", status_code=303)
    set_session_cookie(response, issued.token, runtime.settings)
    return response


@router.post("/logout")
async def logout(principal: MaybePrincipal, db: DbSession, runtime: RuntimeDep) -> Response:
    if principal is not None and principal.session is not None:
        await service.end_session(db, principal.session)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, runtime.settings)
    return response


@router.post("/switch-seller")
async def switch_seller(
    request: Request,
    principal: CurrentPrincipal,
    db: DbSession,
    seller_id: Annotated[int, Form()],
) -> Response:
    allowed = {a.seller_id for a in await sellers_for_user(db, principal.user.id)}
    if seller_id not in allowed or principal.session is None:
        raise NotFound("Продавец не найден")
    principal.session.seller_id = seller_id
    principal.session.last_seen_at = utcnow()  # the next sign-in lands here
    await db.flush()
    return redirect(request, "/inbox")


@router.get("/invitations")
async def invitations_page(
    request: Request, shell: Shell, principal: CurrentPrincipal, db: DbSession
) -> Response:
    rows = await service.pending_invitations(db, principal.user)
    invitations = [{"id": i.id, "seller_name": s.name} for i, s in rows]
    return render(request, "invitations.html", {**shell, "invitations": invitations})


@router.post("/invitations/{invitation_id}/{answer}")
async def answer_invitation(
    request: Request, invitation_id: int, answer: str, principal: CurrentPrincipal, db: DbSession
) -> Response:
    if answer not in {"accept", "decline"}:
        raise NotFound()
    seller = await service.answer_invitation(
        db, principal.user, invitation_id, accept=answer == "accept"
    )
    if answer == "accept" and principal.session is not None:
        principal.session.seller_id = seller.id  # straight into the company just joined
        principal.session.last_seen_at = utcnow()
        await db.flush()
    remaining = await service.pending_invitations(db, principal.user)
    return redirect(request, "/invitations" if remaining else "/inbox")
