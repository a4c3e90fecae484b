"""The guard that fails a test run leaving databases or Redis keys behind (tests/service_guard.py),
tried on the real PostgreSQL and Redis: a run of its own, with a run id of its own, that leaves
a database and a key fails and names both; the same run cleaning up after itself passes."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services import (
    DATABASE_PREFIX,
    POSTGRES_HOST,
    REDIS_HOST,
    REDIS_PREFIX,
    RUN_VARIABLE,
    Leftovers,
    create_databases,
    leftovers,
    missing,
    reachable,
)

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow(seconds=20)  # a pytest run of its own per test

INNER_TEST = """
import redis

from tests.services import REDIS_URL, create_databases, database_name, drop_databases
from tests.services import delete_redis_keys, redis_key_prefix


def test_makes_a_database_and_a_key():
    name = database_name("guard")
    create_databases(name)
    client = redis.Redis.from_url(REDIS_URL)
    prefix = redis_key_prefix()
    client.set(prefix + ":counter", 1)
    client.close()
    if {clean}:
        drop_databases(name)
        delete_redis_keys(prefix)
"""


@pytest.fixture
def other_run() -> Iterator[str]:
    """A run id of its own (not this run's); whatever carries it is removed afterwards."""
    if not reachable(POSTGRES_HOST):
        missing("PostgreSQL is not reachable at 127.0.0.1:5432")
    if not reachable(REDIS_HOST):
        missing("Redis is not reachable at 127.0.0.1:6379")
    run = uuid.uuid4().hex[:8]
    try:
        yield run
    finally:
        leftovers(run).remove()


def _inner_run(
    tmp_path: Path, run: str, *, clean: bool, xdist: list[str]
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_inner.py").write_text(INNER_TEST.format(clean=clean), encoding="utf-8")
    env = {**os.environ, RUN_VARIABLE: run, "PYTHONPATH": str(REPO)}
    env.pop("PYTEST_XDIST_WORKER", None)
    plugins = ["-p", "tests.service_guard", "-p", "no:cacheprovider", "-p", "no:asyncio"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *plugins, *xdist, "-q", "test_inner.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_leftovers_lists_what_a_run_left_and_removes_it(other_run: str) -> None:
    database = f"{DATABASE_PREFIX}{other_run}_main_leftover"
    key = f"{REDIS_PREFIX}{other_run}-main-leftover"
    create_databases(database)
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        client.set(key, 1)
    finally:
        client.close()
    found = leftovers(other_run)
    assert found == Leftovers((database,), (key,))
    assert found.lines() == [f"PostgreSQL database {database}", f"Redis key {key}"]
    found.remove()
    assert not leftovers(other_run)


# Without pytest-xdist, and with two workers: the worker that ran the test named its database
# and key, the controller found them once both workers were done.
# (pytest options, the worker id in the names)
XDIST = {"one-process": (["-p", "no:xdist"], "main"), "two-workers": (["-n", "2"], "gw")}


@pytest.mark.parametrize("mode", XDIST)
def test_a_run_that_leaves_a_database_and_a_key_fails_and_names_them(
    tmp_path: Path, other_run: str, mode: str
) -> None:
    xdist, worker = XDIST[mode]
    result = _inner_run(tmp_path, other_run, clean=False, xdist=xdist)
    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, output
    assert "services left dirty" in output
    assert f"PostgreSQL database {DATABASE_PREFIX}{other_run}_{worker}" in output
    assert f"Redis key {REDIS_PREFIX}{other_run}-{worker}" in output
    assert "1 passed, 2 left dirty" in result.stdout.splitlines()[-1], output
    assert not leftovers(other_run), "the guard removes what it reports"


@pytest.mark.parametrize("mode", XDIST)
def test_a_run_that_cleans_up_passes(tmp_path: Path, other_run: str, mode: str) -> None:
    result = _inner_run(tmp_path, other_run, clean=True, xdist=XDIST[mode][0])
    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.OK, output
    assert "left dirty" not in output
    assert "1 passed" in result.stdout.splitlines()[-1], output
