"""Settings → SLA: which messages wait for an answer, and how soon each must be answered.

Everyone in the company sees the page; only the owner may save (OwnerPrincipal on POST).
Two forms: the needs-response switches (`/settings/sla/needs-response`) and the SLA table.
The table has one row per default rule (`DEFAULT_SLA_RULES`). Saving stores the whole table
as the seller's rules — or nothing when it equals the defaults — so what the page shows is
what applies: a seller rule beats every default, so storing only the changed rows could let a
broad row override narrower defaults the page still shows. Rules the table has no row for
(set through the API) are kept as they are and listed below the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from agentiq.deps import DbSession, OwnerPrincipal, RuntimeDep
from agentiq.kit.errors import ValidationFailed
from agentiq.labels import CHANNELS_PLURAL, CHAT_TOPICS, QUESTION_INTENTS
from agentiq.settings.service import load_ai_settings
from agentiq.triage.schemas import TriageSettings, TriageSettingsUpdate
from agentiq.triage.service import (
    SILENT_RATINGS_MESSAGE,
    SlaRulesChange,
    TriageSettingsChange,
    effective_sla_rules,
    load_triage_settings,
    replace_sla_rules,
    update_triage_settings,
)
from agentiq.triage.sla import (
    DEFAULT_SLA_RULES,
    MAX_SLA_MINUTES,
    SlaRule,
    SlaRuleKey,
    resolve_sla_target,
)
from agentiq.web.formatting import plural
from agentiq.web.routes.common import Shell, field_errors
from agentiq.web.templating import redirect, render

router = APIRouter(prefix="/settings", include_in_schema=False)

# Rows of the table, in the order a seller reads them: (default rule key, field key, label).
ROW_ORDER: tuple[tuple[SlaRuleKey, str, str], ...] = (
    (("review", None, 1, 2), "review-1-2", "Отзывы 1–2★"),
    (("review", None, 3, 3), "review-3", "Отзывы 3★"),
    (("review", None, 4, 5), "review-4-5", "Отзывы 4–5★"),
    (("review", None, None, None), "review-other", "Отзывы без оценки"),
    (("question", "size_fit", None, None), "question-size_fit", "Вопросы: размер и посадка"),
    (
        ("question", "availability_delivery", None, None),
        "question-availability_delivery",
        "Вопросы: наличие и доставка",
    ),
    (
        ("question", "compatibility_specs", None, None),
        "question-compatibility_specs",
        "Вопросы: совместимость и характеристики",
    ),
    (
        ("question", "materials_care", None, None),
        "question-materials_care",
        "Вопросы: материалы и уход",
    ),
    (
        ("question", "pre_purchase_other", None, None),
        "question-pre_purchase_other",
        "Вопросы: другое перед покупкой",
    ),
    (("question", None, None, None), "question-other", "Вопросы: остальные"),
    (("chat", None, None, None), "chat-other", "Чаты"),
    (("chat", "thanks", None, None), "chat-thanks", "Чаты: благодарность"),
)
MAX_HOURS = MAX_SLA_MINUTES // 60
MESSAGES = {
    "number": "Введите целое число часов и минут",
    "negative": "Срок не может быть отрицательным",
    "minutes": "Минуты — от 0 до 59",
    "zero": "Срок должен быть больше нуля",
    "too_long": f"Не больше {MAX_HOURS // 24} дней ({MAX_HOURS} ч)",
}


@dataclass(frozen=True)
class SlaRow:
    key: str  # form field prefix and error id
    label: str
    default: SlaRule  # the default rule this row overrides

    def rule(self, minutes: int) -> SlaRule:
        return self.default.model_copy(update={"minutes": minutes})


def rule_label(rule: SlaRule) -> str:
    """«Отзывы 2–3★», «Вопросы: размер и посадка», «Чаты: жалоба»."""
    title = CHANNELS_PLURAL.get(rule.channel, rule.channel)
    if rule.intent is not None:
        names = QUESTION_INTENTS if rule.channel == "question" else CHAT_TOPICS
        title = f"{title}: {names.get(rule.intent, 'другое')}"
    if rule.has_rating_range:
        low, high = rule.rating_min or 1, rule.rating_max or 5
        title = f"{title} {low}★" if low == high else f"{title} {low}–{high}★"
    return title


def _rows() -> tuple[SlaRow, ...]:
    defaults = {rule.key: rule for rule in DEFAULT_SLA_RULES}
    rows = [SlaRow(key, label, defaults[rule_key]) for rule_key, key, label in ROW_ORDER]
    # A default added later still gets a row, with a generic label, until it is named above.
    known = {rule_key for rule_key, _, _ in ROW_ORDER}
    for rule in DEFAULT_SLA_RULES:
        if rule.key not in known:
            suffix = "-".join(str(part) for part in rule.key if part is not None)
            rows.append(SlaRow(f"rule-{suffix}", rule_label(rule), rule))
    return tuple(rows)


ROWS = _rows()
ROW_KEYS = {row.default.key for row in ROWS}


def hours_text(minutes: int) -> str:
    """«4 ч», «1 ч 30 мин», «45 мин», «24 ч» (no days: the inputs are hours and minutes)."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} ч {rest} мин"
    return f"{hours} ч" if hours else f"{rest} мин"


