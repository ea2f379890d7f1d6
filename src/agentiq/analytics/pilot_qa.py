"""`agentiq pilot-qa`: the plan's QA matrix per channel, written as a Markdown report.

For each channel: sync → pick an item waiting for an answer → draft → guardrails → reply.
Safe mode (default) stops before the reply: the draft is checked as the send-time guardrails
would check it and nothing reaches WB. `--send-replies` approves the reply through the outbox
(a sandbox cabinet keeps it; a real cabinet sends it) and runs the dispatcher once. The
report ends with the go/no-go snapshot.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from agentiq.analytics.readiness import Readiness, ReadinessThresholds, pilot_readiness
from agentiq.db import unit_of_work
from agentiq.drafting.service import generate_for_interaction
from agentiq.guardrails import check, has_blocking
from agentiq.ingestion.tasks import run_sync_cabinet
from agentiq.kit.errors import AgentIQError
from agentiq.kit.time import utcnow
from agentiq.models import Interaction, MarketplaceConnection
from agentiq.replies.service import submit_reply
from agentiq.replies.tasks import dispatch_due
from agentiq.runtime import Runtime

CHANNELS = ("review", "question", "chat")
TITLES = {"review": "Отзывы", "question": "Вопросы", "chat": "Чаты"}


@dataclass
class Step:
    name: str
    ok: bool
    detail: str
    ms: int = 0


@dataclass
class ChannelRun:
    channel: str
    steps: list[Step] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)


@dataclass
class QaReport:
    seller_id: int
    cabinet: str
    sandbox: bool
    send_replies: bool
    started_at: datetime
    channels: list[ChannelRun]
    readiness: Readiness | None = None


async def _channel(
    runtime: Runtime, seller_id: int, cabinet_id: int, channel: str, send: bool
) -> ChannelRun:
    run = ChannelRun(channel)
    started = time.perf_counter()

    def took() -> int:
        return int((time.perf_counter() - started) * 1000)

    report = await run_sync_cabinet(runtime, seller_id, cabinet_id, channels=[channel])
    figures = report.channels.get(channel) if report else None
    synced = figures is not None and figures.status == "ok"
    run.steps.append(
        Step(
            "sync",
            synced,
            f"получено {figures.fetched}, новых {figures.created}, ошибок {figures.errors}"
            if figures
            else "синхронизация не запустилась (см. журнал)",
            took(),
        )
    )
    started = time.perf_counter()
    async with unit_of_work(runtime.sessionmaker) as session:
        item = await session.scalar(
            select(Interaction)
            .where(
                Interaction.seller_id == seller_id,
                Interaction.connection_id == cabinet_id,
                Interaction.channel == channel,
                Interaction.needs_response.is_(True),
            )
            .order_by(Interaction.priority_rank, Interaction.occurred_at.desc())
            .limit(1)
        )
        item_id = item.id if item else None
    if item_id is None:
        run.steps.append(Step("item", False, "нет сообщений, ждущих ответа", took()))
        return run
    run.steps.append(Step("item", True, f"обращение #{item_id}", took()))
    started = time.perf_counter()
    try:
        async with unit_of_work(runtime.sessionmaker) as session:
            made = await generate_for_interaction(session, runtime, seller_id, item_id)
            text = made.draft.text
            source = f"{made.source}" + (
                f" (запасной: {made.fallback_reason})" if made.fallback_reason else ""
            )
    except AgentIQError as exc:
        run.steps.append(Step("draft", False, exc.message, took()))
        return run
    run.steps.append(Step("draft", bool(text.strip()), f"{len(text)} символов, {source}", took()))
    started = time.perf_counter()
    violations = check(text, channel)
    blocked = has_blocking(violations)
    run.steps.append(
        Step(
            "guardrails",
            not blocked,
            "нарушений нет"
            if not violations
            else "; ".join(f"{v.category}: «{v.fragment}»" for v in violations[:5]),
            took(),
        )
    )
    started = time.perf_counter()
    if not send:
        run.steps.append(
            Step("reply", not blocked, "безопасный режим: ответ не отправлялся", took())
        )
        return run
    try:
        async with unit_of_work(runtime.sessionmaker) as session:
            approval = await submit_reply(session, runtime, seller_id, item_id, text, user_id=None)
            state = approval.outbox.state
        outcome = await dispatch_due(runtime)
        run.steps.append(
            Step("reply", True, f"в outbox: {state}; отправка: {outcome or 'нечего'}", took())
        )
    except AgentIQError as exc:
        run.steps.append(Step("reply", False, exc.message, took()))
    return run


async def run_pilot_qa(
    runtime: Runtime, seller_id: int, cabinet_id: int, *, send_replies: bool = False
) -> QaReport:
    async with unit_of_work(runtime.sessionmaker) as session:
        cabinet = await session.get(MarketplaceConnection, cabinet_id)
        if cabinet is None or cabinet.seller_id != seller_id:
            raise ValueError(f"cabinet {cabinet_id} does not belong to seller {seller_id}")
        name, sandbox = cabinet.name, cabinet.is_sandbox
    report = QaReport(seller_id, name, sandbox, send_replies, utcnow(), [])
    for channel in CHANNELS:
        report.channels.append(
            await _channel(runtime, seller_id, cabinet_id, channel, send_replies)
        )
    async with unit_of_work(runtime.sessionmaker) as session:
        report.readiness = await pilot_readiness(session, seller_id, ReadinessThresholds())
    return report


def to_markdown(report: QaReport) -> str:
    mode = "с отправкой ответов" if report.send_replies else "безопасный режим (без отправки)"
    lines = [
        "# Pilot QA report",
        "",
        f"- Seller: {report.seller_id}; cabinet: «{report.cabinet}»"
        + (" (sandbox)" if report.sandbox else ""),
        f"- Started: {report.started_at:%Y-%m-%d %H:%M} UTC; mode: {mode}",
        "",
        "## QA matrix",
        "",
        "| channel | step | result | detail | ms |",
        "|---|---|---|---|---|",
    ]
    for run in report.channels:
        for step in run.steps:
            mark = "pass" if step.ok else "FAIL"
            detail = step.detail.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {TITLES[run.channel]} | {step.name} | {mark} | {detail} | {step.ms} |")
    lines += ["", "## Go / no-go snapshot", ""]
    if report.readiness is not None:
        r = report.readiness
        lines += [
            f"Decision: **{r.decision}** (checked {r.checked_at:%Y-%m-%d %H:%M} UTC)",
            "",
            "| check | blocking | status | value | threshold | detail |",
            "|---|---|---|---|---|---|",
        ]
        for c in r.checks:
            lines.append(
                f"| {c.title} | {'yes' if c.blocking else 'no'} | {c.status} | {c.value} | "
                f"{c.threshold} | {c.detail} |"
            )
    return "\n".join(lines) + "\n"
