"""Schema management through Alembic only: `agentiq migrate` and embedded start-up."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from agentiq.config import PROJECT_ROOT


def alembic_config(database_url: str) -> Config:
    ini = PROJECT_ROOT / "alembic.ini"
    config = Config(str(ini)) if ini.exists() else Config()
    config.set_main_option("script_location", str(Path(PROJECT_ROOT) / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


# Indexes and tables that migrations make with raw, dialect-specific SQL (full-text search,
# expression indexes for the inbox sort) have no model; autogenerate must leave them alone.
RAW_SQL_PREFIXES = (
    "ix_inbox_",
    "interactions_fts",
    "product_cards_fts",
    "ix_interactions_fts",
    "ix_product_cards_fts",
)


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return not (name and name.startswith(RAW_SQL_PREFIXES))
