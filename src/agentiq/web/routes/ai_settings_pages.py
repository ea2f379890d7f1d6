"""Settings → AI-ассистент: the LLM, the reply style, the reply window and auto-answers.

Everyone in the company sees the page; only the owner may save (OwnerPrincipal on POST).
The LLM key is write-only: the page says «ключ сохранён», never shows the key itself.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from agentiq.deps import DbSession, OwnerPrincipal, RuntimeDep
from agentiq.kit.errors import ValidationFailed
from agentiq.labels import CHANNELS_PLURAL
from agentiq.settings import service as ai_service
from agentiq.settings.schemas import (
    MAX_PENDING_MINUTES,
    MIN_PENDING_MINUTES,
    AISettingsIn,
    AutoAnswerRule,
    AutoAnswerSettings,
)
from agentiq.web.routes.common import Shell, field_errors
from agentiq.web.templating import redirect, render

router = APIRouter(prefix="/settings", include_in_schema=False)

TONES = {"friendly": "Дружелюбный", "formal": "Формальный", "neutral": "Нейтральный"}
ADDRESSES = {"Вы": "«Вы» с заглавной", "вы": "«вы»", "ты": "«ты»"}
MAX_RULE_ROWS = 20
# pydantic's messages are English; the seller reads one Russian sentence per field.
FIELD_MESSAGES = {
    "provider": "Не больше 50 символов",
    "base_url": "Адрес не длиннее 300 символов",
    "model": "Название модели не длиннее 100 символов",
    "api_key": "Ключ не длиннее 500 символов",
    "tone": "Выберите тон из списка",
    "address": "Выберите обращение из списка",
    "signature": "Подпись не длиннее 200 символов",
    "avoid_topics": "Не больше 50 тем",
    "competitors": "Не больше 100 названий",
    "reply_pending_minutes": (
        f"Укажите число минут от {MIN_PENDING_MINUTES} до {MAX_PENDING_MINUTES}"
    ),
    "daily_cap": "Укажите число от 0 до 5000",
    "rules": "Проверьте правила: оценки от 1 до 5, не больше 20 правил",
}
SAVED_NOTICES = {"ai": "Сохранено", "auto": "Сохранено"}


def pydantic_errors(exc: ValidationError) -> dict[str, str]:
    """The first location segment of each error is the form field it belongs to."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "form"
        errors.setdefault(field, FIELD_MESSAGES.get(field, "Недопустимое значение"))
    return errors


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def ai_changes_from_form(form: Any) -> dict[str, Any]:
    """The raw AISettingsIn payload; checkboxes absent from a form mean «off»."""
    changes: dict[str, Any] = {
        "enabled": form.get("enabled") == "true",
        "tone": _text(form, "tone"),
        "address": _text(form, "address"),
        "signature": _text(form, "signature") or None,
        "avoid_topics": [line.strip() for line in _text(form, "avoid_topics").splitlines()],
        "competitors": [line.strip() for line in _text(form, "competitors").splitlines()],
        "reply_pending_minutes": _text(form, "reply_pending_minutes"),
    }
    # An empty provider address or model keeps the current one rather than storing "".
    for name in ("base_url", "model"):
        if value := _text(form, name):
            changes[name] = value
    if form.get("remove_key") == "true":
        changes["api_key"] = ""  # the service reads "" as «remove the key»
    elif key := _text(form, "api_key"):
        changes["api_key"] = key  # an empty field keeps the stored key
    return changes


