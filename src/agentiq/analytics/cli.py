"""`agentiq analytics-backfill [--seller ID]` (registered by the top-level CLI)."""

from __future__ import annotations

import asyncio

import click


@click.command("analytics-backfill")
@click.option("--seller", "seller_id", type=int, default=None, help="One seller (default all).")
def backfill_command(seller_id: int | None) -> None:
    """Rebuild reporting facts and daily rows from the stored interactions and events."""
    from sqlalchemy import select

    from agentiq.analytics.backfill import backfill_seller
    from agentiq.config import get_settings
    from agentiq.db import unit_of_work
    from agentiq.models import Seller
    from agentiq.runtime import build_runtime

    async def main() -> None:
        runtime = build_runtime(get_settings())
        try:
            async with unit_of_work(runtime.sessionmaker) as session:
                ids = list((await session.scalars(select(Seller.id).order_by(Seller.id))).all())
            for sid in ids:
                if seller_id is not None and sid != seller_id:
                    continue
                # One transaction per seller: readers see the old figures or the new, never half.
                async with unit_of_work(runtime.sessionmaker) as session:
                    report = await backfill_seller(session, sid)
                click.echo(
                    f"seller {sid}: {report.interactions} interactions → {report.facts} facts"
                    f" (fallback facts kept: {report.fallback_kept})"
                )
        finally:
            await runtime.close()

    asyncio.run(main())


@click.command("pilot-qa")
@click.option("--seller", "seller_id", type=int, required=True)
@click.option("--cabinet", "cabinet_id", type=int, required=True)
@click.option("--send-replies", is_flag=True, help="Really approve replies through the outbox.")
@click.option("--out", "out", type=click.Path(dir_okay=False), default="pilot-qa-report.md")
def pilot_qa_command(seller_id: int, cabinet_id: int, send_replies: bool, out: str) -> None:
    """Run the QA matrix per channel and write a Markdown report with the go/no-go."""
    from pathlib import Path

    from agentiq.analytics.pilot_qa import run_pilot_qa, to_markdown
    from agentiq.config import get_settings
    from agentiq.kit.http import close_http_client
    from agentiq.runtime import build_runtime

    async def main() -> str:
        runtime = build_runtime(get_settings())
        try:
            report = await run_pilot_qa(runtime, seller_id, cabinet_id, send_replies=send_replies)
        finally:
            await close_http_client()
            await runtime.close()
        return to_markdown(report)

    try:
        text = asyncio.run(main())
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    Path(out).write_text(text, encoding="utf-8")
    click.echo(f"report written to {out}")
