"""Timings of the fastgen command line, each a median of repeated runs in fresh subprocesses.

- `fastgen --help`, `fastgen new`;
- `fastgen add resource` of one more resource in projects already holding N resources (each run
  on a fresh copy of the project);
- `fastgen add column` on the bookshop, side by side with Alembic: in the same project
  migrated to head on SQLite, the model is edited by hand (to what `add column` writes) and
  `alembic revision --autogenerate` writes the revision; the two alternate run by run;
- `fastgen check` on projects of N resources, and how it grows with N.
"""

from __future__ import annotations

import functools
import itertools
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bench.projects import FASTGEN, bookshop, copy_project, item_ladder, item_spec
from bench.timing import BIN, Sample, Series, median, repeat, run

COLUMN = ("Book", "stock:int", "--default", "0")
"""The column both tools add: `fastgen add column Book stock:int --default 0`."""
_MODEL = "app/models/book.py"


@dataclass(frozen=True)
class Scale:
    reps: int
    add_sizes: tuple[int, ...]
    check_sizes: tuple[int, ...]
    batch: int
    check_reps: int | None = None
    """Repetitions of `check` (slow on big projects); default `reps`."""
    warm_up: bool = True
    """One untimed run before the first timed ones of each command."""


@dataclass(frozen=True)
class CliResults:
    reps: int
    warm_up: bool
    python: Series
    """`python -c pass`: the interpreter's own start-up, the floor of every command."""
    help: Series
    new: Series
    add_resource: dict[int, Series]
    check: dict[int, Series]
    add_column: Series
    alembic: Series

    @property
    def column_ratio(self) -> float:
        """Median of the run-by-run ratios fastgen / Alembic (the runs alternate)."""
        return median(
            [
                f.wall / a.wall
                for f, a in zip(self.add_column.samples, self.alembic.samples, strict=True)
            ]
        )

    def check_growth(self) -> list[tuple[int, int, float]]:
        """(smaller size, larger size, time ratio) for consecutive check sizes."""
        sizes = sorted(self.check)
        return [
            (small, large, self.check[large].wall / self.check[small].wall)
            for small, large in itertools.pairwise(sizes)
        ]


def _widget_spec() -> str:
    """The resource `add resource` adds: the same shape as the items, belonging to Item0."""
    return (
        item_spec(0)
        .replace("resource: Item0", "resource: Widget")
        .replace(
            "access:", "relations:\n  item: {belongs_to: Item0, on_delete: cascade}\naccess:", 1
        )
    )


def measure_cli(
    work: Path, env: Mapping[str, str], scale: Scale, log: Callable[[str], None] = print
) -> CliResults:
    """Every command-line measurement; one untimed warm-up run (bytecode and disk caches)
    before the first timed runs of each command, when `scale.warm_up`."""
    work.mkdir(parents=True, exist_ok=True)

    def timed(
        args: list[str | Path],
        cwd: Path,
        prepare: Callable[[], object] | None = None,
        warm_up: bool = scale.warm_up,
        reps: int = scale.reps,
    ) -> Series:
        extra = 1 if warm_up else 0
        return Series(repeat(reps + extra, args, cwd, env, prepare).samples[extra:])

    log("python -c pass, fastgen --help, fastgen new")
    python = timed([BIN / "python", "-c", "pass"], work)
    help_ = timed([FASTGEN, "--help"], work)
    new_dir = work / "new"

    def fresh_new_dir() -> None:
        shutil.rmtree(new_dir, ignore_errors=True)
        new_dir.mkdir()

    new = timed([FASTGEN, "new", "shop"], new_dir, fresh_new_dir)

    sizes = sorted({*scale.add_sizes, *scale.check_sizes})
    log(f"building projects of {', '.join(map(str, sizes))} resources")
    ladder = item_ladder(work / "ladder", sizes, env, scale.batch)
    widget = work / "widget.yaml"
    widget.write_text(_widget_spec(), encoding="utf-8")
    add_resource: dict[int, Series] = {}
    target = work / "add-resource"
    for number, size in enumerate(scale.add_sizes):
        log(f"fastgen add resource, project of {size}")
        add_resource[size] = timed(
            [FASTGEN, "add", "resource", widget],
            target,
            functools.partial(copy_project, ladder[size], target),
            warm_up=scale.warm_up and number == 0,
        )

    check: dict[int, Series] = {}
    for number, size in enumerate(scale.check_sizes):
        log(f"fastgen check, project of {size}")
        check[size] = timed(
            [FASTGEN, "check"],
            ladder[size],
            warm_up=scale.warm_up and number == 0,
            reps=scale.check_reps or scale.reps,
        )

    log("fastgen add column and alembic revision --autogenerate")
    add_column, alembic = _column_side_by_side(work / "column", env, scale.reps)
    return CliResults(
        scale.reps, scale.warm_up, python, help_, new, add_resource, check, add_column, alembic
    )


