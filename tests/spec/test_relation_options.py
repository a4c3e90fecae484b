# ruff: noqa: E501  (expected output is compared verbatim, long lines included)
"""Sorting, filtering and expanding options, and the checks of relations between resources."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from fastgen.errors import SpecError
from fastgen.spec.links import association_table, back_relation
from fastgen.spec.load import load_spec_text, load_specs
from fastgen.spec.model import FieldSpec, FieldType, RelationSpec, ResourceSpec

Errors = Callable[..., str]

HEAD = "version: 1\nresource: Book\n"
AUTHOR = "version: 1\nresource: Author\nfields: {name: str}\n"
REVIEW = (
    "version: 1\nresource: Review\nfields: {text: str}\nrelations:\n  book: {belongs_to: Book}\n"
)


def expect(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def write(folder: Path, files: Mapping[str, str]) -> list[Path]:
    paths = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def failures(
    folder: Path, files: Mapping[str, str], known: Mapping[str, ResourceSpec] | None = None
) -> str:
    """Load the files (named as given) and return every diagnostic rendered, paths relative."""
    paths = write(folder, files)
    with pytest.raises(SpecError) as caught:
        load_specs(paths, known_resources=known or ())
    return caught.value.render().replace(f"{folder}/", "")


def loads(folder: Path, files: Mapping[str, str]) -> dict[str, ResourceSpec]:
    return {spec.resource: spec for spec in load_specs(write(folder, files))}


# -- sortable / filterable fields


def test_sortable_and_filterable_fields_load() -> None:
    spec = load_spec_text(
        HEAD
        + "fields:\n"
        + "  title: {type: str, sortable: true, filterable: true}\n"
        + "  pages: {type: int, filterable: true, read_only: true, optional: true}\n"
        + "  published_on: {type: date, sortable: true, filterable: false}\n"
        + "  summary: text?\n"
        + "  data: {type: json, sortable: false}\n"
        + "  secret: {type: password, filterable: false}\n",
        "specs/book.yaml",
    )
    flags = {f.name: (f.sortable, f.filterable) for f in spec.fields}
    assert flags == {
        "title": (True, True),
        "pages": (False, True),
        "published_on": (True, False),
        "summary": (False, False),
        "data": (False, False),
        "secret": (False, False),
    }
    assert spec.field("summary") == FieldSpec(name="summary", type=FieldType.TEXT, optional=True)


def test_sortable_and_filterable_are_refused_on_values_never_read_back(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields:\n"
        + "  secret: {type: password, sortable: true, filterable: true}\n"
        + "  data: {type: json, filterable: true}\n"
        + "  code: {type: str, write_only: true, sortable: true}\n"
        + "  note: {type: text, filterable: 'yes'}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:4:28: error: fields.secret.sortable: a password field cannot be sortable
           4 |   secret: {type: password, sortable: true, filterable: true}
             |                            ^^^^^^^^
          hint: passwords are stored hashed and never returned
        specs/book.yaml:4:44: error: fields.secret.filterable: a password field cannot be filterable
           4 |   secret: {type: password, sortable: true, filterable: true}
             |                                            ^^^^^^^^^^
          hint: passwords are stored hashed and never returned
        specs/book.yaml:5:22: error: fields.data.filterable: a json field cannot be filterable
           5 |   data: {type: json, filterable: true}
             |                      ^^^^^^^^^^
          hint: sort and filter on fields of a plain type (str, int, date, ...)
        specs/book.yaml:6:39: error: fields.code.sortable: a write_only field cannot be sortable
           6 |   code: {type: str, write_only: true, sortable: true}
             |                                       ^^^^^^^^
          hint: sorting or filtering by it would reveal a value the API never returns
        specs/book.yaml:7:34: error: fields.note.filterable: filterable must be true or false, got 'yes'
           7 |   note: {type: text, filterable: 'yes'}
             |                                  ^^^^^
        """
    )


