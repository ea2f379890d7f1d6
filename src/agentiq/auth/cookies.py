"""The session cookie: HttpOnly, SameSite=Lax, Secure outside dev."""

from __future__ import annotations

from starlette.responses import Response

from agentiq.auth.service import SESSION_LIFETIME
from agentiq.config import Settings
from agentiq.deps import SESSION_COOKIE


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=settings.cookie_secure, path="/"
    )
