"""`merge_generated`: a spec change (old -> new generated file) lands in a hand-edited file.

`old` is a generated file (a frozen copy in `generated/`, so blueprint changes do not move these
cases), `new` the same file as the generator writes it after a field change, and
`current` is `old` with hand edits. Each case states exactly which lines the merge adds or
removes; every other byte of `current` must come through unchanged.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import libcst as cst
import pytest

from fastgen.patch.merge import MergeResult, merge_generated

GENERATED = Path(__file__).resolve().parent / "generated"
MODEL = "app/models/book.py"
ROUTER = "app/routers/book.py"
TESTS = "tests/test_book.py"
FACTORY = "tests/factories/book.py"


def golden(path: str) -> str:
    """A file of the bookshop (author, book) as fastgen generated it."""
    return (GENERATED / (path.replace("/", "_") + ".txt")).read_text()


def edit(text: str, *pairs: tuple[str, str]) -> str:
    """`text` with each `before` (found exactly once) replaced by `after`."""
    for before, after in pairs:
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    return text


def after_line(line: str, *added: str) -> tuple[str, str]:
    return line, line + "".join(f"{a}\n" for a in added)


def merged(current: str, old: str, new: str, path: str) -> str:
    result = merge_generated(current, old, new, path)
    assert result.conflicts == ()
    cst.parse_module(result.source)
    again = merge_generated(result.source, old, new, path)
    assert again == MergeResult(result.source)
    return result.source


def changes(before: str, after: str) -> list[str]:
    """The lines a diff from `before` to `after` removes (-) and adds (+)."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


# A `stock: int` field (required, default 0, ge 0) added to the book spec.
BASE_STOCK = "    stock: int = Field(default=0, ge=0, index=True)"
AUTHOR_ID = '    author_id: int = Field(foreign_key="authors.id", ondelete="CASCADE", index=True)\n'
UPDATE_STOCK = "    stock: int | None = Field(default=None, ge=0)"


def model_with_stock() -> str:
    return edit(
        golden(MODEL),
        after_line(AUTHOR_ID, BASE_STOCK),
        after_line("    author_id: int | None = Field(default=None)\n", UPDATE_STOCK),
        after_line('            "author_id",\n', '            "stock",'),
    )


VALIDATOR = """
    @field_validator("isbn")
    @classmethod
    def _strip_isbn(cls, value: str | None) -> str | None:
        # people paste ISBNs with spaces
        return value.replace(" ", "") if value else value
"""


def hand_edited_model() -> str:
    """The golden model after a person: an import, comments, a validator, a reformat."""
    return edit(
        golden(MODEL),
        (
            "from pydantic import model_validator\n",
            "from pydantic import field_validator\nfrom pydantic import model_validator\n",
        ),
        ("class BookBase(SQLModel):\n", "class BookBase(SQLModel):\n    # shown on the label\n"),
        (
            "    pages: int | None = Field(default=None, ge=1)\n    price: Decimal = Field(ge=0,",
            "    pages: int | None = Field(default=None, ge=1)  # paperbacks too\n"
            "    price: Decimal = Field(ge=0,",
        ),
        ("        return self\n", "        return self\n" + VALIDATOR),
        (
            "class BookPage(SQLModel):\n    items: list[BookRead]\n",
            "class BookPage(SQLModel):\n    items: list[\n        BookRead\n    ]\n",
        ),
    )


def test_a_new_field_lands_in_the_model_and_keeps_every_hand_edit() -> None:
    current = hand_edited_model()
    result = merged(current, golden(MODEL), model_with_stock(), MODEL)
    assert changes(current, result) == [
        f"+{BASE_STOCK}",
        f"+{UPDATE_STOCK}",
        '+            "stock",',
    ]
    assert VALIDATOR in result
    assert result.index(UPDATE_STOCK) < result.index('    @model_validator(mode="after")')


