"""Formatting of newly rendered Python files with ruff, so generated code is ruff-clean.

Settings are passed explicitly (`--isolated`) so the output does not depend on any
configuration found on the machine: the same input gives the same bytes everywhere.
Files people already own are never reformatted; only new files go through here.
"""

from __future__ import annotations

import subprocess

from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

from fastgen.errors import FastgenError

_SETTINGS = [
    "--isolated",
    "--line-length",
    "100",
    "--target-version",
    "py311",
]
_ISORT = [
    "--config",
    "lint.isort.force-single-line = true",
    "--config",
    "lint.isort.known-first-party = ['app', 'tests', 'migrations']",
]


def _ruff(args: list[str], source: str, filename: str) -> str:
    completed = subprocess.run(
        [find_ruff_bin(), *args, "--stdin-filename", filename, "-"],
        input=source,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode not in (0, 1):
        raise FastgenError(
            f"internal error: rendered {filename} is not valid Python:\n{completed.stderr.strip()}",
            hint="a project blueprint override may have broken it; run with --debug",
        )
    return completed.stdout


def format_python(source: str, filename: str) -> str:
    """Sort imports (one per line) and format, the way the generated project's ruff config does."""
    sorted_imports = _ruff(
        ["check", *_SETTINGS, *_ISORT, "--select", "I", "--fix-only", "--exit-zero", "--quiet"],
        source,
        filename,
    )
    return _ruff(["format", *_SETTINGS, "--quiet"], sorted_imports, filename)
