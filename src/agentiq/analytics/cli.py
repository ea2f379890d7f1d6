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
