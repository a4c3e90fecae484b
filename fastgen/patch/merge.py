"""Three-way structural merge of a generated Python file that a person may have edited.

`old` is what fastgen generated from the previous spec, `new` what it generates from the current
one, `current` the file on disk. The change old -> new is applied to `current` node by node, and
every node the change does not touch keeps its exact bytes (comments, blank lines, formatting,
hand-written code).

merge(old, new, current) of one node:

1. old and new equal apart from layout, or current already equal to new: keep current.
2. current's code is exactly old's: take new's node, with current's surroundings (the blank
   lines and comments above it, the comma and trailing comment after it).
3. a container (module, class and function bodies, blocks, decorators, call arguments,
   list/tuple/set/dict elements, the value of an assignment): its children are keyed (see
   `fastgen.patch.keys`) and merged key by key. Changed keys recurse into current's child of
   the same key; keys only in new are inserted after the nearest preceding key current has;
   keys only in old are removed when current's child is still old's; hand-written keys stay.
   A child keyed by its own code (a statement, a list element) that the change rewrote where
   it stands is paired with its new version, so it is replaced in place, under its comments.
   The container's own atomic part (a function's signature, a class's bases, a call's callee)
   is taken from new when current still has old's.
4. anything else is a conflict: the snippet to paste and where it goes, for a person to merge.

Module-level imports that the change drops are only removed when nothing else in the merged
module uses the name. With any conflict the file is left as it is, so that the snippets apply
to what is on disk. The result is checked to parse and to keep every hand-written comment.
"""

from __future__ import annotations

import ast
import difflib
import io
import tokenize
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from fastgen.errors import PatchConflict
from fastgen.patch.base import parse
from fastgen.patch.keys import (
    Kind,
    anonymous,
    bindings,
    code,
    describe,
    header,
    header_fields,
    import_sort_key,
    keyed,
    same,
)
from fastgen.patch.layout import Entry, annotate, assemble, pop

_FIELDS: dict[type[cst.CSTNode], dict[str, Kind]] = {
    cst.Module: {"body": "statements"},
    cst.IndentedBlock: {"body": "statements"},
    cst.ClassDef: {"decorators": "decorators", "body": "node"},
    cst.FunctionDef: {"decorators": "decorators", "body": "node"},
    cst.For: {"iter": "node", "body": "node", "orelse": "node"},
    cst.If: {"body": "node", "orelse": "node"},
    cst.While: {"body": "node", "orelse": "node"},
    cst.With: {"body": "node"},
    cst.Try: {"body": "node", "handlers": "statements", "orelse": "node", "finalbody": "node"},
    cst.ExceptHandler: {"body": "node"},
    cst.Else: {"body": "node"},
    cst.Finally: {"body": "node"},
    cst.SimpleStatementLine: {"body": "single"},
    cst.Assign: {"value": "node"},
    cst.AnnAssign: {"value": "node"},
    cst.Decorator: {"decorator": "node"},
    cst.Call: {"args": "items"},
    cst.Arg: {"value": "node"},
    cst.List: {"elements": "items"},
    cst.Tuple: {"elements": "items"},
    cst.Set: {"elements": "items"},
    cst.Dict: {"elements": "items"},
    cst.Element: {"value": "node"},
    cst.DictElement: {"value": "node"},
}
# What a node keeps of current's when it is replaced by new's version: the layout around it.
_SURROUNDINGS = {
    "leading_lines": (),
    "comma": cst.MaybeSentinel.DEFAULT,
    "whitespace_after_arg": cst.SimpleWhitespace(""),
}
_Trail = tuple[str, ...]


@dataclass(frozen=True)
class MergeResult:
    source: str
    conflicts: tuple[PatchConflict, ...] = ()


