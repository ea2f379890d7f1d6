"""The session cookie: HttpOnly, SameSite=Lax, Secure outside dev."""

from __future__ import annotations

from starlette.responses import Response

from agentiq.auth.service import SESSION_LIFETIME
from agentiq.config import Settings
from agentiq.deps import SESSION_COOKIE
from agentiq.kit.crypto import new_token
from agentiq.kit.middleware import CSRF_COOKIE


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


def rotate_csrf_cookie(response: Response, settings: Settings) -> None:
    """A new CSRF token at sign-in: one planted in the browser before (a shared computer,
    a cookie set by a sibling subdomain) is worthless afterwards. The next page carries
    the new value in its forms and htmx headers."""
    response.set_cookie(
        CSRF_COOKIE, new_token(24), samesite="lax", secure=settings.cookie_secure, path="/"
    )
