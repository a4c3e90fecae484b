"""The markdown report: the machine, the timings, the load test and the goals, met or not."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bench.app_load import ENDPOINTS, SEED_AUTHORS, SEED_BOOKS, LoadResults
from bench.cli_timings import COLUMN, CliResults

HELP_LIMIT = 0.15
ADD_RESOURCE_LIMIT = 0.6
CHECK_LIMIT = 3.0
THROUGHPUT_RATIO = 0.9
_APP_NAMES = {"generated": "generated", "reference": "hand-written"}


@dataclass(frozen=True)
class Goal:
    text: str
    measured: str
    met: bool | None  # None: not measured in this run


def _s(seconds: float) -> str:
    return f"{seconds:.3f}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def goals(cli: CliResults, load: LoadResults | None) -> list[Goal]:
    found = [
        Goal(
            f"`fastgen --help` under {HELP_LIMIT} s",
            f"{_s(cli.help.wall)} s",
            cli.help.wall < HELP_LIMIT,
        )
    ]
    largest = max(cli.add_resource)
    slowest = max(series.wall for series in cli.add_resource.values())
    found.append(
        Goal(
            f"`add resource` under {ADD_RESOURCE_LIMIT} s, even with "
            f"{_plural(largest, 'resource')} in the project",
            ", ".join(
                f"{_s(series.wall)} s ({size})" for size, series in sorted(cli.add_resource.items())
            ),
            slowest < ADD_RESOURCE_LIMIT,
        )
    )
    biggest = max(cli.check)
    growth = cli.check_growth()
    linear = all(ratio <= large / small for small, large, ratio in growth)
    found.append(
        Goal(
            f"`check` on {_plural(biggest, 'resource')} under {CHECK_LIMIT} s, growing no faster "
            "than linearly",
            f"{_s(cli.check[biggest].wall)} s; "
            + ", ".join(
                f"x{ratio:.2f} for x{large / small:g} resources" for small, large, ratio in growth
            ),
            cli.check[biggest].wall < CHECK_LIMIT and linear,
        )
    )
    found.append(
        Goal(
            "`add column` faster than `alembic revision --autogenerate` for the same change",
            f"fastgen / Alembic = {cli.column_ratio:.2f}",
            cli.column_ratio < 1,
        )
    )
    if load is None:
        found.append(
            Goal(
                f"generated app at {THROUGHPUT_RATIO}x or more of the hand-written app's "
                "throughput, with no more SQL statements per request",
                "not measured (no load test in this run)",
                None,
            )
        )
        return found
    ratios = {e.name: _ratio(load, e.name) for e in ENDPOINTS}
    statements = {
        e.name: (load.sql[("generated", e.name)], load.sql[("reference", e.name)])
        for e in ENDPOINTS
    }
    found.append(
        Goal(
            f"generated app at {THROUGHPUT_RATIO}x or more of the hand-written app's throughput",
            ", ".join(f"{name} {ratio:.3f}x" for name, ratio in ratios.items()),
            all(ratio >= THROUGHPUT_RATIO for ratio in ratios.values()),
        )
    )
    found.append(
        Goal(
            "generated app: no more SQL statements per request than the hand-written app",
            ", ".join(
                f"{name} {ours.statements:g} vs {theirs.statements:g}"
                for name, (ours, theirs) in statements.items()
            ),
            all(ours.statements <= theirs.statements for ours, theirs in statements.values()),
        )
    )
    return found


def _ratio(load: LoadResults, endpoint: str) -> float:
    return load.median("generated", endpoint, "rps") / load.median("reference", endpoint, "rps")


def render(
    machine: Mapping[str, str],
    cli: CliResults,
    load: LoadResults | None,
    *,
    command: str,
    quick: bool,
    load_note: str,
    load_average: tuple[str, str],
) -> str:
    lines = [
        "# fastgen benchmarks",
        "",
        f"Written by `{command}`"
        + (" — a quick run at smoke-test sizes, not a measurement." if quick else "."),
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in machine.items()),
        f"| load average (1/5/15 min) | at start {load_average[0]}; at end {load_average[1]} |",
        "",
        "## Command line",
        "",
        "Medians of the runs counted in the last column"
        + (", after one untimed warm-up run of each command" if cli.warm_up else "")
        + "; every run a fresh process with bytecode cached (as after `pip install`), on a "
        "fresh copy of the project when the command writes. Wall-clock seconds; CPU is user "
        "+ system seconds of the command and its subprocesses (ruff), less sensitive to other "
        "load on the machine.",
        "",
        "| command | project | wall (s) | CPU (s) | runs |",
        "|---|---|---:|---:|---:|",
        _row("`python -c pass` (interpreter start-up alone, for scale)", "", cli.python),
        _row("`fastgen --help`", "", cli.help),
        _row("`fastgen new shop`", "", cli.new),
    ]
    for size, series in sorted(cli.add_resource.items()):
        lines.append(
            _row(
                "`fastgen add resource widget.yaml` (one resource, one relation)",
                f"{_plural(size, 'resource')}, SQLite",
                series,
            )
        )
    column = " ".join(COLUMN)
    lines += [
        _row(
            f"`fastgen add column {column}` (spec, model, tests and migration)",
            "bookshop, SQLite at head",
            cli.add_column,
        ),
        _row(
            "`alembic revision --autogenerate` for the same column (model edited by hand first)",
            "bookshop, SQLite at head",
            cli.alembic,
        ),
        "| ratio fastgen / Alembic (median of the paired runs, which alternate) | | "
        f"{cli.column_ratio:.2f} | | {cli.reps} |",
    ]
    for size, series in sorted(cli.check.items()):
        lines.append(_row("`fastgen check`", f"{_plural(size, 'resource')}, SQLite", series))
    for small, large, ratio in cli.check_growth():
        lines.append(
            f"| `fastgen check` growth, {small} → {large} resources (x{large / small:g}) | | "
            f"x{ratio:.2f} | x{cli.check[large].cpu / cli.check[small].cpu:.2f} | |"
        )
    lines += ["", "## Generated app against a hand-written one", ""]
    if load is None:
        lines += [f"Not measured in this run: {load_note}.", ""]
    else:
        lines += _load_table(load, machine.get("PostgreSQL", ""))
    lines += [
        "## Goals",
        "",
        "| goal | measured | result |",
        "|---|---|---|",
    ]
    for goal in goals(cli, load):
        result = "—" if goal.met is None else ("met" if goal.met else "**not met**")
        lines.append(f"| {goal.text} | {goal.measured} | {result} |")
    lines.append("")
    return "\n".join(lines)


def _row(command: str, project: str, series: object) -> str:
    from bench.timing import Series

    assert isinstance(series, Series)
    return f"| {command} | {project} | {_s(series.wall)} | {_s(series.cpu)} | {series.runs} |"


def _load_table(load: LoadResults, postgres: str) -> list[str]:
    lines = [
        f"PostgreSQL {postgres}; each app served by uvicorn (one worker, no access log) on this "
        f"machine, with a database of its own (the generated migration, then {SEED_AUTHORS} "
        f"authors and {SEED_BOOKS} books). Load: asyncio + httpx, {load.concurrency} workers "
        "each with its own keep-alive connection, for "
        f"{load.seconds:g} s per measurement, after "
        f"a {load.warmup:g} s warm-up per endpoint and app; {_plural(load.rounds, 'round')} "
        "alternating generated and hand-written (order swapped each round); medians over the "
        "rounds. Server CPU is the uvicorn process's user + system time per request (the load "
        "generator and PostgreSQL share the machine, so the throughput is theirs too). SQL "
        "statements (SQLAlchemy `before_cursor_execute`) and pool pre-pings are counted per "
        "request in a separate sequential pass. The generated app runs with its rate limits "
        "off; its create requests carry an editor's bearer token (its access rule needs one, "
        "so they look the user up), the hand-written app has no authentication.",
        "",
        "| endpoint | app | req/s | p50 (ms) | p99 (ms) | server CPU / request (ms) | "
        "SQL statements / request | pool pings / request | errors | statements of one request |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for endpoint in ENDPOINTS:
        label = endpoint.label
        if endpoint.name == "list":
            label += (
                ": the generated app has no `include`/expand yet, so the hand-written app lists "
                "the same way"
            )
        for app in ("generated", "reference"):
            sql = load.sql[(app, endpoint.name)]
            lines.append(
                f"| {label if app == 'generated' else ''} | {_APP_NAMES[app]} | "
                f"{load.median(app, endpoint.name, 'rps'):.0f} | "
                f"{load.median(app, endpoint.name, 'p50') * 1000:.1f} | "
                f"{load.median(app, endpoint.name, 'p99') * 1000:.1f} | "
                f"{load.median(app, endpoint.name, 'cpu_per_request') * 1000:.2f} | "
                f"{sql.statements:g} | {sql.pings:.2g} | {load.errors(app, endpoint.name)} | "
                f"{'; '.join(sql.kinds)} |"
            )
        ours, theirs = (
            load.sql[("generated", endpoint.name)],
            load.sql[("reference", endpoint.name)],
        )
        lines.append(
            f"| | generated / hand-written | {_ratio(load, endpoint.name):.2f}x | "
            f"{_latency_ratio(load, endpoint.name, 'p50')} | "
            f"{_latency_ratio(load, endpoint.name, 'p99')} | "
            f"{_latency_ratio(load, endpoint.name, 'cpu_per_request')} | "
            f"{ours.statements - theirs.statements:+g} | | | |"
        )
    lines.append("")
    return lines


def _latency_ratio(load: LoadResults, endpoint: str, attribute: str) -> str:
    ours = load.median("generated", endpoint, attribute)
    theirs = load.median("reference", endpoint, attribute)
    return f"{ours / theirs:.2f}x"
