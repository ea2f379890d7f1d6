"""The one entry point services call: LLM when enabled, the built-in drafter otherwise or on
failure, guardrails on whatever comes out."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace

from agentiq.drafting.builtin import draft_builtin
from agentiq.drafting.context import DraftContext, DraftResult, available_context
from agentiq.drafting.llm import LLMConfig, LLMError, complete
from agentiq.drafting.prompts import PROMPT_VERSION, build_messages
from agentiq.drafting.thread import with_thread
from agentiq.guardrails import Violation, check, has_blocking, label_ru

log = logging.getLogger(__name__)

_MARKDOWN_RE = re.compile(r"\*\*|__|^#+\s*", re.MULTILINE)
_QUOTES = "\"'«»“”"


def clean_llm_text(text: str) -> str:
    """Strip what models add around an answer: wrapping quotes, markdown emphasis, blank runs."""
    text = _MARKDOWN_RE.sub("", text).strip()
    if len(text) > 2 and text[0] in _QUOTES and text[-1] in _QUOTES and text.count(text[0]) == 1:
        text = text[1:-1].strip()
    return re.sub(r"\n{3,}", "\n\n", text)


async def generate_draft(
    ctx: DraftContext, llm: LLMConfig | None, *, variant: int = 0
) -> DraftResult:
    """A draft for `ctx` with guardrail warnings attached.

    `source` says which drafter wrote it; `fallback_reason` says why the LLM was not used
    ("llm_disabled", "llm_unavailable:timeout", "llm_truncated:…", "guardrails:contacts,…").
    """
    started = time.perf_counter()
    if llm is None or not llm.enabled:
        result = with_thread(ctx, draft_builtin(ctx, variant=variant), variant=variant)
        return replace(result, fallback_reason="llm_disabled")

    try:
        completion = await complete(llm, build_messages(ctx, variant=variant))
    except LLMError as error:
        log.warning(
            "LLM draft failed (%s: %s), using the built-in drafter", error.code, error.reason
        )
        notice = Violation(
            "llm_failed", "warning", 0, 0, "", llm_failure_ru(error.code, error.reason)
        )
        return _fallback(ctx, variant, f"{error.code}:{error.reason}", started, notice)

    text = clean_llm_text(completion.text)
    violations = check(
        text,
        ctx.channel,
        recent_public_answers=ctx.recent_answers,
        avoid_topics=ctx.settings.avoid_topics,
        competitors=ctx.settings.competitors,
    )
    if has_blocking(violations):
        blocked = [v for v in violations if v.blocking]
        categories = sorted({v.category for v in blocked})
        log.info("LLM draft blocked by guardrails (%s), using the built-in drafter", categories)
        notice = Violation("llm_replaced", "warning", 0, 0, "", replaced_ru(blocked))
        return _fallback(ctx, variant, "guardrails:" + ",".join(categories), started, notice)

    return DraftResult(
        text=text,
        model=completion.model,
        prompt_version=PROMPT_VERSION,
        latency_ms=completion.latency_ms,
        prompt_tokens=completion.prompt_tokens,
        completion_tokens=completion.completion_tokens,
        context_used=available_context(ctx),
        warnings=violations,
        source="llm",
    )


def _fallback(
    ctx: DraftContext, variant: int, reason: str, started: float, notice: Violation
) -> DraftResult:
    """The built-in draft, with the reason the model's draft is not shown as its first line."""
    result = with_thread(ctx, draft_builtin(ctx, variant=variant), variant=variant)
    elapsed = int((time.perf_counter() - started) * 1000)
    warnings = [notice, *result.warnings]
    return replace(result, fallback_reason=reason, latency_ms=elapsed, warnings=warnings)


def replaced_ru(blocked: list[Violation]) -> str:
    """Why the model's draft was replaced, with what it contained, for the operator."""
    found: dict[str, str] = {}
    for v in blocked:
        fragment = " ".join(v.fragment.split())[:40]
        found.setdefault(label_ru(v.category).lower(), f"«{fragment}»" if fragment else "")
    reasons = "; ".join(f"{label} {fragment}".strip() for label, fragment in found.items())
    return (
        f"Черновик модели не прошёл проверку ({reasons}) — показан черновик встроенного помощника."
    )


_FAILURES_RU = {
    "timeout": "не ответила вовремя",
    "connection_error": "недоступна по сети",
    "http_401": "отклонила ключ API",
    "http_403": "отказала в доступе",
    "http_404": "не нашла модель или адрес",
    "http_429": "упёрлась в лимит запросов",
    "empty_choices": "вернула пустой ответ",
    "empty_content": "вернула пустой ответ",
    "finish_reason_length": "обрезала ответ по длине",
}


def llm_failure_ru(code: str, reason: str) -> str:
    """The seller's model failing, in words, with what to check."""
    what = _FAILURES_RU.get(reason)
    if what is None:
        what = "вернула ошибку сервиса" if reason.startswith("http_5") else f"ошибка ({reason})"
    return (
        f"Модель ИИ {what} — показан черновик встроенного помощника. Проверьте ключ API и "
        "адрес в «Настройки → ИИ»."
    )
