"""The benchmark harness (`bench/`) at smoke sizes, so it cannot rot: one quick run of
`python -m bench.run` without the load test, both apps of the load test serving a request
with their SQL counters on (on the SQLite database that run migrated), and the load-test
table rendered from made-up numbers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import app_load, cli_timings, report  # noqa: E402
from bench.timing import Sample, Series  # noqa: E402


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """`python -m bench.run --quick --no-load`: the report and the kept work folder."""
    folder = tmp_path_factory.mktemp("bench")
    out, work = folder / "results.md", folder / "work"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--no-load", "--out", out, "--work", work],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    yield out, work


@pytest.mark.slow(seconds=120)
def test_quick_run_writes_every_section_and_goal(quick_run: tuple[Path, Path]) -> None:
    text = quick_run[0].read_text(encoding="utf-8")
    for heading in ("## Machine", "## Command line", "## Generated app against", "## Goals"):
        assert heading in text
    for key in ("| CPU |", "| cores |", "| RAM |", "| OS |", "| Python |", "| PostgreSQL |"):
        assert key in text
    for command in (
        "`fastgen --help`",
        "`fastgen new shop`",
        "`fastgen add resource widget.yaml`",
        "`fastgen add column Book stock:int --default 0`",
        "`alembic revision --autogenerate`",
        "ratio fastgen / Alembic",
        "`fastgen check` growth, 1 → 2 resources",
    ):
        assert command in text
    goals = text.split("## Goals", 1)[1]
    rows = [
        line for line in goals.splitlines() if line.startswith("| `") or "generated app" in line
    ]
    assert len(rows) == 6
    assert "Not measured in this run: `--no-load`." in text
    assert goals.count("| not measured in this run | — |") == 2


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "project_env"),
    [("bench.generated_app:app", True), ("bench.reference_app.main:app", False)],
)
def test_apps_count_their_sql_statements(
    quick_run: tuple[Path, Path], module: str, project_env: bool
) -> None:
    """A page of books from each app, on the bookshop the quick run generated and migrated
    to head on SQLite: two statements (the count and the page)."""
    project = quick_run[1] / "cli" / "column" / "migrated"
    script = (
        "import importlib, json, sys\n"
        "from starlette.testclient import TestClient\n"
        f"module, name = {module!r}.split(':')\n"
        "app = getattr(importlib.import_module(module), name)\n"
        "with TestClient(app) as client:\n"
        "    client.get('/__bench__/sql')\n"
        "    assert client.get('/books?limit=50').status_code == 200\n"
        "    print(json.dumps(client.get('/__bench__/sql').json()))\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{project / 'app.db'}",
        "BENCH_COUNT_SQL": "1",
    }
    if project_env:
        env["BENCH_PROJECT"] = str(project)
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    counts = json.loads(completed.stdout.strip().splitlines()[-1])
    assert counts["requests"] == 1
    assert counts["statements"] == 2
    assert [app_load.summarise(s) for s in counts["log"]] == ["SELECT count books", "SELECT books"]


def _series(*walls: float) -> Series:
    return Series(tuple(Sample(wall=w, cpu=w / 2) for w in walls))


def _cli_results() -> cli_timings.CliResults:
    return cli_timings.CliResults(
        reps=1,
        warm_up=False,
        python=_series(0.02),
        help=_series(0.1),
        new=_series(1.0),
        add_resource={1: _series(0.5), 200: _series(0.7)},
        check={10: _series(1.0), 100: _series(2.0)},
        add_column=_series(1.0),
        alembic=_series(2.0),
    )


def _load_results(speeds: dict[str, float], before: str | None = None) -> app_load.LoadResults:
    """Made-up load results: `speeds` requests a second per app, on every endpoint."""
    load = app_load.LoadResults(concurrency=4, seconds=1, rounds=1, warmup=0.5, before=before)
    for app, speed in speeds.items():
        for endpoint in app_load.ENDPOINTS:
            load.runs[(app, endpoint.name)] = [
                app_load.Measurement(
                    requests=int(speed), errors=0, seconds=1.0, p50=0.01, p99=0.05, server_cpu=0.3
                )
            ]
            statements = 4 if app == "generated-before" else 2
            load.sql[(app, endpoint.name)] = app_load.SqlCount(statements, 0, ("SELECT books",))
    return load


def _render(cli: cli_timings.CliResults | None, load: app_load.LoadResults, **notes: str) -> str:
    return report.render(
        {"PostgreSQL": "15"},
        cli,
        load,
        command="python -m bench.run",
        quick=False,
        load_note="",
        load_average=("1", "1"),
        **notes,
    )


def test_load_table_and_goals_render_from_results() -> None:
    cli = _cli_results()
    load = _load_results({"generated": 90.0, "reference": 100.0})
    text = _render(cli, load)
    assert "| list books (page of 50, no included relation)" in text
    assert "| | generated / hand-written | 0.90x |" in text
    assert "before:" not in text and "### Before" not in text
    met = {goal.text: goal.met for goal in report.goals(cli, load)}
    assert list(met.values()) == [True, True, True, True, False, True]


def test_before_and_after_render_side_by_side() -> None:
    speeds = {"generated": 110.0, "reference": 100.0, "generated-before": 50.0}
    load = _load_results({**speeds, "reference-before": 125.0}, before="abc1234")
    text = _render(None, load, cli_note="`--only app`")
    assert "## Command line\n\nNot measured in this run: `--only app`." in text
    assert "| | generated / hand-written | 1.10x |" in text
    assert "| | before: generated / hand-written | 0.40x |" in text
    assert "### Before (`abc1234`) and after, same run" in text
    row = next(line for line in text.splitlines() if line.startswith("| create a book | 50 → 110"))
    assert "| 125 → 100 | 0.40x → 1.10x | 1.00x → 1.00x |" in row
    assert row.endswith("| 2.20x | 4 → 2 (2 → 2) |")
    met = [goal.met for goal in report.goals(None, load)]
    assert met == [None, None, None, None, True, True]


def test_statements_are_summarised_by_verb_and_table() -> None:
    assert app_load.summarise("SELECT count(*) AS count_1 \nFROM books") == "SELECT count books"
    assert app_load.summarise("INSERT INTO books (title) VALUES ($1) RETURNING books.id") == (
        "INSERT books"
    )
    assert app_load.summarise('SELECT authors.id FROM "authors" WHERE id = $1') == (
        "SELECT authors"
    )
