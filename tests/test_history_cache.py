"""Revision files are parsed once: what each declares is kept under a hash of its bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import fastgen.history
from fastgen.cache import ENV_VAR
from fastgen.errors import UsageError
from fastgen.history import Revision, read_history


@pytest.fixture
def versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "cache"))
    folder = tmp_path / "versions"
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "0001_a.py").write_text('revision = "a1"\ndown_revision = None\n', encoding="utf-8")
    (folder / "0002_b.py").write_text(
        'revision: str = "b2"\ndown_revision: str | None = "a1"\n', encoding="utf-8"
    )
    return folder


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any) -> Any:
        raise AssertionError("parsed a revision the cache knows")

    monkeypatch.setattr(fastgen.history, "_parse_revision", refuse)


def test_a_second_read_parses_nothing_and_finds_the_same(
    versions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = read_history(versions)
    assert first == [
        Revision("a1", (), versions / "0001_a.py"),
        Revision("b2", ("a1",), versions / "0002_b.py"),
    ]
    _no_parsing(monkeypatch)
    assert read_history(versions) == first


def test_an_edited_revision_is_parsed_again(versions: Path) -> None:
    read_history(versions)
    (versions / "0002_b.py").write_text('revision = "c3"\ndown_revision = "a1"\n')
    assert [r.revision for r in read_history(versions)] == ["a1", "c3"]


def test_a_broken_revision_is_reported_every_time(versions: Path) -> None:
    (versions / "0003_broken.py").write_text('revision = "d4"\ndown_revision = (\n')
    for _ in range(2):
        with pytest.raises(UsageError, match=r"0003_broken\.py: cannot read this migration"):
            read_history(versions)


def test_without_a_cache_every_read_parses(versions: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "")
    read_history(versions)
    _no_parsing(monkeypatch)
    with pytest.raises(AssertionError, match="parsed a revision"):
        read_history(versions)