def test_a_new_field_goes_into_a_tuple_a_person_put_on_one_line() -> None:
    one_line = '        for name in ("title", "isbn", "price", "genre", "author_id"):\n'
    current = edit(
        golden(MODEL),
        (
            "        for name in (\n"
            '            "title",\n'
            '            "isbn",\n'
            '            "price",\n'
            '            "genre",\n'
            '            "author_id",\n'
            "        ):\n",
            one_line,
        ),
    )
    result = merged(current, golden(MODEL), model_with_stock(), MODEL)
    assert changes(current, result) == [
        f"+{BASE_STOCK}",
        f"+{UPDATE_STOCK}",
        f"-{one_line.rstrip()}",
        '+        for name in ("title", "isbn", "price", "genre", "author_id", "stock"):',
    ]


def test_a_removed_field_leaves_the_model_and_its_unused_import_goes() -> None:
    old = golden(MODEL)
    new = edit(
        old,
        ("    summary: str | None = Field(default=None, sa_type=Text)\n", ""),
        ("    summary: str | None = Field(default=None)\n", ""),
        ("from sqlalchemy import Text\n", ""),
    )
    current = hand_edited_model()
    result = merged(current, old, new, MODEL)
    assert changes(current, result) == [
        "-from sqlalchemy import Text",
        "-    summary: str | None = Field(default=None, sa_type=Text)",
        "-    summary: str | None = Field(default=None)",
    ]


def test_an_import_the_change_drops_stays_while_hand_written_code_uses_it() -> None:
    old = golden(MODEL)
    new = edit(
        old,
        ("    summary: str | None = Field(default=None, sa_type=Text)\n", ""),
        ("    summary: str | None = Field(default=None)\n", ""),
        ("from sqlalchemy import Text\n", ""),
    )
    notes = "    notes: str | None = Field(default=None, sa_type=Text)\n"
    current = edit(old, after_line("    created_at: datetime\n", notes.rstrip()))
    result = merged(current, old, new, MODEL)
    assert "from sqlalchemy import Text\n" in result
    assert notes in result
    assert changes(current, result) == [
        "-    summary: str | None = Field(default=None, sa_type=Text)",
        "-    summary: str | None = Field(default=None)",
    ]


def test_a_changed_declaration_replaces_the_line_and_keeps_its_comments() -> None:
    old = golden(MODEL)
    new = edit(
        old,
        (
            "    pages: int | None = Field(default=None, ge=1)\n    price: Decimal = Field(ge=0,",
            "    pages: int | None = Field(default=None, ge=1, le=5000)\n"
            "    price: Decimal = Field(ge=0,",
        ),
        (
            "    pages: int | None = Field(default=None, ge=1)\n    price: Decimal | None",
            "    pages: int | None = Field(default=None, ge=1, le=5000)\n    price: Decimal | None",
        ),
    )
    current = hand_edited_model()
    result = merged(current, old, new, MODEL)
    assert changes(current, result) == [
        "-    pages: int | None = Field(default=None, ge=1)  # paperbacks too",
        "+    pages: int | None = Field(default=None, ge=1, le=5000)  # paperbacks too",
        "-    pages: int | None = Field(default=None, ge=1)",
        "+    pages: int | None = Field(default=None, ge=1, le=5000)",
    ]


def test_a_new_import_goes_into_its_block_after_hand_written_ones_that_sort_first() -> None:
    old = golden(MODEL)
    new = edit(
        old,
        after_line("from sqlalchemy import DateTime\n", "from sqlalchemy import String"),
        after_line(
            "    summary: str | None = Field(default=None, sa_type=Text)\n",
            "    code: str = Field(sa_type=String(8))",
        ),
    )
    current = edit(
        old, after_line("from sqlalchemy import DateTime\n", "from sqlalchemy import Integer")
    )
    result = merged(current, old, new, MODEL)
    assert changes(current, result) == [
        "+from sqlalchemy import String",
        "+    code: str = Field(sa_type=String(8))",
    ]
    assert (
        "import DateTime\nfrom sqlalchemy import Integer\nfrom sqlalchemy import String\n" in result
    )


def test_a_new_import_at_the_top_of_its_block_takes_the_blank_line_under_the_docstring() -> None:
    old = '"""Tests."""\n\nfrom datetime import timedelta\n\nSTEP = timedelta(1)\n'
    new = edit(
        old, ("from datetime", "import sys\nfrom datetime"), ("(1)\n", "(1)\nARGS = sys.argv\n")
    )
    current = old + "MINE = 1  # hand-written\n"
    result = merged(current, old, new, TESTS)
    assert result.startswith('"""Tests."""\n\nimport sys\nfrom datetime import timedelta\n\n')
    assert result.endswith("STEP = timedelta(1)\nARGS = sys.argv\nMINE = 1  # hand-written\n")


