"""The app: books (list, read, create) and authors (read, create), under the contract the
generated bookshop keeps for them.

Written the usual way, with care: one session per request, `expire_on_commit=False`; the
caller's token checked and its user loaded once per request (`security.py`); creating needs
the editor or admin role and makes the caller the book's owner; the new row comes back from
`INSERT ... RETURNING`; integrity errors from the database turned into 422 (a foreign key:
authors are public to read, so the constraint is the parent check) and 409 (a unique value)
instead of checking first; a page validated in one step.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from asyncpg.exceptions import ForeignKeyViolationError  # type: ignore[import-untyped]
from fastapi import FastAPI, HTTPException, Query, status
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from bench.reference_app.db import SessionDep, engine
from bench.reference_app.models import Author, Book
from bench.reference_app.schemas import AuthorIn, AuthorOut, BookIn, BookOut, BookPage
from bench.reference_app.security import Editor, OptionalUser
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


async def _insert(session: SessionDep, model: Any, values: dict[str, Any], what: str) -> Any:
    try:
        row = await session.scalar(insert(model).values(**values).returning(model))
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise _integrity_error(exc, what) from exc
    return row


@app.get("/books")
async def list_books(
    session: SessionDep,
    _user: OptionalUser,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> BookPage:
    total = await session.scalar(select(func.count()).select_from(Book))
    rows = await session.scalars(select(Book).order_by(Book.id).limit(limit).offset(offset))
    return BookPage.model_validate(
        {"items": rows.all(), "total": total or 0, "limit": limit, "offset": offset},
        from_attributes=True,
    )


@app.get("/books/{book_id}")
async def read_book(session: SessionDep, _user: OptionalUser, book_id: int) -> BookOut:
    book = await session.get(Book, book_id)
    if book is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "book not found")
    return BookOut.model_validate(book)


@app.post("/books", status_code=status.HTTP_201_CREATED)
async def create_book(session: SessionDep, user: Editor, payload: BookIn) -> BookOut:
    values = {**payload.model_dump(), "owner_id": user.id}
    return BookOut.model_validate(await _insert(session, Book, values, "book"))


@app.get("/authors/{author_id}")
async def read_author(session: SessionDep, _user: OptionalUser, author_id: int) -> AuthorOut:
    author = await session.get(Author, author_id)
    if author is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "author not found")
    return AuthorOut.model_validate(author)


@app.post("/authors", status_code=status.HTTP_201_CREATED)
async def create_author(session: SessionDep, _user: Editor, payload: AuthorIn) -> AuthorOut:
    return AuthorOut.model_validate(await _insert(session, Author, payload.model_dump(), "author"))
