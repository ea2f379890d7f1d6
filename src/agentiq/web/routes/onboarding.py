"""After registration: connect a WB cabinet by token, or skip to the demo data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from agentiq.cabinets import service as cabinet_service
from agentiq.cabinets.repository import CabinetRepository
from agentiq.deps import DbSession, OwnerPrincipal, RuntimeDep
from agentiq.ingestion.demo import start_demo as start_demo_cabinet
from agentiq.ingestion.tasks import request_sync
from agentiq.kit.errors import ServiceUnavailable, ValidationFailed
from agentiq.models import Seller
from agentiq.web.routes.common import Shell, field_errors
from agentiq.web.templating import redirect, render

router = APIRouter(prefix="/onboarding", include_in_schema=False)


async def demo_data_for_demo_seller(db: Any, runtime: Any, seller_id: int | None) -> None:
    """The demo owner (`agentiq demo-owner`) opens onto demo data, not an empty account:
    a demo seller without any cabinet gets its demo cabinet at sign-in."""
    if seller_id is None:
        return
    seller = await db.get(Seller, seller_id)
    if seller is None or not seller.is_demo:
        return
    if await CabinetRepository(db, seller_id).all():
        return
    try:
        await start_demo_cabinet(db, runtime, seller_id)
    except ServiceUnavailable:  # emulator off on this server: Главная shows the first step
        return


@router.get("")
async def onboarding(request: Request, shell: Shell) -> Response:
    context = {**shell, "values": {}, "errors": {}}
    return render(request, "onboarding.html", context)


@router.post("/connect")
async def connect(
    request: Request,
    shell: Shell,
    principal: OwnerPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
    token: Annotated[str, Form(max_length=4000)] = "",
    name: Annotated[str, Form(max_length=200)] = "Wildberries",
    accept_missing_access: Annotated[bool, Form()] = False,
) -> Response:
    try:
        cabinet = await cabinet_service.add_cabinet(
            db,
            runtime.secrets,
            principal.seller_id,
            name=name or "Wildberries",
            token=token,
            accept_missing_access=accept_missing_access,
        )
    except ValidationFailed as exc:
        context = {
            **shell,
            "values": {"name": name},
            "errors": field_errors(exc),
            "lacks_access": isinstance(exc, cabinet_service.TokenLacksAccess),
        }
        return render(request, "onboarding.html", context, status=422)
    await request_sync(db, runtime, principal.seller_id, cabinet.id)
    return redirect(request, "/inbox")


@router.post("/demo")
async def start_demo(
    request: Request, principal: OwnerPrincipal, db: DbSession, runtime: RuntimeDep
) -> Response:
    await start_demo_cabinet(db, runtime, principal.seller_id)
    return redirect(request, "/inbox")
