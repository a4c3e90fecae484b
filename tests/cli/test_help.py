"""Every command's `--help`: text in square brackets shown in full, flags shown without a
value, and examples; plus shell completion of the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.main import get_command

from fastgen.cli import app
from fastgen.completion import named_shell

if TYPE_CHECKING:
    from conftest import Run

FASTGEN = Path(sys.executable).with_name("fastgen")


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


COMMANDS = dict(_commands(get_command(app)))
"""Command path -> the command: `()` is `fastgen` itself, `("add", "column")` a subcommand."""

PATHS = [pytest.param(path, id=" ".join(path) or "fastgen") for path in COMMANDS]


def _help(run: Run, path: tuple[str, ...]) -> str:
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _bracketed(command: Any) -> list[str]:
    """Text in square brackets in what the command's definition says: its help, epilog and
    the help of each parameter."""
    texts = [command.help, command.epilog, *(param.help for param in command.params)]
    return [found for text in texts if text for found in re.findall(r"\[[^\[\]]*\]", text)]


def test_bracketed_text_is_found_where_it_is_known_to_be() -> None:
    """The test below has something to look for."""
    assert "[tool.fastgen]" in _bracketed(COMMANDS[("new",)])
    assert "[tool.fastgen]" in _bracketed(COMMANDS[("validate",)])


@pytest.mark.parametrize("path", PATHS)
def test_text_in_square_brackets_is_shown_in_full(run: Run, path: tuple[str, ...]) -> None:
    shown = _flat(_help(run, path))
    for text in _bracketed(COMMANDS[path]):
        assert _flat(text) in shown


@pytest.mark.parametrize("path", PATHS)
def test_flags_are_shown_without_a_value(run: Run, path: tuple[str, ...]) -> None:
    text = _help(run, path)
    assert "<bool>" not in text
    assert "BOOLEAN" not in text
    command = COMMANDS[path]
    params = command.get_params(command.context_class(command))  # --help included
    flags = [p for p in params if getattr(p, "is_flag", False)]
    assert any("--help" in flag.opts for flag in flags)
    for flag in flags:
        name = max(flag.opts, key=len)
        (line,) = [
            line
            for line in text.splitlines()
            if line.lstrip().startswith("-") and re.search(rf"{name}(?![\w-])", line)
        ]
        # the names, then the help after two spaces or on the next line: no value between
        assert re.search(rf"{re.escape(name)}(?: {{2,}}\S|$)", line), line


@pytest.mark.parametrize("path", PATHS)
def test_every_command_has_examples_of_itself(run: Run, path: tuple[str, ...]) -> None:
    text = _help(run, path)
    assert "\n  Examples:\n\n" in text
    examples = text.split("\n  Examples:\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert examples
    assert all(line.startswith("    fastgen ") for line in examples), examples
    assert any(" ".join(("fastgen", *path)) in line for line in examples), examples


def test_the_main_help_offers_completion(run: Run) -> None:
    text = _help(run, ())
    assert "--install-completion" in text
    assert "--show-completion" in text


def _fastgen(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FASTGEN, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_show_completion_prints_a_bash_script_for_fastgen() -> None:
    """Run from bash, which is the shell it detects (`; :` keeps bash from exec'ing it)."""
    result = subprocess.run(
        ["bash", "-c", '"$0" --show-completion; :', FASTGEN],
        capture_output=True,
        text=True,
        env={**os.environ, "SHELL": "/bin/bash"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "_FASTGEN_COMPLETE=complete_bash" in result.stdout
    assert "complete -o default -F _fastgen_completion fastgen" in result.stdout


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        ("bash", "complete -o default -F _fastgen_completion fastgen"),
        ("zsh", "#compdef fastgen"),
        ("fish", "complete --command fastgen"),
    ],
)
def test_show_completion_prints_the_script_of_the_shell_named(shell: str, expected: str) -> None:
    """Whatever shell it runs in (the tests run it from Python, not from a shell)."""
    result = _fastgen("--show-completion", shell)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
    assert f"_FASTGEN_COMPLETE=complete_{shell}" in result.stdout


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("fastgen ad", ["add"]),
        ("fastgen s", ["schema", "sync"]),
        ("fastgen add co", ["column"]),
        ("fastgen --dry-run add re", ["resource"]),
    ],
)
def test_completion_completes_command_names(words: str, expected: list[str]) -> None:
    result = _fastgen(
        env={
            "_FASTGEN_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
    )
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.split()) == expected


def test_a_shell_is_named_only_right_after_a_completion_flag() -> None:
    assert named_shell(["--show-completion", "zsh"]) == ("--show-completion", "zsh")
    assert named_shell(["-y", "--install-completion", "fish"]) == ("--install-completion", "fish")
    assert named_shell(["--show-completion"]) is None
    assert named_shell(["--show-completion", "new"]) is None
    assert named_shell(["new", "zsh"]) is None