@dataclass(frozen=True)
class _Migrated:
    target: Path
    """Where each run happens, on a fresh copy of `migrated`."""
    migrated: Path
    database: dict[str, str]
    edited_model: str
    """The model as `add column` writes it: the hand edit Alembic starts from."""


def _migrated_bookshop(work: Path, env: Mapping[str, str], fastgen: Path = FASTGEN) -> _Migrated:
    """The bookshop migrated to head on SQLite, and its model with the column added."""
    snapshot = bookshop(work, env)
    target = work / "run"
    database = {"DATABASE_URL": f"sqlite+aiosqlite:///{target / 'app.db'}"}
    copy_project(snapshot, target)
    run([BIN / "alembic", "upgrade", "head"], target, {**env, **database})
    migrated = copy_project(target, work / "migrated")
    run([fastgen, "add", "column", *COLUMN], target, env)
    edited_model = (target / _MODEL).read_text(encoding="utf-8")
    return _Migrated(target, migrated, database, edited_model)


def _column_side_by_side(work: Path, env: Mapping[str, str], reps: int) -> tuple[Series, Series]:
    bookshop_at_head = _migrated_bookshop(work, env)
    target, migrated = bookshop_at_head.target, bookshop_at_head.migrated
    database, edited_model = bookshop_at_head.database, bookshop_at_head.edited_model

    def hand_edit() -> None:
        copy_project(migrated, target)
        (target / _MODEL).write_text(edited_model, encoding="utf-8")

    fastgen_args: list[str | Path] = [FASTGEN, "add", "column", *COLUMN]
    alembic_args: list[str | Path] = [
        BIN / "alembic",
        "revision",
        "--autogenerate",
        "-m",
        "add stock to books",
    ]
    hand_edit()
    run(alembic_args, target, {**env, **database})  # warm-up, and check it saw the change
    written = list((target / "migrations" / "versions").glob("*add_stock*.py"))
    if not written or "add_column" not in written[0].read_text(encoding="utf-8"):
        raise RuntimeError("alembic autogenerate did not pick up the new column")

    ours: list[Sample] = []
    theirs: list[Sample] = []
    for _ in range(reps):
        copy_project(migrated, target)
        ours.append(run(fastgen_args, target, env))
        hand_edit()
        theirs.append(run(alembic_args, target, {**env, **database}))
    return Series(tuple(ours)), Series(tuple(theirs))


# -- two versions of fastgen side by side ----------------------------------------------------


@dataclass(frozen=True)
class Compared:
    """One command measured with two fastgen executables, run by run in turn."""

    command: str
    project: str
    before: Series
    after: Series

    @property
    def ratio(self) -> float:
        """Median of the run-by-run ratios after / before."""
        return median(
            [a.wall / b.wall for a, b in zip(self.after.samples, self.before.samples, strict=True)]
        )


def _alternate(
    reps: int,
    commands: list[tuple[list[str | Path], Mapping[str, str]]],
    cwd: Path,
    prepare: Callable[[], object] | None = None,
) -> list[Series]:
    """`reps` timed runs of each command, in turn (after one untimed run of each)."""
    samples: list[list[Sample]] = [[] for _ in commands]
    for rep in range(reps + 1):
        for index, (args, env) in enumerate(commands):
            if prepare is not None:
                prepare()
            sample = run(args, cwd, env)
            if rep:
                samples[index].append(sample)
    return [Series(tuple(s)) for s in samples]


def compare_cli(
    work: Path,
    env: Mapping[str, str],
    scale: Scale,
    before: Path,
    after: Path = FASTGEN,
    log: Callable[[str], None] = print,
) -> tuple[list[Compared], Series]:
    """The command-line measurements with `before` and `after` (two fastgen executables) run
    in turn. Each keeps a per-user cache of its own (FASTGEN_CACHE_DIR under `work`) warm across
    runs, as on a person's machine; `fastgen check` is also measured with an empty cache before
    every run of either, as on a fresh CI machine (a `before` without a cache ignores it)."""
    work.mkdir(parents=True, exist_ok=True)
    cache = work / "fastgen-cache"
    after_env = {**env, "FASTGEN_CACHE_DIR": str(cache)}
    before_env = {**env, "FASTGEN_CACHE_DIR": str(work / "fastgen-cache-before")}
    rows: list[Compared] = []

    def pair(
        command: str,
        project: str,
        args: list[str | Path],
        cwd: Path,
        prepare: Callable[[], object] | None = None,
        after_env: Mapping[str, str] = after_env,
        before_env: Mapping[str, str] = before_env,
        reps: int = scale.reps,
    ) -> None:
        log(f"{command} {project}")
        old, new = _alternate(
            reps, [([before, *args], before_env), ([after, *args], after_env)], cwd, prepare
        )
        rows.append(Compared(command, project, old, new))

    pair("`fastgen --help`", "", ["--help"], work)
    new_dir = work / "new"

    def fresh_new_dir() -> None:
        shutil.rmtree(new_dir, ignore_errors=True)
        new_dir.mkdir()

    pair("`fastgen new shop`", "", ["new", "shop"], new_dir, fresh_new_dir)

    sizes = sorted({*scale.add_sizes, *scale.check_sizes})
    log(f"building projects of {', '.join(map(str, sizes))} resources")
    ladder = item_ladder(work / "ladder", sizes, env, scale.batch)
    widget = work / "widget.yaml"
    widget.write_text(_widget_spec(), encoding="utf-8")
    target = work / "add-resource"
    for size in scale.add_sizes:
        pair(
            "`fastgen add resource widget.yaml`",
            f"{size} resources",
            ["add", "resource", widget],
            target,
            functools.partial(copy_project, ladder[size], target),
        )
    cold = work / "cold-cache"
    for size in scale.check_sizes:
        reps = scale.check_reps or scale.reps
        pair("`fastgen check`", f"{size} resources", ["check"], ladder[size], reps=reps)
        pair(
            "`fastgen check`, empty cache",
            f"{size} resources",
            ["check"],
            ladder[size],
            functools.partial(shutil.rmtree, cold, ignore_errors=True),
            after_env={**env, "FASTGEN_CACHE_DIR": str(cold)},
            before_env={**env, "FASTGEN_CACHE_DIR": str(cold)},
            reps=reps,
        )
    log("fastgen add column (before, after) and alembic revision --autogenerate")
    column, alembic = _column_three_ways(
        work / "column", before_env, after_env, scale.reps, before, after
    )
    rows.append(column)
    return rows, alembic


