"""Spec text edits behind `add column` / `remove column`: one entry of `fields:` in or out.

`column_entry` turns `name:type[?]` and the command's flags into a field entry. `add_field` and
`remove_field` are pure functions over a spec's text: ruamel.yaml locates the block `fields:`
mapping and writes the new entry, and whole lines are spliced into the original text, so nothing
else changes (comments, blank lines, quoting, CRLF, a missing final newline). The result is read
again and must hold the same data plus or minus that field, else a UsageError says what to do by
hand. Checks of meaning (options against types) are the loader's, run by the caller on the result.

- A new field goes after the last entry and the comment lines that follow it indented as deep as
  the entries. It is block style (one option per line) when the last entry written as a mapping
  is, else one line: `name: {type: int, index: true}` or `name: int?`. Lists are flow: `[a, b]`.
- Removing a field removes its lines, with comments on them or indented inside it; comment lines
  above it are kept. A flow `fields: {...}` is never edited.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter

from fastgen.errors import UsageError
from fastgen.spec.defaults import BOUNDS
from fastgen.spec.fields import IDENTIFIER, TYPE_NAMES, name_hint
from fastgen.spec.source import did_you_mean

__all__ = ["ColumnOptions", "NewColumn", "add_field", "column_entry", "remove_field"]

FORM = "expected NAME:TYPE or NAME:TYPE? ('?' = optional), e.g. 'stock:int' or 'summary:text?'"
_TYPES = f"types are: {', '.join(TYPE_NAMES)}"
_LINE = re.compile(r"[^\n]*\n|[^\n]+")
Entry = str | dict[str, Any]


@dataclass(frozen=True)
class ColumnOptions:
    """The flags of `add column`; None / False = not given. Names are FieldSpec's options.

    `default`, `example` (and bounds given as text) are read as YAML scalars: `0` -> 0, `2.5` ->
    2.5, `true` -> True, `null` -> None, `"'0'"` -> '0'; empty text, dates and anything that is
    not a single YAML value stay the text as given. `values` is a tuple or the text `a,b,c`.
    """

    default: str | None = None
    unique: bool = False
    index: bool = False
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    ge: int | float | str | None = None
    gt: int | float | str | None = None
    le: int | float | str | None = None
    lt: int | float | str | None = None
    max_digits: int | None = None
    decimal_places: int | None = None
    values: str | tuple[str, ...] | None = None
    read_only: bool = False
    write_only: bool = False
    sortable: bool = False
    filterable: bool = False
    description: str | None = None
    example: str | None = None


@dataclass(frozen=True)
class NewColumn:
    name: str
    entry: Entry  # what goes after `name:` under `fields:`


def column_entry(argument: str, options: ColumnOptions) -> NewColumn:
    """`stock:int` + flags -> the field's name and entry (shorthand when there are no flags)."""
    name, colon, word = argument.partition(":")
    if not colon:
        raise UsageError(f"'{argument}' is not a column: {FORM}", hint=_TYPES)
    if not IDENTIFIER.fullmatch(name):
        message = f"'{name}' is not a valid field name (lowercase letters, digits, '_')"
        raise UsageError(message, hint=f"{name_hint(name)}; {FORM}")
    optional = word.endswith("?")
    kind = word[:-1] if optional else word
    if kind not in TYPE_NAMES:
        raise UsageError(
            f"unknown type '{kind}' in '{argument}'", hint=_hint(kind, TYPE_NAMES, _TYPES)
        )
    given: dict[str, Any] = {}
    for option in fields(options):  # declared in FieldSpec's order
        key, value = option.name, getattr(options, option.name)
        if value is None or value is False:
            continue
        if key == "values":
            value = value.split(",") if isinstance(value, str) else value
            given[key] = [v.strip() for v in value if v.strip()]
        elif isinstance(value, str) and key in ("default", "example", *BOUNDS):
            given[key] = _scalar(value)
        else:
            given[key] = value
    if not given:
        return NewColumn(name, word)
    return NewColumn(name, {"type": kind, **({"optional": True} if optional else {}), **given})


