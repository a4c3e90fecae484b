"""Formatting of newly rendered Python files with ruff, so generated code is ruff-clean.

Settings are passed explicitly (`--isolated`) so the output does not depend on any
configuration found on the machine: the same input gives the same bytes everywhere.
Files people already own are never reformatted; only new files go through here. All files of
one command are formatted in one ruff run (two processes), not one run per file.
"""

from __future__ import annotations

import ast
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

from fastgen.errors import FastgenError

_SETTINGS = ["--isolated", "--line-length", "100", "--target-version", "py311", "--quiet"]
_ISORT = [
    "--config",
    "lint.isort.force-single-line = true",
    "--config",
    "lint.isort.known-first-party = ['app', 'tests', 'migrations']",
]


_HINT = (
    "a project blueprint override may have broken it; otherwise this is a bug in fastgen: "
    "please report it with the spec that led to it (run with --debug for details)"
)


def _syntax_problem(path: str, text: str) -> str | None:
    """Where `text` is not valid Python, as `path:line:col: message` and the line itself."""
    try:
        ast.parse(text, filename=path)
    except SyntaxError as error:
        line = error.lineno or 1
        source = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
        return f"{path}:{line}:{error.offset or 1}: {error.msg}\n  {line} | {source}"
    except ValueError as error:  # NUL characters in the source
        return f"{path}: {error}"
    return None


def _ruff(args: list[str], folder: Path, names: dict[str, str]) -> None:
    completed = subprocess.run(
        [find_ruff_bin(), *args, *_SETTINGS, "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        output = completed.stderr.strip() or completed.stdout.strip()
        output = re.sub(r"\bf\d+\.py\b", lambda m: names.get(m.group(), m.group()), output)
        raise FastgenError(f"internal error: ruff could not format the rendered code:\n{output}")


def format_python_files(files: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Sort imports (one per line) and format every `.py` file, the way the generated project's
    ruff config does; other files pass through unchanged. Order is kept, and the same path may
    appear more than once (two versions of one file)."""
    python = [(path, text) for path, text in files if path.endswith(".py")]
    if not python:
        return list(files)
    problems = [p for path, text in python if (p := _syntax_problem(path, text)) is not None]
    if problems:
        raise FastgenError(
            "internal error: rendered code is not valid Python:\n" + "\n".join(problems),
            hint=_HINT,
        )
    names = {f"f{index}.py": path for index, (path, _) in enumerate(python)}
    with tempfile.TemporaryDirectory(prefix="fastgen-format-") as tmp:
        folder = Path(tmp)
        for index, (_, text) in enumerate(python):
            (folder / f"f{index}.py").write_text(text, encoding="utf-8")
        _ruff(["check", *_ISORT, "--select", "I", "--fix-only", "--exit-zero"], folder, names)
        _ruff(["format"], folder, names)
        formatted = iter(
            [(folder / f"f{index}.py").read_text(encoding="utf-8") for index in range(len(python))]
        )
    return [(path, next(formatted) if path.endswith(".py") else text) for path, text in files]


def format_python(source: str, filename: str) -> str:
    return format_python_files([(filename, source)])[0][1]