FACTORY_STOCK = '        "stock": 0,'


def test_a_new_entry_goes_into_the_factory_payload_next_to_comments() -> None:
    old = golden(FACTORY)
    new = edit(old, after_line('        "summary": text("summary", n, 0, None),\n', FACTORY_STOCK))
    current = edit(
        old,
        (
            '        "published_on": "2024-01-15",\n',
            "        # a fixed date keeps snapshots stable\n"
            '        "published_on": "2024-01-15",\n',
        ),
        (
            '        "summary": text("summary", n, 0, None),\n',
            '        "summary": text("summary", n, 0, None),  # may be empty\n',
        ),
        (
            "    return body\n",
            "    return body\n\n\ndef isbn_of(book: dict[str, Any]) -> str:\n"
            '    return str(book["isbn"])\n',
        ),
    )
    result = merged(current, old, new, FACTORY)
    assert changes(current, result) == [f"+{FACTORY_STOCK}"]
    assert '"summary": text("summary", n, 0, None),  # may be empty\n' + FACTORY_STOCK in result


STOCK_ASSERT = '    assert body["stock"] == payload.get("stock")'
STOCK_INVALID = '        pytest.param("stock", -1, id="stock-below-ge"),'
STOCK_BOUNDARY = '        pytest.param("stock", 0, id="stock-at-ge"),'


def stock_tests() -> str:
    return edit(
        golden(TESTS),
        after_line('    assert body["summary"] == payload.get("summary")\n', STOCK_ASSERT),
        after_line(
            '        pytest.param("published_on", "2024-13-45", id="published_on-not-a-date"),\n',
            STOCK_INVALID,
        ),
        after_line(
            '        pytest.param("genre", "history", id="genre-history"),\n', STOCK_BOUNDARY
        ),
    )


EXTRA_TEST = """

async def test_isbn_with_spaces_is_cleaned(client: AsyncClient) -> None:
    payload = await book_payload(client, isbn="978 3 16 148410 0")
    response = await client.post(PATH, json=payload)
    assert response.json()["isbn"] == "978316148410" + "0"
"""


def hand_edited_tests() -> str:
    return edit(
        golden(TESTS),
        ("import pytest\n", "import pytest\nfrom freezegun import freeze_time\n"),
        (
            '        pytest.param("pages", 0, id="pages-below-ge"),\n',
            "        # zero pages is a pamphlet, not a book\n"
            '        pytest.param("pages", 0, id="pages-below-ge"),\n',
        ),
        (
            '    assert any(field in detail["loc"] for detail in body["details"]), body\n',
            '    assert any(field in detail["loc"] for detail in body["details"]), body\n'
            '    assert body["message"]  # the client shows it\n',
        ),
        (
            '        assert Decimal(body["price"]) == Decimal(str(payload["price"]))\n',
            '        assert Decimal(body["price"]) == Decimal(\n'
            '            str(payload["price"])\n        )\n',
        ),
        (
            "async def test_list_default_page_size(",
            '@freeze_time("2024-01-01")\nasync def test_list_default_page_size(',
        ),
        (
            '    assert response.json()["details"][0]["loc"] == ["body", "author_id"]\n',
            '    assert response.json()["details"][0]["loc"] == ["body", "author_id"]\n'
            + EXTRA_TEST,
        ),
    )


def test_a_new_field_lands_in_the_generated_tests_among_hand_written_ones() -> None:
    current = hand_edited_tests()
    result = merged(current, golden(TESTS), stock_tests(), TESTS)
    assert changes(current, result) == [
        f"+{STOCK_ASSERT}",
        f"+{STOCK_INVALID}",
        f"+{STOCK_BOUNDARY}",
    ]
    assert result.endswith(EXTRA_TEST)


RAISE = "        raise ConflictError("
HAND_ENDPOINT = """

@router.get("/by-isbn/{isbn}", response_model=BookRead)
async def read_book_by_isbn(session: SessionDep, isbn: str) -> Book:
    book = (await session.exec(select(Book).where(Book.isbn == isbn))).first()
    if book is None:
        raise NotFoundError("Book", isbn)  # the ISBN, not the id
    return book
"""