def merge_generated(current: str, old: str, new: str, path: str) -> MergeResult:
    """Apply the change `old` -> `new` (two generated versions of `path`) to `current`.

    `old` and `new` must be valid Python (fastgen generated them)."""
    tree = parse(current)
    if tree is None:
        return MergeResult(current, (PatchConflict(path, "the file does not parse", new, path),))
    if old == new or current == new:
        return MergeResult(current)
    if current == old:
        return MergeResult(new)
    old_tree, new_tree = cst.parse_module(old), cst.parse_module(new)
    merger = _Merger(path, [(old, old_tree), (new, new_tree), (current, tree)])
    merged = merger.container(old_tree, new_tree, tree, ())
    if merger.conflicts:
        return MergeResult(current, tuple(merger.conflicts))
    assert isinstance(merged, cst.Module)
    source = _drop_unused_imports(merged, merger.unused_imports).code
    _check(source, current, old, path)
    return MergeResult(source)


class _Merger:
    def __init__(self, path: str, sources: Sequence[tuple[str, cst.Module]]) -> None:
        self.path = path
        self.conflicts: list[PatchConflict] = []
        self.unused_imports: set[str] = set()
        self._sources = sources
        self._positions: list[Mapping[cst.CSTNode, CodeRange]] = []

    def merge(self, old: cst.CSTNode, new: cst.CSTNode, cur: cst.CSTNode, trail: _Trail) -> Any:
        if same(old, new) or same(cur, new):
            return cur
        if code(_bare(cur)) == code(_bare(old)):
            kept = {
                k: getattr(cur, k) for k in _SURROUNDINGS if hasattr(cur, k) and hasattr(new, k)
            }
            return new.with_changes(**kept)
        return self.container(old, new, cur, trail)

    def container(self, old: cst.CSTNode, new: cst.CSTNode, cur: cst.CSTNode, trail: _Trail) -> Any:
        """Step 3 of merge(): header, then children key by key; else a conflict."""
        fields = _FIELDS.get(type(cur))
        if fields is None or not type(old) is type(new) is type(cur):
            return self._edited(new, cur, trail)
        old_head, new_head, cur_head = (header(node, fields) for node in (old, new, cur))
        if old_head != new_head and cur_head not in (old_head, new_head):
            return self._edited(new, cur, trail)
        changes: dict[str, Any] = {}
        if old_head != new_head and cur_head == old_head:
            changes = {name: getattr(new, name) for name in header_fields(new, fields)}
        for name, kind in fields.items():
            changes.update(self._field(kind, name, (old, new, cur), trail))
        return cur.with_changes(**changes) if changes else cur

    def _field(
        self, kind: Kind, name: str, nodes: tuple[cst.CSTNode, ...], trail: _Trail
    ) -> dict[str, Any]:
        old, new, cur = (getattr(node, name) for node in nodes)
        if same(old, new):
            return {}
        if kind in ("statements", "decorators", "items"):
            return self._children(kind, name, (old, new, cur), nodes[2], trail)
        if kind == "single" and len(old) == len(new) == len(cur) == 1:
            merged = self.merge(old[0], new[0], cur[0], trail)
            return {} if merged is cur[0] else {name: [merged]}
        if all(isinstance(value, cst.CSTNode) for value in (old, new, cur)):
            merged = self.merge(old, new, cur, trail)
            return {} if merged is cur else {name: merged}
        if same(cur, old):
            return {name: new}
        if not same(cur, new):
            self._edited(nodes[1], nodes[2], trail)
        return {}

    def _children(
        self,
        kind: Kind,
        name: str,
        values: tuple[Sequence[cst.CSTNode], ...],
        container: cst.CSTNode,
        trail: _Trail,
    ) -> dict[str, Any]:
        old, new, cur = (keyed(kind, value) for value in values)
        entries = [Entry(key, node, index) for index, (key, node) in enumerate(cur.items())]
        if kind == "items":
            annotate(entries, values[2], container)
        self._merge_keys(kind, old, new, entries, trail)
        nodes = [entry.node for entry in entries]
        if len(nodes) == len(values[2]) and all(
            a is b for a, b in zip(nodes, values[2], strict=True)
        ):
            return {}
        if kind == "items":
            return assemble(entries, values[2], container, name)
        return {name: nodes}

    def _merge_keys(
        self,
        kind: Kind,
        old: dict[str, cst.CSTNode],
        new: dict[str, cst.CSTNode],
        entries: list[Entry],
        trail: _Trail,
    ) -> None:
        by_key = {entry.key: entry for entry in entries}
        replaced = _replacements(kind, old, new)
        for key, new_child in new.items():
            old_key = replaced.get(key, key)
            old_child, entry = old.get(old_key), by_key.get(old_key)
            if (
                old_child is None
                or same(old_child, new_child)
                or (old_key != key and key in by_key)
            ):
                continue
            step = (*trail, describe(kind, key, new_child))
            if entry is None:
                self._missing(old_child, new_child, step)
            else:
                entry.node, entry.key = self.merge(old_child, new_child, entry.node, step), key
        for key, old_child in old.items():
            entry = by_key.get(key)
            if key not in new and entry is not None and entry.key == key:
                self._remove(kind, entry, old_child, entries, trail)
        self._insert(kind, old, new, entries, trail)

    def _remove(
        self, kind: Kind, entry: Entry, old: cst.CSTNode, entries: list[Entry], trail: _Trail
    ) -> None:
        step = (*trail, describe(kind, entry.key, old))
        mine, theirs = (_bare(entry.node), _bare(old)) if kind == "items" else (entry.node, old)
        if not same(mine, theirs) or entry.has_comment():
            reason = "removed from the spec but edited by hand; delete it if it is not needed"
            self._conflict(reason, self._snippet(entry.node), step)
        elif kind == "statements" and not trail and bindings(entry.node) is not None:
            self.unused_imports.add(entry.key)
        else:
            pop(entries, entry)

    def _insert(
        self,
        kind: Kind,
        old: dict[str, cst.CSTNode],
        new: dict[str, cst.CSTNode],
        entries: list[Entry],
        trail: _Trail,
    ) -> None:
        present = {entry.key for entry in entries}
        previous: str | None = None
        for key, node in new.items():
            if key not in old and key not in present and not _imported(kind, node, entries, trail):
                position = _position(kind, entries, previous, node, new)
                entries.insert(position, Entry(key, node))
                _close_up(entries, position, new)
                present.add(key)
            if key in present:
                previous = key

    def _edited(self, new: cst.CSTNode, cur: cst.CSTNode, trail: _Trail) -> cst.CSTNode:
        reason = "changed by the spec and edited by hand; merge the new version in by hand"
        self._conflict(reason, self._snippet(new), trail)
        return cur

    def _missing(self, old: cst.CSTNode, new: cst.CSTNode, step: _Trail) -> None:
        before, after = self._snippet(old).splitlines(), self._snippet(new).splitlines()
        opcodes = difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes()
        gone = f"{step[-1]} is not in the file any more (renamed or removed by hand?)"
        if all(tag in ("equal", "insert") for tag, *_ in opcodes):
            added = [
                line for tag, _, _, j1, j2 in opcodes if tag == "insert" for line in after[j1:j2]
            ]
            self._conflict(f"{gone}; add these lines to it", "\n".join(added), step)
        else:
            self._conflict(f"{gone}; its new version is below", "\n".join(after), step)

    def _conflict(self, reason: str, snippet: str, trail: _Trail) -> None:
        where = " in ".join([*reversed(trail), self.path])
        self.conflicts.append(PatchConflict(self.path, reason, snippet, where))

    def _snippet(self, node: cst.CSTNode) -> str:
        """The lines of `node` in the file it comes from, decorators included."""
        if not self._positions:  # only needed for conflicts, and slow to compute
            self._positions = [
                cst.MetadataWrapper(tree, True).resolve(PositionProvider)
                for _, tree in self._sources
            ]
        for (text, _), positions in zip(self._sources, self._positions, strict=True):
            span = positions.get(node)
            if span is not None:
                decorators = getattr(node, "decorators", ())
                start = min([span.start.line] + [positions[d].start.line for d in decorators])
                return "\n".join(text.splitlines()[start - 1 : span.end.line])
        return code(node).strip("\n")


