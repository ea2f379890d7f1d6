"""The item pane's thread actions: judge a suggested link, «Перевести в чат».

Forms that work without JavaScript (post, then back to the item) and re-render the pane in
place under htmx, like the inbox's other item actions.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from agentiq.deps import CurrentPrincipal, DbSession, RuntimeDep
from agentiq.kit.errors import ValidationFailed
from agentiq.linking import escalations
from agentiq.linking import service as linking
from agentiq.replies import service as replies
from agentiq.web.routes.common import Shell
from agentiq.web.routes.inbox_pages import after_action

router = APIRouter(prefix="/inbox", include_in_schema=False)
VERDICTS = {"confirm": "confirmed", "reject": "rejected"}


@router.post("/{interaction_id}/links/{link_id}/{verdict}")
async def judge_link(
    request: Request,
    interaction_id: int,
    link_id: int,
    verdict: str,
    shell: Shell,
    db: DbSession,
    principal: CurrentPrincipal,
) -> Response:
    if verdict not in VERDICTS:
        raise ValidationFailed("Неизвестное решение по связи")
    await linking.get_item(db, principal.seller_id, interaction_id)  # 404 first
    await linking.judge_link(
        db, principal.seller_id, link_id, VERDICTS[verdict], user_id=principal.user.id
    )
    return await after_action(request, shell, db, principal, interaction_id)


@router.post("/{interaction_id}/escalation/open")
async def escalate(
    request: Request,
    interaction_id: int,
    shell: Shell,
    db: DbSession,
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    text: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """«Перевести в чат»: publish the invitation (public guardrails apply) and wait."""
    item = await linking.get_item(db, principal.seller_id, interaction_id)
    if not escalations.can_escalate(item):
        raise ValidationFailed("Перевести в чат можно негативный отзыв (1–3★) или вопрос")
    if item.status == "open":
        await replies.submit_reply(
            db,
            runtime,
            principal.seller_id,
            item.id,
            text.strip() or escalations.INVITATION,
            user_id=principal.user.id,
        )
    await escalations.open_escalation(db, principal.seller_id, item, user_id=principal.user.id)
    return await after_action(request, shell, db, principal, interaction_id)
