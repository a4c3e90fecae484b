"""`fastgen new NAME`: a project skeleton, or exit 2 and nothing written."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from dotenv import dotenv_values

from tests.e2e.tools import printed_steps

if TYPE_CHECKING:
    from conftest import Run, Snapshot


def created_paths(stdout: str) -> list[str]:
    return re.findall(r"^\s+create  (\S+)$", stdout, flags=re.MULTILINE)


def test_new_creates_the_tree_and_reports_one_create_line_per_file(
    tmp_path: Path, run: Run, snapshot: Snapshot
) -> None:
    result = run("new", "bookshop", "-C", tmp_path)

    assert result.exit_code == 0, result.output
    root = tmp_path / "bookshop"
    written = snapshot(root)
    reported = created_paths(result.stdout)
    # the record of what fastgen generated (.fastgen/) is reported as one line
    recorded = [path for path in written if path.startswith(".fastgen/")]
    assert sorted(reported) == sorted(set(written) - set(recorded))
    assert len(reported) == len(set(reported))
    assert f"record  .fastgen/ ({len(recorded)} files)" in result.stdout
    assert {"app/main.py", "app/models/__init__.py", "fastgen.lock", "pyproject.toml"} <= set(
        written
    )
    assert "created project bookshop (sqlite)" in result.stdout
    assert ".env" in reported
    assert result.stderr == ""


FIRST_STEPS = [
    'python -m pip install -e ".[dev]"',
    "alembic upgrade head",
    "python -m app.create_user admin@example.com --role admin",
    "uvicorn app.main:app --reload --no-proxy-headers",
]


def test_the_next_steps_are_what_is_left_to_run(tmp_path: Path, run: Run) -> None:
    """No placeholder, nothing optional: the steps run as printed (tests/e2e/test_first_run.py
    runs them)."""
    sqlite = run("new", "bookshop", "-C", tmp_path)
    postgresql = run("new", "shop", "--db", "postgresql", "-C", tmp_path / "my projects")

    assert sqlite.exit_code == 0, sqlite.output
    assert printed_steps(sqlite.stdout) == [f"cd {tmp_path}/bookshop", *FIRST_STEPS]
    assert postgresql.exit_code == 0, postgresql.output
    assert printed_steps(postgresql.stdout) == [
        f"cd '{tmp_path}/my projects/shop'",
        FIRST_STEPS[0],
        "python -m app.create_database",
        *FIRST_STEPS[1:],
    ]


def test_next_steps_start_with_the_folder_as_given(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    result = run("new", "bookshop")

    assert result.exit_code == 0, result.output
    assert printed_steps(result.stdout) == ["cd bookshop", *FIRST_STEPS]


def _env(root: Path) -> dict[str, str | None]:
    """The project's `.env` as the app reads it (pydantic-settings uses python-dotenv)."""
    return dotenv_values(root / ".env")


def test_new_writes_a_env_with_the_database_and_a_fresh_secret(tmp_path: Path, run: Run) -> None:
    for folder in ("one", "two"):
        result = run("new", "bookshop", "-C", tmp_path / folder)
        assert result.exit_code == 0, result.output
    one, two = (_env(tmp_path / folder / "bookshop") for folder in ("one", "two"))

    assert one.keys() == two.keys() == {"DATABASE_URL", "SECRET_KEY"}
    assert one["DATABASE_URL"] == two["DATABASE_URL"] == "sqlite+aiosqlite:///./bookshop.db"
    for secret in (one["SECRET_KEY"], two["SECRET_KEY"]):
        assert secret is not None
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", secret), secret  # secrets.token_urlsafe(32)
    assert one["SECRET_KEY"] != two["SECRET_KEY"]
    example = (tmp_path / "one" / "bookshop" / ".env.example").read_text()
    assert f"SECRET_KEY={one['SECRET_KEY']}" not in example


