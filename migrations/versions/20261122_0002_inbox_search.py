"""inbox: keyset sort indexes and Russian full-text search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 14:00:00

The inbox sorts by (priority_rank, SLA due with "no due time" last, id). A NULL due time
must sort last on both backends, so the index and the queries use the same
`coalesce(sla_due_at, <far future>)` expression (the SQL text lives in
agentiq.interactions.sortkeys and is repeated here on purpose: migrations do not import
application code).

Search: PostgreSQL uses `to_tsvector('russian', ...)` expression GIN indexes; SQLite uses
FTS5 external-content tables kept in sync by triggers (Russian word forms are handled by
stemming the query words and matching prefixes).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_DUE = "coalesce(sla_due_at, '9999-12-31 00:00:00.000000')"
PG_DUE = "coalesce(sla_due_at, '9999-12-31 00:00:00+00'::timestamptz)"
PG_TSV = (
    "to_tsvector('russian'::regconfig, text || ' ' || pros || ' ' || cons || ' ' || "
    "coalesce(buyer_name, '') || ' ' || coalesce(product_article, ''))"
)
PG_PRODUCT_TSV = "to_tsvector('russian'::regconfig, name || ' ' || supplier_article)"

FTS_COLUMNS = "text, pros, cons, buyer_name, product_article"
FTS_NEW = "new.text, new.pros, new.cons, new.buyer_name, new.product_article"
FTS_OLD = "old.text, old.pros, old.cons, old.buyer_name, old.product_article"


def _sort_indexes(due: str) -> list[tuple[str, str]]:
    return [
        ("ix_inbox_queue_due", f"seller_id, needs_response, priority_rank, {due}, id"),
        (
            "ix_inbox_channel_queue_due",
            f"seller_id, channel, needs_response, priority_rank, {due}, id",
        ),
        ("ix_inbox_all_due", f"seller_id, priority_rank, {due}, id"),
        ("ix_inbox_channel_all_due", f"seller_id, channel, priority_rank, {due}, id"),
        ("ix_inbox_occurred", "seller_id, occurred_at, id"),
        ("ix_inbox_queue_occurred", "seller_id, needs_response, occurred_at, id"),
    ]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    due = PG_DUE if dialect == "postgresql" else SQLITE_DUE
    for name, columns in _sort_indexes(due):
        op.execute(f"CREATE INDEX {name} ON interactions ({columns})")
    if dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_interactions_fts ON interactions USING gin ({PG_TSV})")
        op.execute(
            f"CREATE INDEX ix_product_cards_fts ON product_cards USING gin ({PG_PRODUCT_TSV})"
        )
        return
    op.execute(
        f"CREATE VIRTUAL TABLE interactions_fts USING fts5({FTS_COLUMNS}, "
        "content='interactions', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER interactions_fts_ai AFTER INSERT ON interactions BEGIN "
        f"INSERT INTO interactions_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {FTS_NEW}); END"
    )
    op.execute(
        "CREATE TRIGGER interactions_fts_ad AFTER DELETE ON interactions BEGIN "
        f"INSERT INTO interactions_fts(interactions_fts, rowid, {FTS_COLUMNS}) "
        f"VALUES ('delete', old.id, {FTS_OLD}); END"
    )
    # Only text changes touch the index: status/priority updates stay cheap.
    op.execute(
        f"CREATE TRIGGER interactions_fts_au AFTER UPDATE OF {FTS_COLUMNS} ON interactions "
        "BEGIN "
        f"INSERT INTO interactions_fts(interactions_fts, rowid, {FTS_COLUMNS}) "
        f"VALUES ('delete', old.id, {FTS_OLD}); "
        f"INSERT INTO interactions_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {FTS_NEW}); END"
    )
    op.execute("INSERT INTO interactions_fts(interactions_fts) VALUES ('rebuild')")
    op.execute(
        "CREATE VIRTUAL TABLE product_cards_fts USING fts5(name, supplier_article, "
        "content='product_cards', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER product_cards_fts_ai AFTER INSERT ON product_cards BEGIN "
        "INSERT INTO product_cards_fts(rowid, name, supplier_article) "
        "VALUES (new.id, new.name, new.supplier_article); END"
    )
    op.execute(
        "CREATE TRIGGER product_cards_fts_ad AFTER DELETE ON product_cards BEGIN "
        "INSERT INTO product_cards_fts(product_cards_fts, rowid, name, supplier_article) "
        "VALUES ('delete', old.id, old.name, old.supplier_article); END"
    )
    op.execute(
        "CREATE TRIGGER product_cards_fts_au AFTER UPDATE OF name, supplier_article "
        "ON product_cards BEGIN "
        "INSERT INTO product_cards_fts(product_cards_fts, rowid, name, supplier_article) "
        "VALUES ('delete', old.id, old.name, old.supplier_article); "
        "INSERT INTO product_cards_fts(rowid, name, supplier_article) "
        "VALUES (new.id, new.name, new.supplier_article); END"
    )
    op.execute("INSERT INTO product_cards_fts(product_cards_fts) VALUES ('rebuild')")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_product_cards_fts")
        op.execute("DROP INDEX IF EXISTS ix_interactions_fts")
    else:
        for trigger in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS interactions_fts_{trigger}")
            op.execute(f"DROP TRIGGER IF EXISTS product_cards_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS interactions_fts")
        op.execute("DROP TABLE IF EXISTS product_cards_fts")
    for name, _ in reversed(_sort_indexes("")):
        op.execute(f"DROP INDEX IF EXISTS {name}")
