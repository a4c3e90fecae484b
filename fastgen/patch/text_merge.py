"""Line-based three-way merge, for generated files that are not Python (pyproject.toml,
.env.example, alembic.ini, README.md, the CI workflow, ...).

The blueprint's change (base -> new) and the hand edits (base -> current) are each a list of
hunks over the base's lines. When no hunk of one touches or overlaps a hunk of the other, both
are applied; otherwise the file is a conflict (None), and nothing of it is changed.
"""

from __future__ import annotations

import difflib

_Hunk = tuple[int, int, list[str]]  # base lines [start, end) replaced by the lines given


def merge_lines(base: str, new: str, current: str) -> str | None:
    if current in (base, new):
        return new
    if new == base:
        return current
    lines = base.splitlines(keepends=True)
    ours = _hunks(lines, new.splitlines(keepends=True))
    theirs = _hunks(lines, current.splitlines(keepends=True))
    for a_start, a_end, _ in ours:
        for b_start, b_end, _ in theirs:
            if a_start <= b_end and b_start <= a_end:  # overlapping or touching
                return None
    out: list[str] = []
    position = 0
    for start, end, replacement in sorted(ours + theirs, key=lambda hunk: (hunk[0], hunk[1])):
        out.extend(lines[position:start])
        out.extend(replacement)
        position = end
    out.extend(lines[position:])
    return "".join(out)


def _hunks(base: list[str], other: list[str]) -> list[_Hunk]:
    matcher = difflib.SequenceMatcher(a=base, b=other, autojunk=False)
    return [
        (i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]