def _hint(word: str, choices: list[str], rest: str) -> str:
    close = did_you_mean(word, choices)
    return f"{close} {rest}" if close else rest


def _scalar(text: str) -> Any:
    try:
        value = YAML(typ="safe", pure=True).load(text) if text.strip() else text
    except YAMLError:
        return text
    if value is None and text.strip() not in ("~", "null", "Null", "NULL"):
        return text  # e.g. '#fff', read as a comment
    return value if value is None or isinstance(value, str | int | float) else text


def add_field(text: str, name: str, entry: Entry, *, origin: str) -> str:
    """`text` with `name: entry` added at the end of its `fields:` mapping; nothing else changes."""
    lines, newline = _LINE.findall(text), "\r\n" if "\r\n" in text else "\n"
    by_hand = f"add this line at the end of 'fields:' by hand: {_render(name, entry, False, 2)[0]}"
    root, key, node = _fields(text, origin, by_hand)
    if isinstance(node, MappingNode):
        if name in [str(k.value) for k, _ in node.value]:
            raise UsageError(
                f"{origin} already has a field '{name}'",
                hint=f"change it in {origin}, or remove it first with 'remove column'",
            )
        col = node.value[0][0].start_mark.column
        last = max(_last_line(lines, k, v) for k, v in node.value)
        indent = col - key.start_mark.column
        mappings = [(k, v) for k, v in node.value if isinstance(v, MappingNode) and v.value]
        block = bool(mappings) and not mappings[-1][1].flow_style
        if block:  # the indentation inside the last block entry
            inner, outer = mappings[-1][1].value[0][0], mappings[-1][0]
            indent = inner.start_mark.column - outer.start_mark.column
    else:
        block, indent = False, _indent(root)
        col, last = key.start_mark.column + indent, key.start_mark.line
    at = _extend(lines, last, col, blank_ok=True) + 1
    new = [" " * col + line for line in _render(name, entry, block, indent)]
    result = _splice(lines, at, at, new, newline)
    _check(text, result, lambda items: [*items, (name, _plain(entry))], origin, by_hand)
    return result


def remove_field(text: str, name: str, *, origin: str) -> str:
    """`text` without the field `name` (its lines only); nothing else changes."""
    lines, newline = _LINE.findall(text), "\r\n" if "\r\n" in text else "\n"
    by_hand = f"remove '{name}' from 'fields:' in {origin} by hand"
    _, _, node = _fields(text, origin, by_hand)
    entries = node.value if isinstance(node, MappingNode) else []
    found = [(k, v) for k, v in entries if str(k.value) == name]
    if not found:
        names = [str(k.value) for k, _ in entries]
        listed = f"its fields are: {', '.join(names)}" if names else "it has no fields"
        raise UsageError(f"{origin} has no field '{name}'", hint=_hint(name, names, listed))
    key, value = found[0]
    start, col = key.start_mark.line, key.start_mark.column
    stop = _extend(lines, _last_line(lines, key, value), col + 1, blank_ok=False) + 1
    result = _splice(lines, start, stop, [], newline)
    _check(text, result, lambda items: [i for i in items if i[0] != name], origin, by_hand)
    return result


def _parse(text: str, origin: str, load: bool) -> Any:
    yaml = YAML(typ="rt")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return yaml.load(text) if load else yaml.compose(io.StringIO(text))
    except YAMLError:
        raise UsageError(
            f"{origin} cannot be read as YAML", hint=f"'fastgen validate {origin}' shows where"
        ) from None


def _fields(text: str, origin: str, by_hand: str) -> tuple[MappingNode, ScalarNode, Node]:
    """The root mapping, the `fields` key and its value: a block mapping or nothing at all."""
    root = _parse(text, origin, load=False)
    for key, node in root.value if isinstance(root, MappingNode) else []:
        if not isinstance(key, ScalarNode) or key.value != "fields":
            continue
        if isinstance(node, MappingNode) and node.flow_style:
            raise UsageError(f"{origin} writes 'fields' as a flow mapping ({{...}})", hint=by_hand)
        if isinstance(node, MappingNode) or _empty(node):
            return root, key, node
        raise UsageError(f"'fields' in {origin} is not a mapping", hint=by_hand)
    raise UsageError(f"{origin} has no 'fields:' mapping", hint="add 'fields:' with its fields")


