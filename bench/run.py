"""Run every benchmark and write the markdown report.

.venv/bin/python -m bench.run                 # full run, writes bench/results.md
.venv/bin/python -m bench.run --quick         # smoke sizes, 1 repetition: .bench/results-quick.md
.venv/bin/python -m bench.run --no-load       # command line only (no PostgreSQL needed)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import app_load, cli_timings, machine, report
from bench.projects import REPO
from bench.timing import command_env


@dataclass(frozen=True)
class Config:
    scale: cli_timings.Scale
    concurrency: int
    seconds: float
    rounds: int
    warmup: float
    sql_requests: int


FULL = Config(
    scale=cli_timings.Scale(
        reps=7, add_sizes=(1, 50, 200), check_sizes=(10, 100, 500), batch=50, check_reps=5
    ),
    concurrency=32,
    seconds=5,
    rounds=4,
    warmup=2,
    sql_requests=20,
)
QUICK = Config(
    scale=cli_timings.Scale(reps=1, add_sizes=(1,), check_sizes=(1, 2), batch=10, warm_up=False),
    concurrency=4,
    seconds=1,
    rounds=1,
    warmup=0.5,
    sql_requests=2,
)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="smoke-test sizes, one repetition")
    parser.add_argument(
        "--out",
        type=Path,
        help="where to write the table (default: bench/results.md; .bench/results-quick.md "
        "with --quick, so a smoke run never replaces the committed results)",
    )
    parser.add_argument("--no-load", action="store_true", help="skip the load test")
    parser.add_argument("--work", type=Path, help="keep the generated projects in this folder")
    args = parser.parse_args(argv)
    config = QUICK if args.quick else FULL
    out: Path = args.out or (
        REPO / ".bench" / "results-quick.md" if args.quick else REPO / "bench" / "results.md"
    )

    work = args.work or Path(tempfile.mkdtemp(prefix="fastgen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = command_env(REPO / ".bench" / "pycache")
    started_load = machine.load_average()
    try:
        log(f"command line timings in {work}")
        cli = cli_timings.measure_cli(work / "cli", env, config.scale, log)
        postgres = app_load.postgres_version()
        load = None
        if args.no_load:
            load_note = "`--no-load`"
        elif postgres is None:
            load_note = f"PostgreSQL not reachable at {app_load.POSTGRES}"
        else:
            log("load test: generated app against the hand-written one")
            load = app_load.measure_load(
                work / "load",
                env,
                concurrency=config.concurrency,
                seconds=config.seconds,
                rounds=config.rounds,
                warmup=config.warmup,
                sql_requests=config.sql_requests,
            )
            load_note = ""
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    command = "python -m bench.run" + (" --quick" if args.quick else "")
    command += " --no-load" if args.no_load else ""
    text = report.render(
        machine.describe(postgres),
        cli,
        load,
        command=command,
        quick=args.quick,
        load_note=load_note,
        load_average=(started_load, machine.load_average()),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)
    log(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
