"""`agentiq serve | migrate | seller create | user create | token create | ...`."""

from __future__ import annotations

import asyncio
import errno
import socket
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from agentiq.config import Settings, SettingsError, get_settings

T = TypeVar("T")


def _settings_or_exit() -> Settings:
    try:
        return get_settings()
    except SettingsError as exc:
        click.echo(f"Cannot start: {exc}", err=True)
        sys.exit(2)


def _preflight_or_exit(settings: Settings) -> None:
    """Refuse to start with a sentence, not a traceback, when the database is unreachable."""
    from agentiq.app import check_database
    from agentiq.runtime import build_runtime

    async def check() -> None:
        runtime = build_runtime(settings)
        try:
            await check_database(runtime)
        finally:
            await runtime.close()

    try:
        asyncio.run(check())
    except SettingsError as exc:
        click.echo(f"Cannot start: {exc}", err=True)
        sys.exit(2)


def served_url(host: str, port: int) -> str:
    """The address to open in a browser for a server bound to `host:port`."""
    if host in ("0.0.0.0", "::", ""):  # every interface: this machine answers on loopback
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _port_free_or_exit(host: str, port: int) -> None:
    """One sentence instead of uvicorn's bind error when another program holds the port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_STREAM)
    # As uvicorn binds: a port left in TIME_WAIT by our own last run is not "in use".
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            reason = "is already in use by another program; stop it or set AGENTIQ_PORT"
        else:
            reason = f"cannot be opened ({exc.strerror}); check AGENTIQ_HOST and AGENTIQ_PORT"
        click.echo(f"Cannot start: {host}:{port} {reason}.", err=True)
        sys.exit(2)
    finally:
        probe.close()


def _run(factory: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await factory()

    return asyncio.run(main())


@click.group()
def main() -> None:
    """AgentIQ — a communications desk for Wildberries sellers."""


@main.command()
@click.option("--host", default=None, help="Interface to bind (default AGENTIQ_HOST).")
@click.option("--port", default=None, type=int, help="Port (default AGENTIQ_PORT).")
@click.option("--workers", default=1, show_default=True, help="Web processes.")
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Start the web app (and, on the embedded default, its scheduler)."""
    import uvicorn

    settings = _settings_or_exit()
    _preflight_or_exit(settings)
    host, port = host or settings.host, port or settings.port
    _port_free_or_exit(host, port)
    click.echo(f"AgentIQ: open {served_url(host, port)} (Ctrl+C to stop)")
    uvicorn.run(
        "agentiq.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        # The app reads X-Forwarded-For itself, from AGENTIQ_FORWARDED_ALLOW_IPS only.
        proxy_headers=False,
        timeout_graceful_shutdown=10,
    )


@main.command()
@click.option("--revision", default="head", show_default=True)
def migrate(revision: str) -> None:
    """Bring the database schema up to date (alembic upgrade)."""
    from agentiq.migrate import upgrade

    settings = _settings_or_exit()
    upgrade(settings.database_url, revision)
    click.echo(f"Database migrated to {revision}.")


@main.group()
def seller() -> None:
    """Manage sellers."""


@seller.command("create")
@click.option("--name", required=True, help="Seller (company) name.")
@click.option("--owner-email", required=True, help="E-mail of an existing user who will own it.")
def seller_create(name: str, owner_email: str) -> None:
    """Create a seller owned by an existing user."""
    from agentiq.cli_ops import create_seller

    seller_id = _run(lambda: create_seller(_settings_or_exit(), name, owner_email))
    click.echo(f"Seller {seller_id} created.")


@main.group()
def user() -> None:
    """Manage users."""


@user.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True)
@click.option("--seller-name", required=True, help="A new seller this user will own.")
def user_create(email: str, password: str, seller_name: str) -> None:
    """Create a user and a seller they own."""
    from agentiq.cli_ops import create_user

    user_id = _run(lambda: create_user(_settings_or_exit(), email, password, seller_name))
    click.echo(f"User {user_id} created.")


@main.group()
def token() -> None:
    """Manage personal API tokens."""


@token.command("create")
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--seller-id", type=int, default=None, help="Seller (default: the user's first).")
def token_create(email: str, name: str, seller_id: int | None) -> None:
    """Create an API token; it is printed once and never stored in plain text."""
    from agentiq.cli_ops import create_token

    plain = _run(lambda: create_token(_settings_or_exit(), email, name, seller_id))
    click.echo(plain)


@main.command("demo-owner")
@click.option("--email", default="demo@agentiq.local", show_default=True)
@click.option("--password", default="demo-password", show_default=True)
def demo_owner(email: str, password: str) -> None:
    """Create a demo owner on the embedded default if there is no user yet."""
    from agentiq.cli_ops import ensure_demo_owner

    created = _run(lambda: ensure_demo_owner(_settings_or_exit(), email, password))
    if created:
        click.echo(f"Demo owner created: sign in as {email} / {password}")
    else:
        click.echo("Users exist already; sign in with your account (or register a new one).")


def _register_optional_commands() -> None:
    # Domain modules own their commands; imported here so `agentiq --help` lists them.
    from agentiq.analytics.cli import backfill_command, pilot_qa_command
    from agentiq.emulator.cli import emulator_command
    from agentiq.ingestion.cli import sync_command
    from agentiq.worker.cli import beat_command, worker_command

    main.add_command(emulator_command, "emulator")
    main.add_command(backfill_command, "analytics-backfill")
    main.add_command(pilot_qa_command, "pilot-qa")
    main.add_command(sync_command, "sync")
    main.add_command(worker_command, "worker")
    main.add_command(beat_command, "beat")


_register_optional_commands()

if __name__ == "__main__":
    main()
