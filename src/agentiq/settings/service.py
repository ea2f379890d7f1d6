"""Read and change a seller's AI, auto-answer and reply-window settings.

Stored in `runtime_settings` so they change without a restart; env settings (AGENTIQ_LLM_*)
are the defaults for anything the seller has not set. The LLM key lives only encrypted in
`value_encrypted` and is never returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from agentiq.drafting.context import Address, SellerAISettings, Tone
from agentiq.drafting.llm import LLMConfig
from agentiq.kit.errors import ValidationFailed
from agentiq.kit.ssrf import check_public_url
from agentiq.runtime import Runtime
from agentiq.settings.repository import RuntimeSettingRepository
from agentiq.settings.schemas import (
    DEFAULT_PENDING_MINUTES,
    AISettingsIn,
    AISettingsOut,
    AutoAnswerSettings,
)

AI_NAMESPACE, AI_KEY = "ai", "assistant"
REPLIES_NAMESPACE, AUTO_ANSWER_KEY = "replies", "auto_answer"


@dataclass(frozen=True)
class ResolvedAISettings:
    """Everything a draft or a reply needs from the seller's AI settings, defaults applied."""

    view: AISettingsOut
    api_key: str | None
    # The seller's base URL is the environment's own (trusted, may use the environment key).
    uses_environment_url: bool = True

    @property
    def drafting(self) -> SellerAISettings:
        v = self.view
        return SellerAISettings(
            tone=cast(Tone, v.tone),
            address=cast(Address, v.address),
            signature=v.signature or None,
            avoid_topics=tuple(v.avoid_topics),
            competitors=tuple(v.competitors),
        )

    def llm_config(self, runtime: Runtime) -> LLMConfig | None:
        """None when the seller turned the LLM off or no key is known: use the built-in drafter."""
        if not self.view.enabled or not self.api_key:
            return None
        return LLMConfig(
            base_url=self.view.base_url,
            model=self.view.model,
            api_key=self.api_key,
            timeout_s=runtime.settings.llm_timeout_s,
            public_only=not self.uses_environment_url,
            allowed_hosts=runtime.settings.llm_allowed_host_set,
        )


async def load_ai_settings(
    session: AsyncSession, runtime: Runtime, seller_id: int
) -> ResolvedAISettings:
    row = await RuntimeSettingRepository(session, seller_id).entry(AI_NAMESPACE, AI_KEY)
    stored: dict[str, Any] = dict(row.value) if row is not None else {}
    env = runtime.settings
    base_url = str(stored.get("base_url", env.llm_base_url))
    uses_environment_url = same_endpoint(base_url, env.llm_base_url)
    api_key: str | None = None
    if row is not None and row.value_encrypted:
        api_key = runtime.secrets.decrypt(row.value_encrypted)
    elif not stored.get("key_removed") and uses_environment_url:
        # The deployment's key goes only to the deployment's URL, never to one a seller typed.
        api_key = env.llm_api_key
    view = AISettingsOut(
        # The LLM is on by default only when the environment provides a key.
        enabled=bool(stored.get("enabled", env.llm_api_key is not None)),
        provider=str(stored.get("provider", "deepseek")),
        base_url=base_url,
        model=str(stored.get("model", env.llm_model)),
        has_key=bool(api_key),
        tone=stored.get("tone", "friendly"),
        address=stored.get("address", "Вы"),
        signature=stored.get("signature"),
        avoid_topics=list(stored.get("avoid_topics", [])),
        competitors=list(stored.get("competitors", [])),
        reply_pending_minutes=int(stored.get("reply_pending_minutes", DEFAULT_PENDING_MINUTES)),
    )
    return ResolvedAISettings(view=view, api_key=api_key, uses_environment_url=uses_environment_url)


def same_endpoint(a: str, b: str) -> bool:
    """Two base URLs name the same endpoint (case of scheme and host, trailing slash aside)."""

    def canonical(url: str) -> tuple[str, str, int | None, str]:
        parts = urlsplit(url.strip())
        try:
            port = parts.port
        except ValueError:
            port = -1
        default = {"https": 443, "http": 80}.get(parts.scheme.lower())
        return (
            parts.scheme.lower(),
            (parts.hostname or "").rstrip("."),
            port if port != default else None,
            parts.path.rstrip("/"),
        )

    return canonical(a) == canonical(b) and not urlsplit(a.strip()).username


