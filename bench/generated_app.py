"""The generated app as the load test serves it: `uvicorn bench.generated_app:app`.

Imports `app.main:app` of the generated project named by `BENCH_PROJECT` as it is (its
blueprints untouched) and, with `BENCH_COUNT_SQL=1`, attaches the statement counter to its
engine. The generated app refuses to start without a SECRET_KEY of 32+ characters (outside
debug mode): the load test sets one (`bench.app_load.SECRET_KEY`); without one in the
environment (e.g. `tests/test_bench_smoke.py`), a bench-only one is set before the import.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("SECRET_KEY", "fastgen-bench-fallback-secret-key-not-for-production")
sys.path.insert(0, os.environ["BENCH_PROJECT"])

from app.core.db import engine  # type: ignore[import-not-found]
from app.main import app  # type: ignore[import-not-found]

from bench.sql_counter import SqlCounter, enabled

if enabled():
    app.add_middleware(SqlCounter, engine=engine)

__all__ = ["app"]
