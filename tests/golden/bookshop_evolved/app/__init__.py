"""Bookshop: async FastAPI backend.

Constraints and indexes are named by the convention the migrations use (`uq_books_isbn`), so a
database made by `create_all` (the tests) and one made by the migrations have the same names, and
`alembic revision --autogenerate` finds nothing to rename. It is set here, when the package is
first imported: before any table is declared, wherever its module is."""

from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