def current_minutes(row: SlaRow, own: list[SlaRule]) -> int:
    """What applies to the row's messages now: the seller's rule for it, or what their other
    rules resolve to (rules from the API need not match the table), or the default."""
    if not own:
        return row.default.minutes
    exact = next((rule for rule in own if rule.key == row.default.key), None)
    if exact is not None:
        return exact.minutes
    rule = row.default
    target = resolve_sla_target(
        rule.channel, intent=rule.intent, rating=rule.rating_min, seller_rules=own
    )
    return target.minutes


def parse_minutes(hours_raw: str, minutes_raw: str) -> tuple[int | None, str | None]:
    """(total minutes, None) or (None, the Russian message for the row)."""
    try:
        hours = int(hours_raw.strip() or "0") if len(hours_raw) <= 9 else None
        minutes = int(minutes_raw.strip() or "0") if len(minutes_raw) <= 9 else None
    except ValueError:
        return None, MESSAGES["number"]
    if hours is None or minutes is None:
        return None, MESSAGES["too_long"]
    if hours < 0 or minutes < 0:
        return None, MESSAGES["negative"]
    if minutes > 59:
        return None, MESSAGES["minutes"]
    total = hours * 60 + minutes
    if total <= 0:
        return None, MESSAGES["zero"]
    if total > MAX_SLA_MINUTES:
        return None, MESSAGES["too_long"]
    return total, None


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def saved_notice(params: Any) -> str | None:
    """The message after a save, from the counts the POST put in the redirect."""
    kind = params.get("saved")
    if kind not in ("rules", "defaults"):
        return None

    def count(name: str) -> int:
        value = params.get(name, "")
        return int(value) if value.isdigit() and len(value) < 10 else 0

    moved, overdue, undone = count("moved"), count("overdue"), count("undone")
    head = "Восстановлены стандартные сроки." if kind == "defaults" else "Сохранено."
    if moved:
        items = plural(moved, "открытого сообщения", "открытых сообщений", "открытых сообщений")
        parts = [f"{head} Новый срок ответа — у {moved} {items}."]
    else:
        parts = [f"{head} Сроки открытых сообщений не изменились."]
    if overdue:
        parts.append(f"Уже просрочено и поднято в приоритете: {overdue}.")
    if undone:
        parts.append(f"Эскалация снята (новый срок ещё не наступил): {undone}.")
    return " ".join(parts)


