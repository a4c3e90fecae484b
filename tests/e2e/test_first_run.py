"""The first run of a new project, as a person does it: `fastgen new`, then the next steps it
printed, verbatim and in order, with nothing edited by hand (its `.env` holds the database and
the secret); and what `alembic` says when the database cannot be reached."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.e2e.tools import (
    BIN,
    ProjectFactory,
    free_port,
    layered_venv,
    printed_steps,
    venv_environment,
)
from tests.services import POSTGRES_URL, database_name, drop_databases

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=40)]

ADMIN = "admin@example.com"
"""The account the printed `python -m app.create_user` step makes."""
ADMIN_PASSWORD = "a long first password for the admin"
"""Given as USER_PASSWORD: `create_user` asks for it at a terminal, and the tests have none."""


def _environment(venv_bin: Path, port: int) -> dict[str, str]:
    """See `venv_environment`; with the password `create_user` asks for and the port `uvicorn`
    listens on (UVICORN_PORT: its own setting, so the printed command stays as printed)."""
    return venv_environment(venv_bin, USER_PASSWORD=ADMIN_PASSWORD, UVICORN_PORT=str(port))


@contextmanager
def _serving(command: str, cwd: Path, environment: dict[str, str], log: Path) -> Iterator[str]:
    """`command` (a server) running in `cwd` until /health answers 200; its base URL. Its
    output goes to `log`; it and its children (uvicorn --reload starts one) are stopped on
    exit."""
    base = f"http://127.0.0.1:{environment['UVICORN_PORT']}"
    with log.open("w", encoding="utf-8") as output:
        server = subprocess.Popen(
            command,
            shell=True,
            cwd=cwd,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, f"{command} exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"{command} never answered:\n{log.read_text()}"
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _run_printed_steps(output: str, start: Path, environment: dict[str, str]) -> list[str]:
    """Run the steps `fastgen new` printed, each as printed, from `start`: `cd` changes the
    folder, the others must exit 0, but the last one, which serves the app: the first admin
    must be able to log in there. Returns the steps."""
    steps = printed_steps(output)
    assert steps[-1].startswith("uvicorn "), steps
    cwd = start
    for step in steps[:-1]:
        if step.startswith("cd "):
            (folder,) = shlex.split(step)[1:]
            cwd = cwd / folder
            continue
        done = subprocess.run(
            step, shell=True, cwd=cwd, env=environment, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{step}\n{done.stdout}\n{done.stderr}"
    with _serving(steps[-1], cwd, environment, start / "server.log") as base:
        login = httpx.post(
            f"{base}/auth/token", data={"username": ADMIN, "password": ADMIN_PASSWORD}
        )
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        me = httpx.get(f"{base}/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200, me.text
        assert me.json()["roles"] == ["admin"]
    return steps


def _fastgen_new(where: Path, *options: str) -> str:
    done = subprocess.run(
        [str(BIN / "fastgen"), "new", "shop", *options],
        cwd=where,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_printed_steps_run_as_printed_on_sqlite(tmp_path: Path) -> None:
    environment = _environment(layered_venv(tmp_path / "venv"), free_port())
    output = _fastgen_new(tmp_path)

    steps = _run_printed_steps(output, tmp_path, environment)

    assert "create_database" not in steps
    assert (tmp_path / "shop" / "shop.db").is_file()  # where the .env points


def test_the_printed_steps_run_as_printed_on_postgresql(
    tmp_path: Path, postgres_admin_url: str
) -> None:
    environment = _environment(layered_venv(tmp_path / "venv"), free_port())
    name = database_name("firstrun")  # made by the printed steps, dropped here
    try:
        output = _fastgen_new(
            tmp_path, "--db", "postgresql", "--database-url", f"{POSTGRES_URL}/{name}"
        )

        steps = _run_printed_steps(output, tmp_path, environment)

        assert "python -m app.create_database" in steps
    finally:
        drop_databases(name)


def _alembic_fails(project: Path, database_url: str) -> list[str]:
    """`alembic upgrade head` against `database_url`: it must fail without a traceback; the
    lines it printed."""
    done = subprocess.run(
        [str(BIN / "alembic"), "upgrade", "head"],
        cwd=project,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stdout == ""
    return done.stderr.splitlines()


def test_alembic_says_in_one_line_how_to_reach_the_database(
    project_factory: ProjectFactory, postgres_admin_url: str
) -> None:
    project = project_factory(db="postgresql", name="shop")
    missing_database = database_name("never_made")
    port = free_port()

    assert _alembic_fails(project, f"{POSTGRES_URL}/{missing_database}") == [
        f"error: database '{missing_database}' on 127.0.0.1:5432 does not exist: "
        "create it with `python -m app.create_database`, then run this again"
    ]
    assert _alembic_fails(project, f"postgresql+asyncpg://postgres@127.0.0.1:{port}/shop") == [
        f"error: cannot reach the server of database 'shop' on 127.0.0.1:{port} "
        "(connection refused): start it, or set DATABASE_URL (in .env) to a server that runs"
    ]
    assert _alembic_fails(project, "sqlite+aiosqlite:///./no/such/folder/shop.db") == [
        "error: cannot open the SQLite database ./no/such/folder/shop.db (unable to open "
        "database file): its folder must exist and be writable"
    ]
