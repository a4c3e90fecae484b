"""Generated code is lint-clean for every spec: the resource files of many spec combinations
(each field type with each option, relations of every kind, access rules, limits, the longest
names the loader takes) and the revision creating their tables are checked with the generated
project's own ruff configuration, one run per world, so an import that is unused (F401),
missing (F821) or bound twice (F811), or a line too long for the project (E501), fails here in
seconds."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]
from spec_worlds import WORLDS, World


def ruff_problems(root: Path, paths: list[str]) -> list[str]:
    """`ruff check` with the generated project's own configuration, one line per problem."""
    completed = subprocess.run(
        [find_ruff_bin(), "check", "--no-cache", "--output-format", "concise", *paths],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = completed.stdout.splitlines()
    return [line for line in lines if line.startswith(("app/", "tests/", "migrations/"))]


@pytest.mark.parametrize("name", list(WORLDS))
def test_rendered_resources_are_lint_clean(world: Callable[[str], World], name: str) -> None:
    rendered = world(name)
    assert len(rendered.paths) == 4 * len(rendered.specs) + 2
    assert ruff_problems(rendered.root, rendered.paths) == []
