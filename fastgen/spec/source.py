"""YAML text -> a small tree of located nodes, and the diagnostics collected while checking it.

The tree is built from ruamel.yaml's composed node graph (round-trip loader) rather than from
constructed Python objects, because nodes keep the start and end of every key and value and keep
duplicate keys, which the checks report at their second occurrence.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import importlib.util
import io
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from fastgen.errors import Diagnostic

PlainScalar = str | int | float | bool | None

_MAP_TAGS = {"tag:yaml.org,2002:map"}
_SEQ_TAGS = {"tag:yaml.org,2002:seq"}
_MERGE_TAG = "tag:yaml.org,2002:merge"
_MAX_DEPTH = 64
_MAX_NODES = 20_000
_LIBYAML = importlib.util.find_spec("_ruamel_yaml") is not None
"""ruamel.yaml.clib is installed: ruamel.yaml's C parser (libyaml) can compose."""
_DIRECTIVE = re.compile(r"^%", re.MULTILINE)
_LIBYAML_DIFFERS = ("!", "\t", "\x85", "\u2028", "\u2029", "\ufeff")


@dataclass(frozen=True)
class Span:
    """Where a token is: 0-based start line/column and end line/column (exclusive)."""

    line: int
    col: int
    end_line: int
    end_col: int


TOP = Span(0, 0, 0, 1)


@dataclass(frozen=True)
class YScalar:
    value: PlainScalar
    span: Span
    text: str
    plain: bool  # written without quotes or block style
    bad: bool = False  # already reported (e.g. an unsupported tag); checks skip it


@dataclass(frozen=True)
class YSeq:
    items: tuple[YNode, ...]
    span: Span


@dataclass(frozen=True)
class Entry:
    key: str
    key_span: Span
    value: YNode


@dataclass(frozen=True)
class YMap:
    entries: tuple[Entry, ...]  # first occurrence of each key, in file order
    duplicates: tuple[tuple[Entry, Entry], ...]  # (first, later occurrence)
    span: Span

    def get(self, key: str) -> Entry | None:
        for entry in self.entries:
            if entry.key == key:
                return entry
        return None

    def keys(self) -> list[str]:
        return [entry.key for entry in self.entries]


YNode = YScalar | YSeq | YMap


def describe(node: YNode) -> str:
    """A short description of a value for messages: `'abc'`, `3`, `a list`, `a mapping`."""
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    if node.value is None:
        return "nothing (null)"
    if isinstance(node.value, str):
        return repr(node.value)
    return str(node.value).lower() if isinstance(node.value, bool) else str(node.value)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    options = list(choices)
    lowered = {choice.lower(): choice for choice in options}
    if word.lower() in lowered:
        return f"did you mean '{lowered[word.lower()]}'?"
    matches = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not matches:
        matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        matches = [lowered[m] for m in matches]
    return f"did you mean '{matches[0]}'?" if matches else None