def test_a_router_change_keeps_a_hand_written_endpoint_and_its_imports() -> None:
    old = golden(ROUTER)
    new = edit(
        old,
        ("PAGE_SIZE_MAX = 50\n", "PAGE_SIZE_MAX = 100\n"),
        ("(unique: isbn)", "(unique: isbn, code)"),
    )
    current = (
        edit(
            old,
            (
                "from app.models.book import BookUpdate\n",
                "from app.models.book import BookUpdate\nfrom app.search import index_book\n",
            ),
            (
                "    book = Book.model_validate(payload)\n",
                "    book = Book.model_validate(payload)\n    index_book(book)\n",
            ),
            ("PAGE_SIZE_MAX = 50\n", "PAGE_SIZE_MAX = 50  # the shop's own limit\n"),
            (
                '        await session.rollback()\n        raise ConflictError("Book conflicts',
                "        await session.rollback()  # keep the session usable\n"
                '        raise ConflictError("Book conflicts',
            ),
        )
        + HAND_ENDPOINT
    )
    result = merged(current, old, new, ROUTER)
    assert changes(current, result) == [
        "-PAGE_SIZE_MAX = 50  # the shop's own limit",
        "+PAGE_SIZE_MAX = 100  # the shop's own limit",
        f'-{RAISE}"Book conflicts with an existing row (unique: isbn)") from exc',
        f'+{RAISE}"Book conflicts with an existing row (unique: isbn, code)") from exc',
    ]


def test_an_untouched_file_becomes_the_new_version() -> None:
    assert merged(golden(TESTS), golden(TESTS), stock_tests(), TESTS) == stock_tests()


def test_a_removed_function_goes_with_its_blank_lines() -> None:
    old = golden(TESTS)
    block = (
        "async def test_list_rejects_page_size_over_max(client: AsyncClient) -> None:\n"
        '    response = await client.get(PATH, params={"limit": 51})\n'
        "    assert response.status_code == 422, response.text\n"
        '    assert response.json()["code"] == "validation_error"\n\n\n'
    )
    new = edit(old, (block, ""))
    current = hand_edited_tests()
    result = merged(current, old, new, TESTS)
    assert result == edit(current, (block, ""))


# Idempotence


def test_current_already_new_is_left_alone() -> None:
    new = stock_tests()
    assert merge_generated(new, golden(TESTS), new, TESTS) == MergeResult(new)


def test_no_change_in_the_spec_leaves_current_alone() -> None:
    current = hand_edited_tests()
    assert merge_generated(current, golden(TESTS), golden(TESTS), TESTS) == MergeResult(current)


def test_current_that_has_the_change_in_its_own_layout_is_left_alone() -> None:
    current = edit(
        model_with_stock(),
        (UPDATE_STOCK, "    stock: int | None = Field(\n        default=None, ge=0\n    )"),
    )
    assert merge_generated(current, golden(MODEL), model_with_stock(), MODEL) == MergeResult(
        current
    )


# Conflicts: the file stays as it is and each conflict says what to paste where.


def conflicts(current: str, old: str, new: str, path: str) -> list[tuple[str, str, str]]:
    result = merge_generated(current, old, new, path)
    assert result.source == current
    assert all(c.path == path for c in result.conflicts)
    return [(c.where, c.reason, c.snippet) for c in result.conflicts]


def test_a_class_renamed_by_hand_gets_the_new_line_as_snippet() -> None:
    current = edit(golden(MODEL), ("class BookUpdate(SQLModel):", "class BookPatch(SQLModel):"))
    [(where, reason, snippet)] = conflicts(current, golden(MODEL), model_with_stock(), MODEL)
    assert where == "class BookUpdate in app/models/book.py"
    assert reason.startswith("class BookUpdate is not in the file any more (renamed or removed")
    assert snippet == UPDATE_STOCK + '\n            "stock",'


