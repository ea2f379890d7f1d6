"""`agentiq pilot-qa` on an emulated (demo) cabinet: every channel's steps, the report."""

from __future__ import annotations

import os

from sqlalchemy import update

from agentiq.analytics.pilot_qa import run_pilot_qa, to_markdown
from agentiq.config import PROJECT_ROOT
from agentiq.db import unit_of_work
from agentiq.models import MarketplaceConnection
from agentiq.runtime import Runtime
from tests.ingestion.conftest import make_cabinet
from tests.marketplaces.conftest import RunningEmulator


async def test_safe_mode_runs_every_channel_and_sends_nothing(
    runtime: Runtime, sync_wb: RunningEmulator
) -> None:
    emulated = sync_wb.emulator.add_seller("Демо", seed=515, feedbacks=40, questions=20, chats=5)
    seller_id, cabinet_id = await make_cabinet(runtime, emulated.token, name="Демо-кабинет")
    report = await run_pilot_qa(runtime, seller_id, cabinet_id)
    assert [r.channel for r in report.channels] == ["review", "question", "chat"]
    for run in report.channels:
        names = [s.name for s in run.steps]
        assert names[:2] == ["sync", "item"], names
        assert run.steps[0].ok, run.steps[0].detail
        if run.steps[1].ok:
            assert names == ["sync", "item", "draft", "guardrails", "reply"]
            assert "безопасный режим" in run.steps[-1].detail
    assert not sync_wb.emulator.seller(emulated.seller_id).received_answers
    text = to_markdown(report)
    assert "| Отзывы | sync | pass |" in text and "Decision: **" in text
    if os.environ.get("AGENTIQ_UPDATE_DOCS") == "1":
        (PROJECT_ROOT / "docs" / "pilot-qa-demo.md").write_text(text, encoding="utf-8")


async def test_send_replies_on_a_sandbox_cabinet_keeps_them_in_the_outbox(
    runtime: Runtime, sync_wb: RunningEmulator
) -> None:
    emulated = sync_wb.emulator.add_seller(
        "Песочница", seed=516, feedbacks=20, questions=10, chats=3
    )
    seller_id, cabinet_id = await make_cabinet(runtime, emulated.token)
    async with unit_of_work(runtime.sessionmaker) as s:
        await s.execute(
            update(MarketplaceConnection)
            .where(MarketplaceConnection.id == cabinet_id)
            .values(is_sandbox=True)
        )
    report = await run_pilot_qa(runtime, seller_id, cabinet_id, send_replies=True)
    replies = [r.steps[-1] for r in report.channels if r.steps[-1].name == "reply"]
    assert replies and all("stored" in s.detail for s in replies if s.ok)
    assert not sync_wb.emulator.seller(emulated.seller_id).received_answers
