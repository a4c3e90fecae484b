"""`register_model_module`: `app/models/__init__.py` gains `from app.models import <m> as <m>`.

Each case states the file before and after; the patch run on `after` must change nothing.
"""

from __future__ import annotations

import textwrap

import pytest

from fastgen.patch import register_model_module


def check(before: str, module: str, after: str) -> None:
    result = register_model_module(before, module)
    assert result.conflict is None
    assert result.source == after
    again = register_model_module(after, module)
    assert again.conflict is None
    assert again.source == after


def test_empty_registry_with_docstring_gets_the_import_after_a_blank_line() -> None:
    before = '"""Model registry."""\n'
    after = textwrap.dedent(
        '''\
        """Model registry."""

        from app.models import book as book
        '''
    )
    check(before, "book", after)


def test_the_registry_as_fastgen_new_writes_it() -> None:
    before = (
        '"""Model registry: every table module is imported here so SQLModel.metadata '
        '(and Alembic) see it."""\n'
    )
    after = before + "\nfrom app.models import author as author\n"
    check(before, "author", after)


def test_an_empty_file_gets_the_import_and_a_final_newline() -> None:
    check("", "book", "from app.models import book as book\n")


@pytest.mark.parametrize(
    ("module", "after"),
    [
        pytest.param(
            "author",
            """\
            \"\"\"Models.\"\"\"

            from app.models import author as author
            from app.models import book as book
            from app.models import shelf as shelf
            """,
            id="before-all",
        ),
        pytest.param(
            "review",
            """\
            \"\"\"Models.\"\"\"

            from app.models import book as book
            from app.models import review as review
            from app.models import shelf as shelf
            """,
            id="between",
        ),
        pytest.param(
            "store",
            """\
            \"\"\"Models.\"\"\"

            from app.models import book as book
            from app.models import shelf as shelf
            from app.models import store as store
            """,
            id="after-all",
        ),
    ],
)
def test_new_import_takes_its_sorted_place(module: str, after: str) -> None:
    before = textwrap.dedent(
        '''\
        """Models."""

        from app.models import book as book
        from app.models import shelf as shelf
        '''
    )
    check(before, module, textwrap.dedent(after))


def test_leading_comments_above_the_import_block_stay_on_top() -> None:
    before = textwrap.dedent(
        '''\
        """Models."""

        # Every table module, sorted. Alembic needs them all.
        # noqa comments and all.
        from app.models import book as book
        '''
    )
    after = textwrap.dedent(
        '''\
        """Models."""

        # Every table module, sorted. Alembic needs them all.
        # noqa comments and all.
        from app.models import author as author
        from app.models import book as book
        '''
    )
    check(before, "author", after)


def test_hand_written_imports_and_code_are_untouched() -> None:
    before = textwrap.dedent(
        '''\
        """Models."""

        import logging

        from sqlmodel import SQLModel

        from app.models import book as book
        from app.models.mixins import Timestamped  # hand-written

        log = logging.getLogger(__name__)


        def all_tables() -> list[str]:
            return sorted(SQLModel.metadata.tables)
        '''
    )
    after = textwrap.dedent(
        '''\
        """Models."""

        import logging

        from sqlmodel import SQLModel

        from app.models import book as book
        from app.models import shelf as shelf
        from app.models.mixins import Timestamped  # hand-written

        log = logging.getLogger(__name__)


        def all_tables() -> list[str]:
            return sorted(SQLModel.metadata.tables)
        '''
    )
    check(before, "shelf", after)


def test_a_hand_formatted_file_keeps_its_spacing_and_end_of_line_comments() -> None:
    before = textwrap.dedent(
        '''\
        """Models."""
        from  app.models   import author as author   # the first one
        from app.models import (book as book)  # wrapped by hand
        x=1
        '''
    )
    after = textwrap.dedent(
        '''\
        """Models."""
        from  app.models   import author as author   # the first one
        from app.models import (book as book)  # wrapped by hand
        from app.models import cat as cat
        x=1
        '''
    )
    check(before, "cat", after)


def test_an_import_without_alias_counts_as_registered() -> None:
    source = '"""Models."""\n\nfrom app.models import book\n'
    check(source, "book", source)


def test_windows_line_endings_are_kept() -> None:
    before = '"""Models."""\r\n\r\nfrom app.models import book as book\r\n'
    after = (
        '"""Models."""\r\n\r\nfrom app.models import author as author\r\n'
        "from app.models import book as book\r\n"
    )
    check(before, "author", after)


def test_a_file_that_does_not_parse_is_a_conflict_and_stays_as_it_is() -> None:
    before = "from app.models import (book as book\n"
    result = register_model_module(before, "author")
    assert result.source == before
    assert result.conflict is not None
    assert result.conflict.path == "app/models/__init__.py"
    assert result.conflict.snippet == "from app.models import author as author"
    assert "not valid Python" in result.conflict.reason
