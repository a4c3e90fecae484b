"""A corpus of hand edits survives add column, remove column and sync byte for byte: the only
lines that change in a file are the lines of the nodes the spec change touches."""

from __future__ import annotations

import difflib
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

if TYPE_CHECKING:
    from conftest import Run

VALIDATOR = """

    @field_validator("title")
    @classmethod
    def _strip_title(cls, value: str) -> str:
        # hand-written: no surrounding spaces
        return value.strip()
"""
ENDPOINT = """

@router.get("/count")  # hand-written endpoint
async def count_books(session: SessionDep) -> dict[str, int]:
    total = (await session.exec(select(func.count()).select_from(Book))).one()
    return {"count": total}
"""
EXTRA_TEST = '''

async def test_hand_written(client: AsyncClient) -> None:
    """A test a person added."""
    assert (await client.get(PATH)).status_code == 200
'''

NO_NUL = r'schema_extra={"pattern": "^[^\\x00]*$"}'  # text fields refuse NUL characters


def _insert_after(text: str, anchor: str, addition: str) -> str:
    index = text.index(anchor) + len(anchor)
    return text[:index] + addition + text[index:]


@pytest.fixture
def edited(bookshop: Path) -> Path:
    """The bookshop with hand edits in the model, router, factory and tests."""
    project = bookshop
    model = project / "app" / "models" / "book.py"
    text = model.read_text()
    text = text.replace(
        "from pydantic import model_validator\n",
        "from pydantic import field_validator\nfrom pydantic import model_validator\n",
    )
    text = _insert_after(
        text,
        '    author_id: int = Field(foreign_key="authors.id", ondelete="CASCADE", index=True)\n',
        VALIDATOR.rstrip("\n") + "\n",
    )
    text = text.replace(
        "    isbn: str = Field(", "    # ISBN-10 or ISBN-13, dashes allowed\n    isbn: str = Field("
    )
    model.write_text(text)
    router = project / "app" / "routers" / "book.py"
    router.write_text(router.read_text() + ENDPOINT)
    test = project / "tests" / "test_book.py"
    test.write_text(
        test.read_text().replace("import pytest\n", "import pytest\nimport json  # noqa: F401\n")
        + EXTRA_TEST
    )
    factory = project / "tests" / "factories" / "book.py"
    factory.write_text(
        factory.read_text().replace(
            '        "genre": ', '        # a comment in the payload\n        "genre": '
        )
    )
    # one file reformatted by ruff with other settings than the generator's
    subprocess.run(
        [find_ruff_bin(), "format", "--isolated", "--line-length", "79", str(router)],
        check=True,
        capture_output=True,
    )
    return project


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in root.rglob("*.py")
        if "migrations" not in p.parts
    }


def _changed_lines(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    changes: dict[str, list[str]] = {}
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path, "").splitlines(), after.get(path, "").splitlines()
        lines = [
            line
            for line in difflib.unified_diff(old, new, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        if lines:
            changes[path] = lines
    return changes


def test_add_column_touches_only_the_new_field_lines(edited: Path, run: Run) -> None:
    before = _snapshot(edited)
    result = run("--project", edited, "add", "column", "Book", "stock:int", "--default", "0")
    assert result.exit_code == 0, result.output
    changes = _changed_lines(before, _snapshot(edited))
    assert set(changes) == {"app/models/book.py", "tests/factories/book.py", "tests/test_book.py"}
    for path, lines in changes.items():
        assert all(line.startswith("+") and "stock" in line for line in lines), (path, lines)
    model = (edited / "app" / "models" / "book.py").read_text()
    assert VALIDATOR.strip() in model
    assert "    # ISBN-10 or ISBN-13, dashes allowed\n    isbn: str" in model
    assert (edited / "app" / "routers" / "book.py").read_text() == before["app/routers/book.py"]


def test_remove_column_removes_only_its_lines(edited: Path, run: Run) -> None:
    before = _snapshot(edited)
    result = run("--project", edited, "remove", "column", "Book", "summary", "--allow-destructive")
    assert result.exit_code == 0, result.output
    changes = _changed_lines(before, _snapshot(edited))
    for path, lines in changes.items():
        for line in lines:
            assert line.startswith("-"), (path, line)
            imports = ("-from sqlalchemy import Text", "-from app.core.types import LongText")
            assert "summary" in line or line in imports, (path, line)
    after = _snapshot(edited)
    assert ENDPOINT.strip().splitlines()[0] in after["app/routers/book.py"]
    assert EXTRA_TEST.strip() in after["tests/test_book.py"]
    assert "import json  # noqa: F401" in after["tests/test_book.py"]
    assert "# a comment in the payload" in after["tests/factories/book.py"]


def test_sync_change_of_a_declaration_replaces_only_that_line(edited: Path, run: Run) -> None:
    spec = edited / "specs" / "book.yaml"
    spec.write_text(
        spec.read_text().replace(
            "title: {type: str, max_length: 200,", "title: {type: str, max_length: 300,"
        )
    )
    before = _snapshot(edited)
    result = run("--project", edited, "sync")
    assert result.exit_code == 0, result.output
    changes = _changed_lines(before, _snapshot(edited))
    assert sorted(changes["app/models/book.py"]) == sorted(
        [
            f"-    title: str = Field(max_length=200, {NO_NUL})",
            f"+    title: str = Field(max_length=300, {NO_NUL})",
            f"-    title: str | None = Field(default=None, max_length=200, {NO_NUL})",
            f"+    title: str | None = Field(default=None, max_length=300, {NO_NUL})",
        ]
    )
    assert set(changes) == {"app/models/book.py", "tests/test_book.py", "tests/factories/book.py"}
    assert changes["tests/factories/book.py"] == [
        '-        "title": text("title", n, 0, 200),',
        '+        "title": text("title", n, 0, 300),',
    ]
    assert sorted(changes["tests/test_book.py"]) == sorted(
        [
            '-        pytest.param("title", "a" * 201, id="title-too-long"),',
            '+        pytest.param("title", "a" * 301, id="title-too-long"),',
            '-        pytest.param("title", "a" * 200, id="title-max-length"),',
            '+        pytest.param("title", "a" * 300, id="title-max-length"),',
        ]
    )
