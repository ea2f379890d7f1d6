"""Jinja2 with named blocks: a full page for a plain request, one block for htmx.

An htmx request names the element it will swap (HX-Target); when the page template has a
block with that id (dashes → underscores), only that block is rendered. Everything else gets
the whole page, so every page also works without JavaScript.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2_fragments.fastapi import Jinja2Blocks

from agentiq import labels
from agentiq.web import formatting

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Blocks(directory=TEMPLATES_DIR)
templates.env.filters["ago"] = formatting.ago
templates.env.filters["dt"] = formatting.short_datetime
templates.env.filters["sla"] = formatting.sla_badge
templates.env.filters["preview"] = formatting.preview
templates.env.filters["minutes"] = formatting.minutes_text
templates.env.globals["now"] = datetime.now
templates.env.globals["plural"] = formatting.plural
templates.env.globals["labels"] = {
    "channels": labels.CHANNELS,
    "icons": labels.CHANNEL_ICONS,
    "priorities": labels.PRIORITIES,
    "sources": labels.SOURCES,
}


def is_htmx(request: Request) -> bool:
    return bool(request.headers.get("hx-request")) and not request.headers.get("hx-boosted")


def target_block(request: Request, template: str) -> str | None:
    """The block an htmx request asked for (by its HX-Target id), if the template has it."""
    if not is_htmx(request):
        return None
    target = (request.headers.get("hx-target") or "").replace("-", "_")
    blocks = templates.env.get_template(template).blocks
    return target if target in blocks else None


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    block: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    ctx = {"request": request, "csrf_token": getattr(request.state, "csrf_token", "")}
    ctx.update(context or {})
    block = block or target_block(request, template)
    response: Response
    if block:
        response = templates.TemplateResponse(
            request, template, ctx, status_code=status, block_name=block, headers=headers
        )
    else:
        response = templates.TemplateResponse(
            request, template, ctx, status_code=status, headers=headers
        )
    return response


def redirect(request: Request, url: str) -> HTMLResponse | RedirectResponse:
    """POST-redirect-GET; htmx follows HX-Redirect/HX-Location instead of a 303."""
    if is_htmx(request):
        return HTMLResponse("", headers={"HX-Location": url})
    return RedirectResponse(url, status_code=303)
