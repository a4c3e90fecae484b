"""The app: books (list, read, create) and authors (read, create).

Written the usual way: one session per request, `expire_on_commit=False` so committed objects
are returned as they are, integrity errors from the database turned into 409 / 422 instead of
checking first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from asyncpg.exceptions import ForeignKeyViolationError  # type: ignore[import-untyped]
from fastapi import FastAPI, HTTPException, Query, status
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bench.reference_app.db import SessionDep, engine
from bench.reference_app.models import Author, Book
from bench.reference_app.schemas import AuthorIn, AuthorOut, BookIn, BookOut, BookPage
from bench.sql_counter import SqlCounter, enabled


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()


app = FastAPI(title="Bookshop (hand-written reference)", lifespan=lifespan)
if enabled():
    app.add_middleware(SqlCounter, engine=engine)


def _integrity_error(exc: IntegrityError, what: str) -> HTTPException:
    if getattr(exc.orig, "sqlstate", None) == ForeignKeyViolationError.sqlstate:
        return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "referenced row not found")
    return HTTPException(status.HTTP_409_CONFLICT, f"{what} conflicts with an existing row")


@app.get("/books")
async def list_books(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> BookPage:
    total = await session.scalar(select(func.count()).select_from(Book))
    rows = await session.scalars(select(Book).order_by(Book.id).limit(limit).offset(offset))
    return BookPage(
        items=[BookOut.model_validate(book) for book in rows],
        total=total or 0,
        limit=limit,
        offset=offset,
    )


@app.get("/books/{book_id}")
async def read_book(session: SessionDep, book_id: int) -> BookOut:
    book = await session.get(Book, book_id)
    if book is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "book not found")
    return BookOut.model_validate(book)


@app.post("/books", status_code=status.HTTP_201_CREATED)
async def create_book(session: SessionDep, payload: BookIn) -> BookOut:
    book = Book(**payload.model_dump())
    session.add(book)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise _integrity_error(exc, "book") from exc
    return BookOut.model_validate(book)


@app.get("/authors/{author_id}")
async def read_author(session: SessionDep, author_id: int) -> AuthorOut:
    author = await session.get(Author, author_id)
    if author is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "author not found")
    return AuthorOut.model_validate(author)


@app.post("/authors", status_code=status.HTTP_201_CREATED)
async def create_author(session: SessionDep, payload: AuthorIn) -> AuthorOut:
    author = Author(**payload.model_dump())
    session.add(author)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise _integrity_error(exc, "author") from exc
    return AuthorOut.model_validate(author)
