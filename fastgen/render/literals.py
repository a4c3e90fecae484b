"""Text as Python source: every text a spec gives (descriptions, defaults, patterns, examples)
reaches the generated code through `py_str` / `py_value`, so any character it holds comes out as
a valid literal of the same value; `docstring` and `comment` wrap blueprint prose that names
things from the spec. Either way the generated lines stay within the project's 100 columns.

Printable characters (accents, CJK, emoji) are kept as they are; everything else (newlines, tabs,
NUL, other control and format characters, lone surrogates) is written as an escape sequence.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

LINE_LENGTH = 100
"""The generated project's line length (ruff's `line-length`)."""

_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
CHUNK = 40
"""A literal longer than this is split into implicitly concatenated parts of at most this many
characters: the formatter joins them again when they fit on one line, and otherwise puts each
on its own line, which then fits even after a 40-character key (`"name": "part"`)."""


def _escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    if char.isprintable():
        return char
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _chunks(units: list[str]) -> list[str]:
    """Escaped characters grouped into parts of at most CHUNK characters, cut after a space
    when there is one in the second half of a part (so words stay whole when they can)."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    last_space = -1
    for unit in units:
        if size + len(unit) > CHUNK and current:
            cut = last_space + 1 if last_space >= len(current) // 2 else len(current)
            parts.append("".join(current[:cut]))
            current = current[cut:]
            size = sum(len(u) for u in current)
            last_space = max((i for i, u in enumerate(current) if u == " "), default=-1)
        current.append(unit)
        size += len(unit)
        if unit == " ":
            last_space = len(current) - 1
    parts.append("".join(current))
    return parts


def quoted(text: str) -> str:
    """`text` as one double-quoted Python string literal, however long."""
    return '"' + "".join(_escape(char) for char in text) + '"'


def py_str(text: str) -> str:
    """`text` as a double-quoted Python string literal (implicitly concatenated parts when
    long: an atom wherever an expression may stand)."""
    units = [_escape(char) for char in text]
    if sum(len(unit) for unit in units) <= CHUNK:
        return '"' + "".join(units) + '"'
    return " ".join(f'"{part}"' for part in _chunks(units))


def py_value(value: Any) -> str:
    """A JSON-like value (str, int, float, bool, None, lists and mappings of them) as Python
    source that evaluates to an equal value."""
    if isinstance(value, str):
        return py_str(value)
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f'float("{value!r}")'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(py_value(item) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{py_value(key)}: {py_value(item)}" for key, item in value.items())
        return "{" + ", ".join(items) + "}"
    raise TypeError(f"not a JSON-like value: {value!r}")


def _wrap(text: str, width: int) -> list[str]:
    """Paragraphs (separated by blank lines) reflowed to `width`; words are never broken."""
    paragraphs = [" ".join(block.split()) for block in text.split("\n\n")]
    lines: list[str] = []
    for paragraph in paragraphs:
        if lines:
            lines.append("")
        lines += textwrap.wrap(
            paragraph, width, break_long_words=False, break_on_hyphens=False
        ) or [""]
    return lines


def docstring(text: str, indent: int = 0) -> str:
    """`text` as a docstring line(s) at `indent` columns, the first line indented too and a
    newline at the end (a blueprint's `{% endfilter %}` swallows the one after it). The lines are
    kept as written when they fit, else the text is reflowed so that they do."""
    pad = " " * indent
    lines = text.strip("\n").split("\n")
    quoted = ['"""' + lines[0], *lines[1:]]
    quoted[-1] += '"""'
    if any(len(pad + line) > LINE_LENGTH for line in quoted):
        # room for the opening quotes on the first line and the closing ones on the last
        lines = _wrap(text, LINE_LENGTH - indent - 6)
    body = [pad + '"""' + lines[0], *(pad + line if line else "" for line in lines[1:])]
    return "\n".join(body) + '"""\n'


def comment(text: str, indent: int = 0) -> str:
    """`text` as `# ` comment lines at `indent` columns (and a newline at the end), reflowed when
    a line would not fit."""
    pad = " " * indent + "# "
    lines = text.strip("\n").split("\n")
    if any(len(pad + line) > LINE_LENGTH for line in lines):
        lines = _wrap(text, LINE_LENGTH - len(pad))
    return "\n".join((pad + line).rstrip() for line in lines) + "\n"
