"""LLM intent fallback against the local fake OpenAI-compatible server (real HTTP)."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime

from agentiq.triage import TriageInput, TriageSettings
from agentiq.triage.llm_fallback import (
    LlmIntentConfig,
    classify_intent_llm,
    parse_intent,
    triage_with_llm_fallback,
)
from tests.fakes.fake_openai import Delay, EmptyChoices, FakeOpenAI, Reply, Status

ENABLED = TriageSettings(llm_intent_fallback=True)
AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def config(fake: FakeOpenAI) -> LlmIntentConfig:
    return LlmIntentConfig(base_url=fake.base_url, api_key="test-key")


def question(text: str) -> TriageInput:
    return TriageInput(channel="question", occurred_at=AT, text=text)


async def test_success_returns_the_intent_and_sends_one_request(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Reply("materials_care"))
    assert await classify_intent_llm("А это зимнее?", config(fake_openai)) == "materials_care"
    assert len(fake_openai.requests) == 1
    body = fake_openai.requests[0]
    assert body["model"] == "deepseek-chat"
    assert body["messages"][-1] == {"role": "user", "content": "А это зимнее?"}
    assert fake_openai.headers[0]["authorization"] == "Bearer test-key"


async def test_timeout_returns_none_within_five_seconds(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Delay(8, then=Reply("size_fit")))
    started = time.monotonic()
    assert await classify_intent_llm("А это зимнее?", config(fake_openai)) is None
    elapsed = time.monotonic() - started
    assert 4.5 <= elapsed < 6.5, elapsed
    assert len(fake_openai.requests) == 1  # no retry after the timeout


async def test_server_error_returns_none_without_retry(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Status(500))
    assert await classify_intent_llm("А это зимнее?", config(fake_openai)) is None
    assert len(fake_openai.requests) == 1


async def test_rate_limit_and_empty_choices_return_none(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Status(429), EmptyChoices())
    assert await classify_intent_llm("А это зимнее?", config(fake_openai)) is None
    assert await classify_intent_llm("А это зимнее?", config(fake_openai)) is None


async def test_unusable_answer_returns_none(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Reply("Не могу определить"))
    assert await classify_intent_llm("А это зимнее?", config(fake_openai)) is None


async def test_unreachable_server_returns_none() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cfg = LlmIntentConfig(base_url=f"http://127.0.0.1:{port}/v1", api_key="k")
    assert await classify_intent_llm("А это зимнее?", cfg) is None


def test_parse_intent() -> None:
    assert parse_intent(" Size_Fit.\n") == "size_fit"
    assert parse_intent("intent: pre_purchase_other") == "pre_purchase_other"
    assert parse_intent("") is None
    assert parse_intent(None) is None


async def test_fallback_is_off_by_default(fake_openai: FakeOpenAI) -> None:
    result = await triage_with_llm_fallback(question("А это зимнее?"), config=config(fake_openai))
    assert (result.intent, result.intent_method) == ("general", "rule_based")
    assert fake_openai.requests == []


async def test_fallback_reclassifies_general_questions(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Reply("materials_care"))
    result = await triage_with_llm_fallback(
        question("А это зимнее?"), config=config(fake_openai), settings=ENABLED
    )
    assert (result.intent, result.intent_method, result.sla_minutes) == (
        "materials_care",
        "llm",
        240,
    )
    assert result.priority_reason == "вопрос о материале и уходе"


async def test_fallback_skips_questions_the_rules_understood(fake_openai: FakeOpenAI) -> None:
    result = await triage_with_llm_fallback(
        question("Какой размер на рост 170?"), config=config(fake_openai), settings=ENABLED
    )
    assert result.intent == "size_fit"
    assert fake_openai.requests == []


async def test_fallback_failure_keeps_the_rule_result(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Status(503))
    result = await triage_with_llm_fallback(
        question("А это зимнее?"), config=config(fake_openai), settings=ENABLED
    )
    assert (result.intent, result.intent_method, result.sla_minutes) == (
        "general",
        "rule_based",
        480,
    )
