"""Run every benchmark and write the markdown report.

.venv/bin/python -m bench.run                 # full run, writes bench/results.md
.venv/bin/python -m bench.run --quick         # smoke sizes, 1 repetition: .bench/results-quick.md
.venv/bin/python -m bench.run --only cli      # command line only (no PostgreSQL needed)
.venv/bin/python -m bench.run --only app      # the generated app against the hand-written one
.venv/bin/python -m bench.run --only app --before main   # ... and both as they were at `main`,
                                              # side by side in the same rounds
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
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
        "with --quick and .bench/results-{cli,app}.md with --only, so neither replaces the "
        "committed results of a full run)",
    )
    parser.add_argument(
        "--only",
        choices=("cli", "app"),
        help="run one half: the command-line timings, or the app load test",
    )
    parser.add_argument(
        "--no-load", action="store_true", help="skip the load test (the same as --only cli)"
    )
    parser.add_argument(
        "--before",
        metavar="REVISION",
        help="also load the generated and hand-written apps as they are at this git revision, "
        "in the same rounds (a before/after table)",
    )
    parser.add_argument("--work", type=Path, help="keep the generated projects in this folder")
    args = parser.parse_args(argv)
    if args.no_load:
        if args.only == "app":
            parser.error("--no-load and --only app exclude each other")
        args.only = "cli"
    before = None if args.before is None else _revision(args.before)
    config = QUICK if args.quick else FULL
    if args.out is not None:
        out: Path = args.out
    elif args.quick:
        out = REPO / ".bench" / "results-quick.md"
    elif args.only:  # half a run never replaces the full results
        out = REPO / ".bench" / f"results-{args.only}.md"
    else:
        out = REPO / "bench" / "results.md"

    work = args.work or Path(tempfile.mkdtemp(prefix="fastgen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = command_env(REPO / ".bench" / "pycache")
    started_load = machine.load_average()
    try:
        cli = None
        cli_note = "`--only app`"
        if args.only != "app":
            log(f"command line timings in {work}")
            cli = cli_timings.measure_cli(work / "cli", env, config.scale, log)
        postgres = app_load.postgres_version()
        load = None
        if args.only == "cli":
            load_note = "`--no-load`" if args.no_load else "`--only cli`"
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
                before=before,
            )
            load_note = ""
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    command = "python -m bench.run" + (" --quick" if args.quick else "")
    command += " --no-load" if args.no_load else (f" --only {args.only}" if args.only else "")
    command += f" --before {args.before}" if args.before else ""
    text = report.render(
        machine.describe(postgres),
        cli,
        load,
        command=command,
        quick=args.quick,
        load_note=load_note,
        load_average=(started_load, machine.load_average()),
        cli_note=cli_note,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)
    log(f"written to {out}")
    return 0


def _revision(name: str) -> str:
    """`name` (a branch, tag or commit) as a short commit hash, so the report names what ran."""
    completed = subprocess.run(
        ["git", "rev-parse", "--short", f"{name}^{{commit}}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"--before: not a git revision: {name}")
    return completed.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
