"""`agentiq sync [--cabinet ID] [--full]` (registered by the top-level CLI)."""

from __future__ import annotations

import asyncio

import click


@click.command("sync")
@click.option("--cabinet", "cabinet_id", type=int, default=None, help="One cabinet (default all).")
@click.option("--full", is_flag=True, help="Ignore watermarks and re-read the whole history.")
def sync_command(cabinet_id: int | None, full: bool) -> None:
    """Sync WB reviews, questions and chats now."""
    from agentiq.config import get_settings
    from agentiq.db import unit_of_work
    from agentiq.ingestion.repository import all_connections
    from agentiq.ingestion.tasks import run_sync_cabinet
    from agentiq.kit.http import close_http_client
    from agentiq.runtime import build_runtime

    async def main() -> None:
        runtime = build_runtime(get_settings())
        try:
            async with unit_of_work(runtime.sessionmaker) as session:
                targets = await all_connections(session)
            for seller_id, cid in targets:
                if cabinet_id is not None and cid != cabinet_id:
                    continue
                report = await run_sync_cabinet(runtime, seller_id, cid, full=full)
                if report is None:
                    click.echo(f"cabinet {cid}: failed (see log)")
                    continue
                for channel, f in report.channels.items():
                    click.echo(
                        f"cabinet {cid} {channel}: {f.status} fetched={f.fetched} "
                        f"created={f.created} updated={f.updated} skipped={f.skipped} "
                        f"errors={f.errors}" + (f" — {f.error_message}" if f.error_message else "")
                    )
        finally:
            await close_http_client()
            await runtime.close()

    asyncio.run(main())
