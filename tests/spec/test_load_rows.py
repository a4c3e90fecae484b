"""Specs whose rows could never be made, or whose endpoints could never be reached, are refused
where they say it: a required belongs_to that leads back to its own resource (no first row), a
required read_only field without a default (nothing fills its column), a path the project
serves itself or one inside another resource's path (its item route answers first)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fastgen.errors import SpecError
from fastgen.spec.load import load_spec_text, load_specs
from tests.spec.conftest import Errors


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _refusals(paths: list[Path], **kwargs: object) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_specs(paths, **kwargs)  # type: ignore[arg-type]
    return [
        f"{d.file.rsplit('/', 1)[-1]}:{d.line}:{d.col}: {d.message}"
        for d in caught.value.diagnostics
    ]


def test_a_required_belongs_to_its_own_resource_is_refused(errors: Errors) -> None:
    got = errors(
        """\
        version: 1
        resource: Person
        fields: {name: str}
        relations:
          parent: {belongs_to: Person}
        """,
        known_resources=(),
    )
    assert got.splitlines()[0] == (
        "specs/book.yaml:5:3: error: relations.parent: a required belongs_to Person on Person "
        "itself leaves no first row: it would need a parent row before any row exists"
    )
    assert "hint: add 'optional: true'" in got


def test_an_optional_belongs_to_its_own_resource_is_accepted() -> None:
    spec = load_spec_text(
        "version: 1\nresource: Person\nfields: {name: str}\n"
        "relations:\n  parent: {belongs_to: Person, optional: true}\n",
        "person.yaml",
    )
    assert spec.relations[0].optional


def test_a_required_cycle_between_resources_is_refused_on_each_side(tmp_path: Path) -> None:
    alpha = _write(
        tmp_path,
        "alpha",
        """\
        version: 1
        resource: Alpha
        fields: {name: str}
        relations:
          beta: {belongs_to: Beta}
        """,
    )
    beta = _write(
        tmp_path,
        "beta",
        """\
        version: 1
        resource: Beta
        fields: {name: str}
        relations:
          spare: {belongs_to: Alpha, optional: true}
          alpha: {belongs_to: Alpha}
        """,
    )
    assert _refusals([alpha, beta]) == [
        "alpha.yaml:5:3: the required belongs_to chain Alpha -> Beta -> Alpha leaves no first "
        "row: each of these needs a row of the next before it can exist",
        "beta.yaml:6:3: the required belongs_to chain Beta -> Alpha -> Beta leaves no first "
        "row: each of these needs a row of the next before it can exist",
    ]


def test_a_cycle_broken_by_an_optional_relation_is_accepted(tmp_path: Path) -> None:
    alpha = _write(
        tmp_path,
        "alpha",
        "version: 1\nresource: Alpha\nfields: {name: str}\n"
        "relations:\n  beta: {belongs_to: Beta, optional: true}\n",
    )
    beta = _write(
        tmp_path,
        "beta",
        "version: 1\nresource: Beta\nfields: {name: str}\n"
        "relations:\n  alpha: {belongs_to: Alpha}\n",
    )
    assert [spec.resource for spec in load_specs([alpha, beta])] == ["Alpha", "Beta"]


def test_a_required_read_only_field_needs_a_default(errors: Errors) -> None:
    got = errors(
        """\
        version: 1
        resource: Ticket
        fields:
          serial: {type: uuid, read_only: true}
          rank: {type: int, read_only: true, default: 0}
          note: {type: str, read_only: true, optional: true}
        """
    )
    assert got.splitlines()[0] == (
        "specs/book.yaml:4:24: error: fields.serial.read_only: a read_only field that is "
        "required needs a default: clients never send it, so nothing would fill its column"
    )
    assert got.count("error:") == 1


@pytest.mark.parametrize(
    ("path", "taken"),
    [
        ("/docs", "/docs"),
        ("/redoc", "/redoc"),
        ("/health/deep", "/health"),
        ("/auth/keys", "/auth"),
    ],
)
def test_paths_the_project_serves_itself_are_refused(errors: Errors, path: str, taken: str) -> None:
    got = errors(f"version: 1\nresource: Page\npath: {path}\nfields: {{title: str}}\n")
    assert got.splitlines()[0].startswith(
        f"specs/book.yaml:3:7: error: path: '{path}' is served by the project itself: '{taken}' is "
    )


def test_a_default_path_the_project_serves_is_refused_at_the_table(errors: Errors) -> None:
    got = errors("version: 1\nresource: Doc\ntable: docs\nfields: {title: str}\n")
    assert got.splitlines()[0].startswith(
        "specs/book.yaml:3:8: error: table: the default path '/docs' is served by the project"
    )
    assert "hint: set 'path:'" in got


def test_a_path_inside_another_resources_path_is_refused(tmp_path: Path) -> None:
    book = _write(tmp_path, "book", "version: 1\nresource: Book\nfields: {title: str}\n")
    review = _write(
        tmp_path,
        "review",
        "version: 1\nresource: Review\npath: /books/reviews\nfields: {title: str}\n",
    )
    assert _refusals([book, review]) == [
        "review.yaml:3:7: path '/books/reviews' lies within '/books' of Book, whose item route "
        "'/books/{id}' would answer its requests"
    ]
    # an applied resource counts too, and so does its very path
    applied = {spec.resource: spec for spec in load_specs([book])}
    assert _refusals([review], known_resources=applied) == [
        "review.yaml:3:7: path '/books/reviews' lies within '/books' of Book, whose item route "
        "'/books/{id}' would answer its requests"
    ]
    shelf = _write(
        tmp_path, "shelf", "version: 1\nresource: Shelf\npath: /books\nfields: {title: str}\n"
    )
    assert _refusals([shelf], known_resources=applied) == [
        "shelf.yaml:3:7: path '/books' is already used by Book"
    ]


def test_sibling_paths_with_a_common_prefix_are_accepted(tmp_path: Path) -> None:
    book = _write(tmp_path, "book", "version: 1\nresource: Book\nfields: {title: str}\n")
    shelf = _write(
        tmp_path, "shelf", "version: 1\nresource: Shelf\npath: /books-shelves\nfields: {a: str}\n"
    )
    assert [spec.path for spec in load_specs([book, shelf])] == ["/books", "/books-shelves"]
