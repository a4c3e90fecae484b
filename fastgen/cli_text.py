"""Help text pieces the commands share: examples kept as written."""

from __future__ import annotations


def examples(*commands: str, note: str = "") -> str:
    """A command's epilog: `Examples:`, then one command a line, then `note` (a paragraph).

    The help formatter rewraps paragraphs to the terminal's width and dedents them; a paragraph
    that starts with a `\\b` line is printed as it is written, so each example stays on one
    line, indented, however long it is."""
    lines = "\n".join(f"  {command}" for command in commands)
    text = f"Examples:\n\n\b\n{lines}"
    return f"{text}\n\n{note}" if note else text
