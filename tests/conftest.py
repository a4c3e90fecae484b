"""Fixtures shared by the CLI, golden and write tests, and the `--update-golden` option."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from fastgen.cli import app

# The golden trees are generated projects with their own tests; they are data, not our tests.
collect_ignore = ["golden"]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the expected trees under tests/golden/ from the current output",
    )


Run = Callable[..., Result]
Snapshot = Callable[[Path], dict[str, bytes]]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def snapshot() -> Snapshot:
    """Every file under a folder, hidden and temporary ones included: relative POSIX path ->
    bytes. Two equal snapshots mean nothing was added, removed or changed."""
    return _snapshot


@pytest.fixture
def examples() -> Path:
    """The repository's `examples/` folder (bookshop/author.yaml, bookshop/book.yaml,
    all_types/gadget.yaml)."""
    return EXAMPLES


@pytest.fixture
def run() -> Run:
    """Invoke the CLI in-process: `run("new", "shop", "-C", str(tmp_path))`."""
    runner = CliRunner()

    def invoke(*args: str | Path) -> Result:
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=True)

    return invoke


@pytest.fixture
def project(tmp_path: Path, run: Run) -> Path:
    """A freshly generated `bookshop` project (sqlite), no resources yet."""
    result = run("new", "bookshop", "-C", tmp_path, "--role", "editor")
    assert result.exit_code == 0, result.output
    return tmp_path / "bookshop"


@pytest.fixture
def author_spec(examples: Path, tmp_path: Path) -> Path:
    """The example Author without its relations (its has_many needs Book): a spec that can be
    added on its own."""
    text = (examples / "bookshop" / "author.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^relations:\n(?:  .*\n)+", "", text, flags=re.MULTILINE)
    path = tmp_path / "standalone" / "author.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def bookshop(project: Path, run: Run, examples: Path) -> Path:
    """The `bookshop` project with the example Author and Book added."""
    specs = [examples / "bookshop" / "author.yaml", examples / "bookshop" / "book.yaml"]
    result = run("--project", project, "add", "resource", *specs)
    assert result.exit_code == 0, result.output
    return project
