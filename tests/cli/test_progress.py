"""The spinner a command shows while it works: only for a person at a terminal, or when
FASTGEN_PROGRESS=1 asks for it; what the command prints is the same either way."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from fastgen.progress import ENV, _shown, paused, status, wanted

if TYPE_CHECKING:
    from conftest import Run


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        super().isatty()  # ValueError once closed, as a real stream
        return True


@pytest.mark.parametrize(
    ("setting", "stdout", "stderr", "shown"),
    [
        (None, Terminal(), Terminal(), True),
        (None, io.StringIO(), Terminal(), False),  # output piped
        (None, Terminal(), io.StringIO(), False),  # errors redirected
        ("0", Terminal(), Terminal(), False),
        ("1", io.StringIO(), io.StringIO(), True),
        ("yes", io.StringIO(), io.StringIO(), True),
    ],
)
def test_shown_at_a_terminal_unless_the_setting_says_otherwise(
    setting: str | None, stdout: io.StringIO, stderr: io.StringIO, shown: bool
) -> None:
    environ = {} if setting is None else {ENV: setting}
    assert wanted(environ, stdout=stdout, stderr=stderr) is shown


def test_a_closed_stream_is_no_terminal() -> None:
    closed = Terminal()
    closed.close()
    assert wanted({}, stdout=Terminal(), stderr=closed) is False


def test_off_when_output_is_captured_and_on_when_asked_for(
    bookshop: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV, raising=False)
    captured = run("--project", bookshop, "check")
    monkeypatch.setenv(ENV, "0")
    off = run("--project", bookshop, "check")
    monkeypatch.setenv(ENV, "1")
    forced = run("--project", bookshop, "check")

    assert captured.exit_code == off.exit_code == forced.exit_code == 0
    assert (captured.stdout, captured.stderr) == (off.stdout, off.stderr)
    assert captured.stderr == ""
    assert forced.stdout == captured.stdout
    assert "checking…" in forced.stderr
    assert forced.stderr.endswith("\x1b[?25h\r\x1b[1A\x1b[2K")  # the cursor back, the line gone


def test_a_writing_command_shows_what_it_does(
    project: Path, author_spec: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "1")
    result = run("--project", project, "--dry-run", "add", "resource", author_spec)
    assert result.exit_code == 0, result.output
    assert "adding 1 resource…" in result.stderr
    assert "\x1b" not in result.stdout


def test_a_question_takes_the_spinner_off_the_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "1")
    with paused():  # no spinner: nothing to do
        pass
    with status("working…"):
        (shown,) = _shown
        assert shown._live.is_started
        with paused():
            assert not shown._live.is_started
        assert shown._live.is_started
    assert _shown == []
    assert not shown._live.is_started
