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


def _column_side_by_side(work: Path, env: Mapping[str, str], reps: int) -> tuple[Series, Series]:
    snapshot = bookshop(work, env)
    target = work / "run"
    database = {"DATABASE_URL": f"sqlite+aiosqlite:///{target / 'app.db'}"}
    copy_project(snapshot, target)
    run([BIN / "alembic", "upgrade", "head"], target, {**env, **database})
    migrated = copy_project(target, work / "migrated")

    # what `add column` writes into the model is the hand edit Alembic starts from
    run([FASTGEN, "add", "column", *COLUMN], target, env)
    edited_model = (target / _MODEL).read_text(encoding="utf-8")

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
