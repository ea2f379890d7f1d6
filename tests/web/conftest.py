"""Helpers for UI route tests: sign up through the real form, post forms like a browser."""

from __future__ import annotations

import httpx

from tests.conftest import CSRF


def form(**fields: object) -> dict[str, object]:
    """A plain HTML form post: the CSRF token travels as a field, not a header."""
    return {"csrf_token": CSRF, **fields}


async def signed_in(client: httpx.AsyncClient, email: str, seller: str = "Магазин") -> None:
    """Register through the /register form; the client keeps the session cookie."""
    response = await client.post(
        "/register", data=form(email=email, password="password-123", seller_name=seller)
    )
    assert response.status_code == 303, response.text


__all__ = ["form", "signed_in"]
