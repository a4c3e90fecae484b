"""The contract, checked on one spec set with the installed `fastgen` in subprocesses.

For every spec set `fastgen validate` accepts, `fastgen new` + `fastgen add resource` give a
project whose `alembic upgrade head` works and `alembic check` finds nothing, and whose `ruff
check`, `ruff format --check`, `mypy --strict` and own test suite pass. What the generator cannot
honour, the loader refuses at `file:line:col` (exit 2). There is no third outcome.

`check_contract` returns an `Outcome`: refused, green, red (a stage failed: the project is not
green, or `add resource` refused what `validate` accepted) or crashed (a traceback, an exit code
other than 0 or 2, a refusal without its place).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tests.services import POSTGRES_ADMIN_URL
from tests.specgen.strategies import SpecSet

__all__ = ["BIN", "STAGES", "Failure", "Outcome", "check_contract", "refusal_problems"]

BIN = Path(sys.executable).parent
"""The bin folder of the running Python: its `fastgen`, `alembic`, `ruff` are the ones used."""
STAGES = ("validate", "new", "add", "upgrade", "check", "ruff", "format", "mypy", "pytest")
PROJECT = "proj"
POSTGRES_BASE = "postgresql+asyncpg://postgres@127.0.0.1:5432"
TIMEOUT = 900
Verdict = Literal["refused", "green", "red", "crashed"]


_MYPY_CACHES: dict[int, tempfile.TemporaryDirectory[str]] = {}


def _mypy_cache() -> str:
    """A mypy cache folder per thread, kept for the whole process (removed at exit).

    Most of what mypy checks in a generated project is the same installed libraries (FastAPI,
    SQLModel, pydantic, ...): with their cache from an earlier set, mypy takes seconds instead of
    half a minute. The project's own modules are checked anew (their hashes differ). One
    folder per thread: concurrent mypy runs never share one."""
    key = threading.get_ident()
    if key not in _MYPY_CACHES:
        _MYPY_CACHES[key] = tempfile.TemporaryDirectory(prefix="fastgen-contract-mypy-")
    return _MYPY_CACHES[key].name


@dataclass(frozen=True)
class Failure:
    stage: str
    command: str
    output: str

    def _marked(self) -> list[str]:
        """pytest's, mypy's and ruff's lines that say what went wrong."""
        return [
            line
            for line in self.output.splitlines()
            if re.match(r"^(E |FAILED|ERROR|Would reformat|[A-Z]+\d+ |\s*--> )", line)
            or ": error:" in line
        ]

    def excerpt(self, lines: int = 30) -> str:
        """The lines that say what went wrong, or else the tail of the output (a traceback's
        exception)."""
        marked = self._marked()
        return "\n".join(marked[:lines] or self.output.rstrip().splitlines()[-lines:])

    def headline(self) -> str:
        """One line: the first error line, else the last exception raised, else the last."""
        lines = self.output.rstrip().splitlines()
        raised = [line for line in lines if re.match(r"^[\w.]+(Error|Exception)\b", line)]
        return (self._marked() or raised[-1:] or lines[-1:] or [""])[0].strip()


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    database: str
    failures: tuple[Failure, ...] = ()
    errors: int = 0
    """Diagnostics `validate` reported (refused sets)."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Seconds per stage run."""

    @property
    def stage(self) -> str | None:
        return self.failures[0].stage if self.failures else None

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    @property
    def ok(self) -> bool:
        return self.verdict in ("refused", "green")

    def describe(self) -> str:
        if self.verdict == "refused":
            return f"refused ({self.errors} error{'s' if self.errors != 1 else ''})"
        if self.verdict == "green":
            return f"accepted green {self.total_seconds:.0f} s"
        stages = ", ".join(f.stage for f in self.failures)
        return f"{self.verdict.upper()} at {stages}: {self.failures[0].headline()[:300]}"

    def report(self) -> str:
        """Every failure with its command and excerpt (for assertion messages and logs)."""
        parts = [self.describe()]
        for failure in self.failures:
            parts.append(f"--- {failure.stage}: {failure.command}\n{failure.excerpt()}")
        return "\n".join(parts)


LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): error: \S")
SUMMARY = re.compile(r"^(?P<count>\d+) errors? in ")


