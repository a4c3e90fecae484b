"""Alembic revisions rendered without a database.

New tables are written by `fastgen.render.create_table` without SQLAlchemy or Alembic; changes
to existing tables (`fastgen.render.alter`) and `create_tables_code` here build
`alembic.operations.ops` objects from the tables the specs describe and render them with
Alembic's own renderer, the downgrade always `upgrade_ops.reverse()`. The revision
id is derived from the content (its parent included), so the same change gives the same file on
every machine, and two branches that each make a change give two different ids.

File names are `<sequence>_<revision>_<slug>.py`: the sequence keeps them in order in a listing,
the revision id keeps two branches' revisions of the same number apart (git merges them as two
files, never as one conflicting file).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2
    import sqlalchemy as sa
    from alembic.operations import ops

_GENERATED_COMMENT = re.compile(r"^\s*# ### .* ###\n", re.MULTILINE)


@dataclass(frozen=True)
class RenderedRevision:
    """`text` is unformatted: the command formats it with its other new Python files."""

    revision: str
    filename: str
    text: str


def create_table_ops(table: sa.Table) -> list[ops.MigrateOperation]:
    """`create_table` plus one `create_index` per index, the way autogenerate orders them."""
    from alembic.operations import ops

    result: list[ops.MigrateOperation] = [ops.CreateTableOp.from_table(table)]
    for index in sorted(table.indexes, key=lambda i: str(i.name)):
        result.append(ops.CreateIndexOp.from_index(index))
    return result


def _enum_drops(operations: Sequence[ops.MigrateOperation]) -> list[str]:
    """Native enum types outlive `drop_table` on PostgreSQL; the downgrade drops them too."""
    import sqlalchemy as sa
    from alembic.operations import ops

    names: list[str] = []
    for operation in operations:
        if isinstance(operation, ops.CreateTableOp):
            for column in operation.columns:
                if isinstance(column, sa.Column) and isinstance(column.type, sa.Enum):
                    names.append(str(column.type.name))
    return [f'    sa.Enum(name="{name}").drop(op.get_bind(), checkfirst=True)' for name in names]


def _body(operations: ops.UpgradeOps | ops.DowngradeOps, extra: list[str]) -> str:
    from alembic.autogenerate import render_python_code

    code = _GENERATED_COMMENT.sub("", render_python_code(operations) + "\n").rstrip()
    parts = ([code] if code.strip() else []) + extra
    return "\n".join(parts) if parts else "    pass"


def slug(message: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:60]


def revision_filename(sequence: int, revision: str, message: str) -> str:
    return f"{sequence:04d}_{revision}_{slug(message)}.py"


def create_tables_code(tables: Sequence[sa.Table]) -> tuple[str, str]:
    """Upgrade and downgrade bodies that create the tables (with their indexes) and drop them,
    native enum types included."""
    from alembic.operations import ops

    operations = [op for table in tables for op in create_table_ops(table)]
    upgrade_ops = ops.UpgradeOps(ops=list(operations))
    return _body(upgrade_ops, []), _body(upgrade_ops.reverse(), _enum_drops(operations))


def join_bodies(bodies: Sequence[str]) -> str:
    parts = [body for body in bodies if body.strip() and body.strip() != "pass"]
    return "\n".join(parts) if parts else "    pass"


def render_revision(
    env: jinja2.Environment,
    *,
    message: str,
    upgrade: str,
    downgrade: str,
    down_revision: str | None,
    sequence: int,
) -> RenderedRevision:
    digest = hashlib.sha256(
        "\0".join([down_revision or "", message, upgrade, downgrade]).encode()
    ).hexdigest()
    revision = digest[:12]
    filename = revision_filename(sequence, revision, message)
    text = env.get_template("migration/revision.py.jinja").render(
        message=message,
        revision=revision,
        down_revision=down_revision,
        upgrade=upgrade,
        downgrade=downgrade,
    )
    return RenderedRevision(revision, filename, text)


MERGE_MESSAGE = "merge heads"


def render_merge(
    env: jinja2.Environment, heads: Sequence[str], *, sequence: int
) -> RenderedRevision:
    """An Alembic merge revision: `down_revision` names every head, and it changes nothing.

    Its id is derived from the heads alone, so two people who merge the same branches write the
    same file."""
    down_revisions = sorted(heads)
    digest = hashlib.sha256("\0".join([MERGE_MESSAGE, *down_revisions]).encode()).hexdigest()
    revision = digest[:12]
    text = env.get_template("migration/merge.py.jinja").render(
        message=MERGE_MESSAGE, revision=revision, down_revisions=down_revisions
    )
    return RenderedRevision(revision, revision_filename(sequence, revision, MERGE_MESSAGE), text)
