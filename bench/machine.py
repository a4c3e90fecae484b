"""The machine a run happened on, for the report."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path


def _first(path: str, key: str) -> str | None:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        name, _, value = line.partition(":" if ":" in line else "=")
        if name.strip() == key:
            return value.strip().strip('"')
    return None


def _ram() -> str:
    total = _first("/proc/meminfo", "MemTotal")
    if total is None:
        return "unknown"
    return f"{int(total.split()[0]) / 1024 / 1024:.1f} GiB"


def load_average() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def describe(postgres: str | None) -> dict[str, str]:
    system = _first("/etc/os-release", "PRETTY_NAME") or platform.system()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "CPU": _first("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "cores": f"{os.cpu_count()} logical ({usable} usable by this run)",
        "RAM": _ram(),
        "OS": f"{system}, {platform.system()} {platform.release()} {platform.machine()}",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "PostgreSQL": postgres or "not reachable",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