def _column_three_ways(
    work: Path,
    env: Mapping[str, str],
    after_env: Mapping[str, str],
    reps: int,
    before: Path,
    after: Path,
) -> tuple[Compared, Series]:
    """`add column` with both executables and Alembic's autogenerate, in turn, on copies of
    the migrated bookshop (Alembic's after the hand edit of the model)."""
    bookshop_at_head = _migrated_bookshop(work, after_env, after)
    target, migrated = bookshop_at_head.target, bookshop_at_head.migrated
    database, edited_model = bookshop_at_head.database, bookshop_at_head.edited_model
    samples: list[list[Sample]] = [[], [], []]
    alembic_args: list[str | Path] = [BIN / "alembic", "revision", "--autogenerate", "-m", "x"]
    commands: list[tuple[list[str | Path], Mapping[str, str]]] = [
        ([before, "add", "column", *COLUMN], env),
        ([after, "add", "column", *COLUMN], after_env),
        (alembic_args, {**env, **database}),
    ]
    for rep in range(reps + 1):
        for index, (args, command_env) in enumerate(commands):
            copy_project(migrated, target)
            if index == 2:
                (target / _MODEL).write_text(edited_model, encoding="utf-8")
            sample = run(args, target, command_env)
            if rep:
                samples[index].append(sample)
    old, new, alembic = (Series(tuple(s)) for s in samples)
    return Compared(
        "`fastgen add column Book stock:int --default 0`", "bookshop", old, new
    ), alembic


def alembic_ratios(column: Compared, alembic: Series) -> tuple[float, float]:
    """fastgen / Alembic for `add column`, before and after: medians of run-by-run ratios."""
    old, new = (
        median([f.wall / a.wall for f, a in zip(series.samples, alembic.samples, strict=True)])
        for series in (column.before, column.after)
    )
    return old, new


def compared_table(rows: list[Compared]) -> str:
    """Markdown: medians before and after (wall and CPU), and the median of the paired wall
    ratios."""
    lines = [
        "| command | project | before wall (s) | after wall (s) | after / before "
        "| before CPU (s) | after CPU (s) | runs |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.command} | {row.project} | {row.before.wall:.3f} | {row.after.wall:.3f} "
            f"| {row.ratio:.2f} | {row.before.cpu:.3f} | {row.after.cpu:.3f} | {row.after.runs} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import tempfile

    from bench.timing import command_env

    parser = argparse.ArgumentParser(
        description="fastgen's command-line timings, two versions side by side"
    )
    parser.add_argument("before", type=Path, help="the fastgen executable to compare against")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--check-reps", type=int)
    parser.add_argument("--add-sizes", default="1,50,200")
    parser.add_argument("--check-sizes", default="10,100,500")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--work", type=Path)
    options = parser.parse_args(argv)
    scale = Scale(
        reps=options.reps,
        add_sizes=tuple(int(s) for s in options.add_sizes.split(",")),
        check_sizes=tuple(int(s) for s in options.check_sizes.split(",")),
        batch=options.batch,
        check_reps=options.check_reps,
    )
    with tempfile.TemporaryDirectory() as folder:
        work = options.work or Path(folder)
        env = command_env(work / "pycache")
        rows, alembic = compare_cli(work, env, scale, options.before.resolve())
    print(compared_table(rows))
    old, new = alembic_ratios(rows[-1], alembic)
    print(
        f"\n`alembic revision --autogenerate` for the same column: {alembic.wall:.3f} s "
        f"(CPU {alembic.cpu:.3f} s); fastgen / Alembic (median of paired wall ratios): "
        f"before {old:.2f}, after {new:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