def test_the_env_is_ignored_by_git(project: Path) -> None:
    git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "--quiet"], cwd=project, check=True)

    ignored = subprocess.run(
        [*git, "check-ignore", "--no-index", ".env", ".env.example"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )

    assert ignored.stdout.splitlines() == [".env"]


@pytest.mark.parametrize(
    ("given", "written"),
    [
        (None, "postgresql+asyncpg://postgres@127.0.0.1:5432/shop"),
        (
            "postgresql://app@db.internal:6543/orders",
            "postgresql+asyncpg://app@db.internal:6543/orders",
        ),
        ("postgres://app@db/orders", "postgresql+asyncpg://app@db/orders"),
        (
            "postgresql+asyncpg://app:pa$$word%40@db/orders",
            "postgresql+asyncpg://app:pa$$word%40@db/orders",
        ),
    ],
)
def test_database_url_goes_to_the_env_with_the_async_driver(
    tmp_path: Path, run: Run, given: str | None, written: str
) -> None:
    options = [] if given is None else ["--database-url", given]

    result = run("new", "shop", "--db", "postgresql", "-C", tmp_path, *options)

    assert result.exit_code == 0, result.output
    assert _env(tmp_path / "shop")["DATABASE_URL"] == written
    # The committed files keep the default: a URL may hold a password.
    config = (tmp_path / "shop" / "app" / "core" / "config.py").read_text()
    assert '"postgresql+asyncpg://postgres@127.0.0.1:5432/shop"' in config
    if given is not None:
        assert given.rsplit("@", 1)[0] not in config


@pytest.mark.parametrize(
    ("db", "url", "message"),
    [
        ("postgresql", "mysql://app@db/shop", "is not a postgresql URL"),
        ("postgresql", "sqlite:///./shop.db", "is not a postgresql URL"),
        ("postgresql", "postgresql+psycopg2://app@db/shop", "is not a postgresql URL"),
        ("sqlite", "postgresql://app@db/shop", "is not a sqlite URL"),
        ("postgresql", "db.internal/shop", "is not a postgresql URL"),
        ("postgresql", "postgresql://app@db.internal:5432/", "names no database"),
        ("sqlite", "sqlite+aiosqlite://", "names no database file"),
        ("postgresql", "postgresql://app@db/my shop", "holds a quote or a blank"),
        ("postgresql", "postgresql://app@db/shop'", "holds a quote or a blank"),
        ("postgresql", "postgresql://app@db/shop\nDEBUG=true", "holds a quote or a blank"),
    ],
)
def test_a_bad_database_url_is_refused_and_nothing_written(
    tmp_path: Path, run: Run, db: str, url: str, message: str
) -> None:
    result = run("new", "shop", "--db", db, "--database-url", url, "-C", tmp_path)

    assert result.exit_code == 2
    assert f"--database-url: {url!r} {message}" in result.stderr
    assert "hint:" in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_env_is_kept_as_it_is(tmp_path: Path, run: Run, snapshot: Snapshot) -> None:
    root = tmp_path / "bookshop"
    root.mkdir()
    mine = "DATABASE_URL=sqlite+aiosqlite:///./mine.db\nSECRET_KEY=mine\n"
    (root / ".env").write_text(mine)

    result = run("new", "bookshop", "-C", tmp_path)

    assert result.exit_code == 0, result.output
    assert (root / ".env").read_text() == mine
    assert re.search(r"^\s+identical  \.env$", result.stdout, flags=re.MULTILINE)
    assert "kept the .env that was there" in result.stdout
    assert "app/main.py" in snapshot(root)


def test_new_with_postgresql_configures_postgresql(tmp_path: Path, run: Run) -> None:
    result = run("new", "shop", "--db", "postgresql", "-C", tmp_path)

    assert result.exit_code == 0, result.output
    assert "created project shop (postgresql)" in result.stdout
    assert "postgresql" in (tmp_path / "shop" / ".env.example").read_text()


def test_new_into_an_empty_existing_folder_is_fine(tmp_path: Path, run: Run) -> None:
    (tmp_path / "bookshop").mkdir()

    result = run("new", "bookshop", "-C", tmp_path)

    assert result.exit_code == 0, result.output
    assert (tmp_path / "bookshop" / "app" / "main.py").is_file()


@pytest.mark.parametrize("present", [["notes.txt"], [".env", "notes.txt"]])
def test_new_into_a_non_empty_folder_is_refused_and_writes_nothing(
    tmp_path: Path, run: Run, snapshot: Snapshot, present: list[str]
) -> None:
    """A folder holding only a `.env` is taken (the `.env` is kept); anything else refuses."""
    root = tmp_path / "bookshop"
    root.mkdir()
    for name in present:
        (root / name).write_text("mine\n")
    before = snapshot(tmp_path)

    result = run("new", "bookshop", "-C", tmp_path)

    assert result.exit_code == 2
    assert "already exists and is not empty" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "name", ["Bookshop", "1shop", "book shop", "../escape", "shop!", "", "shop\n"]
)
def test_a_bad_project_name_is_refused(tmp_path: Path, run: Run, name: str) -> None:
    result = run("new", name, "-C", tmp_path)

    assert result.exit_code == 2
    assert f"invalid project name {name!r}" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_bad_project_name_says_why(tmp_path: Path, run: Run) -> None:
    result = run("new", "Bookshop", "-C", tmp_path)

    assert result.exit_code == 2
    assert "invalid project name 'Bookshop'" in result.stderr
    assert "lowercase" in result.stderr


