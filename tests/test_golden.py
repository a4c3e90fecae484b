"""Golden trees: the complete output of a few generations, compared byte for byte.

`tests/golden/<case>/` holds the expected project tree of each case below. After an intended
change to the blueprints, rewrite them with `pytest tests/test_golden.py --update-golden` and review
the diff like any other code change. CI never passes the flag.

One generated file is not pinned: `.env` holds a SECRET_KEY made fresh on every run, so it is left
out of the trees (see UNPINNED) and its shape is asserted instead.
"""

from __future__ import annotations

import ast
import difflib
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from ruff.__main__ import find_ruff_bin

if TYPE_CHECKING:
    from conftest import Run, Snapshot

GOLDEN = Path(__file__).resolve().parent / "golden"

RUFF_CHECK = [
    "check",
    "--isolated",
    "--no-cache",
    "--select",
    "E,F,W,I,B,UP",
    "--config",
    "lint.isort.force-single-line = true",
    "--config",
    "lint.isort.known-first-party = ['app','tests','migrations']",
    "--line-length",
    "100",
    ".",
]
UNPINNED = frozenset({".env"})
"""Generated files that differ on every run by design, left out of the golden trees and the
determinism check: `.env` (a fresh SECRET_KEY; its shape is ENV_SHAPE)."""
ENV_SHAPE = re.compile(
    r"(#[^\n]*\n)+DATABASE_URL=sqlite\+aiosqlite:///\./[a-z]+\.db\n"
    r"#[^\n]*\nSECRET_KEY=(?P<secret>[A-Za-z0-9_-]{43})\n"
)
"""The `.env` of a new SQLite project: its database, and a `secrets.token_urlsafe(32)`."""
RUFF_FORMAT = ["format", "--isolated", "--no-cache", "--line-length", "100", "--check", "."]


def _new_bookshop(run: Run, where: Path, examples: Path) -> Path:
    result = run("new", "bookshop", "-C", where, "--role", "editor")
    assert result.exit_code == 0, result.output
    return where / "bookshop"


def _bookshop_with_resources(run: Run, where: Path, examples: Path) -> Path:
    root = _new_bookshop(run, where, examples)
    specs = examples / "bookshop"
    result = run("--project", root, "add", "resource", specs / "author.yaml", specs / "book.yaml")
    assert result.exit_code == 0, result.output
    return root


def _all_types(run: Run, where: Path, examples: Path) -> Path:
    result = run("new", "gadgets", "-C", where)
    assert result.exit_code == 0, result.output
    root = where / "gadgets"
    result = run("--project", root, "add", "resource", examples / "all_types" / "gadget.yaml")
    assert result.exit_code == 0, result.output
    return root


def _bookshop_evolved(run: Run, where: Path, examples: Path) -> Path:
    """The bookshop after a few schema changes: every patched file and revision is pinned."""
    root = _bookshop_with_resources(run, where, examples)
    for command in (
        ["add", "column", "Book", "stock:int", "--default", "0", "--index"],
        ["add", "column", "Book", "format:enum", "--values", "paper,ebook", "--default", "paper"],
        ["add", "column", "Author", "website:url?"],
        ["remove", "column", "Book", "summary", "--allow-destructive"],
    ):
        result = run("--project", root, *command)
        assert result.exit_code == 0, result.output
    return root


CASES: dict[str, Callable[[Run, Path, Path], Path]] = {
    "new_bookshop": _new_bookshop,
    "bookshop_author_book": _bookshop_with_resources,
    "all_types_gadget": _all_types,
    "bookshop_evolved": _bookshop_evolved,
}


def _file_diff(name: str, expected: bytes, actual: bytes) -> str:
    return "".join(
        difflib.unified_diff(
            expected.decode("utf-8", "replace").splitlines(keepends=True),
            actual.decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"golden/{name}",
            tofile=f"generated/{name}",
        )
    )


def _ruff(tree: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [find_ruff_bin(), *args], cwd=tree, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_tree(
    case: str,
    tmp_path: Path,
    run: Run,
    snapshot: Snapshot,
    examples: Path,
    request: pytest.FixtureRequest,
) -> None:
    generate = CASES[case]
    first = generate(run, tmp_path / "first", examples)
    generated = _pinned(snapshot(first))
    expected_root = GOLDEN / case

    if request.config.getoption("--update-golden"):
        shutil.rmtree(expected_root, ignore_errors=True)
        shutil.copytree(first, expected_root, ignore=lambda folder, _: _unpinned(first, folder))

    # Same files, same bytes.
    expected = snapshot(expected_root)
    assert sorted(generated) == sorted(expected)
    differences = [
        _file_diff(name, expected[name], generated[name])
        for name in sorted(generated)
        if generated[name] != expected[name]
    ]
    assert not differences, "\n".join(differences)

    # Every Python file parses.
    for name, content in expected.items():
        if name.endswith(".py"):
            ast.parse(content, filename=name)

    # The output is ruff-clean: lint and format.
    lint = _ruff(first, RUFF_CHECK)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = _ruff(first, RUFF_FORMAT)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr

    # Deterministic: a second generation elsewhere gives the same bytes, but for a fresh secret.
    second = generate(run, tmp_path / "second", examples)
    assert _pinned(snapshot(second)) == generated
    secrets = [_env_secret(root) for root in (first, second)]
    assert secrets[0] != secrets[1]


def _pinned(files: dict[str, bytes]) -> dict[str, bytes]:
    assert files.keys() >= UNPINNED
    return {name: content for name, content in files.items() if name not in UNPINNED}


def _unpinned(root: Path, folder: str) -> set[str]:
    """For `shutil.copytree(root, ...)`: the UNPINNED names in `folder`."""
    relative = Path(folder).relative_to(root)
    return {Path(name).name for name in UNPINNED if Path(name).parent == relative}


def _env_secret(root: Path) -> str:
    """The SECRET_KEY of the project's `.env`, which must have the shape ENV_SHAPE."""
    text = (root / ".env").read_text(encoding="utf-8")
    shape = ENV_SHAPE.fullmatch(text)
    assert shape is not None, text
    return shape["secret"]
