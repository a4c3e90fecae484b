"""A pytest plugin: a test run that leaves databases or Redis keys behind on the shared services
fails, and says which.

Every database and key a test makes is named after the run (tests/services.py), and the fixture
that made it removes it. Once the run is over (under pytest-xdist: once every worker is done,
in the controller) whatever still carries the run's name is listed, removed, and the run's exit
status becomes "tests failed": left there, it would be in the way of the next run or worker.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.services import leftovers, run_id

SECTION = "services left dirty"


@dataclass
class LeftBehind:
    """One thing left on a service, as an entry of the terminal's statistics (other plugins
    read those entries as reports)."""

    line: str
    count_towards_summary: bool = True


_FOUND = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    run_id()  # made here, before pytest-xdist starts the workers that inherit it


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the controller checks once all workers are done
    found = leftovers(run_id())
    if not found:
        return
    found.remove()
    session.config.stash[_FOUND] = found.lines()
    if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        # counted in the closing line: "N passed, 2 left dirty in ..."
        reporter.stats.setdefault("left dirty", []).extend(map(LeftBehind, found.lines()))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    found = terminalreporter.config.stash.get(_FOUND, [])
    if not found:
        return
    terminalreporter.write_sep("=", SECTION, red=True, bold=True)
    terminalreporter.write_line(
        f"This run left {len(found)} thing(s) on the shared services (removed now); the next "
        "run or pytest-xdist worker would find them. The fixture that makes each one must "
        "remove it (see tests/services.py):"
    )
    for line in found:
        terminalreporter.write_line(f"  {line}")
