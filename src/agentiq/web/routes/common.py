"""What every signed-in page needs: the principal, their sellers, and form helpers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from agentiq.analytics.alerts import AlertRepository
from agentiq.deps import CurrentPrincipal, DbSession, Principal
from agentiq.tenancy.service import sellers_for_user


def safe_next(value: str | None, default: str = "/home") -> str:
    """Only same-site paths: never an absolute URL an attacker could plant in ?next=."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


async def shell_context(
    request: Request, principal: CurrentPrincipal, db: DbSession
) -> dict[str, Any]:
    sellers = await sellers_for_user(db, principal.user.id)
    current = next((s for s in sellers if s.seller_id == principal.seller_id), None)
    return {
        "principal": principal,
        "user": principal.user,
        "sellers": sellers,
        "current_seller": current,
        "is_owner": principal.access.is_owner,
        "path": request.url.path,
        "open_alerts": await AlertRepository(db, principal.seller_id).open_count(),
    }


Shell = Annotated[dict[str, Any], Depends(shell_context)]


def field_errors(exc: Any) -> dict[str, str]:
    """Per-field messages of a ValidationFailed/Conflict, or the message under "form"."""
    details = getattr(exc, "details", None)
    if isinstance(details, dict) and details:
        return {str(k): str(v) for k, v in details.items()}
    return {"form": str(getattr(exc, "message", exc))}


__all__ = ["Principal", "Shell", "field_errors", "safe_next"]
