"""The value every patch returns, and helpers over a module's top-level statements."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from fastgen.patch.result import PatchResult

__all__ = [
    "PatchResult",
    "import_from_names",
    "insert_import",
    "is_docstring",
    "is_import",
    "parse",
]


def parse(source: str) -> cst.Module | None:
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError:
        return None


def import_from_names(statement: cst.CSTNode, module: str) -> list[tuple[str, str | None]] | None:
    """(name, alias) pairs of a top-level `from <module> import ...` statement, else None."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    node = statement.body[0]
    if not isinstance(node, cst.ImportFrom) or node.relative or node.module is None:
        return None
    if cst.Module([]).code_for_node(node.module) != module:
        return None
    if isinstance(node.names, cst.ImportStar):
        return None
    pairs: list[tuple[str, str | None]] = []
    for alias in node.names:
        name = cst.Module([]).code_for_node(alias.name)
        asname = None
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            asname = alias.asname.name.value
        pairs.append((name, asname))
    return pairs


def is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(node, cst.Import | cst.ImportFrom) for node in statement.body
    )


def is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def insert_import(
    body: Sequence[cst.BaseStatement], module: str, line: str, sort_key: str
) -> list[cst.BaseStatement]:
    """Insert `line` (an import of `module`) among the existing imports of that module in sorted
    position; with none, after the last top-level import (or the docstring)."""
    new = cst.parse_statement(line)
    statements = list(body)
    same_module = [i for i, s in enumerate(statements) if import_from_names(s, module) is not None]
    if same_module:
        position = same_module[-1] + 1
        for index in same_module:
            names = import_from_names(statements[index], module) or []
            if names and names[0][0] > sort_key:
                position = index
                break
    else:
        position = 0
        for index, statement in enumerate(statements):
            if is_import(statement) or (index == 0 and is_docstring(statement)):
                position = index + 1
            elif position:
                break
    if same_module and position <= same_module[-1]:
        # Taking the place of an existing import: its leading comments stay on top.
        displaced = statements[position]
        assert isinstance(displaced, cst.SimpleStatementLine)
        new = new.with_changes(leading_lines=displaced.leading_lines)
        statements[position] = displaced.with_changes(leading_lines=[])
    elif position > 0 and is_docstring(statements[position - 1]):
        new = new.with_changes(leading_lines=[cst.EmptyLine()])
    statements.insert(position, new)
    return statements
