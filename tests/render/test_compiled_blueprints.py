"""Compiled blueprints are kept in the per-user cache: a second environment loads them instead
of compiling, renders the same text, and a cache that cannot be used changes nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import jinja2
import pytest

from fastgen.cache import ENV_VAR
from fastgen.render.environment import CACHE_FOLDER, make_environment

TEMPLATE = "project/app/core/types.py.jinja"


def _never_compile(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("compiled, though the cache holds this blueprint")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv(ENV_VAR, str(root))
    return root


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob(f"*/{CACHE_FOLDER}/*"))


def test_a_second_environment_loads_what_the_first_compiled(cache: Path) -> None:
    first = make_environment().get_template(TEMPLATE).render()
    assert _entries(cache), "nothing was cached"

    env = make_environment()
    env.compile = _never_compile  # type: ignore[method-assign]
    assert env.get_template(TEMPLATE).render() == first


def test_the_cached_text_is_what_an_uncached_environment_renders(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_environment().get_template(TEMPLATE).render()  # fills the cache
    cached = make_environment().get_template(TEMPLATE).render()
    monkeypatch.setenv(ENV_VAR, "")  # set but empty: no cache
    env = make_environment()
    assert env.bytecode_cache is None
    assert env.get_template(TEMPLATE).render() == cached


def test_an_edited_override_is_compiled_again(cache: Path, tmp_path: Path) -> None:
    overrides = tmp_path / "blueprints"
    (overrides / "project").mkdir(parents=True)
    override = overrides / "project" / "note.txt.jinja"
    override.write_text("first {{ value }}\n", encoding="utf-8")
    assert make_environment(overrides).get_template("project/note.txt.jinja").render(value=1) == (
        "first 1\n"
    )

    override.write_text("second {{ value }}\n", encoding="utf-8")
    env = make_environment(overrides)
    assert env.get_template("project/note.txt.jinja").render(value=2) == "second 2\n"


def test_damaged_entries_are_compiled_again(cache: Path) -> None:
    expected = make_environment().get_template(TEMPLATE).render()
    entries = _entries(cache)
    assert entries
    for entry in entries:
        entry.write_bytes(b"j2 not what was written")
    assert make_environment().get_template(TEMPLATE).render() == expected


def test_a_cache_folder_that_cannot_be_made_means_no_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = make_environment().get_template(TEMPLATE).render()
    blocked = cache.parent / "blocked"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(blocked))

    env = make_environment()
    assert env.bytecode_cache is None
    assert env.get_template(TEMPLATE).render() == expected


def test_a_cache_folder_that_cannot_be_written_changes_nothing(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = make_environment(None).get_template(TEMPLATE).render()
    for entry in _entries(cache):
        entry.unlink()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # as in a folder without write access
    env = make_environment()
    assert isinstance(env.bytecode_cache, jinja2.BytecodeCache)
    assert env.get_template(TEMPLATE).render() == expected
    assert _entries(cache) == []


def test_a_cache_folder_others_may_write_to_is_not_used(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries hold compiled code: a folder writable by others could hold anyone's."""
    expected = make_environment().get_template(TEMPLATE).render()
    folders = sorted(cache.glob(f"*/{CACHE_FOLDER}"))
    assert len(folders) == 1
    folders[0].chmod(0o777)
    env = make_environment()
    env.compile = _never_compile  # type: ignore[method-assign]
    assert env.bytecode_cache is None
    with pytest.raises(AssertionError, match="compiled"):
        env.get_template(TEMPLATE)

    folders[0].chmod(0o700)
    assert make_environment().get_template(TEMPLATE).render() == expected
