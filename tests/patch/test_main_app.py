"""`include_router`: `app/main.py` gains `from app.routers import <m>` and
`app.include_router(<m>.router)`.

Each case states the file before and after; the patch run on `after` must change nothing.
"""

from __future__ import annotations

import textwrap

from fastgen.patch import include_router

SNIPPET = "from app.routers import book\n...\napp.include_router(book.router)"


def check(before: str, module: str, after: str) -> None:
    result = include_router(before, module)
    assert result.conflict is None
    assert result.source == after
    again = include_router(after, module)
    assert again.conflict is None
    assert again.source == after


def test_first_resource_goes_after_the_health_router() -> None:
    before = textwrap.dedent(
        '''\
        """ASGI entry point."""

        from fastapi import FastAPI

        from app.core.config import get_settings
        from app.routers import health

        settings = get_settings()

        app = FastAPI(
            title=settings.app_name,
            version="0.1.0",
        )

        app.include_router(health.router)
        '''
    )
    after = textwrap.dedent(
        '''\
        """ASGI entry point."""

        from fastapi import FastAPI

        from app.core.config import get_settings
        from app.routers import book
        from app.routers import health

        settings = get_settings()

        app = FastAPI(
            title=settings.app_name,
            version="0.1.0",
        )

        app.include_router(health.router)
        app.include_router(book.router)
        '''
    )
    check(before, "book", after)


def test_appends_after_the_last_include_even_with_keyword_arguments() -> None:
    before = textwrap.dedent(
        """\
        from fastapi import FastAPI

        from app.routers import author
        from app.routers import health

        app = FastAPI()
        app.include_router(health.router)
        app.include_router(author.router, prefix="/v1", tags=["authors"])


        @app.get("/ping")
        async def ping() -> str:
            return "pong"
        """
    )
    after = textwrap.dedent(
        """\
        from fastapi import FastAPI

        from app.routers import author
        from app.routers import book
        from app.routers import health

        app = FastAPI()
        app.include_router(health.router)
        app.include_router(author.router, prefix="/v1", tags=["authors"])
        app.include_router(book.router)


        @app.get("/ping")
        async def ping() -> str:
            return "pong"
        """
    )
    check(before, "book", after)


def test_an_include_with_keyword_arguments_counts_as_included() -> None:
    source = textwrap.dedent(
        """\
        from fastapi import FastAPI

        from app.routers import book

        app = FastAPI()
        app.include_router(book.router, prefix="/v1")
        """
    )
    check(source, "book", source)


def test_without_includes_the_include_goes_after_app_with_a_blank_line() -> None:
    before = textwrap.dedent(
        """\
        from fastapi import FastAPI

        from app.routers import health

        app = FastAPI()
        """
    )
    after = textwrap.dedent(
        """\
        from fastapi import FastAPI

        from app.routers import book
        from app.routers import health

        app = FastAPI()

        app.include_router(book.router)
        """
    )
    check(before, "book", after)


def test_include_present_but_import_missing_adds_only_the_import() -> None:
    before = textwrap.dedent(
        """\
        from fastapi import FastAPI

        from app.routers import author

        app = FastAPI()
        app.include_router(author.router)
        app.include_router(book.router)
        """
    )
    after = textwrap.dedent(
        """\
        from fastapi import FastAPI

        from app.routers import author
        from app.routers import book

        app = FastAPI()
        app.include_router(author.router)
        app.include_router(book.router)
        """
    )
    check(before, "book", after)


def test_import_present_but_include_missing_adds_only_the_include() -> None:
    before = textwrap.dedent(
        """\
        from fastapi import FastAPI

        from app.routers import author
        from app.routers import book

        app = FastAPI()
        app.include_router(author.router)
        """
    )
    after = textwrap.dedent(
        """\
        from fastapi import FastAPI

        from app.routers import author
        from app.routers import book

        app = FastAPI()
        app.include_router(author.router)
        app.include_router(book.router)
        """
    )
    check(before, "book", after)


def test_leading_comments_above_the_router_imports_stay_on_top() -> None:
    before = textwrap.dedent(
        """\
        from fastapi import FastAPI

        # Routers, one per resource.
        from app.routers import health

        app = FastAPI()
        app.include_router(health.router)
        """
    )
    after = textwrap.dedent(
        """\
        from fastapi import FastAPI

        # Routers, one per resource.
        from app.routers import book
        from app.routers import health

        app = FastAPI()
        app.include_router(health.router)
        app.include_router(book.router)
        """
    )
    check(before, "book", after)


def test_hand_written_code_and_formatting_are_kept_byte_for_byte() -> None:
    before = textwrap.dedent(
        """\
        import os
        from fastapi import FastAPI   # the framework
        from app.routers import health  # liveness
        from app.routers import zoo

        app = FastAPI( title = os.environ.get("TITLE","x") )
        app.include_router( health.router )   # first
        app.include_router(zoo.router,prefix='/z')  # second

        @app.get( "/custom" )
        def custom():   return {'hand': 'written'}
        """
    )
    after = textwrap.dedent(
        """\
        import os
        from fastapi import FastAPI   # the framework
        from app.routers import book
        from app.routers import health  # liveness
        from app.routers import zoo

        app = FastAPI( title = os.environ.get("TITLE","x") )
        app.include_router( health.router )   # first
        app.include_router(zoo.router,prefix='/z')  # second
        app.include_router(book.router)

        @app.get( "/custom" )
        def custom():   return {'hand': 'written'}
        """
    )
    check(before, "book", after)


def test_an_annotated_app_assignment_is_recognised() -> None:
    before = textwrap.dedent(
        """\
        from fastapi import FastAPI

        from app.routers import health

        app: FastAPI = FastAPI()
        """
    )
    after = textwrap.dedent(
        """\
        from fastapi import FastAPI

        from app.routers import book
        from app.routers import health

        app: FastAPI = FastAPI()

        app.include_router(book.router)
        """
    )
    check(before, "book", after)


def test_no_app_at_module_level_is_a_conflict_and_the_source_stays() -> None:
    before = textwrap.dedent(
        """\
        from fastapi import FastAPI

        from app.routers import health


        def create_app() -> FastAPI:
            app = FastAPI()
            app.include_router(health.router)
            return app
        """
    )
    result = include_router(before, "book")
    assert result.source == before
    assert result.conflict is not None
    assert result.conflict.path == "app/main.py"
    assert result.conflict.snippet == SNIPPET
    assert "app = FastAPI(...)" in result.conflict.reason


def test_a_file_that_does_not_parse_is_a_conflict_and_the_source_stays() -> None:
    before = "from fastapi import FastAPI\n\napp = FastAPI(\n"
    result = include_router(before, "book")
    assert result.source == before
    assert result.conflict is not None
    assert result.conflict.snippet == SNIPPET
    assert "not valid Python" in result.conflict.reason
