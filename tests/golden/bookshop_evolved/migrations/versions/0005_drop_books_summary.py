"""drop books.summary

Revision ID: 844fe413c5fe
Revises: f1a7a6c45092
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "844fe413c5fe"
down_revision: str | None = "f1a7a6c45092"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.drop_column("summary")


def downgrade() -> None:
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary", sa.Text(), nullable=True))
