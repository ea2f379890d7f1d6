"""linking: operator verdicts on link candidates, escalations from reviews/questions to chats

Revision ID: 0003_linking
Revises: 6b2509983190
Create Date: 2026-12-01 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_linking"
down_revision: str | None = "6b2509983190"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("link_candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("verdict", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("verdict_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("verdict_by_user_id", ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_link_candidates_verdict_by_user_id_users"),
            "users",
            ["verdict_by_user_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            "ix_link_candidates_precision", ["seller_id", "level", "verdict"], unique=False
        )

    op.create_table(
        "escalations",
        sa.Column("source_interaction_id", ID, nullable=False),
        sa.Column("chat_interaction_id", ID, nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by_user_id", ID, nullable=True),
        sa.Column("chat_opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("link_basis", sa.String(length=20), nullable=True),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("seller_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_interaction_id"],
            ["interactions.id"],
            name=op.f("fk_escalations_chat_interaction_id_interactions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_user_id"],
            ["users.id"],
            name=op.f("fk_escalations_opened_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_escalations_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_interaction_id"],
            ["interactions.id"],
            name=op.f("fk_escalations_source_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
    )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_escalations_chat_interaction_id"), ["chat_interaction_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_escalations_seller_id"), ["seller_id"], unique=False)
        batch_op.create_index(
            "ix_escalations_source", ["seller_id", "source_interaction_id"], unique=False
        )
        batch_op.create_index(
            "ix_escalations_state", ["seller_id", "state", "deadline_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("escalations")
    with op.batch_alter_table("link_candidates", schema=None) as batch_op:
        batch_op.drop_index("ix_link_candidates_precision")
        batch_op.drop_constraint(
            batch_op.f("fk_link_candidates_verdict_by_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("verdict_by_user_id")
        batch_op.drop_column("verdict_at")
        batch_op.drop_column("verdict")
        batch_op.drop_column("updated_at")
