"""add books.stock

Revision ID: fa0ac7082d47
Revises: 830ba2301e08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "fa0ac7082d47"
down_revision: str | None = "830ba2301e08"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stock", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_books_stock"), ["stock"], unique=False)
        batch_op.alter_column(
            "stock", existing_type=sa.Integer(), server_default=None, existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_books_stock"))
        batch_op.drop_column("stock")
