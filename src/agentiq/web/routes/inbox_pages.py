"""The inbox (being built): the home page after sign-in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from agentiq.web.routes.common import Shell
from agentiq.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/inbox")
async def inbox(request: Request, shell: Shell) -> Response:
    return render(request, "inbox.html", {**shell})
