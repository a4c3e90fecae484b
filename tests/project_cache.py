"""Generated projects built once per test run and handed out as fresh copies.

Generating a project (and migrating it, for some tests) is the same work every time for the same
inputs, so a run does it once per set of inputs and each test gets its own copy, free to change
it. Under pytest-xdist the workers share one cache: whichever needs a project first builds it
while the others wait for it (a file lock), and every later request copies it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

Build = Callable[[Path], Path]
"""Makes a project in the empty folder it is given and returns the project's path in it."""

_READY = "ready.json"


class ProjectCache:
    """Templates under `root`, one per key; see `template` and `copy`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    @classmethod
    def for_run(cls, factory: pytest.TempPathFactory) -> ProjectCache:
        """The cache every process of this run shares: in the run's base temporary folder (the
        controller's under pytest-xdist, which holds each worker's own base folder)."""
        base = factory.getbasetemp()
        if os.environ.get("PYTEST_XDIST_WORKER"):
            base = base.parent
        return cls(base / "project-templates")

    def template(self, key: object, build: Build) -> Path:
        """The project `build` makes, built once per run for `key` (any JSON value that names
        every input of the build). Never change it: hand out `copy`s. A build that fails
        leaves nothing behind, so the next request tries again (and shows its own error)."""
        digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]
        entry = self.root / digest
        with (self.root / f"{digest}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            ready = entry / _READY
            if not ready.is_file():
                shutil.rmtree(entry, ignore_errors=True)
                (entry / "build").mkdir(parents=True)
                try:
                    project = build(entry / "build")
                except BaseException:
                    shutil.rmtree(entry, ignore_errors=True)
                    raise
                relative = project.relative_to(entry).as_posix()
                ready.write_text(json.dumps({"key": key, "project": relative}), encoding="utf-8")
            return entry / json.loads(ready.read_text(encoding="utf-8"))["project"]

    @staticmethod
    def copy(template: Path, into: Path) -> Path:
        """A copy of `template` as `into/<its name>` (file times kept); returns its path."""
        return Path(shutil.copytree(template, into / template.name, symlinks=True))