def _bare(node: cst.CSTNode) -> cst.CSTNode:
    return node.with_changes(**{k: v for k, v in _SURROUNDINGS.items() if hasattr(node, k)})


def _replacements(kind: Kind, old: dict[str, Any], new: dict[str, Any]) -> dict[str, str]:
    """new key -> old key, for children without a name that the change rewrote in place."""
    a, b = list(old), list(new)
    out: dict[str, str] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            for old_key, new_key in zip(a[i1:i2], b[j1:j2], strict=True):
                if (
                    old_key not in new
                    and new_key not in old
                    and anonymous(kind, old_key, old[old_key])
                    and anonymous(kind, new_key, new[new_key])
                ):
                    out[new_key] = old_key
    return out


def _imported(kind: Kind, node: cst.CSTNode, entries: list[Entry], trail: _Trail) -> bool:
    """A module-level import whose names the file already imports (in some other form)."""
    pairs = bindings(node) if kind == "statements" and not trail else None
    if not pairs:
        return False
    have = set().union(*(bindings(entry.node) or set() for entry in entries))
    return pairs <= have


def _position(
    kind: Kind,
    entries: list[Entry],
    previous: str | None,
    node: cst.CSTNode,
    new: Mapping[str, Any],
) -> int:
    """Where a child that only new has goes: after the nearest preceding key current has (else
    after the docstring and imports); an import also passes the hand-written imports of its block
    that sort before it."""
    keys = [entry.key for entry in entries]
    if previous is not None:
        position = keys.index(previous) + 1
    else:
        position = 0
        while kind == "statements" and position < len(entries):
            head = entries[position]
            if head.key != "docstring" and bindings(head.node) is None:
                break
            position += 1
    mine = import_sort_key(node) if kind == "statements" else None
    while mine is not None and position < len(entries):
        other = entries[position]
        theirs = import_sort_key(other.node)
        if theirs is None or theirs > mine or other.key in new or other.node.leading_lines:
            break
        position += 1
    return position


