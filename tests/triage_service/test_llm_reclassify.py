"""The LLM intent fallback job on real databases, with the local fake OpenAI server as LLM."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from agentiq.config import Settings
from agentiq.db import unit_of_work
from agentiq.ingestion.ingest import IngestContext, ingest_batch
from agentiq.ingestion.normalise import NormalisedItem
from agentiq.kit.time import utcnow
from agentiq.models import Interaction, InteractionEvent, RuntimeSetting, Seller
from agentiq.runtime import Runtime, build_runtime
from agentiq.settings.schemas import AISettingsIn
from agentiq.settings.service import update_ai_settings
from agentiq.triage.llm_mark import text_fingerprint
from agentiq.triage.repository import TRIAGE_KEY, TRIAGE_NAMESPACE
from agentiq.triage.service import replace_sla_rules, sla_sweep
from agentiq.triage.sla import SlaRule
from agentiq.triage.tasks import reclassify_general_questions
from tests.fakes.fake_openai import Delay, FakeOpenAI, Reply, Status

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)

# Texts the rules call "general".
WINTER = "А это зимнее?"
DACHA = "Можно ли взять на дачу?"
ANSWER_ME = "Продавец, ответьте!"


@pytest.fixture
def llm() -> Iterator[FakeOpenAI]:
    """The local fake OpenAI-compatible server (it counts the requests it gets)."""
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
async def runtime(settings: Settings) -> Any:
    rt = build_runtime(settings)
    yield rt
    await rt.close()


async def _seller(
    runtime: Runtime,
    fake: FakeOpenAI,
    name: str = "Магазин",
    *,
    switch: bool = True,
    llm: bool = True,
) -> int:
    """A seller whose AI settings point at the fake server; the triage switch as given."""
    async with unit_of_work(runtime.sessionmaker) as session:
        seller = Seller(name=name)
        session.add(seller)
        await session.flush()
        await update_ai_settings(
            session,
            runtime,
            seller.id,
            AISettingsIn(enabled=llm, base_url=fake.base_url, model="intent-model", api_key="k"),
        )
        session.add(
            RuntimeSetting(
                seller_id=seller.id,
                namespace=TRIAGE_NAMESPACE,
                key=TRIAGE_KEY,
                value={"llm_intent_fallback": switch},
            )
        )
        return seller.id


def question(
    ext: str,
    text: str,
    *,
    hours_ago: float = 0.5,
    answered: bool = False,
    wb_state: str = "suppliersPortalSynch",
    at: datetime | None = None,
) -> NormalisedItem:
    # `at` pins the creation time when one test ingests the same WB item twice: two calls to
    # utcnow() may fall on either side of a second and move the SLA deadline with them.
    return NormalisedItem(
        channel="question",
        external_id=ext,
        occurred_at=at or utcnow().replace(microsecond=0) - timedelta(hours=hours_ago),
        text=text,
        status="responded" if answered else "open",
        is_answered=answered,
        extra={"wb_state": wb_state},
    )


async def _ingest(
    runtime: Runtime,
    seller_id: int,
    items: list[NormalisedItem],
    rules: list[SlaRule] | None = None,
) -> None:
    ctx = IngestContext(seller_id=seller_id, connection_id=None, sla_rules=rules or [])  # type: ignore[arg-type]
    async with unit_of_work(runtime.sessionmaker) as session:
        await ingest_batch(session, ctx, "question", items)


async def _rows(runtime: Runtime, seller_id: int) -> dict[str, Interaction]:
    async with runtime.sessionmaker() as session:
        rows = (
            await session.scalars(select(Interaction).where(Interaction.seller_id == seller_id))
        ).all()
        return {r.external_id: r for r in rows}


async def _events(runtime: Runtime, seller_id: int, kind: str) -> dict[int, list[dict[str, Any]]]:
    async with runtime.sessionmaker() as session:
        rows = await session.scalars(
            select(InteractionEvent)
            .where(InteractionEvent.seller_id == seller_id, InteractionEvent.kind == kind)
            .order_by(InteractionEvent.id)
        )
        found: dict[int, list[dict[str, Any]]] = {}
        for event in rows:
            found.setdefault(event.interaction_id, []).append(event.payload)
        return found


async def test_switch_off_or_no_llm_means_no_call(runtime: Runtime, llm: FakeOpenAI) -> None:
    off = await _seller(runtime, llm, "Выключено", switch=False)
    no_llm = await _seller(runtime, llm, "Без ИИ", llm=False)
    for seller_id in (off, no_llm):
        await _ingest(runtime, seller_id, [question("q1", WINTER), question("q2", DACHA)])
    before = {s: await _rows(runtime, s) for s in (off, no_llm)}

    report = await reclassify_general_questions(runtime)

    assert llm.requests == []
    assert (report.sellers, report.asked) == (0, 0)
    for seller_id in (off, no_llm):
        for ext, row in (await _rows(runtime, seller_id)).items():
            assert row.intent == "general"
            assert row.extra_data["triage"] == before[seller_id][ext].extra_data["triage"]


async def test_llm_intent_retriages_only_the_sellers_general_open_questions(
    runtime: Runtime, llm: FakeOpenAI
) -> None:
    llm.default_reply = "size_fit"
    seller_id = await _seller(runtime, llm)
    other = await _seller(runtime, llm, "Соседний магазин", switch=False)
    items = [
        question("winter", WINTER),
        question("dacha", DACHA, hours_ago=0.75),
        question("size", "Какой размер на рост 170?"),
        question("answered", ANSWER_ME, answered=True),
    ]
    await _ingest(runtime, seller_id, items)
    await _ingest(runtime, other, [question("winter", WINTER)])
    before = await _rows(runtime, seller_id)
    assert before["winter"].intent == before["dacha"].intent == "general"

    report = await reclassify_general_questions(runtime)

    assert (report.sellers, report.asked, report.reclassified) == (1, 2, 2)
    asked = sorted(r["messages"][-1]["content"] for r in llm.requests)
    assert asked == sorted([WINTER, DACHA])
    assert {r["model"] for r in llm.requests} == {"intent-model"}
    rows = await _rows(runtime, seller_id)
    events = await _events(runtime, seller_id, "classified")
    for ext in ("winter", "dacha"):
        row = rows[ext]
        assert row.intent == "size_fit"
        assert (row.priority, row.priority_rank) == ("high", 1)
        assert row.priority_reason == "вопрос о размере — влияет на покупку"
        assert row.sla_due_at == row.occurred_at + timedelta(minutes=60)
        assert row.escalated_at is None and row.needs_response is True
        triage = row.extra_data["triage"]
        assert triage["intent_method"] == "llm"
        assert (triage["sla_minutes"], triage["sla_source"]) == (60, "default")
        assert triage["llm_intent"] == "size_fit"
        assert triage["llm_text"] == text_fingerprint(row.text)
        assert triage["llm_checked_at"]
        # Untouched parts of the triage record and of extra_data stay.
        assert triage["signals"] == before[ext].extra_data["triage"]["signals"]
        assert row.extra_data["wb_state"] == "suppliersPortalSynch"
        assert events[row.id] == [
            {
                "from": "general",
                "intent": "size_fit",
                "method": "llm",
                "model": "intent-model",
                "prompt_version": "intent-v1",
            }
        ]
    for ext in ("size", "answered"):
        assert rows[ext].intent == before[ext].intent
        assert "llm_checked_at" not in rows[ext].extra_data["triage"]
        assert rows[ext].id not in events
    # The other seller (switch off) is untouched.
    untouched = (await _rows(runtime, other))["winter"]
    assert untouched.intent == "general"
    assert untouched.extra_data["triage"]["intent_method"] == "rule_based"
    assert "llm_checked_at" not in untouched.extra_data["triage"]
    assert await _events(runtime, other, "classified") == {}

    # A second run asks nothing: every question costs at most one call.
    again = await reclassify_general_questions(runtime)
    assert (again.asked, len(llm.requests)) == (0, 2)


@pytest.mark.parametrize("failure", ["timeout", "error", "general"])
async def test_failed_or_general_answer_keeps_the_rule_verdict_and_is_not_retried(
    runtime: Runtime, llm: FakeOpenAI, failure: str
) -> None:
    behaviour = {
        "timeout": Delay(3, then=Reply("size_fit")),
        "error": Status(500),
        "general": Reply("general"),
    }[failure]
    llm.enqueue(behaviour, behaviour)
    seller_id = await _seller(runtime, llm)
    await _ingest(runtime, seller_id, [question("q1", WINTER), question("q2", DACHA)])
    before = await _rows(runtime, seller_id)

    started = time.monotonic()
    report = await reclassify_general_questions(runtime, call_timeout_s=0.3)
    assert time.monotonic() - started < 2.5  # bounded by the call timeout, not the LLM
    assert report.asked == 2 and report.reclassified == 0
    assert (report.failed, report.kept_general) == ((0, 2) if failure == "general" else (2, 0))
    rows = await _rows(runtime, seller_id)
    for ext in ("q1", "q2"):
        row, old = rows[ext], before[ext]
        assert (row.intent, row.priority, row.priority_reason) == (
            "general",
            old.priority,
            old.priority_reason,
        )
        assert row.sla_due_at == old.sla_due_at
        triage = row.extra_data["triage"]
        assert triage["intent_method"] == "rule_based" and "llm_intent" not in triage
        assert triage["llm_checked_at"]  # tried
    assert await _events(runtime, seller_id, "classified") == {}

    llm.default_reply = "size_fit"  # would change the verdict, were it asked again
    again = await reclassify_general_questions(runtime, call_timeout_s=0.3)
    assert again.asked == 0 and len(llm.requests) == 2
    assert (await _rows(runtime, seller_id))["q1"].intent == "general"


async def test_question_answered_during_the_call_is_not_touched(
    runtime: Runtime, llm: FakeOpenAI
) -> None:
    llm.enqueue(Delay(1, then=Reply("size_fit")), Delay(1, then=Reply("size_fit")))
    seller_id = await _seller(runtime, llm)
    await _ingest(runtime, seller_id, [question("q1", WINTER), question("q2", DACHA)])
    before = await _rows(runtime, seller_id)

    job = asyncio.create_task(reclassify_general_questions(runtime))
    deadline = time.monotonic() + 10
    while len(llm.requests) < 2:  # both calls in flight, no transaction open
        assert time.monotonic() < deadline and not job.done()
        await asyncio.sleep(0.02)
    async with unit_of_work(runtime.sessionmaker) as session:
        await session.execute(
            update(Interaction)
            .where(Interaction.id == before["q1"].id)
            .values(needs_response=False, unread=False, status="responded")
        )
    report = await job

    assert (report.asked, report.reclassified) == (2, 1)
    rows = await _rows(runtime, seller_id)
    assert rows["q1"].intent == "general" and rows["q1"].priority == before["q1"].priority
    assert rows["q1"].sla_due_at == before["q1"].sla_due_at
    assert rows["q1"].extra_data["triage"]["intent_method"] == "rule_based"
    assert rows["q2"].intent == "size_fit"
    assert set(await _events(runtime, seller_id, "classified")) == {rows["q2"].id}


async def test_escalation_follows_the_new_deadline(runtime: Runtime, llm: FakeOpenAI) -> None:
    seller_id = await _seller(runtime, llm)
    # The seller gives size questions a day: a later deadline than "general" (8 h).
    rules = [SlaRule(channel="question", intent="size_fit", minutes=24 * 60)]
    async with unit_of_work(runtime.sessionmaker) as session:
        await replace_sla_rules(session, seller_id, rules)
    items = [
        question("due_now", ANSWER_ME, hours_ago=3),  # general: 5 h left
        question("later", DACHA, hours_ago=9),  # general: 1 h late
        question("still_late", WINTER, hours_ago=10),  # general: 2 h late
    ]
    await _ingest(runtime, seller_id, items, rules)
    async with unit_of_work(runtime.sessionmaker) as session:
        assert await sla_sweep(session) == 2
    before = await _rows(runtime, seller_id)
    assert before["later"].priority == before["still_late"].priority == "high"  # escalated
    # Newest first, one at a time: the answers go to the questions in this order.
    llm.enqueue(Reply("availability_delivery"), Reply("size_fit"), Reply("materials_care"))

    report = await reclassify_general_questions(runtime, concurrency=1)

    assert [r["messages"][-1]["content"] for r in llm.requests] == [
        ANSWER_ME,
        DACHA,
        WINTER,
    ]
    assert report.reclassified == 3
    rows = await _rows(runtime, seller_id)
    escalated = await _events(runtime, seller_id, "escalated")
    deescalated = await _events(runtime, seller_id, "deescalated")
    # Availability (2 h) is already late: escalated at once, high -> urgent.
    due_now = rows["due_now"]
    assert due_now.intent == "availability_delivery" and due_now.escalated_at is not None
    assert (due_now.priority, due_now.priority_rank) == ("urgent", 0)
    assert escalated[due_now.id] == [{"from": "high", "to": "urgent", "reason": "SLA просрочен"}]
    # Size (the seller's 24 h) is not late any more: the escalation is undone.
    later = rows["later"]
    assert later.intent == "size_fit" and later.escalated_at is None
    assert later.sla_due_at == later.occurred_at + timedelta(hours=24)
    assert later.extra_data["triage"]["sla_source"] == "seller"
    assert (later.priority, later.priority_rank) == ("high", 1)
    assert deescalated[later.id][0]["to"] == "high"
    # Materials (4 h) is late too: the escalation stands, on top of the new level.
    still_late = rows["still_late"]
    assert still_late.intent == "materials_care"
    assert still_late.escalated_at == before["still_late"].escalated_at
    assert (still_late.priority, still_late.priority_rank) == ("high", 1)  # normal + 1
    assert len(escalated[still_late.id]) == 1 and still_late.id not in deescalated


async def test_resync_keeps_the_llm_intent_until_the_text_changes(
    runtime: Runtime, llm: FakeOpenAI
) -> None:
    llm.default_reply = "materials_care"
    seller_id = await _seller(runtime, llm)
    asked_at = utcnow().replace(microsecond=0) - timedelta(hours=0.5)
    await _ingest(runtime, seller_id, [question("q1", WINTER, at=asked_at)])
    await reclassify_general_questions(runtime)
    after_llm = (await _rows(runtime, seller_id))["q1"]
    assert after_llm.intent == "materials_care" and len(llm.requests) == 1

    # WB content changed, the text did not: the LLM's verdict and its mark are carried over.
    await _ingest(runtime, seller_id, [question("q1", WINTER, wb_state="wbRu", at=asked_at)])
    row = (await _rows(runtime, seller_id))["q1"]
    assert row.extra_data["wb_state"] == "wbRu"
    assert (row.intent, row.priority_reason) == ("materials_care", "вопрос о материале и уходе")
    assert row.sla_due_at == after_llm.sla_due_at
    triage = row.extra_data["triage"]
    assert triage["intent_method"] == "llm" and triage["sla_minutes"] == 240
    assert triage["llm_checked_at"] == after_llm.extra_data["triage"]["llm_checked_at"]
    await reclassify_general_questions(runtime)
    assert len(llm.requests) == 1

    # A new text goes back to the rules and gets one fresh LLM attempt.
    edited = WINTER + " Или демисезонное?"
    await _ingest(runtime, seller_id, [question("q1", edited, wb_state="wbRu", at=asked_at)])
    row = (await _rows(runtime, seller_id))["q1"]
    assert (row.intent, row.extra_data["triage"]["intent_method"]) == ("general", "rule_based")
    assert "llm_checked_at" not in row.extra_data["triage"]
    await reclassify_general_questions(runtime)
    assert len(llm.requests) == 2
    assert llm.requests[-1]["messages"][-1]["content"] == edited
    assert (await _rows(runtime, seller_id))["q1"].intent == "materials_care"
