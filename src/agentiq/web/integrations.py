"""Bridges to modules that land later (drafts, sending): found by name, never required.

The item pane posts to the JSON endpoints `/api/interactions/{id}/ai-draft` and `/reply`
with JavaScript; these helpers serve the plain-form fallback when those services exist.
"""

from __future__ import annotations

import inspect
from typing import Any

from agentiq.kit.errors import ServiceUnavailable
from agentiq.web.routes.common import optional_module

DRAFT_FUNCTIONS = ("generate_for_interaction", "create_draft", "request_draft", "draft_for")
REPLY_FUNCTIONS = ("send_reply", "submit_reply", "approve_reply", "create_reply")


def _find(module_name: str, names: tuple[str, ...]) -> Any:
    module = optional_module(module_name)
    for name in names:
        if hasattr(module, name):
            return getattr(module, name)
    return None


def drafting_available() -> bool:
    return optional_module("agentiq.drafting.endpoints") is not None


def replies_available() -> bool:
    return optional_module("agentiq.replies.endpoints") is not None


async def _call(fn: Any, **kwargs: Any) -> Any:
    accepted = inspect.signature(fn).parameters
    result = fn(**{k: v for k, v in kwargs.items() if k in accepted})
    return await result if inspect.isawaitable(result) else result


async def request_draft(db: Any, runtime: Any, principal: Any, interaction_id: int) -> Any:
    fn = _find("agentiq.drafting.service", DRAFT_FUNCTIONS)
    if fn is None:
        raise ServiceUnavailable("Черновики ответов пока недоступны")
    return await _call(
        fn,
        session=db,
        runtime=runtime,
        seller_id=principal.seller_id,
        interaction_id=interaction_id,
        actor_user_id=principal.user.id,
        user_id=principal.user.id,
    )


async def send_reply(db: Any, runtime: Any, principal: Any, interaction_id: int, text: str) -> Any:
    fn = _find("agentiq.replies.service", REPLY_FUNCTIONS)
    if fn is None:
        raise ServiceUnavailable("Отправка ответов пока недоступна")
    return await _call(
        fn,
        session=db,
        runtime=runtime,
        seller_id=principal.seller_id,
        interaction_id=interaction_id,
        text=text,
        actor_user_id=principal.user.id,
        user_id=principal.user.id,
    )
