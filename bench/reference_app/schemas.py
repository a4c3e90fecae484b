"""Request and response bodies: the same fields, constraints and JSON as the generated app."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from bench.reference_app.models import Genre

Id = Annotated[int, Field(ge=1, le=2_147_483_647)]


class AuthorIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    email: EmailStr = Field(max_length=320)
    bio: str | None = None
    born_on: date | None = None


class AuthorOut(AuthorIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    updated_at: datetime


class BookIn(BaseModel):
    title: str = Field(max_length=200)
    isbn: str = Field(pattern=r"^[0-9-]{10,17}$")
    pages: int | None = Field(default=None, ge=1, le=2_147_483_647)
    price: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    genre: Genre = Genre.fiction
    published_on: date | None = None
    summary: str | None = None
    author_id: Id


class BookOut(BookIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    owner_id: int | None
    created_at: datetime
    updated_at: datetime


class BookPage(BaseModel):
    items: list[BookOut]
    total: int
    limit: int
    offset: int
