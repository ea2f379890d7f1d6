"""membership_invitations: adding an existing account to a seller waits for its acceptance

Revision ID: sec_0001
Revises: input_0004
Create Date: 2026-12-02 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sec_0001"
down_revision: str | None = "input_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "membership_invitations",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("seller_id", BIG_ID, nullable=False),
        sa.Column("user_id", BIG_ID, nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("invited_by_user_id", BIG_ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["sellers.id"],
            name=op.f("fk_membership_invitations_seller_id_sellers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_membership_invitations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_user_id"],
            ["users.id"],
            name=op.f("fk_membership_invitations_invited_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_invitations")),
        sa.UniqueConstraint(
            "seller_id", "user_id", name=op.f("uq_membership_invitations_seller_id_user_id")
        ),
    )
    op.create_index(
        op.f("ix_membership_invitations_seller_id"), "membership_invitations", ["seller_id"]
    )
    op.create_index(
        op.f("ix_membership_invitations_user_id"), "membership_invitations", ["user_id"]
    )


def downgrade() -> None:
    op.drop_table("membership_invitations")
