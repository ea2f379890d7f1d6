"""Alembic is the only way the schema is made: round trip and model/migration agreement."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from agentiq import models
from agentiq.migrate import downgrade, include_object, upgrade

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"], indirect=True)


def _diff(connection):  # type: ignore[no-untyped-def]
    opts = {"compare_type": True, "include_object": include_object}
    context = MigrationContext.configure(connection, opts=opts)
    return compare_metadata(context, models.Base.metadata)


async def _schema_diff(url: str) -> list[object]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_diff)
    finally:
        await engine.dispose()


async def test_models_and_migrations_agree(db_url: str) -> None:
    diff = await _schema_diff(db_url)
    assert diff == [], f"models and migrations differ: {diff}"


async def test_upgrade_downgrade_upgrade(db_url: str) -> None:
    import asyncio

    await asyncio.to_thread(downgrade, db_url, "base")
    engine = create_async_engine(db_url)
    async with engine.connect() as conn:
        tables = await conn.run_sync(
            lambda c: __import__("sqlalchemy").inspect(c).get_table_names()
        )
    await engine.dispose()
    assert set(tables) <= {"alembic_version"}, tables
    await asyncio.to_thread(upgrade, db_url)
    assert await _schema_diff(db_url) == []
