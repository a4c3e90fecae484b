"""A wheel built from the repository, installed in a fresh virtualenv, generates a project:
proof that the blueprints ship inside the wheel."""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


def _run(args: list[str], cwd: Path) -> str:
    completed = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=900, check=False
    )
    assert completed.returncode == 0, f"{args}\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout


def test_wheel_in_a_fresh_virtualenv_generates_a_project(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)], tmp_path)
    wheels = list(dist.glob("fastgen-*.whl"))
    assert len(wheels) == 1
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheels[0])], tmp_path)
    fastgen = env_dir / "bin" / "fastgen"
    work = tmp_path / "work"
    work.mkdir()
    _run([str(fastgen), "new", "bookshop", "--role", "editor"], work)  # the bookshop's role
    project = work / "bookshop"
    # Hidden blueprints ship too: the project's own CI workflow and pre-commit hooks.
    assert (project / ".github" / "workflows" / "ci.yml").is_file()
    assert (project / ".pre-commit-config.yaml").is_file()
    examples = REPO / "examples" / "bookshop"
    output = _run(
        [
            str(fastgen),
            "add",
            "resource",
            str(examples / "author.yaml"),
            str(examples / "book.yaml"),
        ],
        project,
    )
    assert "create  app/models/book.py" in output
    assert (project / "app" / "routers" / "book.py").is_file()
    # The skeleton's users migration, then the one adding both resources.
    versions = sorted(path.name for path in (project / "migrations" / "versions").glob("*.py"))
    assert versions[0] == "0001_create_users.py", versions
    assert re.fullmatch(r"0002_[0-9a-f]{12}_create_authors_books\.py", versions[1]), versions
    assert len(versions) == 2, versions
    # The blueprints came from the installed wheel, not from this checkout.
    location = _run(
        [
            str(python),
            "-c",
            "import fastgen.render.environment as e; print(e.packaged_blueprints())",
        ],
        tmp_path,
    )
    assert str(env_dir) in location