def test_a_test_deleted_by_hand_gets_the_new_parameter_as_snippet() -> None:
    old = golden(TESTS)
    end = old.index("async def test_create_accepts_boundary_value(")
    end = old.rindex("\n\n\n", 0, end) + 3
    start = old.rindex("\n\n\n", 0, old.index("async def test_create_rejects_invalid_value(")) + 3
    current = old[:start] + old[end:]
    [(where, reason, snippet)] = conflicts(current, old, stock_tests(), TESTS)
    assert where == "function test_create_rejects_invalid_value in tests/test_book.py"
    assert "not in the file any more" in reason
    assert snippet == STOCK_INVALID


def test_a_line_edited_by_hand_that_the_change_also_touches() -> None:
    old = golden(MODEL)
    new = edit(
        old,
        ("    title: str = Field(max_length=200)\n", "    title: str = Field(max_length=300)\n"),
    )
    current = edit(
        old,
        ("    title: str = Field(max_length=200)\n", "    title: str = Field(max_length=250)\n"),
    )
    [(where, reason, snippet)] = conflicts(current, old, new, MODEL)
    assert where == "argument max_length= in title in class BookBase in app/models/book.py"
    assert "edited by hand" in reason
    assert snippet == "    title: str = Field(max_length=300)"


def test_a_removed_field_that_was_edited_by_hand_is_left_for_a_person() -> None:
    old = golden(MODEL)
    new = edit(
        old,
        (
            "    pages: int | None = Field(default=None, ge=1)\n    price: Decimal = Field(",
            "    price: Decimal = Field(",
        ),
    )
    current = edit(
        old,
        (
            "    pages: int | None = Field(default=None, ge=1)\n    price: Decimal = Field(",
            "    pages: int | None = Field(default=None, ge=10)\n    price: Decimal = Field(",
        ),
    )
    [(where, reason, snippet)] = conflicts(current, old, new, MODEL)
    assert where == "pages in class BookBase in app/models/book.py"
    assert reason.startswith("removed from the spec but edited by hand")
    assert snippet == "    pages: int | None = Field(default=None, ge=10)"


def test_every_conflict_is_reported_at_once() -> None:
    current = edit(
        golden(MODEL),
        ("class BookUpdate(SQLModel):", "class BookPatch(SQLModel):"),
        ("class BookBase(SQLModel):", "class BookFields(SQLModel):"),
    )
    found = conflicts(current, golden(MODEL), model_with_stock(), MODEL)
    assert [where for where, _, _ in found] == [
        "class BookBase in app/models/book.py",
        "class BookUpdate in app/models/book.py",
    ]


def test_a_file_that_does_not_parse_is_one_conflict() -> None:
    current = golden(MODEL) + "\ndef broken(:\n"
    [(where, reason, snippet)] = conflicts(current, golden(MODEL), model_with_stock(), MODEL)
    assert (where, reason, snippet) == (MODEL, "the file does not parse", model_with_stock())


# Comma-separated items keep valid syntax and the layout current has.


