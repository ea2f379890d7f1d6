"""Pilot go/no-go on an emulated cabinet: blocking checks decide, thresholds are parameters."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from agentiq.analytics.readiness import ReadinessThresholds, pilot_readiness
from agentiq.db import unit_of_work
from agentiq.ingestion.tasks import run_sync_cabinet
from agentiq.models import Interaction
from agentiq.replies.service import submit_reply
from agentiq.runtime import Runtime
from tests.conftest import register
from tests.ingestion.conftest import make_cabinet
from tests.marketplaces.conftest import RunningEmulator

GOOD = "Анна, спасибо за отзыв! Рады, что товар подошёл. Ждём вас снова в нашем магазине."


@pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)
async def test_no_go_until_the_blocking_checks_pass(
    runtime: Runtime, sync_wb: RunningEmulator
) -> None:
    emulated = sync_wb.emulator.add_seller("Пилот", seed=991, feedbacks=30, questions=15, chats=3)
    seller_id, cabinet_id = await make_cabinet(runtime, emulated.token)

    async with unit_of_work(runtime.sessionmaker) as s:
        empty = await pilot_readiness(s, seller_id, ReadinessThresholds())
    assert empty.decision == "no_go"
    by = {c.name: c for c in empty.checks}
    assert by["sync_freshness"].status == "fail" and by["channel_coverage"].status == "fail"

    assert (await run_sync_cabinet(runtime, seller_id, cabinet_id, full=True)).ok  # type: ignore[union-attr]
    async with unit_of_work(runtime.sessionmaker) as s:
        synced = await pilot_readiness(s, seller_id, ReadinessThresholds())
        overdue = len(
            (
                await s.scalars(
                    select(Interaction.id).where(
                        Interaction.seller_id == seller_id,
                        Interaction.needs_response.is_(True),
                        Interaction.sla_due_at < synced.checked_at,
                    )
                )
            ).all()
        )
    by = {c.name: c for c in synced.checks}
    assert by["sync_freshness"].status == "pass" and by["channel_coverage"].status == "pass"
    assert by["chat_coverage"].blocking is False
    assert by["sla_overdue"].status == "fail" and by["sla_overdue"].value == overdue
    assert by["reply_activity"].status == "fail"  # nothing sent from AgentIQ yet
    assert "замеченных в WB" in by["reply_activity"].detail
    assert synced.decision == "no_go"

    # One real reply, and thresholds that accept the demo's old backlog: go.
    async with unit_of_work(runtime.sessionmaker) as s:
        item = await s.scalar(
            select(Interaction).where(
                Interaction.seller_id == seller_id,
                Interaction.channel == "review",
                Interaction.needs_response.is_(True),
            )
        )
        assert item is not None
        await submit_reply(s, runtime, seller_id, item.id, GOOD, user_id=None)
    lenient = ReadinessThresholds(max_overdue=10_000, max_backlog=10_000)
    async with unit_of_work(runtime.sessionmaker) as s:
        result = await pilot_readiness(s, seller_id, lenient)
    assert result.decision == "go", [c for c in result.checks if c.status == "fail"]
    assert result.thresholds.max_overdue == 10_000


async def test_readiness_api_echoes_thresholds_and_refuses_bad_ones(
    app: Any, client: httpx.AsyncClient
) -> None:
    await register(client, "owner@example.com")
    r = await client.get(
        "/api/interactions/metrics/pilot-readiness", params={"max_backlog": 7, "max_overdue": 2}
    )
    assert r.status_code == 200
    body = r.json()
    assert body["decision"] == "no_go"
    assert body["thresholds"]["max_backlog"] == 7 and body["thresholds"]["max_overdue"] == 2
    backlog = next(c for c in body["checks"] if c["name"] == "backlog")
    assert backlog["threshold"] == 7 and backlog["status"] == "pass"
    r = await client.get("/api/interactions/metrics/pilot-readiness", params={"max_manual_rate": 3})
    assert r.status_code == 422
    page = await client.get("/analytics", params={"max_backlog": "много"})
    assert page.status_code == 200 and "Готовность к пилоту" in page.text
    assert "допустимых пределах" in page.text
