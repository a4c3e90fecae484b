"""The files a new project brings for its own checks: the CI workflow, whose every command
passes here as it is written (the job's services are this machine's PostgreSQL and Redis), the
pre-commit hooks, and a `pyproject.toml` that `uv sync` installs from."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.e2e.test_generated_project import SPECS
from tests.e2e.tools import BIN, ProjectFactory, layered_venv, venv_environment
from tests.services import POSTGRES_URL, REDIS_URL, database_name, drop_databases

pytestmark = pytest.mark.e2e

NAME = "shop"


def _workflow_job(project: Path) -> dict[str, Any]:
    workflow = YAML(typ="safe", pure=True).load(
        (project / ".github" / "workflows" / "ci.yml").read_text()
    )
    assert set(workflow["on"]) == {"push", "pull_request"}
    (job,) = workflow["jobs"].values()
    assert isinstance(job, dict)
    return job


@pytest.mark.slow(seconds=300)
def test_every_command_of_the_ci_workflow_and_the_pre_commit_hooks_pass_here(
    project_factory: ProjectFactory, tmp_path: Path, postgres_admin_url: str, redis_prefix: str
) -> None:
    """The bookshop and the all-types gadget on PostgreSQL (the project the other PostgreSQL
    tests use: its suite runs here, as the workflow's last step, and nowhere else)."""
    project = project_factory(SPECS, "postgresql", ["editor"])
    (project / ".env").unlink()  # a clone has none: the workflow must not need it
    job = _workflow_job(project)

    # The job's services are PostgreSQL and Redis, on the addresses its settings name.
    services = job["services"]
    assert set(services) == {"postgres", "redis"}
    assert services["postgres"]["ports"] == ["5432:5432"]
    assert services["postgres"]["env"] == {"POSTGRES_HOST_AUTH_METHOD": "trust"}
    assert services["redis"]["ports"] == ["6379:6379"]
    assert job["env"] == {
        "DATABASE_URL": f"{POSTGRES_URL}/bookshop",
        "TEST_DATABASE_URL": f"{POSTGRES_URL}/bookshop_test",
        "TEST_REDIS_URL": REDIS_URL,
    }
    uses = [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]
    assert uses == ["actions/checkout", "actions/setup-python"]  # the checkout and Python: here
    commands = [step["run"] for step in job["steps"] if "run" in step]
    for expected in (
        "ruff check",
        "ruff format --check",
        "mypy",
        "alembic upgrade head",
        "alembic check",
        "fastgen check",
        "pytest",
    ):
        assert any(expected in command for command in commands), expected

    # The same environment, with databases and Redis keys of this test run's own.
    app_db, test_db = database_name("ci"), database_name("ci_test")
    environment = venv_environment(
        layered_venv(tmp_path / "venv"),
        DATABASE_URL=f"{POSTGRES_URL}/{app_db}",
        TEST_DATABASE_URL=f"{POSTGRES_URL}/{test_db}",
        TEST_REDIS_URL=REDIS_URL,
        RATE_LIMIT_KEY_PREFIX=redis_prefix,
    )
    try:
        outputs = [_bash(command, project, environment) for command in commands]
    finally:
        drop_databases(app_db, test_db)
    # The suite ran its Redis and PostgreSQL tests instead of skipping them.
    assert commands[-1] == "pytest"
    assert " passed" in outputs[-1] and "SKIPPED" not in outputs[-1], outputs[-1]

    # The pre-commit hooks, on the same copy (mypy's cache is warm now).
    config = YAML(typ="safe", pure=True).load((project / ".pre-commit-config.yaml").read_text())
    (repo,) = config["repos"]
    assert repo["repo"] == "local"  # the project's own tools: CI's versions, nothing fetched
    hooks = [hook["name"] for hook in repo["hooks"]]
    assert hooks == ["ruff check", "ruff format", "mypy", "fastgen check"]
    git = "git -c init.defaultBranch=main"
    _bash(f"{git} init --quiet && {git} add --all", project, environment)
    environment["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit")
    output = _bash("pre-commit run --all-files", project, environment)
    passed = [line.split(".", 1)[0] for line in output.splitlines() if line.endswith("Passed")]
    assert passed == hooks, output


def _bash(command: str, cwd: Path, environment: dict[str, str]) -> str:
    """`command` as a workflow step runs it (`shell: bash`); it must pass. Its output."""
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_dev_tools_are_the_same_for_pip_and_uv(project_factory: ProjectFactory) -> None:
    pyproject = tomllib.loads((project_factory(name=NAME) / "pyproject.toml").read_text())

    extra = pyproject["project"]["optional-dependencies"]["dev"]
    assert pyproject["dependency-groups"]["dev"] == extra
    assert {"pytest>=8.3", "mypy>=1.13", "ruff>=0.17,<0.18"} <= set(extra)


@pytest.mark.slow(seconds=40)
def test_uv_sync_installs_the_project_with_its_dev_tools(
    project_factory: ProjectFactory, tmp_path: Path
) -> None:
    uv = shutil.which("uv", path=str(BIN))
    assert uv is not None, "uv is a test dependency (pyproject.toml, [test])"
    project = project_factory(name=NAME)
    uv_venv = tmp_path / "uv-venv"
    environment = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(uv_venv),
        "UV_PYTHON_DOWNLOADS": "never",  # this Python: no interpreter is downloaded
    }
    environment.pop("VIRTUAL_ENV", None)

    _bash(f"{uv} sync --python {sys.executable}", project, environment)

    for tool in ("pytest", "ruff", "mypy", "alembic", "uvicorn"):
        assert (uv_venv / "bin" / tool).is_file(), tool
    _bash(f"{uv_venv}/bin/python -c 'import app.main, pytest_asyncio, httpx'", project, environment)
