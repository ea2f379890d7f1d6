"""The operator UI's routes: one router per area, combined here for create_app."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from agentiq.web.routes import (
    ai_settings_pages,
    alerts_pages,
    analytics_pages,
    appeals_pages,
    auth_pages,
    autonomy_pages,
    inbox_pages,
    linking_pages,
    onboarding,
    profile_pages,
    promo_pages,
    settings_pages,
    sla_settings_pages,
)
from agentiq.web.routes.errors import render_error

router = APIRouter(include_in_schema=False)
for area in (
    auth_pages,
    onboarding,
    profile_pages,
    settings_pages,
    ai_settings_pages,
    sla_settings_pages,
    linking_pages,
    inbox_pages,
    analytics_pages,
    appeals_pages,
    alerts_pages,
    promo_pages,
    autonomy_pages,
):
    router.include_router(area.router)


def install(app: FastAPI) -> None:
    """Called by create_app after including `router`: errors render inside our layout."""
    app.state.render_error = render_error
