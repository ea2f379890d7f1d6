"""Alembic environment: async engines, URL from AgentIQ settings, batch mode on SQLite."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from agentiq import models
from agentiq.config import get_settings
from agentiq.db import create_engine
from agentiq.migrate import include_object
from agentiq.models.base import UTCDateTime

target_metadata = models.Base.metadata


def _database_url() -> str:
    url = context.config.attributes.get("database_url")
    return str(url) if url else get_settings().database_url


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # Migrations must not import application code: render our UTC type as a plain DateTime.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = create_engine(get_settings(), url=_database_url())
    async with engine.connect() as connection:
        await connection.run_sync(_configure)
    await engine.dispose()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    asyncio.run(run_async_migrations())


if context.is_offline_mode():
    context.configure(url=_database_url(), target_metadata=target_metadata, render_item=render_item)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
