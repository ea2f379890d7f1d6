"""Optional LLM fallback for questions the rules call "general".

Off by default (`TriageSettings.llm_intent_fallback`). It must never block ingestion: one
attempt, a 5-second timeout, and any failure (timeout, HTTP error, odd answer) yields None so
the rule-based result stands.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from openai import AsyncOpenAI

from agentiq.kit.ssrf import public_only_client
from agentiq.triage import rules
from agentiq.triage.engine import triage
from agentiq.triage.schemas import DEFAULT_SETTINGS, TriageInput, TriageResult, TriageSettings
from agentiq.triage.sla import SlaRule

log = logging.getLogger(__name__)

PROMPT_VERSION = "intent-v1"
DEFAULT_TIMEOUT_SECONDS = 5.0

SYSTEM_PROMPT = (
    "Ты классифицируешь вопросы покупателей Wildberries о товаре. "
    "Ответь одним кодом без пояснений: "
    "size_fit — размер и посадка; "
    "availability_delivery — наличие, поступление, доставка; "
    "compatibility_specs — совместимость и характеристики; "
    "materials_care — материалы, состав, уход; "
    "pre_purchase_other — другой вопрос перед покупкой (оригинальность, гарантия, цвет, цена); "
    "general — всё остальное."
)

_CODE_RE = re.compile("|".join(sorted(rules.QUESTION_INTENTS, key=len, reverse=True)))


@dataclass(frozen=True)
class LlmIntentConfig:
    """Where to ask; built from the application settings by the caller."""

    base_url: str
    api_key: str
    model: str = "deepseek-chat"
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    # A seller-chosen URL: public addresses only, no redirects (see kit/ssrf.py).
    public_only: bool = False
    allowed_hosts: frozenset[str] = frozenset()


def parse_intent(content: str | None) -> str | None:
    """The first intent code in the model's answer, or None if there is none."""
    if not content:
        return None
    match = _CODE_RE.search(content.strip().lower())
    return match.group(0) if match else None


async def classify_intent_llm(text: str, config: LlmIntentConfig) -> str | None:
    """Ask the model for the question's intent; None on any failure or unusable answer."""
    if not text.strip():
        return None
    client = AsyncOpenAI(
        base_url=config.base_url,
        api_key=config.api_key,
        timeout=config.timeout,
        max_retries=0,
        http_client=(
            public_only_client(timeout=config.timeout, allowed_hosts=config.allowed_hosts)
            if config.public_only
            else None
        ),
    )
    try:
        # The outer bound also covers slow DNS/connect phases the SDK timeout may not.
        async with asyncio.timeout(config.timeout + 0.5):
            completion = await client.chat.completions.create(
                model=config.model,
                messages=[
                    {"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": text[:2000]},
                ],
                temperature=0,
                max_tokens=10,
            )
        if not completion.choices:
            log.warning("llm intent fallback: empty choices")
            return None
        return parse_intent(completion.choices[0].message.content)
    except Exception as exc:  # the fallback is best-effort by design: rules already answered
        log.warning("llm intent fallback failed: %s: %s", type(exc).__name__, exc)
        return None
    finally:
        await client.close()


async def triage_with_llm_fallback(
    item: TriageInput,
    *,
    config: LlmIntentConfig | None,
    settings: TriageSettings = DEFAULT_SETTINGS,
    sla_rules: Iterable[SlaRule] = (),
) -> TriageResult:
    """`triage()`, then for an unanswered "general" question ask the LLM when enabled."""
    rule_list = tuple(sla_rules)
    result = triage(item, settings=settings, sla_rules=rule_list)
    if (
        config is None
        or not settings.llm_intent_fallback
        or item.channel != "question"
        or result.intent != rules.GENERAL
        or not result.needs_response
    ):
        return result
    intent = await classify_intent_llm(item.text, config)
    if intent is None or intent == rules.GENERAL:
        return result
    return triage(
        item,
        settings=settings,
        sla_rules=rule_list,
        intent_override=intent,
        intent_method="llm",
    )
