"""analytics: metric_facts with explicit dimensions, metric_daily roll-up, ops_alerts

Revision ID: analytics_0003
Revises: 0002
Create Date: 2026-12-01 23:21:31.803215
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "analytics_0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "metric_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("intent", sa.String(length=40), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("nm_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.SmallInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "seller_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_metric_daily_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_daily")),
        sa.UniqueConstraint(
            "seller_id",
            "day",
            "metric",
            "connection_id",
            "channel",
            "outcome",
            "source",
            "intent",
            "rating",
            "nm_id",
            "user_id",
            "bucket",
            name="uq_metric_daily_key",
        ),
    )
    with op.batch_alter_table("metric_daily", schema=None) as batch_op:
        batch_op.create_index("ix_metric_daily_day", ["seller_id", "metric", "day"], unique=False)
        batch_op.create_index(batch_op.f("ix_metric_daily_seller_id"), ["seller_id"], unique=False)

    op.create_table(
        "ops_alerts",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column(
            "figures",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "acknowledged_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivery_state", sa.String(length=20), nullable=False),
        sa.Column("delivery_attempts", sa.Integer(), nullable=False),
        sa.Column("delivery_next_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivery_error", sa.Text(), nullable=True),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "seller_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["users.id"],
            name=op.f("fk_ops_alerts_acknowledged_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_ops_alerts_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ops_alerts")),
    )
    with op.batch_alter_table("ops_alerts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ops_alerts_feed", ["seller_id", "status", "last_seen_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ops_alerts_seller_id"), ["seller_id"], unique=False)
        batch_op.create_index(
            "uq_ops_alerts_open_key",
            ["seller_id", "key"],
            unique=True,
            sqlite_where=sa.text("status != 'resolved'"),
            postgresql_where=sa.text("status != 'resolved'"),
        )

    # metric_facts was never written before this revision: rebuilt with explicit dimensions.
    with op.batch_alter_table("metric_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_metric_facts_metric")
        batch_op.drop_index(batch_op.f("ix_metric_facts_seller_id"))
    op.drop_table("metric_facts")
    op.create_table(
        "metric_facts",
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column(
            "connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "interaction_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("intent", sa.String(length=40), nullable=True),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("nm_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "seller_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["marketplace_connections.id"],
            name=op.f("fk_metric_facts_connection_id_marketplace_connections"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_metric_facts_interaction_id_interactions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_metric_facts_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_metric_facts_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_facts")),
    )
    with op.batch_alter_table("metric_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_metric_facts_metric", ["seller_id", "metric", "occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_metric_facts_seller_id"), ["seller_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("metric_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_metric_facts_metric")
        batch_op.drop_index(batch_op.f("ix_metric_facts_seller_id"))
    op.drop_table("metric_facts")
    op.create_table(
        "metric_facts",
        sa.Column("metric", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column(
            "dimensions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "seller_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_metric_facts_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_facts")),
    )
    with op.batch_alter_table("metric_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_metric_facts_metric", ["seller_id", "metric", "period_start"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_metric_facts_seller_id"), ["seller_id"], unique=False)

    with op.batch_alter_table("ops_alerts", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_ops_alerts_open_key",
            sqlite_where=sa.text("status != 'resolved'"),
            postgresql_where=sa.text("status != 'resolved'"),
        )
        batch_op.drop_index(batch_op.f("ix_ops_alerts_seller_id"))
        batch_op.drop_index("ix_ops_alerts_feed")

    op.drop_table("ops_alerts")
    with op.batch_alter_table("metric_daily", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metric_daily_seller_id"))
        batch_op.drop_index("ix_metric_daily_day")

    op.drop_table("metric_daily")
