"""`fastgen check` does not load specs it has checked before against the same lock file, and
reports what it reported then; any change to a spec, the lock or the roles is checked afresh."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import fastgen.commands.check
from fastgen.cache import ENV_VAR

if TYPE_CHECKING:
    from conftest import Run


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv(ENV_VAR, str(root))
    return root


def _count_calls(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    """One entry per call of `module.name` from now on."""
    counted: list[int] = []
    real = getattr(module, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        counted.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return counted


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per time `check` loads the project's specs."""
    return _count_calls(monkeypatch, fastgen.commands.check, "desired_state")


def _check(run: Run, root: Path) -> tuple[int, dict[str, Any], str]:
    as_json = run("--project", root, "check", "--json")
    text = run("--project", root, "check")
    assert text.exit_code == as_json.exit_code
    return as_json.exit_code, json.loads(as_json.stdout), text.stdout


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "specs" / "book.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_unchanged_specs_are_not_loaded_again(
    bookshop: Path, run: Run, cache: Path, loads: list[int]
) -> None:
    first = _check(run, bookshop)
    assert first[0] == 0
    assert len(loads) == 1  # the text run found what the --json run stored
    assert _check(run, bookshop) == first
    assert len(loads) == 1
    assert list(cache.glob("*/check/*"))


def test_findings_are_reported_again_the_same(
    bookshop: Path, run: Run, cache: Path, loads: list[int]
) -> None:
    _edit(bookshop, "  summary: text?\n", "  summary: text?\n  note: str?\n")
    first = _check(run, bookshop)
    assert first[0] == 1
    assert "spec changed since the last sync: + field Book.note str?" in first[2]
    assert _check(run, bookshop) == first
    assert len(loads) == 1


def test_a_spec_edited_after_a_check_is_checked_afresh(
    bookshop: Path, run: Run, cache: Path, loads: list[int]
) -> None:
    assert _check(run, bookshop)[0] == 0
    _edit(bookshop, "summary: text?", "summary: {type: txt}")
    code, document, _ = _check(run, bookshop)
    assert code == 1
    assert [f["kind"] for f in document["findings"]] == ["spec-invalid"]
    assert len(loads) == 2


def test_a_sync_changes_the_lock_so_the_old_findings_go(
    bookshop: Path, run: Run, cache: Path, loads: list[int]
) -> None:
    _edit(bookshop, "  summary: text?\n", "  summary: text?\n  note: str?\n")
    assert _check(run, bookshop)[0] == 1
    assert run("--project", bookshop, "sync").exit_code == 0
    code, document, _ = _check(run, bookshop)
    assert (code, document) == (0, {"ok": True, "findings": []})
    assert len(loads) == 2


def test_without_a_cache_every_check_loads_the_specs(
    bookshop: Path, run: Run, monkeypatch: pytest.MonkeyPatch, loads: list[int]
) -> None:
    monkeypatch.setenv(ENV_VAR, "")
    assert _check(run, bookshop)[0] == 0
    assert len(loads) == 2


def test_a_damaged_entry_is_checked_afresh(
    bookshop: Path, run: Run, cache: Path, loads: list[int]
) -> None:
    _edit(bookshop, "  summary: text?\n", "  summary: text?\n  note: str?\n")
    first = _check(run, bookshop)
    entries = list(cache.glob("*/check/*"))
    assert len(entries) == 1
    for damage in (b'[{"kind": 1, "wrong": 2}]', b"[1, 2]", b'{"not": "a list"}', b"[{"):
        entries[0].write_bytes(damage)
        assert _check(run, bookshop) == first
    assert len(loads) == 1 + 4  # each damaged entry was found unusable and rewritten


def test_add_column_finds_the_spec_file_without_loading_the_specs_twice(
    bookshop: Path, run: Run, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which file holds which resource is kept; the specs are then loaded once, with the edit."""
    import fastgen.commands.columns

    counted = _count_calls(monkeypatch, fastgen.commands.columns, "load_specs")
    command = ("--project", bookshop, "--dry-run", "add", "column", "Book", "note:str?")
    first = run(*command)
    assert first.exit_code == 0, first.output
    assert len(counted) == 1
    assert run(*command).output == first.output
    assert len(counted) == 1

    (bookshop / "specs" / "book.yaml").rename(bookshop / "specs" / "volume.yaml")
    moved = run(*command)
    assert moved.exit_code == 0, moved.output
    assert "specs/volume.yaml" in moved.output
    assert len(counted) == 2
