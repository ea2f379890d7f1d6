"""Request-edge dependencies: the runtime, the unit of work, who is asking, CSRF.

The database session is committed here, at the edge, before the response is sent
(`scope="function"`), and rolled back on any error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from agentiq.auth.repository import AccountRepository
from agentiq.db import unit_of_work
from agentiq.kit.crypto import constant_time_equal, hash_token
from agentiq.kit.errors import Forbidden, PayloadTooLarge, Unauthorized
from agentiq.kit.middleware import CSRF_COOKIE
from agentiq.kit.time import utcnow
from agentiq.models import User, UserSession
from agentiq.runtime import Runtime
from agentiq.tenancy.service import SellerAccess, access_to_seller

SESSION_COOKIE = "agentiq_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Our largest form (auto-answer rules) has well under 200 fields.
MAX_FORM_FIELDS = 500


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_db(request: Request) -> AsyncIterator[AsyncSession]:
    async with unit_of_work(get_runtime(request).sessionmaker) as session:
        yield session


DbSession = Annotated[AsyncSession, Depends(get_db, scope="function")]


@dataclass
class Principal:
    """The signed-in user acting within one seller."""

    user: User
    access: SellerAccess
    session: UserSession | None  # None when authenticated by an API token

    @property
    def seller_id(self) -> int:
        return self.access.seller_id


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def optional_principal(request: Request, db: DbSession) -> Principal | None:
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    accounts = AccountRepository(db)
    now = utcnow()
    principal: Principal | None = None
    bearer = _bearer(request)
    if bearer and request.url.path.startswith("/api"):
        token = await accounts.live_api_token(hash_token(bearer))
        if token is None:
            raise Unauthorized("Недействительный API-токен", code="bad_token")
        user = await accounts.user_by_id(token.user_id)
        access = await access_to_seller(db, token.user_id, token.seller_id)
        # A token is bound to its seller: losing membership there disables it.
        if user and user.is_active and access and access.seller_id == token.seller_id:
            token.last_used_at = now
            principal = Principal(user=user, access=access, session=None)
        else:
            raise Unauthorized("Недействительный API-токен", code="bad_token")
    elif cookie := request.cookies.get(SESSION_COOKIE):
        row = await accounts.live_session(hash_token(cookie), now)
        if row is not None:
            user = await accounts.user_by_id(row.user_id)
            access = await access_to_seller(db, row.user_id, row.seller_id)
            if user and user.is_active and access:
                if row.seller_id != access.seller_id:
                    row.seller_id = access.seller_id
                principal = Principal(user=user, access=access, session=row)
    request.state.principal = principal
    return principal


async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise Unauthorized()
    return principal


async def require_owner(
    principal: Annotated[Principal, Depends(current_principal)],
) -> Principal:
    if not principal.access.is_owner:
        raise Forbidden("Это действие доступно только владельцу", code="owner_only")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
OwnerPrincipal = Annotated[Principal, Depends(require_owner)]


async def csrf_protect(request: Request) -> None:
    """Refuse cross-site state changes made with the browser's cookies.

    Requests authenticated only by `Authorization: Bearer` carry no ambient credentials and
    are exempt. Everything else must come from our own origin and echo the CSRF cookie in
    the `X-CSRF-Token` header (htmx, fetch) or a `csrf_token` form field (plain forms).
    """
    if request.method in SAFE_METHODS:
        return
    if _bearer(request) and SESSION_COOKIE not in request.cookies:
        return
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise Forbidden("Запрос с другого сайта отклонён", code="csrf")
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            raise Forbidden("Запрос с другого сайта отклонён", code="csrf")
    expected = request.cookies.get(CSRF_COOKIE)
    if not expected:  # refused before anything reads the body
        raise Forbidden("Страница устарела: обновите её и повторите действие", code="csrf")
    provided = request.headers.get(CSRF_HEADER)
    if provided is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await parse_form_limited(request)
        value = form.get("csrf_token")
        provided = value if isinstance(value, str) else None
    if not provided or not constant_time_equal(expected, provided):
        raise Forbidden("Страница устарела: обновите её и повторите действие", code="csrf")


async def parse_form_limited(request: Request) -> FormData:
    """The request's form with a per-field size limit (the body as a whole is limited by
    BodySizeLimitMiddleware before this runs). Starlette caches the parsed form, so a route
    that reads `request.form()` afterwards gets this same, checked one."""
    limit: int = request.app.state.settings.max_field_bytes
    form = await request.form(max_fields=MAX_FORM_FIELDS, max_part_size=limit)
    for value in form.values():
        if isinstance(value, str) and len(value.encode()) > limit:
            raise PayloadTooLarge("Одно из полей слишком длинное", code="field_too_large")
    return form
