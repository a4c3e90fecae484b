"""A hand-written bookshop API on the same stack and tables as the generated one (FastAPI,
SQLAlchemy 2 async ORM, asyncpg, Pydantic v2): the yardstick the generated app is measured
against. Serve with `uvicorn bench.reference_app.main:app` and `DATABASE_URL` set."""