def _close_up(entries: list[Entry], position: int, new: Mapping[str, Any]) -> None:
    """A statement inserted with blank lines above it (new's) right before one that new keeps
    close to it: the blank lines above the following statement were those that now lie above
    the inserted one (an import put at the top of its block, under the docstring), so they go,
    unless they hold a comment."""
    if position + 1 >= len(entries):
        return
    inserted, following = entries[position], entries[position + 1]
    lines = getattr(following.node, "leading_lines", ())
    theirs = getattr(new.get(following.key), "leading_lines", None)
    if (
        getattr(inserted.node, "leading_lines", ())
        and lines
        and theirs is not None
        and not theirs
        and not any(line.comment for line in lines)
    ):
        following.node = following.node.with_changes(leading_lines=())


class _Names(cst.CSTVisitor):
    """Every name the code mentions outside imports (and identifiers written as strings)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        if isinstance(value, str) and value.isidentifier():
            self.names.add(value)


def _drop_unused_imports(module: cst.Module, keys: set[str]) -> cst.Module:
    if not keys:
        return module
    visitor = _Names()
    module.visit(visitor)
    entries = [Entry(key, node) for key, node in keyed("statements", module.body).items()]
    for entry in list(entries):
        pairs = bindings(entry.node)
        if entry.key in keys and pairs and not {name for _, name in pairs} & visitor.names:
            pop(entries, entry)
    return module.with_changes(body=[entry.node for entry in entries])


def _comments(source: str) -> Counter[str]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return Counter(token.string for token in tokens if token.type == tokenize.COMMENT)


def _check(source: str, current: str, old: str, path: str) -> None:
    """The merge must give valid Python and keep every comment a person wrote."""
    try:
        ast.parse(source)
    except SyntaxError as error:
        raise RuntimeError(f"merging {path} produced invalid Python") from error
    lost = _comments(current) - _comments(old) - _comments(source)
    if lost:
        raise RuntimeError(f"merging {path} dropped hand-written comments: {sorted(lost)}")
