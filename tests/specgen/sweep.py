"""Run the contract on many drawn spec sets: `python -m tests.specgen.sweep N [options]`.

The same seed draws the same sets on any machine (with the same hypothesis version). One line
per set, as each finishes; the specs and outputs of every red or crashed set are kept in
`<out>/<run>/<n>/` (`specs/`, `outcome.txt`, the generated project without caches); a summary
table at the end. Exit 1 if any set came out red or crashed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

from tests.specgen.harness import STAGES, Outcome, check_contract
from tests.specgen.strategies import SpecSet, spec_sets

REPO = Path(__file__).resolve().parents[2]


def draw_set(number: int, seed_value: int = 0) -> SpecSet:
    """Set `number` of the sweep with `seed_value`: drawn on its own, so sets are independent
    (hypothesis' later examples in one run mutate the earlier ones)."""
    drawn: list[SpecSet] = []

    @settings(
        database=None,
        max_examples=2,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @seed(seed_value * 1_000_003 + number)
    @given(spec_sets())
    def collect(spec_set: SpecSet) -> None:
        drawn.append(spec_set)

    collect()
    return drawn[-1]  # the first example hypothesis tries is always the simplest one


def draw_sets(count: int, seed_value: int = 0) -> list[SpecSet]:
    """Sets 1..`count` of the sweep with `seed_value`."""
    return [draw_set(number, seed_value) for number in range(1, count + 1)]


def _keep(number: int, spec_set: SpecSet, outcome: Outcome, work: Path, folder: Path) -> None:
    target = folder / str(number)
    if target.exists():
        shutil.rmtree(target)
    spec_set.write(target / "specs")
    (target / "outcome.txt").write_text(_outcome_text(outcome), encoding="utf-8")
    for failure in outcome.failures:
        (target / f"{failure.stage}.log").write_text(
            f"$ {failure.command}\n{failure.output}", encoding="utf-8"
        )
    project = work / "proj"
    if project.is_dir():
        ignore = shutil.ignore_patterns(".mypy_cache", "__pycache__", "*.db", ".ruff_cache")
        shutil.copytree(project, target / "proj", ignore=ignore, dirs_exist_ok=True)


def _outcome_text(outcome: Outcome) -> str:
    timings = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in outcome.seconds.items())
    return f"{outcome.report()}\n\ndatabase: {outcome.database}\ntimings: {timings}\n"


def _one(
    number: int, spec_set: SpecSet, database: str, folder: Path, pytest_args: list[str]
) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="fastgen-sweep-") as temporary:
        work = Path(temporary)
        outcome = check_contract(
            spec_set, database, keep_going=True, pytest_args=pytest_args, workdir=work
        )
        if not outcome.ok:
            _keep(number, spec_set, outcome, work, folder)
    return outcome


def summary(outcomes: dict[int, Outcome], database: str, seconds: float) -> str:
    verdicts = Counter(o.verdict for o in outcomes.values())
    accepted = len(outcomes) - verdicts["refused"]
    first_stages = Counter(o.stage for o in outcomes.values() if o.verdict == "red")
    every_stage = Counter(
        f.stage for o in outcomes.values() if o.verdict == "red" for f in o.failures
    )
    rows = [
        ("database", database),
        ("drawn", len(outcomes)),
        ("accepted", accepted),
        ("refused", verdicts["refused"]),
        ("green", verdicts["green"]),
        ("red", verdicts["red"]),
        ("crashed", verdicts["crashed"]),
    ]
    for stage in STAGES:
        if every_stage[stage]:
            rows.append(
                (f"  red at {stage}", f"{first_stages[stage]} first, {every_stage[stage]} in all")
            )
    rows.append(("minutes", f"{seconds / 60:.1f}"))
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/sweep.sh", description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="how many spec sets to draw")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, choices=(1, 2), default=1)
    parser.add_argument("--out", type=Path, default=REPO / ".sweep", help="where failures go")
    parser.add_argument("--only", type=str, default="", help="set numbers to run, e.g. 3,12")
    parser.add_argument(
        "--pytest-args", default="", help="extra arguments of the generated suite's pytest"
    )
    parser.add_argument(
        "--minutes",
        type=float,
        default=0,
        help="start no new set after this many minutes (0: no limit); the summary counts the "
        "sets that ran",
    )
    options = parser.parse_args(argv)

    chosen = {int(n) for n in options.only.split(",") if n.strip()}
    numbers = sorted(chosen) if chosen else range(1, options.count + 1)
    numbered = [(n, draw_set(n, options.seed)) for n in numbers]
    run = f"{options.db}-seed{options.seed}-{time.strftime('%Y%m%d-%H%M%S')}"
    folder = options.out / run
    print(
        f"{len(numbered)} sets drawn (seed {options.seed}) to run on {options.db}; "
        f"failures kept in {folder}",
        flush=True,
    )
    pytest_args = options.pytest_args.split()
    started = time.monotonic()
    outcomes: dict[int, Outcome] = {}

    def job(item: tuple[int, SpecSet]) -> tuple[int, SpecSet, Outcome | None]:
        number, spec_set = item
        if options.minutes and time.monotonic() - started > options.minutes * 60:
            return number, spec_set, None
        return number, spec_set, _one(number, spec_set, options.db, folder, pytest_args)

    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        for number, spec_set, outcome in pool.map(job, numbered):
            if outcome is None:
                continue
            outcomes[number] = outcome
            print(f"#{number} {outcome.describe()}  [{spec_set.summary()}]", flush=True)
    if len(outcomes) < len(numbered):
        print(f"\ntime is up after {options.minutes:g} minutes: {len(outcomes)} sets ran")
    text = summary(outcomes, options.db, time.monotonic() - started)
    print(f"\n{text}")
    if not all(o.ok for o in outcomes.values()):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "summary.txt").write_text(text + "\n", encoding="utf-8")
        print(f"failing sets kept in {folder}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
