"""Bringing a generated Python file up to date when there is no record of what fastgen once
generated for it (a project made before the record in `.fastgen/` existed): conservatively.

Without the base, a difference between the file and today's render cannot be told apart from a
hand edit, so nothing that differs is touched:

- a node equal to today's render (layout aside) stays as it is;
- a node only in today's render, named (a class, a function, an assignment to a name), is
  added where the three-way merge would put it, and so is an import only such a node uses;
- a node that differs from today's render, and a statement without a name that only today's
  render has (it may be a changed version of one in the file), are kept as on disk and
  reported.

This is the three-way merge of `fastgen.patch.merge` with a made-up base: today's render
without the nodes to add, so that adding them is the only change it sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from fastgen.errors import PatchConflict
from fastgen.patch.base import parse
from fastgen.patch.keys import bindings, describe, keyed, same
from fastgen.patch.merge import merge_generated

_NAMED = ("class ", "def ", "= ")


@dataclass(frozen=True)
class BaselessResult:
    source: str
    kept: tuple[str, ...] = ()  # nodes that differ from today's render, kept as on disk
    conflicts: tuple[PatchConflict, ...] = ()


def merge_without_base(current: str, new: str, path: str) -> BaselessResult:
    if current == new:
        return BaselessResult(current)
    tree, new_tree = parse(current), cst.parse_module(new)
    if tree is None:
        return BaselessResult(current, ("the file does not parse: kept as it is",))
    kept: list[str] = []
    added: list[cst.CSTNode] = []
    body = _base_body(new_tree.body, tree.body, kept, added, top=True)
    used = _names(added)
    body = [
        statement
        for statement in body
        if not (isinstance(statement, _Pending) and _uses(statement.node, used))
    ]
    base = new_tree.with_changes(body=[s.node if isinstance(s, _Pending) else s for s in body]).code
    result = merge_generated(current, base, new, path)
    return BaselessResult(result.source, tuple(kept), result.conflicts)


@dataclass
class _Pending:
    """An import only today's render has: added when a node added with it uses it."""

    node: cst.BaseStatement


def _base_body(
    new: Sequence[cst.BaseStatement],
    current: Sequence[cst.BaseStatement],
    kept: list[str],
    added: list[cst.CSTNode],
    *,
    top: bool,
    trail: str = "",
) -> list[cst.BaseStatement | _Pending]:
    ours = keyed("statements", current)
    out: list[cst.BaseStatement | _Pending] = []
    for key, node in keyed("statements", new).items():
        assert isinstance(node, cst.BaseStatement)
        mine = ours.get(key)
        name = describe("statements", key, node) + trail
        if mine is not None:
            if (
                top
                and isinstance(node, cst.ClassDef)
                and isinstance(mine, cst.ClassDef)
                and isinstance(node.body, cst.IndentedBlock)
                and isinstance(mine.body, cst.IndentedBlock)
                and not same(node, mine)
            ):
                inner = _base_body(
                    node.body.body, mine.body.body, kept, added, top=False, trail=f" in {name}"
                )
                statements = [s for s in inner if isinstance(s, cst.BaseStatement)]
                if statements:
                    node = node.with_changes(body=node.body.with_changes(body=statements))
                else:  # nothing of it left to compare: keep it whole, add nothing inside
                    kept.append(name)
            elif not same(node, mine):
                kept.append(name)
            out.append(node)
        elif key.startswith(_NAMED):
            added.append(node)
        elif top and bindings(node) is not None:
            out.append(_Pending(node))
        else:
            kept.append(f"{name} (only in this fastgen's version)")
            out.append(node)
    return out


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def _names(nodes: Sequence[cst.CSTNode]) -> set[str]:
    visitor = _Names()
    for node in nodes:
        node.visit(visitor)
    return visitor.names


def _uses(statement: cst.BaseStatement, names: set[str]) -> bool:
    return any(bound in names for _, bound in bindings(statement) or set())
