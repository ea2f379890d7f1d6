"""`agentiq emulator`: a demo seller, its token on stdout, and the emulator on a port."""

from __future__ import annotations

import click
import uvicorn

from agentiq.emulator.app import create_emulator_app
from agentiq.emulator.state import Emulator


@click.command("emulator")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8100, show_default=True, type=int)
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--feedbacks", default=200, show_default=True, type=int)
@click.option("--questions", default=100, show_default=True, type=int)
@click.option("--chats", default=30, show_default=True, type=int)
@click.option("--live/--no-live", default=False, show_default=True)
@click.option("--live-every", default=10.0, show_default=True, type=float)
@click.option("--rate-limits/--no-rate-limits", default=True, show_default=True)
def emulator_command(
    host: str,
    port: int,
    seed: int,
    feedbacks: int,
    questions: int,
    chats: int,
    live: bool,
    live_every: float,
    rate_limits: bool,
) -> None:
    """Run the WB API emulator with one demo seller."""
    emulator = Emulator(rate_limits=rate_limits)
    seller = emulator.add_seller(seed=seed, feedbacks=feedbacks, questions=questions, chats=chats)
    if live:
        emulator.start_live_traffic(seller.seller_id, every_s=live_every)
    base = f"http://{host}:{port}"
    click.echo(f"seller_id: {seller.seller_id}")
    click.echo(f"token: {seller.token}")
    click.echo(f"feedbacks host: {base}/feedbacks-api")
    click.echo(f"chat host:      {base}/buyer-chat-api")
    click.echo(f"admin:          {base}/_admin/docs")
    uvicorn.run(create_emulator_app(emulator), host=host, port=port, log_level="info")


if __name__ == "__main__":
    emulator_command()
