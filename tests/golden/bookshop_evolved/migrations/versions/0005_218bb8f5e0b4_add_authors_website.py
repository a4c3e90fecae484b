"""add authors.website

Revision ID: 218bb8f5e0b4
Revises: 8a260abb9f3c
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "218bb8f5e0b4"
down_revision: str | None = "8a260abb9f3c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("authors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("website", sa.String(length=2083), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("authors", schema=None) as batch_op:
        batch_op.drop_column("website")
