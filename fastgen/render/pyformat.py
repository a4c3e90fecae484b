"""Formatting of newly rendered Python files with ruff, so generated code is ruff-clean.

Settings are passed explicitly (`--isolated`) so the output does not depend on any
configuration found on the machine: the same input gives the same bytes everywhere.
Files people already own are never reformatted; only new files go through here. All files of
one command are formatted in one ruff run (two processes), not one run per file.
"""

from __future__ import annotations

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


def _ruff(args: list[str], folder: Path) -> None:
    completed = subprocess.run(
        [find_ruff_bin(), *args, *_SETTINGS, "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise FastgenError(
            f"internal error: a rendered file is not valid Python:\n{completed.stderr.strip()}",
            hint="a project blueprint override may have broken it; run with --debug",
        )


def format_python_files(files: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Sort imports (one per line) and format every `.py` file, the way the generated project's
    ruff config does; other files pass through unchanged. Order is kept, and the same path may
    appear more than once (two versions of one file)."""
    python = [(path, text) for path, text in files if path.endswith(".py")]
    if not python:
        return list(files)
    with tempfile.TemporaryDirectory(prefix="fastgen-format-") as tmp:
        folder = Path(tmp)
        for index, (_, text) in enumerate(python):
            (folder / f"f{index}.py").write_text(text, encoding="utf-8")
        _ruff(["check", *_ISORT, "--select", "I", "--fix-only", "--exit-zero"], folder)
        _ruff(["format"], folder)
        formatted = iter(
            [(folder / f"f{index}.py").read_text(encoding="utf-8") for index in range(len(python))]
        )
    return [(path, next(formatted) if path.endswith(".py") else text) for path, text in files]


def format_python(source: str, filename: str) -> str:
    return format_python_files([(filename, source)])[0][1]
