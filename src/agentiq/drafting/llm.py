"""A client for any OpenAI-compatible chat-completions API (DeepSeek by default).

The SDK's own retries are off (`max_retries=0`): we retry here, a bounded number of times with
exponential backoff, only on what may pass (timeouts, connection errors, 429, 5xx), and turn
every failure into one of three typed errors the drafter can fall back on.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import openai
from openai import AsyncOpenAI

from agentiq.kit.errors import ServiceUnavailable
from agentiq.kit.ssrf import public_only_client

DEFAULT_BASE_URL = "https://api.deepseek.com"
DEFAULT_MODEL = "deepseek-chat"
# Never sleep longer than this between attempts, whatever Retry-After says: a draft is
# interactive, and the built-in drafter is a fine answer when the provider is struggling.
_MAX_BACKOFF_S = 5.0


@dataclass(frozen=True)
class LLMConfig:
    base_url: str = DEFAULT_BASE_URL
    model: str = DEFAULT_MODEL
    api_key: str = ""
    timeout_s: float = 20.0
    max_retries: int = 2
    enabled: bool = True
    temperature: float = 0.7
    max_tokens: int = 700
    backoff_s: float = 0.5
    # A seller-chosen base URL is untrusted: connect only to public addresses (or the
    # operator's allow-list), follow no redirects. The environment's own URL is trusted.
    public_only: bool = False
    allowed_hosts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LLMCompletion:
    text: str
    model: str
    prompt_tokens: int | None
    completion_tokens: int | None
    latency_ms: int
    attempts: int


class LLMError(ServiceUnavailable):
    code = "llm_error"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class LLMUnavailable(LLMError):
    """Timeout, connection failure, 429 or 5xx after all retries, or a non-retryable status."""

    code = "llm_unavailable"


class LLMEmptyResponse(LLMError):
    """The provider answered 200 with no choices or an empty message."""

    code = "llm_empty_response"


class LLMTruncated(LLMError):
    """finish_reason=length: the text was cut off and must not be shown as a draft."""

    code = "llm_truncated"


def _retry_after(error: openai.APIStatusError) -> float | None:
    value = error.response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _classify(error: Exception) -> tuple[str, bool, float | None]:
    """(reason, retryable, server-suggested delay) for an SDK exception."""
    if isinstance(error, openai.APITimeoutError):
        return "timeout", True, None
    if isinstance(error, openai.APIConnectionError):
        return "connection_error", True, None
    if isinstance(error, openai.APIStatusError):
        status = error.status_code
        retryable = status == 429 or status >= 500
        return f"http_{status}", retryable, _retry_after(error) if retryable else None
    raise error


async def complete(
    config: LLMConfig,
    messages: list[dict[str, str]],
    *,
    client: AsyncOpenAI | None = None,
) -> LLMCompletion:
    """One chat completion's text, or LLMUnavailable / LLMEmptyResponse / LLMTruncated."""
    own_client = client is None
    api = client or AsyncOpenAI(
        base_url=config.base_url,
        api_key=config.api_key or "not-set",
        timeout=config.timeout_s,
        max_retries=0,
        http_client=(
            public_only_client(timeout=config.timeout_s, allowed_hosts=config.allowed_hosts)
            if config.public_only
            else None
        ),
    )
    started = time.perf_counter()
    attempts = 0
    try:
        while True:
            attempts += 1
            try:
                response = await api.chat.completions.create(
                    model=config.model,
                    messages=messages,  # type: ignore[arg-type]
                    temperature=config.temperature,
                    max_tokens=config.max_tokens,
                )
                break
            except (openai.APIConnectionError, openai.APIStatusError) as error:
                reason, retryable, suggested = _classify(error)
                if not retryable or attempts > config.max_retries:
                    raise LLMUnavailable(
                        "Сервис генерации ответов недоступен, попробуйте позже.", reason=reason
                    ) from error
                delay = (
                    suggested if suggested is not None else config.backoff_s * 2 ** (attempts - 1)
                )
                await asyncio.sleep(min(delay, _MAX_BACKOFF_S))
    finally:
        if own_client:
            await api.close()

    latency_ms = int((time.perf_counter() - started) * 1000)
    if not response.choices:
        raise LLMEmptyResponse("Сервис генерации вернул пустой ответ.", reason="empty_choices")
    choice = response.choices[0]
    text = (choice.message.content or "").strip()
    if choice.finish_reason == "length":
        raise LLMTruncated("Ответ модели обрезан по длине.", reason="finish_reason_length")
    if not text:
        raise LLMEmptyResponse("Сервис генерации вернул пустой ответ.", reason="empty_content")
    usage = response.usage
    return LLMCompletion(
        text=text,
        model=response.model or config.model,
        prompt_tokens=usage.prompt_tokens if usage else None,
        completion_tokens=usage.completion_tokens if usage else None,
        latency_ms=latency_ms,
        attempts=attempts,
    )
