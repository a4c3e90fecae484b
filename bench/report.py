"""The markdown report: the machine, the timings, the load test and the goals, met or not."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bench.app_load import ENDPOINTS, SEED_AUTHORS, SEED_BOOKS, LoadResults
from bench.cli_timings import COLUMN, CliResults

# The goals of issue 16.
HELP_LIMIT = 0.12
ADD_RESOURCE_LIMIT = 0.8
ADD_RESOURCE_ALEMBIC_RATIO = 0.5
COLUMN_RATIO = 0.6
CHECK_LIMIT = 2.0
THROUGHPUT_RATIO = 1.0
P99_RATIO = 1.1
_APP_NAMES = {
    "generated": "generated",
    "reference": "hand-written",
    "generated-before": "generated, before",
    "reference-before": "hand-written, before",
}


@dataclass(frozen=True)
class Goal:
    text: str
    measured: str
    met: bool | None  # None: not measured in this run


def _s(seconds: float) -> str:
    return f"{seconds:.3f}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def goals(cli: CliResults | None, load: LoadResults | None) -> list[Goal]:
    """The goals, each met, missed or not measured in this run (the half that did not run)."""
    return _cli_goals(cli) + _app_goals(load)


def _cli_goals(cli: CliResults | None) -> list[Goal]:
    texts = [
        f"`fastgen --help` at most {HELP_LIMIT} s",
        f"`add resource` at most {ADD_RESOURCE_LIMIT} s in the largest project, and at most "
        f"{ADD_RESOURCE_ALEMBIC_RATIO}x `alembic revision --autogenerate` on the bookshop",
        f"`add column` at most {COLUMN_RATIO}x `alembic revision --autogenerate` for the same "
        "change (paired runs)",
        f"`check` on the largest project at most {CHECK_LIMIT} s, growing no faster than linearly",
    ]
    if cli is None:
        return [Goal(text, "not measured in this run", None) for text in texts]
    largest = max(cli.add_resource)
    slowest = max(series.wall for series in cli.add_resource.values())
    against_alembic = cli.add_resource[largest].wall / cli.alembic.wall
    biggest = max(cli.check)
    growth = cli.check_growth()
    linear = all(ratio <= large / small for small, large, ratio in growth)
    return [
        Goal(texts[0], f"{_s(cli.help.wall)} s", cli.help.wall <= HELP_LIMIT),
        Goal(
            texts[1],
            ", ".join(
                f"{_s(series.wall)} s ({size})" for size, series in sorted(cli.add_resource.items())
            )
            + f"; {against_alembic:.2f}x Alembic ({_plural(largest, 'resource')})",
            slowest <= ADD_RESOURCE_LIMIT and against_alembic <= ADD_RESOURCE_ALEMBIC_RATIO,
        ),
        Goal(
            texts[2],
            f"fastgen / Alembic = {cli.column_ratio:.2f}",
            cli.column_ratio <= COLUMN_RATIO,
        ),
        Goal(
            texts[3],
            f"{_s(cli.check[biggest].wall)} s ({_plural(biggest, 'resource')}); "
            + ", ".join(
                f"x{ratio:.2f} for x{large / small:g} resources" for small, large, ratio in growth
            ),
            cli.check[biggest].wall <= CHECK_LIMIT and linear,
        ),
    ]


def _app_goals(load: LoadResults | None) -> list[Goal]:
    texts = [
        f"generated app at {THROUGHPUT_RATIO}x or more of the hand-written app's throughput on "
        f"each endpoint, p99 latency at most {P99_RATIO}x",
        "generated app: no more SQL statements per request than the hand-written app",
    ]
    if load is None:
        return [Goal(text, "not measured in this run", None) for text in texts]
    ratios = {e.name: _ratio(load, e.name) for e in ENDPOINTS}
    p99 = {e.name: _p99_ratio(load, e.name) for e in ENDPOINTS}
    statements = {
        e.name: (load.sql[("generated", e.name)], load.sql[("reference", e.name)])
        for e in ENDPOINTS
    }
    return [
        Goal(
            texts[0],
            ", ".join(f"{name} {ratios[name]:.2f}x (p99 {p99[name]:.2f}x)" for name in ratios),
            all(ratio >= THROUGHPUT_RATIO for ratio in ratios.values())
            and all(ratio <= P99_RATIO for ratio in p99.values()),
        ),
        Goal(
            texts[1],
            ", ".join(
                f"{name} {ours.statements:g} vs {theirs.statements:g}"
                for name, (ours, theirs) in statements.items()
            ),
            all(ours.statements <= theirs.statements for ours, theirs in statements.values()),
        ),
    ]


def _ratio(
    load: LoadResults, endpoint: str, ours: str = "generated", theirs: str = "reference"
) -> float:
    return load.median(ours, endpoint, "rps") / load.median(theirs, endpoint, "rps")


def _p99_ratio(
    load: LoadResults, endpoint: str, ours: str = "generated", theirs: str = "reference"
) -> float:
    return load.median(ours, endpoint, "p99") / load.median(theirs, endpoint, "p99")


def render(
    machine: Mapping[str, str],
    cli: CliResults | None,
    load: LoadResults | None,
    *,
    command: str,
    quick: bool,
    load_note: str,
    load_average: tuple[str, str],
    cli_note: str = "",
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
    ]
    if cli is None:
        lines += [f"Not measured in this run: {cli_note}.", ""]
    else:
        lines += _cli_table(cli)
    lines += ["## Generated app against a hand-written one", ""]
    if load is None:
        lines += [f"Not measured in this run: {load_note}.", ""]
    else:
        lines += _load_table(load, machine.get("PostgreSQL", ""))
        if load.before is not None:
            lines += _before_after_table(load)
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


def _cli_table(cli: CliResults) -> list[str]:
    lines = [
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
    lines.append("")
    return lines


def _row(command: str, project: str, series: object) -> str:
    from bench.timing import Series

    assert isinstance(series, Series)
    return f"| {command} | {project} | {_s(series.wall)} | {_s(series.cpu)} | {series.runs} |"


def _apps(load: LoadResults) -> list[str]:
    """The apps of this run, in the order of `_APP_NAMES`."""
    present = {app for app, _ in load.runs}
    return [app for app in _APP_NAMES if app in present]


def _pair_lines(load: LoadResults, endpoint: str, ours: str, theirs: str, label: str) -> str:
    mine, other = load.sql[(ours, endpoint)], load.sql[(theirs, endpoint)]
    return (
        f"| | {label} | {_ratio(load, endpoint, ours, theirs):.2f}x | "
        f"{_latency_ratio(load, endpoint, 'p50', ours, theirs)} | "
        f"{_latency_ratio(load, endpoint, 'p99', ours, theirs)} | "
        f"{_latency_ratio(load, endpoint, 'cpu_per_request', ours, theirs)} | "
        f"{mine.statements - other.statements:+g} | | | |"
    )


def _load_table(load: LoadResults, postgres: str) -> list[str]:
    apps = _apps(load)
    lines = [
        f"PostgreSQL {postgres}; each app served by uvicorn (one worker, no access log) on this "
        f"machine, with a database of its own (the generated migration, then {SEED_AUTHORS} "
        f"authors and {SEED_BOOKS} books). Load: asyncio + httpx, {load.concurrency} workers "
        "each with its own keep-alive connection, for "
        f"{load.seconds:g} s per measurement, after "
        f"a {load.warmup:g} s warm-up per endpoint and app; {_plural(load.rounds, 'round')} "
        f"alternating the {len(apps)} apps (order reversed every other round); medians over "
        "the rounds. Server CPU is the uvicorn process's user + system time per request (the "
        "load generator and PostgreSQL share the machine, so the throughput is theirs too). "
        "SQL statements (SQLAlchemy `before_cursor_execute`) and pool pre-pings are counted "
        "per request in a separate sequential pass.",
        "",
        "Both apps keep the same contract on these endpoints: the generated app runs with its "
        "rate limits off; list and read are public (a token, when sent, is checked); create "
        "needs the editor or admin role, so its requests carry an editor's bearer token, whose "
        "user each app loads once per request (active, token version current), and makes the "
        "caller the book's owner; a missing author is a 422 and a taken ISBN a 409. The "
        "hand-written app (`bench/reference_app`) does this the way a careful engineer would "
        "by hand; it has no filters, sorting or includes on the list, no body size limit, no "
        "client-address middleware and no common error schema, which the generated app keeps."
        + (
            f" The `before` apps are both apps as they were at `{load.before}`, the hand-written "
            "one then without authentication."
            if load.before is not None
            else ""
        ),
        "",
        "| endpoint | app | req/s | p50 (ms) | p99 (ms) | server CPU / request (ms) | "
        "SQL statements / request | pool pings / request | errors | statements of one request |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for endpoint in ENDPOINTS:
        for number, app in enumerate(apps):
            sql = load.sql[(app, endpoint.name)]
            lines.append(
                f"| {endpoint.label if number == 0 else ''} | {_APP_NAMES[app]} | "
                f"{load.median(app, endpoint.name, 'rps'):.0f} | "
                f"{load.median(app, endpoint.name, 'p50') * 1000:.1f} | "
                f"{load.median(app, endpoint.name, 'p99') * 1000:.1f} | "
                f"{load.median(app, endpoint.name, 'cpu_per_request') * 1000:.2f} | "
                f"{sql.statements:g} | {sql.pings:.2g} | {load.errors(app, endpoint.name)} | "
                f"{'; '.join(sql.kinds)} |"
            )
        lines.append(
            _pair_lines(load, endpoint.name, "generated", "reference", "generated / hand-written")
        )
        if load.before is not None:
            lines.append(
                _pair_lines(
                    load,
                    endpoint.name,
                    "generated-before",
                    "reference-before",
                    "before: generated / hand-written",
                )
            )
    lines.append("")
    return lines


def _before_after_table(load: LoadResults) -> list[str]:
    """Before and after, from the same rounds: each app's medians and the two ratios."""
    lines = [
        f"### Before (`{load.before}`) and after, same run",
        "",
        "| endpoint | generated req/s, before → after | hand-written req/s, before → after | "
        "generated / hand-written, before → after | p99 generated / hand-written, before → "
        "after | generated server CPU / request (ms), before → after | generated after / "
        "before | SQL statements / request, generated before → after (hand-written before → "
        "after) |",
        "|---|---|---|---|---|---|---:|---|",
    ]
    for endpoint in ENDPOINTS:
        name = endpoint.name

        def rps(app: str, name: str = name) -> float:
            return load.median(app, name, "rps")

        cpu = [load.median(app, name, "cpu_per_request") * 1000 for app in _GENERATED]
        sql = [load.sql[(app, name)].statements for app in (*_GENERATED, *_REFERENCE)]
        lines.append(
            f"| {endpoint.label} | {rps('generated-before'):.0f} → {rps('generated'):.0f} | "
            f"{rps('reference-before'):.0f} → {rps('reference'):.0f} | "
            f"{_ratio(load, name, *_BEFORE):.2f}x → {_ratio(load, name):.2f}x | "
            f"{_p99_ratio(load, name, *_BEFORE):.2f}x → {_p99_ratio(load, name):.2f}x | "
            f"{cpu[0]:.2f} → {cpu[1]:.2f} | "
            f"{_ratio(load, name, 'generated', 'generated-before'):.2f}x | "
            f"{sql[0]:g} → {sql[1]:g} ({sql[2]:g} → {sql[3]:g}) |"
        )
    lines.append("")
    return lines


_GENERATED = ("generated-before", "generated")
_REFERENCE = ("reference-before", "reference")
_BEFORE = ("generated-before", "reference-before")


def _latency_ratio(
    load: LoadResults,
    endpoint: str,
    attribute: str,
    ours: str = "generated",
    theirs: str = "reference",
) -> str:
    mine = load.median(ours, endpoint, attribute)
    other = load.median(theirs, endpoint, attribute)
    return f"{mine / other:.2f}x"
