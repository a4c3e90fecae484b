"""The lock file's text: one block per resource, read back after git merged two branches."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from fastgen.errors import UsageError
from fastgen.lock_text import dump, parse
from fastgen.spec.model import ResourceSpec
from fastgen.state import ProjectState


def _spec(name: str, *fields: str) -> ResourceSpec:
    return ResourceSpec.model_validate(
        {
            "resource": name,
            "table": f"{name.lower()}s",
            "path": f"/{name.lower()}s",
            "fields": [{"name": field, "type": "str"} for field in fields],
        }
    )


def _state(revision: str | None, *specs: ResourceSpec) -> ProjectState:
    state = ProjectState(revision=revision)
    for spec in specs:
        state = state.with_resource(spec)
    return state


def _lines(state: ProjectState) -> list[str]:
    """The lock's lines without its comments."""
    return [line for line in dump(state).splitlines() if not line.startswith("#")]


AUTHOR = _spec("Author", "name")
BOOK = _spec("Book", "title")
TAG = _spec("Tag", "label")


def test_a_state_round_trips_with_one_block_per_resource_in_name_order() -> None:
    state = _state("aaaaaaaaaaaa", TAG, AUTHOR)
    text = dump(state)
    assert parse(text, "fastgen.lock") == state
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert lines[:2] == ["fastgen-lock 2", "revision aaaaaaaaaaaa"]
    assert lines[2::3] == ["resource Author", "resource Tag"]
    assert lines[4::3] == ["end Author", "end Tag"]
    assert json.loads(lines[3])["resource"] == "Author"


def test_the_union_git_keeps_of_two_branches_is_both_sides() -> None:
    """What `merge=union` leaves when one branch added Author and the other Tag."""
    ours = _lines(_state("aaaaaaaaaaaa", AUTHOR, BOOK))
    theirs = _lines(_state("bbbbbbbbbbbb", BOOK, TAG))
    union = ours[:2] + theirs[1:2] + ours[2:] + theirs[5:]
    state = parse("\n".join(union) + "\n", "fastgen.lock")
    assert list(state.resources) == ["Author", "Book", "Tag"]
    assert state.revision is None
    assert state.merged_revisions == ("aaaaaaaaaaaa", "bbbbbbbbbbbb")
    assert state.recorded_revisions == ("aaaaaaaaaaaa", "bbbbbbbbbbbb")
    settled = replace(state, revision="cccccccccccc", merged_revisions=())
    assert "revision aaaaaaaaaaaa" not in dump(settled)


def test_git_conflict_markers_are_read_as_both_sides_without_the_common_ancestor() -> None:
    text = (
        "fastgen-lock 2\n"
        "<<<<<<< HEAD\n"
        "revision aaaaaaaaaaaa\n"
        "||||||| base\n"
        "revision 000000000000\n"
        "=======\n"
        "revision bbbbbbbbbbbb\n"
        ">>>>>>> other\n" + "\n".join(_lines(_state(None, BOOK))[1:]) + "\n"
    )
    state = parse(text, "fastgen.lock")
    assert list(state.resources) == ["Book"]
    assert state.merged_revisions == ("aaaaaaaaaaaa", "bbbbbbbbbbbb")


def test_conflict_markers_around_a_single_revision_still_mark_a_merge() -> None:
    text = "fastgen-lock 2\n<<<<<<< HEAD\nrevision aaaaaaaaaaaa\n=======\n>>>>>>> other\n"
    assert parse(text, "fastgen.lock").merged_revisions == ("aaaaaaaaaaaa",)


def test_a_resource_both_branches_changed_is_refused_by_name() -> None:
    ours = _lines(_state("aaaaaaaaaaaa", BOOK))
    changed = _lines(_state("aaaaaaaaaaaa", _spec("Book", "title", "blurb")))
    text = "\n".join([*ours[:3], "<<<<<<< HEAD", ours[3], "=======", changed[3], ">>>>>>> b"])
    with pytest.raises(UsageError, match="both changed Book") as caught:
        parse(text + "\n" + ours[4] + "\n", "fastgen.lock")
    assert caught.value.hint is not None and "merge one branch into the other" in caught.value.hint


def test_the_same_block_on_both_sides_is_one_resource() -> None:
    block = _lines(_state(None, BOOK))[1:]
    state = parse("fastgen-lock 2\n" + "\n".join(block + block) + "\n", "fastgen.lock")
    assert list(state.resources) == ["Book"]


def test_a_lock_of_the_first_format_is_still_read() -> None:
    text = json.dumps(
        {
            "fastgen_lock": 1,
            "resources": {"Book": BOOK.model_dump(mode="json", exclude_unset=True)},
            "revision": "aaaaaaaaaaaa",
        }
    )
    assert parse(text, "fastgen.lock") == _state("aaaaaaaaaaaa", BOOK)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fastgen-lock 3\n", "expected 'fastgen-lock 2' first"),
        ("fastgen-lock 2\nresource Book\n{}\n", "the lock file is damaged"),
        ("fastgen-lock 2\nresource Book\nend Book\n", "has no spec"),
        ("fastgen-lock 2\nshelf Book\n", "unexpected line 'shelf Book'"),
    ],
)
def test_a_damaged_lock_is_refused_with_its_name(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        parse(text, "shop/fastgen.lock")
    assert caught.value.message.startswith("shop/fastgen.lock: ")
