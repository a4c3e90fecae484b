"""Fixtures shared by the CLI, golden and write tests, the `--update-golden` option, the order
of the tests under pytest-xdist, and the check that a run leaves the services clean."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import settings
from typer.testing import CliRunner

from fastgen.cli import app
from tests.project_cache import ProjectCache

# The golden trees are generated projects with their own tests; they are data, not our tests.
collect_ignore = ["golden"]

pytest_plugins = ["tests.service_guard"]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# Property tests draw the same examples on every run (a red CI run can be replayed, and a green
# one does not turn red by chance) and have no deadline (the machines are shared and noisy).
# HYPOTHESIS_PROFILE=explore draws new examples each run; scripts/sweep.sh explores at scale.
settings.register_profile("repeatable", derandomize=True, deadline=None, database=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the expected trees under tests/golden/ from the current output",
    )


def expected_seconds(item: pytest.Item) -> float:
    """How long a test takes, roughly: `slow(seconds=N)` says; other slow and end-to-end
    tests count as a minute, the rest as nothing."""
    slow = item.get_closest_marker("slow")
    if slow is not None:
        return float(slow.kwargs.get("seconds", 60))
    return 60.0 if item.get_closest_marker("e2e") is not None else 0.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist, the longest tests first. `scripts/test.sh` runs `-n 2 --dist
    loadscope --no-loadscope-reorder`: each module (each class, in a module of classes) is a
    unit of work run on one worker, so module fixtures are made once, and the units are handed
    out in the order of their first test. So the two longest start at once, one per worker,
    and the short ones fill in around them. Without xdist: collection order."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=expected_seconds, reverse=True)  # stable: ties keep their order


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


def _invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=True)


@pytest.fixture
def run() -> Run:
    """Invoke the CLI in-process: `run("new", "shop", "-C", str(tmp_path))`."""
    return _invoke


def _new_bookshop(folder: Path) -> Path:
    result = _invoke("new", "bookshop", "-C", folder, "--role", "editor")
    assert result.exit_code == 0, result.output
    return folder / "bookshop"


def _bookshop_with_author_and_book(folder: Path) -> Path:
    root = _new_bookshop(folder)
    specs = [EXAMPLES / "bookshop" / "author.yaml", EXAMPLES / "bookshop" / "book.yaml"]
    result = _invoke("--project", root, "add", "resource", *specs)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="session")
def project_templates(tmp_path_factory: pytest.TempPathFactory) -> ProjectCache:
    """Projects generated once per run; tests get copies (see `project`, `bookshop`)."""
    return ProjectCache.for_run(tmp_path_factory)


@pytest.fixture
def project(tmp_path: Path, project_templates: ProjectCache) -> Path:
    """A freshly generated `bookshop` project (sqlite, role editor), no resources yet, at
    tmp_path/bookshop: a copy of the one `fastgen new` made once for the run."""
    template = project_templates.template("cli: new bookshop", _new_bookshop)
    return project_templates.copy(template, tmp_path)


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
def bookshop(project: Path, project_templates: ProjectCache) -> Path:
    """The `bookshop` project with the example Author and Book added, in the folder of
    `project`: a copy of the one `fastgen add resource` made once for the run."""
    key = "cli: new bookshop, add author and book"
    template = project_templates.template(key, _bookshop_with_author_and_book)
    shutil.rmtree(project)
    return project_templates.copy(template, project.parent)


@pytest.fixture
def shop(
    bookshop: Path, examples: Path, run: Run, project_templates: ProjectCache, tmp_path: Path
) -> Path:
    """The bookshop (Author, Book) with the example Tag (many_to_many Book, link table
    tags_books): a copy of the one made once for the run."""

    def build(folder: Path) -> Path:
        project = Path(shutil.copytree(bookshop, folder / "bookshop"))
        result = run("--project", project, "add", "resource", examples / "bookshop" / "tag.yaml")
        assert result.exit_code == 0, result.output
        return project

    template = project_templates.template("cli: bookshop, author, book and tag", build)
    return project_templates.copy(template, tmp_path / "shop")