@pytest.mark.parametrize(
    ("old", "new", "current", "expected"),
    [
        pytest.param(
            'X = [\n    "a",\n    "b",\n]\n',
            'X = [\n    "a",\n    "b",\n    "c",\n]\n',
            'X = ["a", "b"]  # short\n',
            'X = ["a", "b", "c"]  # short\n',
            id="one-line-list",
        ),
        pytest.param(
            'X = [\n    "a",\n    "b",\n]\n',
            'X = [\n    "a",\n    "b",\n    "c",\n]\n',
            'X = [\n    "a",\n    "b"  # last\n]\n',
            'X = [\n    "a",\n    "b",  # last\n    "c"\n]\n',
            id="no-trailing-comma",
        ),
        pytest.param(
            'X = [\n    "a",\n]\n',
            'X = [\n    "a",\n    "b",\n]\n',
            'X = [\n    "a",  # only\n]\n',
            'X = [\n    "a",  # only\n    "b",\n]\n',
            id="single-element",
        ),
        pytest.param(
            'X = [\n    "a",\n    "b",\n]\n',
            'X = [\n    "b",\n]\n',
            'X = [\n    "a",\n    # b, kept by hand\n    "b",\n    "z",\n]\n',
            'X = [\n    # b, kept by hand\n    "b",\n    "z",\n]\n',
            id="remove-first",
        ),
        pytest.param(
            'X = [\n    "a",\n    "b",\n]\n',
            'X = [\n    "a",\n]\n',
            'X = ["z", "a", "b"]\n',
            'X = ["z", "a"]\n',
            id="remove-last-one-line",
        ),
        pytest.param(
            'X = ("a",)\n',
            'X = ("b",)\n',
            'X = ("a",)  # kept\n',
            'X = ("b",)  # kept\n',
            id="tuple-of-one",
        ),
        pytest.param(
            'T = ("a", "b")\n',
            'T = ("a",)\n',
            'T = ("a", "b")  # kept\n',
            'T = ("a",)  # kept\n',
            id="tuple-shrinks-to-one",
        ),
        pytest.param(
            "x = Field(default=None, ge=1)\n",
            "x = Field(default=None, ge=1, le=10)\n",
            "x = Field(default=None, ge=1)  # hand\n",
            "x = Field(default=None, ge=1, le=10)  # hand\n",
            id="one-line-call",
        ),
        pytest.param(
            "x = f(\n    a,\n    b=2,\n)\n",
            "x = f(\n    a,\n    b=2,\n    c=3,\n)\n",
            "x = f(\n    a,\n    b=2,  # two\n)\n",
            "x = f(\n    a,\n    b=2,  # two\n    c=3,\n)\n",
            id="multi-line-call",
        ),
        pytest.param(
            "x = f(\n    a,\n    b=2,\n)\n",
            "x = f(\n    a,\n    b=2,\n    c=3,\n)\n",
            "x = f(\n    a,\n    b=2  # two\n)\n",
            "x = f(\n    a,\n    b=2,  # two\n    c=3\n)\n",
            id="multi-line-call-no-trailing-comma",
        ),
        pytest.param(
            'D = {\n    "a": 1,\n    "b": 2,\n}\n',
            'D = {\n    "a": 1,\n    "c": 3,\n    "b": 2,\n}\n',
            'D = {\n    "a": 1,  # one\n    # two follows\n    "b": 2,  # two\n}\n',
            'D = {\n    "a": 1,  # one\n    "c": 3,\n    # two follows\n    "b": 2,  # two\n}\n',
            id="dict-comments-stay-with-their-entries",
        ),
        pytest.param(
            'D = {\n    "a": 1,\n    "b": 2,\n}\n',
            'D = {\n    "a": 1,\n    "b": 3,\n}\n',
            'D = {"a": 1, "b": 2, "z": 26}\n',
            'D = {"a": 1, "b": 3, "z": 26}\n',
            id="dict-value-in-place",
        ),
        pytest.param(
            "X = []\n",
            'X = [\n    "a",\n]\n',
            "X = []  # empty\n",
            'X = [\n    "a",\n]  # empty\n',
            id="into-empty",
        ),
    ],
)
def test_items(old: str, new: str, current: str, expected: str) -> None:
    assert merged(current, old, new, "x.py") == expected


def test_a_comment_above_a_changed_statement_stays_above_it() -> None:
    old = "A = 1\nB = 2\n"
    new = "A = 1\nB = 3\n"
    current = "A = 1\n# B is the answer\nB = 2\n"
    assert merged(current, old, new, "x.py") == "A = 1\n# B is the answer\nB = 3\n"


def test_a_changed_signature_keeps_the_hand_written_body() -> None:
    old = "def f(a: int) -> int:\n    return a\n"
    new = "def f(a: int, b: int = 0) -> int:\n    return a\n"
    current = "def f(a: int) -> int:\n    a += 1  # hand\n    return a\n"
    assert merged(current, old, new, "x.py") == (
        "def f(a: int, b: int = 0) -> int:\n    a += 1  # hand\n    return a\n"
    )


PAGES_ASSERT = '    assert body["pages"] == payload.get("pages")\n'


def test_a_rewritten_statement_is_replaced_in_place_under_its_comment() -> None:
    old = golden(TESTS)
    new = edit(old, (PAGES_ASSERT, '    assert body["pages"] == payload.get("pages", 1)\n'))
    current = edit(
        old,
        (PAGES_ASSERT, "    # pages default to one\n" + PAGES_ASSERT),
        (
            '    assert body["updated_at"]\n',
            '    assert body["updated_at"]\n    assert "stock" not in body\n',
        ),
    )
    result = merged(current, old, new, TESTS)
    assert changes(current, result) == [
        f"-{PAGES_ASSERT.rstrip()}",
        '+    assert body["pages"] == payload.get("pages", 1)',
    ]
    assert (
        '    # pages default to one\n    assert body["pages"] == payload.get("pages", 1)\n'
        in result
    )


