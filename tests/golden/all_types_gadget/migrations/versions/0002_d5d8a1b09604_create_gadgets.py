"""create gadgets

Revision ID: d5d8a1b09604
Revises: 5e1f0a2b3c4d
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d5d8a1b09604"
down_revision: str | None = "5e1f0a2b3c4d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gadgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("weight_kg", sa.Float(), nullable=False),
        sa.Column("price", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.Column("released_on", sa.Date(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opens_at", sa.Time(), nullable=True),
        sa.Column("serial", sa.Uuid(), nullable=False),
        sa.Column("contact", sa.String(length=320), nullable=True),
        sa.Column("homepage", sa.String(length=2083), nullable=True),
        sa.Column("size", sa.Enum("small", "medium", "large", name="gadgetsize"), nullable=False),
        sa.Column("specs", sa.JSON(), nullable=True),
        sa.Column("secret_hash", sa.String(length=255), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("internal_ref", sa.String(length=40), nullable=True),
        sa.Column("order", sa.Integer(), nullable=True),
        sa.Column("group", sa.Enum("red", "blue", name="gadgetgroup"), nullable=True),
        sa.Column("key", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gadgets")),
        sa.UniqueConstraint("code", name=op.f("uq_gadgets_code")),
        sa.UniqueConstraint("key", name=op.f("uq_gadgets_key")),
        sa.UniqueConstraint("name", name=op.f("uq_gadgets_name")),
        sa.UniqueConstraint("serial", name=op.f("uq_gadgets_serial")),
    )
    op.create_index(op.f("ix_gadgets_quantity"), "gadgets", ["quantity"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_gadgets_quantity"), table_name="gadgets")
    op.drop_table("gadgets")
    sa.Enum(name="gadgetsize").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="gadgetgroup").drop(op.get_bind(), checkfirst=True)
