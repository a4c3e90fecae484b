"""`exclude_router` and `unregister_model_module`: a removed resource's wiring taken out of
`app/main.py` and `app/models/__init__.py`.

Each case states the file before and after; the patch run on `after` must change nothing.
"""

from __future__ import annotations

import textwrap

from fastgen.patch.unwire import exclude_router, unregister_model_module

MAIN = textwrap.dedent(
    """\
    from fastapi import FastAPI

    from app.routers import auth
    from app.routers import book
    # tags, for the catalogue
    from app.routers import tag

    app = FastAPI()

    app.include_router(auth.router)
    app.include_router(book.router)
    app.include_router(tag.router, prefix="/v1")
    """
)


def test_main_loses_the_import_and_the_include_and_keeps_the_comment() -> None:
    after = textwrap.dedent(
        """\
        from fastapi import FastAPI

        from app.routers import auth
        from app.routers import book

        # tags, for the catalogue
        app = FastAPI()

        app.include_router(auth.router)
        app.include_router(book.router)
        """
    )
    result = exclude_router(MAIN, "tag")
    assert result.conflict is None
    assert result.source == after
    again = exclude_router(after, "tag")
    assert again.conflict is None and again.source == after


def test_a_shared_import_line_loses_only_the_module() -> None:
    before = "from app.routers import book, tag\n\napp.include_router(tag.router)\n"
    result = exclude_router(before, "tag")
    assert result.conflict is None
    assert result.source == "from app.routers import book\n"


def test_a_module_still_used_by_hand_is_a_conflict_and_the_file_stays() -> None:
    before = MAIN + "print(tag.router.routes)\n"
    result = exclude_router(before, "tag")
    assert result.source == before
    assert result.conflict is not None
    assert "`tag` is still used" in result.conflict.reason
    assert "app.include_router(tag.router)" in result.conflict.snippet


def test_an_attribute_of_the_same_name_is_not_a_use() -> None:
    before = MAIN + "app.state.tag = 1\n"
    result = exclude_router(before, "tag")
    assert result.conflict is None
    assert "from app.routers import tag" not in result.source
    assert result.source.endswith("app.state.tag = 1\n")


def test_the_registry_loses_the_model_module() -> None:
    before = textwrap.dedent(
        '''\
        """Model registry."""

        from app.models import book as book
        from app.models import tag as tag
        from app.models import user as user
        '''
    )
    after = before.replace("from app.models import tag as tag\n", "")
    result = unregister_model_module(before, "tag")
    assert result.conflict is None
    assert result.source == after
    assert unregister_model_module(after, "tag").source == after


def test_invalid_python_is_a_conflict() -> None:
    result = unregister_model_module("from app.models import (\n", "tag")
    assert result.conflict is not None
    assert result.source == "from app.models import (\n"