@dataclass
class Report:
    """Collects the diagnostics of one file."""

    file: str
    text: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)  # the spec is accepted all the same

    def __post_init__(self) -> None:
        self._lines = self.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def error(self, at: Span | None, path: str, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(self._located(at, path, message, hint, "error"))

    def warning(self, at: Span | None, path: str, message: str, hint: str | None = None) -> None:
        self.warnings.append(self._located(at, path, message, hint, "warning"))

    def _located(
        self, at: Span | None, path: str, message: str, hint: str | None, severity: str
    ) -> Diagnostic:
        span = at or TOP
        line = max(span.line, 0)
        col = max(span.col, 0)
        source = self._lines[line] if line < len(self._lines) else None
        if span.end_line == line:
            length = span.end_col - col
        else:
            length = len(source.rstrip()) - col if source is not None else 1
        source = _excerpt(source, col)
        return Diagnostic(
            file=self.file,
            line=line + 1,
            col=col + 1,
            path=_printable(path),
            message=_printable(message),
            hint=None if hint is None else _printable(hint),
            length=max(1, length),
            source_line=source,
            severity=severity,
        )

    @property
    def ok(self) -> bool:
        return not self.diagnostics


EXCERPT_WIDTH = 160
"""The longest source line a diagnostic shows; a longer one is cut after it."""


def _excerpt(line: str | None, col: int) -> str | None:
    """The offending line as a diagnostic shows it: control characters (which a terminal would
    act on) become U+FFFD, one column each so the caret stays in place; a line longer than
    `EXCERPT_WIDTH` is cut with an ellipsis, and not shown at all when the problem lies past
    the cut. Nothing but this one line of the file is ever shown."""
    if line is None or col >= EXCERPT_WIDTH:
        return None
    shown = "".join(c if c.isprintable() or c == "\t" else "\ufffd" for c in line)
    return shown if len(shown) <= EXCERPT_WIDTH else shown[:EXCERPT_WIDTH] + "…"


def _printable(text: str) -> str:
    """Keep a diagnostic on one line: escape newlines and other control characters."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _pairs(text: str) -> str:
    """Surrogate pairs written as two escapes (`"\\ud83d\\ude80"`, as JSON writers do) joined
    into the character they encode; a lone surrogate stays (the loader refuses it)."""
    if not any("\ud800" <= char <= "\udfff" for char in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


class _TooBig(Exception):
    pass


def _span(node: Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(start.line, start.column, end.line, end.column)


class _Builder:
    def __init__(self, yaml: YAML, report: Report) -> None:
        self._yaml = yaml
        self._report = report
        self._count = 0

    def build(self, node: Node, depth: int = 0) -> YNode:
        self._count += 1
        if self._count > _MAX_NODES or depth > _MAX_DEPTH:
            raise _TooBig
        if isinstance(node, MappingNode):
            self._check_tag(node, _MAP_TAGS)
            return self._mapping(node, depth)
        if isinstance(node, SequenceNode):
            self._check_tag(node, _SEQ_TAGS)
            return YSeq(tuple(self.build(item, depth + 1) for item in node.value), _span(node))
        assert isinstance(node, ScalarNode)
        return self._scalar(node)

    def _check_tag(self, node: Node, allowed: set[str]) -> None:
        if node.tag is not None and str(node.tag) not in allowed:
            self._report.error(_span(node), "", f"unsupported YAML tag '{node.tag}'")

    def _scalar(self, node: ScalarNode) -> YScalar:
        span = _span(node)
        plain = not node.style  # None from ruamel's parser, '' from libyaml
        text = str(node.value)
        tag = str(node.tag)
        if tag == "tag:yaml.org,2002:timestamp":
            return YScalar(text, span, text, plain)
        try:
            value: Any = self._yaml.constructor.construct_object(node, deep=True)
        except Exception as error:  # ruamel raises plain ValueError for e.g. `!!int 3x`
            self._report.error(span, "", f"invalid value for tag '{tag}': {error}")
            return YScalar(None, span, text, plain, bad=True)
        if value is None or isinstance(value, bool):
            return YScalar(value, span, text, plain)
        if isinstance(value, int):
            return YScalar(int(value), span, text, plain)
        if isinstance(value, float):
            return YScalar(float(value), span, text, plain)
        if isinstance(value, str):
            return YScalar(_pairs(str(value)), span, text, plain)
        if isinstance(value, dt.date):
            return YScalar(text, span, text, plain)
        self._report.error(span, "", f"unsupported YAML tag '{tag}'")
        return YScalar(None, span, text, plain, bad=True)

    def _mapping(self, node: MappingNode, depth: int) -> YMap:
        entries: dict[str, Entry] = {}
        duplicates: list[tuple[Entry, Entry]] = []
        merged: list[Entry] = []
        for key_node, value_node in node.value:
            if str(key_node.tag) == _MERGE_TAG:
                merged.extend(self._merge(value_node, depth))
                continue
            if not isinstance(key_node, ScalarNode):
                self._report.error(
                    _span(key_node), "", "keys must be plain names, not lists or mappings"
                )
                continue
            value = self.build(value_node, depth + 1)
            if isinstance(value, YScalar) and value.value is None and not value.text:
                # `key:` with nothing after it: ruamel places the null on the next line
                value = YScalar(None, _span(key_node), "", True)
            entry = Entry(_pairs(str(key_node.value)), _span(key_node), value)
            if entry.key in entries:
                duplicates.append((entries[entry.key], entry))
            else:
                entries[entry.key] = entry
        for entry in merged:
            entries.setdefault(entry.key, entry)
        return YMap(tuple(entries.values()), tuple(duplicates), _span(node))

    def _merge(self, node: Node, depth: int) -> list[Entry]:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        result: list[Entry] = []
        for source in sources:
            built = self.build(source, depth + 1)
            if isinstance(built, YMap):
                result.extend(e for e in built.entries if e.key not in {r.key for r in result})
            else:
                self._report.error(
                    built.span, "", "a merge key '<<' needs a mapping or a list of mappings"
                )
        return result


def _syntax_message(error: MarkedYAMLError) -> tuple[str, str | None]:
    problem = error.problem or error.context or "invalid YAML"
    if "'\\t'" in problem:
        return (
            "tab character found; YAML must be indented with spaces",
            "replace the tab with spaces",
        )
    return problem, None


def parse(report: Report) -> YNode | None:
    """Parse the report's text; on a YAML syntax error record one diagnostic and return None."""
    with warnings.catch_warnings():
        # e.g. ReusedAnchorWarning: legal YAML, and a library must not print to stderr
        warnings.simplefilter("ignore")
        return _parse(report)


def _flow_depth_exceeded(text: str, limit: int) -> Span | None:
    """Where `[`/`{` nesting (outside quotes and comments) first goes past `limit`: checked
    before parsing, because the YAML parser takes quadratic time on deep flow nesting."""
    depth = 0
    line = col = 0
    quote: str | None = None
    comment = False
    previous = " "
    for char in text:
        if char == "\n":
            line, col, comment, previous = line + 1, 0, False, " "
            continue
        if comment:
            pass
        elif quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and previous in " \t":
            comment = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return Span(line, col, line, col + 1)
        elif char in "]}":
            depth = max(0, depth - 1)
        previous = char
        col += 1
    return None


def _compose(text: str) -> Node | None:
    """The document's node graph, as the round-trip loader composes it, without the comments
    (no check reads them). libyaml (ruamel.yaml.clib), when installed, composes it about five
    times faster than the pure-Python parser, with the same nodes and marks
    (tests/spec/test_parsers_agree.py); the pure-Python parser composes what libyaml does not
    take (its messages are the ones diagnostics quote) and the texts on which the two differ:
    see `_libyaml_agrees`."""
    if _LIBYAML and _libyaml_agrees(text):
        with contextlib.suppress(Exception):
            return YAML(typ="safe", pure=False).compose(text)  # type: ignore[no-any-return]
    return YAML(typ="safe", pure=True).compose(io.StringIO(text))  # type: ignore[no-any-return]


def _libyaml_agrees(text: str) -> bool:
    """False for the texts on which libyaml and ruamel's own parser are known to differ: a text
    without a final line break (libyaml adds one, which moves the end of the last node), a `%`
    directive (libyaml does not pass `%YAML 1.1` on to ruamel's resolver), the non-specific tag
    `!` (resolved differently on an empty value), tabs (libyaml takes some that ruamel refuses)
    the line breaks of YAML 1.1 that YAML 1.2 reads as text (NEL, LS, PS) and a byte order mark
    (libyaml counts a column for one inside the text)."""
    return (
        text.endswith("\n")
        and not any(char in text for char in _LIBYAML_DIFFERS)
        and not _DIRECTIVE.search(text)
    )


def _parse(report: Report) -> YNode | None:
    too_deep = _flow_depth_exceeded(report.text, _MAX_DEPTH)
    if too_deep is not None:
        report.error(too_deep, "", "the document is nested too deeply for a spec")
        return None
    try:
        node = _compose(report.text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message, hint = _syntax_message(error)
        at = Span(mark.line, mark.column, mark.line, mark.column + 1) if mark is not None else None
        report.error(at, "", message, hint)
        return None
    except ReaderError as error:
        before = report.text[: max(error.position, 0)]
        line = before.count("\n")
        col = len(before) - (before.rfind("\n") + 1)
        report.error(
            Span(line, col, line, col + 1),
            "",
            f"character {error.character!r} is not allowed in YAML",
        )
        return None
    except RecursionError:
        report.error(None, "", "the document is nested too deeply")
        return None
    except (YAMLError, ValueError, TypeError, AttributeError, IndexError, KeyError) as error:
        # anything else ruamel may raise on odd input
        report.error(None, "", f"cannot parse YAML: {error}")
        return None
    if node is None:
        return None
    try:
        return _Builder(YAML(typ="rt"), report).build(node)
    except (_TooBig, RecursionError):
        report.error(None, "", "the document is too large or nested too deeply for a spec")
        return None


def to_plain(node: YNode) -> Any:
    """The node as plain Python values (dict, list, str, int, float, bool, None)."""
    if isinstance(node, YMap):
        return {entry.key: to_plain(entry.value) for entry in node.entries}
    if isinstance(node, YSeq):
        return [to_plain(item) for item in node.items]
    return node.value