def test_unknown_field_option_suggests_the_new_ones(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n  title: {type: str, sortabel: true}\n")
    assert got == expect(
        """
        specs/book.yaml:4:22: error: fields.title.sortabel: unknown option 'sortabel'
           4 |   title: {type: str, sortabel: true}
             |                      ^^^^^^^^
          hint: did you mean 'sortable'?
        """
    )


# -- names


def test_names_with_a_double_underscore_are_refused(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields:\n"
        + "  page__count: int\n"
        + "  a___b__: str\n"
        + "relations:\n"
        + "  main__author: {belongs_to: Author}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:4:3: error: fields.page__count: 'page__count' contains '__', which list filters use before an operator (e.g. 'pages__gte')
           4 |   page__count: int
             |   ^^^^^^^^^^^
          hint: use single underscores, e.g. 'page_count'
        specs/book.yaml:5:3: error: fields.a___b__: 'a___b__' contains '__', which list filters use before an operator (e.g. 'pages__gte')
           5 |   a___b__: str
             |   ^^^^^^^
          hint: use single underscores, e.g. 'a_b'
        specs/book.yaml:7:3: error: relations.main__author: 'main__author' contains '__', which list filters use before an operator (e.g. 'pages__gte')
           7 |   main__author: {belongs_to: Author}
             |   ^^^^^^^^^^^^
          hint: use single underscores, e.g. 'main_author'
        """
    )


# -- relation options


def test_relation_options_load(tmp_path: Path) -> None:
    specs = loads(
        tmp_path,
        {
            "author.yaml": AUTHOR
            + "relations:\n"
            + "  books: {has_many: Book, expand: true}\n"
            + "  tags: {many_to_many: Tag, expand: true}\n",
            "book.yaml": HEAD
            + "fields: {title: str}\n"
            + "relations:\n"
            + "  author: {belongs_to: Author, filterable: true, expand: true}\n"
            + "  reviews: {has_many: Review, via: book}\n",
            "review.yaml": REVIEW,
            "tag.yaml": "version: 1\nresource: Tag\nfields: {name: str}\n",
        },
    )
    assert specs["Author"].relations == (
        RelationSpec(name="books", has_many="Book", expand=True),
        RelationSpec(name="tags", many_to_many="Tag", expand=True),
    )
    assert specs["Book"].relations == (
        RelationSpec(name="author", belongs_to="Author", filterable=True, expand=True),
        RelationSpec(name="reviews", has_many="Review", via="book"),
    )
    review = specs["Review"].relations[0]
    assert (review.expand, review.filterable, review.via) == (False, False, None)


def test_relation_options_only_for_some_kinds(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields: {title: str}\n"
        + "relations:\n"
        + "  fans: {has_many: Author, filterable: true}\n"
        + "  tags: {many_to_many: Author, filterable: false, via: books}\n"
        + "  author: {belongs_to: Author, via: books, expand: 1}\n"
        + "  editors: {has_many: Author, via: Editor}\n"
        + "  critics: {has_many: Author, via: [a]}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:5:28: error: relations.fans.filterable: filterable only applies to belongs_to, not has_many
           5 |   fans: {has_many: Author, filterable: true}
             |                            ^^^^^^^^^^
        specs/book.yaml:6:32: error: relations.tags.filterable: filterable only applies to belongs_to, not many_to_many
           6 |   tags: {many_to_many: Author, filterable: false, via: books}
             |                                ^^^^^^^^^^
        specs/book.yaml:6:51: error: relations.tags.via: via only applies to has_many, not many_to_many
           6 |   tags: {many_to_many: Author, filterable: false, via: books}
             |                                                   ^^^
        specs/book.yaml:7:32: error: relations.author.via: via only applies to has_many, not belongs_to
           7 |   author: {belongs_to: Author, via: books, expand: 1}
             |                                ^^^
        specs/book.yaml:7:52: error: relations.author.expand: expand must be true or false, got 1
           7 |   author: {belongs_to: Author, via: books, expand: 1}
             |                                                    ^
        specs/book.yaml:8:36: error: relations.editors.via: via must name a relation (snake_case), got 'Editor'
           8 |   editors: {has_many: Author, via: Editor}
             |                                    ^^^^^^
          hint: the belongs_to relation of the other resource that points back to this one
        specs/book.yaml:9:36: error: relations.critics.via: via must name a relation (snake_case), got a list
           9 |   critics: {has_many: Author, via: [a]}
             |                                    ^^^
          hint: the belongs_to relation of the other resource that points back to this one
        """
    )


def test_unknown_relation_option_suggests_the_new_ones(errors: Errors) -> None:
    got = errors(
        HEAD + "fields: {title: str}\nrelations:\n  author: {belongs_to: Author, expnad: true}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:5:32: error: relations.author.expnad: unknown option 'expnad'
           5 |   author: {belongs_to: Author, expnad: true}
             |                                ^^^^^^
          hint: did you mean 'expand'?
        """
    )


# -- has_many needs the belongs_to that points back


def test_has_many_without_a_belongs_to_back(tmp_path: Path) -> None:
    got = failures(
        tmp_path,
        {
            "book.yaml": HEAD + "fields: {title: str}\nrelations:\n  reviews: {has_many: Review}\n",
            "review.yaml": "version: 1\nresource: Review\nfields: {text: str}\n",
        },
    )
    assert got == expect(
        """
        book.yaml:5:23: error: relations.reviews.has_many: Review has no belongs_to Book
           5 |   reviews: {has_many: Review}
             |                       ^^^^^^
          hint: add 'book: {belongs_to: Book}' to Review's relations
        """
    )


def test_has_many_with_several_belongs_to_back_needs_via(tmp_path: Path) -> None:
    note = (
        "version: 1\nresource: Note\nfields: {text: str}\nrelations:\n"
        "  book: {belongs_to: Book}\n  source: {belongs_to: Book, optional: true}\n"
    )
    got = failures(
        tmp_path,
        {
            "book.yaml": HEAD + "fields: {title: str}\nrelations:\n  notes: {has_many: Note}\n",
            "note.yaml": note,
        },
    )
    assert got == expect(
        """
        book.yaml:5:21: error: relations.notes.has_many: Note has several belongs_to Book relations (book, source)
           5 |   notes: {has_many: Note}
             |                     ^^^^
          hint: say which one points back with 'via', e.g. 'via: book'
        """
    )
    specs = loads(
        tmp_path,
        {
            "book.yaml": HEAD
            + "fields: {title: str}\nrelations:\n"
            + "  notes: {has_many: Note, via: book}\n  sourced: {has_many: Note, via: source}\n",
            "note.yaml": note,
        },
    )
    book, notes = specs["Book"], specs["Note"]
    found = [back_relation("Book", relation, notes) for relation in book.relations]
    assert [r.name if r else None for r in found] == ["book", "source"]


def test_via_must_name_a_belongs_to_back(tmp_path: Path) -> None:
    got = failures(
        tmp_path,
        {
            "author.yaml": AUTHOR
            + "relations:\n"
            + "  books: {has_many: Book, via: autor}\n"
            + "  edited: {has_many: Book, via: publisher}\n"
            + "  reviews: {has_many: Review, via: critic}\n",
            "book.yaml": HEAD
            + "fields: {title: str}\nrelations:\n"
            + "  author: {belongs_to: Author}\n  editor: {belongs_to: Author}\n"
            + "  publisher: {belongs_to: Review, optional: true}\n",
            "review.yaml": REVIEW,
        },
    )
    assert got == expect(
        """
        author.yaml:5:32: error: relations.books.via: Book has no relation 'autor'
           5 |   books: {has_many: Book, via: autor}
             |                                ^^^^^
          hint: did you mean 'author'?
        author.yaml:6:33: error: relations.edited.via: Book.publisher is a belongs_to Review, not a belongs_to Author
           6 |   edited: {has_many: Book, via: publisher}
             |                                 ^^^^^^^^^
          hint: its belongs_to Author relations: author, editor
        author.yaml:7:36: error: relations.reviews.via: Review has no relation 'critic'
           7 |   reviews: {has_many: Review, via: critic}
             |                                    ^^^^^^
          hint: add 'author: {belongs_to: Author}' to Review's relations
        """
    )


def test_has_many_to_its_own_resource(tmp_path: Path) -> None:
    spec = load_spec_text(
        HEAD
        + "fields: {title: str}\nrelations:\n"
        + "  parent: {belongs_to: Book, optional: true, on_delete: set null}\n"
        + "  sequels: {has_many: Book, expand: true}\n",
        "specs/book.yaml",
    )
    assert back_relation("Book", spec.relations[1], spec) == spec.relations[0]
    with pytest.raises(SpecError) as caught:
        load_spec_text(
            HEAD + "fields: {title: str}\nrelations:\n  sequels: {has_many: Book}\n", "b.yaml"
        )
    assert caught.value.render() == expect(
        """
        b.yaml:5:23: error: relations.sequels.has_many: Book has no belongs_to Book
           5 |   sequels: {has_many: Book}
             |                       ^^^^
          hint: add 'parent: {belongs_to: Book, optional: true}' to its relations
        """
    )


def test_has_many_is_not_checked_against_resources_known_by_name_only() -> None:
    spec = load_spec_text(
        HEAD + "fields: {title: str}\nrelations:\n  fans: {has_many: Author, via: idol}\n",
        "specs/book.yaml",
        known_resources=["Author"],
    )
    assert spec.relations == (RelationSpec(name="fans", has_many="Author", via="idol"),)


def test_a_target_with_broken_relations_is_not_checked_again(tmp_path: Path) -> None:
    got = failures(
        tmp_path,
        {
            "book.yaml": HEAD + "fields: {title: str}\nrelations:\n  reviews: {has_many: Review}\n",
            "review.yaml": "version: 1\nresource: Review\nfields: {text: str}\n"
            "relations:\n  book: {belongs_to: Book, on_delete: never}\n",
        },
    )
    heads = [line for line in got.splitlines() if ": error: " in line]
    assert heads == ["review.yaml:5:39: error: relations.book.on_delete: invalid on_delete 'never'"]


def test_has_many_against_applied_specs(tmp_path: Path) -> None:
    # add resource: the project's applied specs answer for resources not being loaded
    review = load_spec_text(
        "version: 1\nresource: Review\nfields: {text: str}\n", "r.yaml", known_resources=["Book"]
    )
    book = HEAD + "fields: {title: str}\nrelations:\n  reviews: {has_many: Review}\n"
    got = failures(tmp_path, {"book.yaml": book}, known={"Review": review})
    assert got.splitlines()[0] == (
        "book.yaml:5:23: error: relations.reviews.has_many: Review has no belongs_to Book"
    )
    # a spec being loaded replaces the applied one of the same resource
    paths = write(tmp_path, {"book.yaml": book, "review.yaml": REVIEW})
    specs = load_specs(paths, known_resources={"Review": review})
    assert [s.resource for s in specs] == ["Book", "Review"]
    applied = load_spec_text(REVIEW, "r.yaml", known_resources=["Book"])
    assert load_specs(paths[:1], known_resources={"Review": applied})[0].resource == "Book"


def test_has_many_and_many_to_many_to_the_built_in_user_stay_refused(errors: Errors) -> None:
    got = errors(
        HEAD + "fields: {title: str}\nrelations:\n  readers: {has_many: User, via: book}\n"
    )
    assert got.splitlines()[0] == (
        "specs/book.yaml:5:23: error: relations.readers.has_many: has_many cannot point to the "
        "built-in User (app/models/user.py): fastgen does not change its table"
    )
    assert "no belongs_to" not in got


# -- many_to_many


def test_many_to_many_to_its_own_resource_is_refused(errors: Errors) -> None:
    got = errors(
        "version: 1\nresource: Tag\nfields: {name: str}\nrelations:\n  related: {many_to_many: Tag}\n",
        file="specs/tag.yaml",
    )
    assert got == expect(
        """
        specs/tag.yaml:5:27: error: relations.related.many_to_many: a many_to_many to Tag itself is not supported yet
           5 |   related: {many_to_many: Tag}
             |                           ^^^
          hint: add a resource with two belongs_to Tag relations instead
        """
    )


def test_many_to_many_on_both_sides_is_reported_on_the_later_resource(tmp_path: Path) -> None:
    files = {
        "tag.yaml": "version: 1\nresource: Tag\nfields: {name: str}\n"
        "relations:\n  books: {many_to_many: Book}\n",
        "book.yaml": HEAD + "fields: {title: str}\nrelations:\n  tags: {many_to_many: Tag}\n",
    }
    got = failures(tmp_path, files)
    assert got == expect(
        """
        tag.yaml:5:25: error: relations.books.many_to_many: Book.tags already declares the many_to_many between Book and Tag
           5 |   books: {many_to_many: Book}
             |                         ^^^^
          hint: declare the many_to_many on one side only (Book.tags); the association table belongs to it
        """
    )
    # the same when the other side is already applied, even if it comes later alphabetically
    tag = load_spec_text(files["tag.yaml"], "tag.yaml", known_resources=["Book"])
    got = failures(tmp_path, {"book.yaml": files["book.yaml"]}, known={"Tag": tag})
    assert got.splitlines()[0] == (
        "book.yaml:5:24: error: relations.tags.many_to_many: Tag.books already declares the "
        "many_to_many between Tag and Book"
    )


def test_association_tables_must_not_clash(tmp_path: Path) -> None:
    got = failures(
        tmp_path,
        {
            "book.yaml": HEAD
            + "fields: {title: str}\nrelations:\n"
            + "  tags: {many_to_many: Tag}\n  s_labels: {many_to_many: Tag}\n",
            "tag.yaml": "version: 1\nresource: Tag\ntable: books_s\nfields: {name: str}\n"
            "relations:\n  labels: {many_to_many: Author}\n",
            "link.yaml": "version: 1\nresource: Link\ntable: books_tags\nfields: {url: url}\n",
            "alembic.yaml": "version: 1\nresource: Alembic\ntable: alembic\nfields: {n: int}\n"
            "relations:\n  version: {many_to_many: Tag}\n",
            "author.yaml": AUTHOR,
        },
    )
    assert got == expect(
        """
        alembic.yaml:6:3: error: relations.version: its association table 'alembic_version' is used by Alembic
           6 |   version: {many_to_many: Tag}
             |   ^^^^^^^
          hint: rename the relation (the association table is '<table>_<relation>')
        book.yaml:5:3: error: relations.tags: its association table 'books_tags' is the table of Link
           5 |   tags: {many_to_many: Tag}
             |   ^^^^
          hint: rename the relation (the association table is '<table>_<relation>')
        tag.yaml:6:3: error: relations.labels: its association table 'books_s_labels' is already the association table of Book.s_labels
           6 |   labels: {many_to_many: Author}
             |   ^^^^^^
          hint: rename the relation (the association table is '<table>_<relation>')
        """
    )


def test_a_new_table_must_not_take_an_applied_association_table(tmp_path: Path) -> None:
    book = load_spec_text(
        HEAD + "fields: {title: str}\nrelations:\n  tags: {many_to_many: Tag}\n",
        "book.yaml",
        known_resources=["Tag"],
    )
    assert association_table(book.table, book.relations[0].name) == "books_tags"
    got = failures(
        tmp_path,
        {"tag.yaml": "version: 1\nresource: Tag\ntable: books_tags\nfields: {name: str}\n"},
        known={"Book": book},
    )
    assert got == expect(
        """
        tag.yaml:3:8: error: table: table 'books_tags' is the association table of Book.tags
           3 | table: books_tags
             |        ^^^^^^^^^^
          hint: choose another table name
        """
    )


# -- the lock file


def test_specs_without_the_new_options_dump_and_compare_as_before() -> None:
    old = {"name": "author", "belongs_to": "Author", "on_delete": "cascade"}
    relation = RelationSpec.model_validate(old)
    assert relation.model_dump(mode="json", exclude_unset=True) == old
    field = FieldSpec.model_validate({"name": "title", "type": "str"})
    assert field.model_dump(mode="json", exclude_unset=True) == {"name": "title", "type": "str"}
    loaded = load_spec_text(
        HEAD
        + "fields: {title: str}\nrelations:\n  author: {belongs_to: Author, on_delete: cascade}\n",
        "b.yaml",
        known_resources=["Author"],
    )
    assert loaded.relations == (relation,)
    assert loaded.fields == (field,)


def test_a_filterable_field_may_not_take_a_list_parameter_name(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields:\n  include: {type: int, filterable: true}\n  sort: {type: int, sortable: true}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:4:24: error: fields.include.filterable: a field named 'include' cannot be filterable: the list endpoint's 'include' parameter is taken
           4 |   include: {type: int, filterable: true}
             |                        ^^^^^^^^^^
          hint: rename the field, e.g. 'include_value'
        """
    )


def test_the_built_in_accounts_cannot_be_included(errors: Errors) -> None:
    got = errors(
        HEAD + "fields: {title: str}\nrelations:\n  editor: {belongs_to: User, expand: true}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:5:30: error: relations.editor.expand: the built-in User accounts cannot be included
           5 |   editor: {belongs_to: User, expand: true}
             |                              ^^^^^^
          hint: their details are for admins (/admin/users); read editor_id instead
        """
    )
