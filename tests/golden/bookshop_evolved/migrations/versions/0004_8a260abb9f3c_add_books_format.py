"""add books.format

Revision ID: 8a260abb9f3c
Revises: fa0ac7082d47
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8a260abb9f3c"
down_revision: str | None = "fa0ac7082d47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    sa.Enum("paper", "ebook", name="bookformat").create(op.get_bind(), checkfirst=True)
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "format",
                sa.Enum("paper", "ebook", name="bookformat"),
                server_default="paper",
                nullable=False,
            )
        )
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.alter_column(
            "format",
            existing_type=sa.Enum("paper", "ebook", name="bookformat"),
            server_default=None,
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.drop_column("format")
    sa.Enum(name="bookformat").drop(op.get_bind(), checkfirst=True)
