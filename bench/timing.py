"""Running commands under a stopwatch: wall-clock time and CPU time (user + system, the
command's own subprocesses included), and medians."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float


@dataclass(frozen=True)
class Series:
    """Repeated runs of one command."""

    samples: tuple[Sample, ...]

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def runs(self) -> int:
        return len(self.samples)


class CommandFailed(RuntimeError):
    pass


def command_env(pycache: Path, **extra: str) -> dict[str, str]:
    """The environment commands run in: `.venv/bin` first on PATH, and bytecode cached in
    `pycache` (as after `pip install`, which compiles it), whatever the caller's
    PYTHONDONTWRITEBYTECODE says. Database URLs of the caller are dropped."""
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.update(extra)
    return env


_DROPPED = {"PYTHONDONTWRITEBYTECODE", "DATABASE_URL", "TEST_DATABASE_URL", "VIRTUAL_ENV"}


def run(args: Sequence[str | Path], cwd: Path, env: Mapping[str, str]) -> Sample:
    """Run one command to completion; raise `CommandFailed` with its output on a non-zero
    exit."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            [str(a) for a in args], cwd=cwd, env=dict(env), stdout=output, stderr=output
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            output.seek(0)
            text = output.read().decode(errors="replace")
            raise CommandFailed(
                f"{' '.join(map(str, args))} exited {process.returncode} in {cwd}:\n{text}"
            )
    return Sample(wall=wall, cpu=usage.ru_utime + usage.ru_stime)


def repeat(
    times: int,
    args: Sequence[str | Path],
    cwd: Path | Callable[[], Path],
    env: Mapping[str, str],
    prepare: Callable[[], object] | None = None,
) -> Series:
    """`times` timed runs; `prepare` (untimed) runs before each, e.g. to restore a copy of a
    project; `cwd` may be computed by it."""
    samples = []
    for _ in range(times):
        if prepare is not None:
            prepare()
        folder = cwd() if callable(cwd) else cwd
        samples.append(run(args, folder, env))
    return Series(tuple(samples))


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