def refusal_problems(output: str, files: Sequence[str]) -> tuple[int, list[str]]:
    """The number of located diagnostics in a refusal's output, and what is wrong with it: a
    traceback, an unindented line that is neither `FILE:LINE:COL: error: ...` (FILE one of
    `files`) nor the closing count, a count that disagrees, no diagnostic at all."""
    problems: list[str] = []
    if "Traceback" in output:
        problems.append("a traceback")
    located = 0
    counted: int | None = None
    for line in output.splitlines():
        if not line.strip() or line[0].isspace():
            continue  # source excerpts, carets and hints are indented
        match = LOCATED.match(line)
        if match and match.group("file") in files:
            located += 1
        elif summary := SUMMARY.match(line):
            counted = int(summary.group("count"))
        else:
            problems.append(f"not located: {line!r}")
    if located == 0:
        problems.append("no located diagnostic")
    if counted is not None and counted != located:
        problems.append(f"{located} located diagnostics, but the count says {counted}")
    return located, problems


def _environment(**extra: str) -> dict[str, str]:
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    for key in ("DATABASE_URL", "TEST_DATABASE_URL", "VIRTUAL_ENV", "PYTHONPATH"):
        environment.pop(key, None)
    environment.update(extra)
    return environment


@dataclass
class _Run:
    """The stages run so far on one set."""

    database: str
    keep_going: bool
    failures: list[Failure] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def command(
        self, stage: str, args: list[str], cwd: Path, env: dict[str, str]
    ) -> subprocess.CompletedProcess[str] | None:
        """Run `args`; None when it timed out (recorded as a failure)."""
        started = time.monotonic()
        try:
            return subprocess.run(
                args,
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            self.fail(stage, args, f"timed out after {TIMEOUT} s")
            return None
        finally:
            self.seconds[stage] = time.monotonic() - started

    def fail(self, stage: str, args: list[str], output: str) -> None:
        self.failures.append(Failure(stage, " ".join(args), output))

    def stage(
        self, stage: str, args: list[str], cwd: Path, env: dict[str, str], expect: str = ""
    ) -> bool:
        """Run a stage of the generated project; True when it passed."""
        done = self.command(stage, args, cwd, env)
        if done is None:
            return False
        output = done.stdout + done.stderr
        if done.returncode == 0 and expect in output:
            return True
        self.fail(stage, args, f"exit {done.returncode}\n{output}")
        return False

    def outcome(self, verdict: Verdict, errors: int = 0) -> Outcome:
        return Outcome(verdict, self.database, tuple(self.failures), errors, dict(self.seconds))


def _fastgen_ran(
    run: _Run, stage: str, args: list[str], cwd: Path, env: dict[str, str]
) -> Verdict | None:
    """Run a fastgen command: None when it succeeded, else the verdict (crashed: a traceback or
    an exit code other than 0 and 2; red: exit 2, a refusal of what `validate` accepted)."""
    done = run.command(stage, args, cwd, env)
    if done is None:
        return "crashed"
    output = done.stdout + done.stderr
    if "Traceback" in output or done.returncode not in (0, 2):
        run.fail(stage, args, f"exit {done.returncode}\n{output}")
        return "crashed"
    if done.returncode != 0:
        run.fail(stage, args, f"exit {done.returncode}\n{output}")
        return "red"
    return None


def check_contract(
    spec_set: SpecSet,
    database: str = "sqlite",
    *,
    keep_going: bool = False,
    pytest_args: Sequence[str] = (),
    resource_tests_only: bool = False,
    workdir: Path | None = None,
    keep: bool = False,
) -> Outcome:
    """Run the contract on `spec_set` against `database` ("sqlite" or "postgresql", which needs
    the local server: two databases are created for the set and dropped after).

    With `keep_going`, the checks of the generated project (ruff, format, mypy, pytest, and the
    migrations) all run even after one failed, so one set reports every stage it breaks.
    `workdir` (a new temporary folder by default, removed unless `keep`) receives `specs/` and
    the project `proj/`. With `resource_tests_only`, the generated suite runs only the test
    modules `add resource` wrote (the project's own modules, accounts and outages, prove the
    same thing whatever the specs are; tests/e2e/test_generated_project.py runs them)."""
    folder = Path(tempfile.mkdtemp(prefix="fastgen-contract-")) if workdir is None else workdir
    try:
        return _check(
            spec_set, database, keep_going, list(pytest_args), folder, resource_tests_only
        )
    finally:
        if workdir is None and not keep:
            shutil.rmtree(folder, ignore_errors=True)


def _check(
    spec_set: SpecSet,
    database: str,
    keep_going: bool,
    pytest_args: list[str],
    folder: Path,
    resource_tests_only: bool = False,
) -> Outcome:
    run = _Run(database, keep_going)
    specs = spec_set.write(folder / "specs")
    fastgen = str(BIN / "fastgen")
    env = _environment()

    args = [fastgen, "validate", *map(str, specs)]
    done = run.command("validate", args, folder, env)
    if done is None:
        return run.outcome("crashed")
    if done.returncode == 2 and "Traceback" not in done.stdout + done.stderr:
        count, problems = refusal_problems(done.stdout + done.stderr, [str(p) for p in specs])
        if problems:
            run.fail("validate", args, "\n".join(problems) + "\n\n" + done.stdout + done.stderr)
            return run.outcome("crashed")
        return run.outcome("refused", count)
    if done.returncode != 0:
        output = done.stdout + done.stderr
        run.fail("validate", args, f"exit {done.returncode}\n{output}")
        return run.outcome("crashed")

    roles = [option for role in spec_set.roles for option in ("--role", role)]
    args = [fastgen, "new", PROJECT, "--db", database, *roles]
    if (verdict := _fastgen_ran(run, "new", args, folder, env)) is not None:
        return run.outcome(verdict)
    project = folder / PROJECT
    skeleton = set(_test_modules(project))
    args = [fastgen, "add", "resource", *map(str, specs)]
    if (verdict := _fastgen_ran(run, "add", args, project, env)) is not None:
        return run.outcome(verdict)
    if resource_tests_only:
        pytest_args = [*pytest_args, *(m for m in _test_modules(project) if m not in skeleton)]

    with _databases(database, project) as (app_url, test_url):
        _project_stages(run, project, app_url, test_url, pytest_args)
    return run.outcome("red" if run.failures else "green")


def _test_modules(project: Path) -> list[str]:
    """The generated suite's test modules, relative to the project."""
    return sorted(path.relative_to(project).as_posix() for path in project.glob("tests/test_*.py"))


def _project_stages(
    run: _Run, project: Path, app_url: str, test_url: str | None, pytest_args: list[str]
) -> None:
    app_env = _environment(DATABASE_URL=app_url)
    migrated = run.stage("upgrade", ["alembic", "upgrade", "head"], project, app_env)
    if migrated:
        expect = "No new upgrade operations detected"
        run.stage("check", ["alembic", "check"], project, app_env, expect)
    python = str(BIN / "python")
    plain = _environment()
    test_env = _environment(TEST_DATABASE_URL=test_url) if test_url else plain
    for stage, args, env in (
        ("ruff", ["ruff", "check", "."], plain),
        ("format", ["ruff", "format", "--check", "."], plain),
        ("mypy", [python, "-m", "mypy", "--strict", "--cache-dir", _mypy_cache(), "."], plain),
        ("pytest", [python, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *pytest_args],
         test_env),
    ):  # fmt: skip
        if run.failures and not run.keep_going:
            return
        run.stage(stage, args, project, env)


@contextmanager
def _databases(database: str, project: Path) -> Iterator[tuple[str, str | None]]:
    """(DATABASE_URL, TEST_DATABASE_URL) for the project: a SQLite file and the suite's own
    default, or two fresh PostgreSQL databases dropped afterwards."""
    if database == "sqlite":
        yield f"sqlite+aiosqlite:///{project / 'app.db'}", None
        return
    suffix = uuid.uuid4().hex[:10]
    names = (f"fastgen_contract_{suffix}", f"fastgen_contract_{suffix}_test")
    _admin([f'CREATE DATABASE "{name}"' for name in names])
    try:
        yield f"{POSTGRES_BASE}/{names[0]}", f"{POSTGRES_BASE}/{names[1]}"
    finally:
        _admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names])


def _admin(statements: list[str]) -> None:
    import asyncpg  # type: ignore[import-untyped]

    async def execute() -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(execute())