def auto_answer_from_form(form: Any, current: AutoAnswerSettings) -> dict[str, Any]:
    """Rows `rule-N-*`; a row whose channel is empty is dropped. Delays and intents are not
    edited here, so they are carried over from the stored settings."""
    rules: list[dict[str, Any]] = []
    for index in range(MAX_RULE_ROWS + 1):
        channel = _text(form, f"rule-{index}-channel")
        if not channel:
            continue
        kept = current.rules[index] if index < len(current.rules) else None
        rules.append(
            {
                "channel": channel,
                "min_rating": _text(form, f"rule-{index}-min_rating") or 1,
                "max_rating": _text(form, f"rule-{index}-max_rating") or 5,
                "only_without_text": form.get(f"rule-{index}-only_without_text") == "true",
                "intents": list(kept.intents) if kept is not None else [],
            }
        )
    return {
        "enabled": form.get("enabled") == "true",
        "daily_cap": _text(form, "daily_cap") or current.daily_cap,
        "rules": rules,
        "min_delay_s": current.min_delay_s,
        "max_delay_s": current.max_delay_s,
    }


async def _page(
    request: Request,
    shell: Shell,
    db: DbSession,
    runtime: RuntimeDep,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    seller_id = shell["principal"].seller_id
    resolved = await ai_service.load_ai_settings(db, runtime, seller_id)
    auto = await ai_service.load_auto_answer(db, seller_id)
    context = {
        **shell,
        "section": "ai",
        # Only the public view goes to the template: the key itself never leaves the service.
        "ai": resolved.view.model_dump(),
        "auto": auto.model_dump(),
        "tones": TONES,
        "addresses": ADDRESSES,
        "rule_channels": CHANNELS_PLURAL,
        "min_pending": MIN_PENDING_MINUTES,
        "max_pending": MAX_PENDING_MINUTES,
        "ai_errors": {},
        "auto_errors": {},
        "notice": SAVED_NOTICES.get(request.query_params.get("saved", "")),
        **(extra or {}),
    }
    return render(request, "settings_ai.html", context, status=status)


@router.get("/ai")
async def ai_settings(
    request: Request, shell: Shell, db: DbSession, runtime: RuntimeDep
) -> Response:
    return await _page(request, shell, db, runtime)


@router.post("/ai")
async def save_ai_settings(
    request: Request,
    shell: Shell,
    principal: OwnerPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
) -> Response:
    form = await request.form()
    raw = ai_changes_from_form(form)
    try:
        changes = AISettingsIn.model_validate(raw)
        await ai_service.update_ai_settings(db, runtime, principal.seller_id, changes)
    except (ValidationError, ValidationFailed) as exc:
        errors = pydantic_errors(exc) if isinstance(exc, ValidationError) else field_errors(exc)
        # Re-show what was typed (never the key), with the stored has_key for the key field.
        resolved = await ai_service.load_ai_settings(db, runtime, principal.seller_id)
        shown = {**resolved.view.model_dump(), **{k: v for k, v in raw.items() if k != "api_key"}}
        extra = {"ai": shown, "ai_errors": errors}
        return await _page(request, shell, db, runtime, extra, status=422)
    return redirect(request, "/settings/ai?saved=ai")


@router.post("/ai/auto-answer")
async def save_auto_answer(
    request: Request,
    shell: Shell,
    principal: OwnerPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
) -> Response:
    form = await request.form()
    current = await ai_service.load_auto_answer(db, principal.seller_id)
    raw = auto_answer_from_form(form, current)
    try:
        settings = AutoAnswerSettings.model_validate(raw)
        await ai_service.update_auto_answer(db, principal.seller_id, settings)
    except (ValidationError, ValidationFailed) as exc:
        errors = pydantic_errors(exc) if isinstance(exc, ValidationError) else field_errors(exc)
        shown = {**raw, "rules": [_rule_row(rule) for rule in raw["rules"]]}
        extra = {"auto": shown, "auto_errors": errors}
        return await _page(request, shell, db, runtime, extra, status=422)
    return redirect(request, "/settings/ai?saved=auto#auto-answer")


def _rule_row(rule: dict[str, Any]) -> dict[str, Any]:
    """A submitted row as the template shows it, even when a value did not validate."""
    defaults = AutoAnswerRule().model_dump()
    return {**defaults, **rule}