OWN_KEY_MESSAGE = (
    "Для своего адреса модели укажите свой ключ API: ключ AgentIQ отправляется только "
    "на адрес по умолчанию"
)


KEY_FORMAT_MESSAGE = (
    "Ключ API состоит из латинских букв, цифр и знаков, без пробелов и русских букв: "
    "скопируйте его из кабинета провайдера ещё раз"
)


def check_api_key_format(key: str) -> None:
    """A key goes into an HTTP header: printable ASCII without spaces, or it is not a key
    (a Cyrillic look-alike, a pasted sentence) and every LLM call would fail later."""
    if key and not all("!" <= ch <= "~" for ch in key):
        raise ValidationFailed(KEY_FORMAT_MESSAGE, details={"api_key": KEY_FORMAT_MESSAGE})


async def update_ai_settings(
    session: AsyncSession, runtime: Runtime, seller_id: int, changes: AISettingsIn
) -> AISettingsOut:
    row = await RuntimeSettingRepository(session, seller_id).entry_or_new(AI_NAMESPACE, AI_KEY)
    value = dict(row.value or {})
    fields = changes.model_dump(exclude_unset=True)
    api_key = fields.pop("api_key", None)
    if api_key is not None:
        check_api_key_format(api_key.strip())
    env = runtime.settings
    if fields.get("base_url") is not None:
        fields["base_url"] = fields["base_url"].strip()
    base_url = str(fields.get("base_url") or value.get("base_url") or env.llm_base_url)
    changed = not same_endpoint(base_url, str(value.get("base_url") or env.llm_base_url))
    if changed and not same_endpoint(base_url, env.llm_base_url):
        await check_public_url(base_url, allowed_hosts=env.llm_allowed_host_set)
        # A new address of the seller's own needs a key of their own (the deployment's key
        # is never sent there, so without one the assistant would silently stop working).
        has_own_key = bool(api_key.strip()) if api_key is not None else bool(row.value_encrypted)
        if not has_own_key:
            raise ValidationFailed(OWN_KEY_MESSAGE, details={"api_key": OWN_KEY_MESSAGE})
    for name in ("avoid_topics", "competitors"):
        if name in fields and fields[name] is not None:
            fields[name] = [t.strip()[:100] for t in fields[name] if t.strip()]
    value.update({k: v for k, v in fields.items() if v is not None or k in _NULLABLE})
    if api_key is not None:
        key = api_key.strip()
        row.value_encrypted = runtime.secrets.encrypt(key) if key else None
        # An explicit removal must not fall back to the environment's key.
        value["key_removed"] = not key
    row.value = value  # a new dict so the JSON column is marked dirty
    await session.flush()
    return (await load_ai_settings(session, runtime, seller_id)).view


_NULLABLE = {"signature"}


async def load_auto_answer(session: AsyncSession, seller_id: int) -> AutoAnswerSettings:
    row = await RuntimeSettingRepository(session, seller_id).entry(
        REPLIES_NAMESPACE, AUTO_ANSWER_KEY
    )
    return AutoAnswerSettings.model_validate(row.value if row is not None else {})


async def update_auto_answer(
    session: AsyncSession, seller_id: int, settings: AutoAnswerSettings
) -> AutoAnswerSettings:
    if settings.min_delay_s > settings.max_delay_s:
        message = "Минимальная задержка не может быть больше максимальной"
        raise ValidationFailed(message, details={"min_delay_s": message})
    for rule in settings.rules:
        if rule.min_rating > rule.max_rating:
            message = "Минимальная оценка не может быть больше максимальной"
            raise ValidationFailed(message, details={"rules": message})
    row = await RuntimeSettingRepository(session, seller_id).entry_or_new(
        REPLIES_NAMESPACE, AUTO_ANSWER_KEY
    )
    row.value = settings.model_dump()
    await session.flush()
    return settings