def _indent(root: MappingNode) -> int:
    """The indentation of the file's other block mappings (2 if it has none)."""
    for key, node in root.value:
        if isinstance(node, MappingNode) and not node.flow_style and node.value:
            return max(1, int(node.value[0][0].start_mark.column - key.start_mark.column))
    return 2


def _empty(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.value == "" and node.style is None


def _last_line(lines: list[str], *nodes: Node) -> int:
    """The last line (0-based) holding part of these nodes."""
    result = -1
    for node in nodes:
        if _empty(node):
            continue  # `key:` with nothing: ruamel marks the empty value at the next token
        if isinstance(node, ScalarNode) or getattr(node, "flow_style", False):
            end = node.end_mark
            line = end.line if end.column else end.line - 1
            while line > node.start_mark.line and not lines[line].strip():
                line -= 1  # block scalars end after their trailing blank lines
            result = max(result, line)
        elif isinstance(node, MappingNode):
            result = max(result, _last_line(lines, *(n for pair in node.value for n in pair)))
        else:
            result = max(result, _last_line(lines, *node.value))
    return result


def _extend(lines: list[str], last: int, indent: int, *, blank_ok: bool) -> int:
    """`last`, moved down over the comment lines indented at least `indent` that follow it."""
    for number in range(last + 1, len(lines)):
        stripped = lines[number].lstrip(" ")
        if stripped.startswith("#") and len(lines[number]) - len(stripped) >= indent:
            last = number
        elif stripped.strip() or not blank_ok:
            break
    return last


def _render(name: str, entry: Entry, block: bool, indent: int) -> list[str]:
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.width = 4096
    yaml.indent(mapping=indent)
    value: Any = entry
    if isinstance(entry, dict):
        value = CommentedMap()
        for key, option in entry.items():
            value[key] = CommentedSeq(option) if isinstance(option, list | tuple) else option
            if isinstance(option, list | tuple):
                value[key].fa.set_flow_style()
        if not block:
            value.fa.set_flow_style()
    out = io.StringIO()
    yaml.dump({name: value}, out)
    return out.getvalue().splitlines()


class _Representer(RoundTripRepresenter):
    def represent_none(self, data: None) -> ScalarNode:
        node: ScalarNode = self.represent_scalar("tag:yaml.org,2002:null", "null")
        return node


_Representer.add_representer(type(None), _Representer.represent_none)


def _splice(lines: list[str], start: int, stop: int, new: list[str], newline: str) -> str:
    """Replace lines[start:stop] with `new`; a file without a final newline stays without one."""
    unterminated = bool(lines) and not lines[-1].endswith("\n") and stop == len(lines)
    if unterminated and start == stop:
        return "".join(lines) + "".join(newline + line for line in new)
    result = "".join([*lines[:start], *(line + newline for line in new), *lines[stop:]])
    return result.removesuffix(newline) if unterminated else result


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return [(key, _plain(item)) for key, item in value.items()]
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


Change = Callable[[list[tuple[str, Any]]], list[tuple[str, Any]]]


def _check(before: str, after: str, change: Change, origin: str, by_hand: str) -> None:
    """The edited text must hold the same data as before, with `change` applied to `fields`."""
    expected = [
        (key, change(value or []) if key == "fields" else value)
        for key, value in _plain(_parse(before, origin, load=True))
    ]
    try:
        new = [(k, v or [] if k == "fields" else v) for k, v in _plain(_parse(after, origin, True))]
    except (UsageError, TypeError, ValueError):
        new = None
    if new != expected:
        raise UsageError(f"cannot edit {origin} without changing other lines", hint=by_hand)
