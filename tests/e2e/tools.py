"""What the end-to-end tests share: the repository's examples, running a command of the
environment under test (fastgen, alembic, ruff, the generated project's pytest) in a subprocess,
and serving a generated app with uvicorn."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import httpx

REPO = Path(__file__).resolve().parents[2]
BOOKSHOP = REPO / "examples" / "bookshop"
ALL_TYPES = REPO / "examples" / "all_types"
BIN = Path(sys.executable).parent
BOOKSHOP_ROLES = ["--role", "editor"]
"""`fastgen new` options the bookshop example needs: its specs grant access to `editor`."""
SECRET_KEY = "fastgen-end-to-end-tests-secret-key-not-for-production"
"""A generated app refuses to start outside debug mode without a SECRET_KEY of 32+ characters:
every process here that serves or imports one gets this."""


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    environment.pop("DATABASE_URL", None)
    environment.pop("TEST_DATABASE_URL", None)
    environment.update(env)
    completed = subprocess.run(
        args, cwd=cwd, env=environment, capture_output=True, text=True, timeout=600, check=False
    )
    assert completed.returncode == 0, (
        f"{' '.join(args)} failed ({completed.returncode}) in {cwd}\n"
        f"--- stdout ---\n{completed.stdout}\n--- stderr ---\n{completed.stderr}"
    )
    return completed


def printed_steps(output: str) -> list[str]:
    """The commands a fastgen command printed under `next steps:`, in order."""
    _, found, rest = output.partition("\nnext steps:\n")
    assert found, output
    steps = []
    for line in rest.splitlines():
        if not line.startswith("  "):
            break
        steps.append(line.strip())
    return steps


def layered_venv(folder: Path) -> Path:
    """A new virtual environment in `folder` that also sees the packages of the one running the
    tests, so a generated project's `python -m pip install -e ".[dev]"` there installs the
    project alone (in seconds, nothing downloaded but its build backend) and leaves this
    environment as it is. Returns its `bin` folder, to put first on PATH."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    (site,) = folder.glob("lib/python*/site-packages")
    outer = [entry for entry in sys.path if entry.endswith("site-packages")]
    (site / "outer-environment.pth").write_text("\n".join(outer) + "\n", encoding="utf-8")
    return folder / "bin"


def venv_environment(venv_bin: Path, **settings: str) -> dict[str, str]:
    """This process's environment without the settings a generated project reads from its
    `.env` (DATABASE_URL, TEST_DATABASE_URL, SECRET_KEY, DEBUG), with `venv_bin` (see
    `layered_venv`) and then this environment's commands first on PATH, and `settings` on top."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "TEST_DATABASE_URL", "SECRET_KEY", "DEBUG"}
    }
    path = os.pathsep.join([str(venv_bin), str(BIN), environment.get("PATH", "")])
    return {**environment, "PATH": path, **settings}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(
    project: Path, *, startup_seconds: float = 60, log: Path | None = None, **env: str
) -> Iterator[str]:
    """`uvicorn app.main:app` of `project` on a free port, with SECRET_KEY set and `env` on top
    (DATABASE_URL of the caller dropped). Yields the base URL once /health answers; the
    server is stopped on exit. A server that dies or never answers fails with its output;
    when the test fails, the output is printed (pytest shows it with the failure). The output
    is written to `log` when given (to read once the server stopped)."""
    environment = {**os.environ, "SECRET_KEY": SECRET_KEY}
    environment.pop("DATABASE_URL", None)
    environment.pop("TEST_DATABASE_URL", None)
    environment.update(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="fastgen-uvicorn-") as folder:
        log_path = log or Path(folder) / "uvicorn.log"

        def output() -> str:
            return log_path.read_text(encoding="utf-8", errors="replace")

        with log_path.open("w", encoding="utf-8") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)],
                cwd=project,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + startup_seconds
            while True:
                try:
                    health = httpx.get(f"{base}/health", timeout=2)
                except httpx.TransportError:
                    assert server.poll() is None, f"uvicorn exited:\n{output()}"
                    assert time.monotonic() < deadline, (
                        f"uvicorn did not answer within {startup_seconds} s:\n{output()}"
                    )
                    time.sleep(0.2)
                    continue
                assert health.status_code == 200, health.text
                assert health.json()["status"] == "ok"
                break
            yield base
        except BaseException:
            print(f"--- uvicorn on port {port} ---\n{output()}")
            raise
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def generate(
    folder: Path, name: str, db: str, roles: Sequence[str] = (), specs: Sequence[Path] = ()
) -> Path:
    """`fastgen new NAME --db DB --role ROLE...` in `folder`, then `fastgen add resource
    SPEC...` when there are specs, as commands in a subprocess; returns the project's path."""
    options = [item for role in roles for item in ("--role", role)]
    run([str(BIN / "fastgen"), "new", name, "--db", db, *options], folder)
    project = folder / name
    if specs:
        run([str(BIN / "fastgen"), "add", "resource", *map(str, specs)], project)
    return project


class ProjectFactory(Protocol):
    """The `project_factory` fixture (tests/e2e/conftest.py)."""

    def __call__(
        self,
        specs: Sequence[Path] = (),
        db: str = "sqlite",
        roles: Sequence[str] = (),
        name: str = "bookshop",
    ) -> Path: ...
