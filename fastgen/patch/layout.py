"""The children of a container while it is merged, and the layout between them.

Between two comma-separated items (call arguments, list/tuple/set/dict elements) lie: the comma,
then, when the container spans lines, the rest of the line (a trailing comment belongs to the
item before it), comment lines (they belong to the item after them) and the next item's indent.
libcst keeps all of it on the item before; after the last item it is split between that item
and the closing bracket. When items are inserted or removed, each keeps its own trailing comment
and the comments above it, the separators are taken from current's own ones (so a one-line call
stays on one line and a one-per-line list stays one per line), and the container stays valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import libcst as cst


@dataclass(eq=False)
class Entry:
    """A child under its key. `origin` is its index in current (None when it comes from new);
    `line` and `above` are the end of its line and the lines above it in current."""

    key: str
    node: Any
    origin: int | None = None
    line: cst.TrailingWhitespace | None = None
    above: Sequence[cst.EmptyLine] = ()

    def has_comment(self) -> bool:
        return bool(self.line and self.line.comment) or any(line.comment for line in self.above)


def pop(entries: list[Entry], entry: Entry) -> None:
    """Remove `entry`; blank lines above a removed statement go to the next one if it has none."""
    index = next(i for i, other in enumerate(entries) if other is entry)
    del entries[index]
    lines = getattr(entry.node, "leading_lines", ())
    if lines and index < len(entries):
        following = entries[index]
        if hasattr(following.node, "leading_lines") and not following.node.leading_lines:
            following.node = following.node.with_changes(leading_lines=lines)


def annotate(entries: list[Entry], items: Sequence[cst.CSTNode], container: cst.CSTNode) -> None:
    """Record on current's entries (one per item) their trailing line and the lines above them."""
    closer = _edge(container, closing=True)
    opener = _edge(container, closing=False)
    if items and isinstance(opener, cst.ParenthesizedWhitespace):
        entries[0].above = opener.empty_lines
    for index, item in enumerate(items):
        after = _paren(item)
        end = closer if after is None and index == len(items) - 1 else after
        if isinstance(end, cst.ParenthesizedWhitespace):
            entries[index].line = end.first_line
        if after is not None and index + 1 < len(items):
            entries[index + 1].above = after.empty_lines


def assemble(
    entries: list[Entry], items: Sequence[cst.CSTNode], container: cst.CSTNode, name: str
) -> dict[str, Any]:
    """The changes to `container` that make `entries` its items (field `name`)."""
    closing = _separator(items[-1]) if items else {"comma": cst.MaybeSentinel.DEFAULT}
    middle = _middle(items, container)
    closer, opener = _edge(container, closing=True), _edge(container, closing=False)
    out: list[Any] = []
    for index, entry in enumerate(entries):
        last = index == len(entries) - 1
        if last:
            separator = closing
        elif entry.origin is not None and entry.origin != len(items) - 1:
            separator = _separator(entry.node)
        else:
            separator = middle
        item = entry.node.with_changes(**separator)
        line = entry.line or cst.TrailingWhitespace()
        after = _paren(item)
        if after is not None:
            above = after.empty_lines if last else entries[index + 1].above
            item = _with_paren(item, after.with_changes(first_line=line, empty_lines=above))
        elif last and isinstance(closer, cst.ParenthesizedWhitespace):
            closer = closer.with_changes(first_line=line)
        out.append(item)
    if (
        isinstance(container, cst.Tuple)
        and len(out) == 1
        and not isinstance(out[0].comma, cst.Comma)
    ):
        out[0] = out[0].with_changes(comma=cst.Comma())
    changes: dict[str, Any] = {name: out}
    if isinstance(closer, cst.ParenthesizedWhitespace):
        changes.update(_with_edge(container, True, closer))
    if isinstance(opener, cst.ParenthesizedWhitespace) and entries:
        changes.update(
            _with_edge(container, False, opener.with_changes(empty_lines=entries[0].above))
        )
    return changes


def _separator(item: cst.CSTNode) -> dict[str, Any]:
    fields = ("comma", "whitespace_after_arg") if isinstance(item, cst.Arg) else ("comma",)
    return {field: getattr(item, field) for field in fields}


def _middle(items: Sequence[cst.CSTNode], container: cst.CSTNode) -> dict[str, Any]:
    """A separator between two items in current's style, without comments."""
    for item in items[:-1]:
        separator = _separator(item)
        comma = separator["comma"]
        if isinstance(comma, cst.Comma):
            separator["comma"] = comma.with_changes(whitespace_after=_clean(comma.whitespace_after))
            if "whitespace_after_arg" in separator:
                separator["whitespace_after_arg"] = _clean(separator["whitespace_after_arg"])
            return separator
    opening = _edge(container, closing=False)
    after = (
        opening if isinstance(opening, cst.ParenthesizedWhitespace) else cst.SimpleWhitespace(" ")
    )
    separator = {"comma": cst.Comma(whitespace_after=_clean(after))}
    if isinstance(container, cst.Call):
        separator["whitespace_after_arg"] = cst.SimpleWhitespace("")
    return separator


def _clean(whitespace: Any) -> Any:
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    return whitespace


def _paren(item: cst.CSTNode) -> cst.ParenthesizedWhitespace | None:
    """The whitespace after `item` that holds a line break, if any."""
    comma = getattr(item, "comma", None)
    if isinstance(comma, cst.Comma) and isinstance(
        comma.whitespace_after, cst.ParenthesizedWhitespace
    ):
        return comma.whitespace_after
    after = getattr(item, "whitespace_after_arg", None)
    return after if isinstance(after, cst.ParenthesizedWhitespace) else None


def _with_paren(item: cst.CSTNode, whitespace: cst.ParenthesizedWhitespace) -> Any:
    comma = getattr(item, "comma", None)
    if isinstance(comma, cst.Comma) and isinstance(
        comma.whitespace_after, cst.ParenthesizedWhitespace
    ):
        return item.with_changes(comma=comma.with_changes(whitespace_after=whitespace))
    return item.with_changes(whitespace_after_arg=whitespace)


def _edge(container: cst.CSTNode, closing: bool) -> Any:
    """The whitespace just inside the opening (or closing) bracket of `container`."""
    if isinstance(container, cst.Call):
        return None if closing else container.whitespace_before_args
    if isinstance(container, cst.Tuple):
        pars = container.rpar if closing else container.lpar
        bracket: Any = (pars[-1] if closing else pars[0]) if pars else None
    else:
        bracket = getattr(container, _bracket_name(container, closing), None)
    return getattr(bracket, "whitespace_before" if closing else "whitespace_after", None)


def _with_edge(container: cst.CSTNode, closing: bool, whitespace: Any) -> dict[str, Any]:
    side = "whitespace_before" if closing else "whitespace_after"
    if isinstance(container, cst.Call):
        return {"whitespace_before_args": whitespace}
    if isinstance(container, cst.Tuple):
        pars = list(container.rpar if closing else container.lpar)
        index = -1 if closing else 0
        pars[index] = pars[index].with_changes(**{side: whitespace})
        return {"rpar" if closing else "lpar": pars}
    name = _bracket_name(container, closing)
    return {name: getattr(container, name).with_changes(**{side: whitespace})}


def _bracket_name(container: cst.CSTNode, closing: bool) -> str:
    return ("r" if closing else "l") + ("bracket" if isinstance(container, cst.List) else "brace")