def test_a_rewritten_statement_edited_by_hand_is_a_conflict() -> None:
    old = golden(TESTS)
    new = edit(old, (PAGES_ASSERT, '    assert body["pages"] == payload.get("pages", 1)\n'))
    current = edit(old, (PAGES_ASSERT, '    assert body["pages"] == payload["pages"]\n'))
    [(where, reason, snippet)] = conflicts(current, old, new, TESTS)
    assert where == (
        '`assert body["pages"] == payload.get("pages", 1)` '
        "in function _assert_matches in tests/test_book.py"
    )
    assert "not in the file any more" in reason
    assert snippet == '    assert body["pages"] == payload.get("pages", 1)'


def test_a_new_import_the_file_has_in_another_form_is_not_added_twice() -> None:
    old = golden(MODEL)
    new = edit(
        old,
        after_line("from sqlalchemy import DateTime\n", "from sqlalchemy import String"),
        after_line(
            "    summary: str | None = Field(default=None, sa_type=Text)\n",
            "    code: str = Field(sa_type=String(8))",
        ),
    )
    current = edit(old, ("from sqlalchemy import Text\n", "from sqlalchemy import String, Text\n"))
    result = merged(current, old, new, MODEL)
    assert changes(current, result) == ["+    code: str = Field(sa_type=String(8))"]


NEW_ENDPOINT = """

@router.put("/{book_id}", response_model=BookRead)
async def replace_book(session: SessionDep, book_id: int, payload: BookCreate) -> Book:
    book = await _get_or_404(session, book_id)
    book.sqlmodel_update(payload.model_dump())
    return await _commit(session, book)
"""


def test_a_new_endpoint_goes_after_the_generated_ones_with_two_blank_lines() -> None:
    old = golden(ROUTER)
    anchor = "    await session.delete(book)\n"
    tail = old[old.index(anchor) :]
    new = old + NEW_ENDPOINT
    current = old + HAND_ENDPOINT
    result = merged(current, old, new, ROUTER)
    assert result == old + NEW_ENDPOINT + HAND_ENDPOINT
    assert tail + NEW_ENDPOINT in result


def test_a_removed_parameter_leaves_the_list_and_the_comment_below_it_stays() -> None:
    old = golden(TESTS)
    pattern = '        pytest.param("isbn", "", id="isbn-pattern"),\n'
    current = hand_edited_tests()
    result = merged(current, old, edit(old, (pattern, "")), TESTS)
    assert changes(current, result) == [f"-{pattern.rstrip()}"]
    assert (
        '        pytest.param("isbn", MISSING, id="isbn-missing"),\n'
        "        # zero pages is a pamphlet, not a book\n"
        '        pytest.param("pages", 0, id="pages-below-ge"),\n'
    ) in result


def test_a_removed_parameter_with_a_comment_above_it_is_left_for_a_person() -> None:
    old = golden(TESTS)
    pages = '        pytest.param("pages", 0, id="pages-below-ge"),\n'
    current = hand_edited_tests()
    [(where, reason, snippet)] = conflicts(current, old, edit(old, (pages, "")), TESTS)
    assert where == (
        '`pytest.param("pages", 0, id="pages-below-ge")` in argument 2 in decorator '
        "@pytest.mark.parametrize in function test_create_rejects_invalid_value "
        "in tests/test_book.py"
    )
    assert reason.startswith("removed from the spec but edited by hand")
    assert snippet == pages.rstrip()


def test_a_class_whose_bases_change_keeps_its_hand_written_body() -> None:
    old = "class BookUpdate(SQLModel):\n    title: str | None = None\n"
    new = "class BookUpdate(BookBase):\n    title: str | None = None\n"
    current = old + "\n    def label(self) -> str:\n        return 'x'\n"
    assert merged(current, old, new, "x.py") == current.replace("(SQLModel)", "(BookBase)")