def test_an_unknown_database_is_refused(tmp_path: Path, run: Run) -> None:
    result = run("new", "bookshop", "--db", "mysql", "-C", tmp_path)

    assert result.exit_code == 2
    assert "unknown database 'mysql'" in result.stderr
    assert "sqlite, postgresql" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_dry_run_new_shows_the_files_and_writes_nothing(tmp_path: Path, run: Run) -> None:
    result = run("--dry-run", "new", "bookshop", "-C", tmp_path)

    assert result.exit_code == 0, result.output
    assert "+++ b/app/main.py" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "role", ["editor\n", "", "a b", "Editor", "1st", "public", "owner", "authenticated"]
)
def test_a_role_that_breaks_the_name_rule_is_refused_by_name(
    tmp_path: Path, run: Run, role: str
) -> None:
    result = run("new", "shop", "-C", tmp_path, "--role", "editor", "--role", role)

    assert result.exit_code == 2
    assert f"--role: {role!r} is not a usable role name" in result.stderr
    assert "not one of public, authenticated, owner" in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_bad_role_in_pyproject_is_refused_by_name(project: Path, run: Run) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    assert 'roles = ["admin", "editor"]' in text
    pyproject.write_text(text.replace('roles = ["admin", "editor"]', 'roles = ["editor\\n"]'))

    result = run("--project", project, "check")

    assert result.exit_code == 2
    assert "[tool.fastgen] roles: 'editor\\n' is not a usable role name" in result.stderr


def test_the_generated_project_pins_the_ruff_fastgen_formats_with(project: Path) -> None:
    """Generated bytes depend on ruff's formatter, whose stable style changes only with a minor
    version: fastgen and the projects it generates pin the same minor, the installed one."""
    import tomllib
    from importlib.metadata import version

    from packaging.requirements import Requirement

    def ruff_of(requirements: list[str]) -> Requirement:
        (found,) = [r for r in map(Requirement, requirements) if r.name == "ruff"]
        return found

    ours = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    theirs = tomllib.loads((project / "pyproject.toml").read_text())
    pinned = ruff_of(ours["project"]["dependencies"]).specifier
    assert ruff_of(theirs["project"]["optional-dependencies"]["dev"]).specifier == pinned
    assert str(pinned) == "<0.18,>=0.17"  # one minor
    assert version("ruff") in pinned
