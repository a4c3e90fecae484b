"""drop books.summary

Revision ID: 5328de55a445
Revises: 218bb8f5e0b4
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5328de55a445"
down_revision: str | None = "218bb8f5e0b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.drop_column("summary")


def downgrade() -> None:
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary", sa.Text(), nullable=True))