async def _page(
    request: Request,
    shell: Shell,
    db: DbSession,
    runtime: RuntimeDep,
    *,
    typed: dict[str, tuple[str, str]] | None = None,
    errors: dict[str, str] | None = None,
    triage_typed: dict[str, Any] | None = None,
    triage_errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    seller_id = shell["principal"].seller_id
    rules, own = await effective_sla_rules(db, seller_id)
    own_rules = rules if own else []
    table = []
    for row in ROWS:
        minutes = current_minutes(row, own_rules)
        hours_value, minutes_value = (typed or {}).get(
            row.key, (str(minutes // 60), str(minutes % 60))
        )
        table.append(
            {
                "key": row.key,
                "label": row.label,
                "channel": row.default.channel,
                "hours": hours_value,
                "minutes": minutes_value,
                "default_text": hours_text(row.default.minutes),
                "changed": minutes != row.default.minutes,
            }
        )
    groups = [
        {"title": title, "rows": [r for r in table if r["channel"] == channel]}
        for channel, title in CHANNELS_PLURAL.items()
    ]
    extras = [
        {"label": rule_label(rule), "text": hours_text(rule.minutes)}
        for rule in own_rules
        if rule.key not in ROW_KEYS
    ]
    context = {
        **shell,
        "section": "sla",
        "groups": [g for g in groups if g["rows"]],
        "extras": extras,
        "any_changed": any(row["changed"] for row in table),
        "is_default": not own,
        "max_hours": MAX_HOURS,
        "errors": errors or {},
        "notice": saved_notice(request.query_params),
        **await _needs_response_context(db, runtime, seller_id, triage_typed),
        "triage_errors": triage_errors or {},
        "triage_notice": triage_saved_notice(request.query_params),
    }
    return render(request, "settings_sla.html", context, status=status)


@router.get("/sla")
async def sla_settings(
    request: Request, shell: Shell, db: DbSession, runtime: RuntimeDep
) -> Response:
    return await _page(request, shell, db, runtime)


@router.post("/sla")
async def save_sla_settings(
    request: Request,
    shell: Shell,
    principal: OwnerPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
) -> Response:
    form = await request.form()
    seller_id = principal.seller_id
    if form.get("reset") == "true":
        change = await replace_sla_rules(db, seller_id, [], runtime=runtime)
        return redirect(request, _saved_url("defaults", change))
    typed: dict[str, tuple[str, str]] = {}
    errors: dict[str, str] = {}
    values: dict[str, int] = {}
    for row in ROWS:
        hours_raw, minutes_raw = _text(form, f"{row.key}-hours"), _text(form, f"{row.key}-minutes")
        typed[row.key] = (hours_raw, minutes_raw)
        minutes, error = parse_minutes(hours_raw, minutes_raw)
        if error is not None:
            errors[row.key] = error
        elif minutes is not None:
            values[row.key] = minutes
    if errors:
        return await _page(request, shell, db, runtime, typed=typed, errors=errors, status=422)
    rules, own = await effective_sla_rules(db, seller_id)
    extras = [rule for rule in rules if own and rule.key not in ROW_KEYS]
    if not extras and all(values[row.key] == row.default.minutes for row in ROWS):
        new_rules: list[SlaRule] = []  # the defaults, so later default changes apply too
    else:
        new_rules = [row.rule(values[row.key]) for row in ROWS] + extras
    change = await replace_sla_rules(db, seller_id, new_rules, runtime=runtime)
    return redirect(request, _saved_url("rules", change))


def _saved_url(kind: str, change: SlaRulesChange) -> str:
    return (
        f"/settings/sla?saved={kind}&moved={change.rescheduled}"
        f"&overdue={change.escalated}&undone={change.deescalated}"
    )


# --- which messages wait for an answer (the triage switches) -----------------------------

RATING_CHOICES = (1, 2, 3, 4, 5)


def stars_text(ratings: Any) -> str:
    """«5★», «4–5★», «1★, 3★ и 5★»; "" for none (values outside 1..5 are left out)."""
    values = sorted({int(r) for r in ratings if int(r) in RATING_CHOICES})
    if not values:
        return ""
    if len(values) > 1 and values == list(range(values[0], values[-1] + 1)):
        return f"{values[0]}–{values[-1]}★"
    stars = [f"{r}★" for r in values]
    return stars[0] if len(stars) == 1 else f"{', '.join(stars[:-1])} и {stars[-1]}"


def _switches_view(settings: TriageSettings) -> dict[str, Any]:
    return {
        "reply_to_empty_top_reviews": settings.reply_to_empty_top_reviews,
        "empty_review_silent_ratings": sorted(settings.empty_review_silent_ratings),
        "reply_to_chat_thanks": settings.reply_to_chat_thanks,
        "llm_intent_fallback": settings.llm_intent_fallback,
    }


async def _needs_response_context(
    db: DbSession, runtime: RuntimeDep, seller_id: int, typed: dict[str, Any] | None
) -> dict[str, Any]:
    switches = typed or _switches_view(await load_triage_settings(db, seller_id))
    ai = (await load_ai_settings(db, runtime, seller_id)).view
    # Why the LLM fallback could not run now (None: it can).
    if not ai.has_key:
        llm_missing: str | None = "ключ языковой модели не задан"
    elif not ai.enabled:
        llm_missing = "языковая модель выключена"
    else:
        llm_missing = None
    return {
        "switches": switches,
        "silent_stars": stars_text(switches["empty_review_silent_ratings"]),
        "rating_choices": RATING_CHOICES,
        "llm_missing": llm_missing,
    }


def switches_from_form(form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """(the switches as typed, per-field errors); unchecked boxes are absent: «off»."""
    ratings: list[int] = []
    errors: dict[str, str] = {}
    for raw in form.getlist("empty_review_silent_ratings"):
        value = raw.strip() if isinstance(raw, str) else ""
        if value.isdigit() and len(value) < 3:
            ratings.append(int(value))
        else:
            errors["empty_review_silent_ratings"] = SILENT_RATINGS_MESSAGE
    switches = {
        "reply_to_empty_top_reviews": form.get("reply_to_empty_top_reviews") == "true",
        "empty_review_silent_ratings": sorted(set(ratings)),
        "reply_to_chat_thanks": form.get("reply_to_chat_thanks") == "true",
        "llm_intent_fallback": form.get("llm_intent_fallback") == "true",
    }
    return switches, errors


def triage_saved_notice(params: Any) -> str | None:
    """The message after the switches are saved, from the counts the POST put in the URL."""
    if params.get("saved") != "triage":
        return None

    def count(name: str) -> int:
        value = params.get(name, "")
        return int(value) if value.isdigit() and len(value) < 10 else 0

    waiting, quiet, overdue = count("waiting"), count("quiet"), count("overdue")

    def items(n: int) -> str:
        noun = plural(n, "открытое сообщение", "открытых сообщения", "открытых сообщений")
        return f"{n} {noun}"

    if waiting and quiet:
        text = (
            f"Сохранено. В «Без ответа» добавлено {items(waiting)}, "
            f"убрано {items(quiet)}, которым ответ больше не нужен."
        )
    elif waiting:
        text = f"Сохранено. В «Без ответа» добавлено {items(waiting)}."
    elif quiet:
        text = f"Сохранено. Из «Без ответа» убрано {items(quiet)}, которым ответ больше не нужен."
    else:
        text = "Сохранено. Открытые сообщения не изменились."
    if overdue:
        text += f" Уже просрочено и поднято в приоритете: {overdue}."
    return text


@router.get("/sla/needs-response")
async def needs_response_section(request: Request, shell: Shell) -> Response:
    """A reload of the page a refused save rendered at the form's address."""
    return redirect(request, "/settings/sla#needs-response")


@router.post("/sla/needs-response")
async def save_needs_response(
    request: Request,
    shell: Shell,
    principal: OwnerPrincipal,
    db: DbSession,
    runtime: RuntimeDep,
) -> Response:
    form = await request.form()
    switches, errors = switches_from_form(form)
    if not errors:
        try:
            change = await update_triage_settings(
                db, principal.seller_id, TriageSettingsUpdate(**switches), runtime=runtime
            )
        except ValidationFailed as exc:
            errors = field_errors(exc)
        else:
            return redirect(request, _triage_saved_url(change))
    return await _page(
        request, shell, db, runtime, triage_typed=switches, triage_errors=errors, status=422
    )


def _triage_saved_url(change: TriageSettingsChange) -> str:
    return (
        f"/settings/sla?saved=triage&waiting={change.now_waiting}"
        f"&quiet={change.no_longer_waiting}&overdue={change.escalated}#needs-response"
    )
