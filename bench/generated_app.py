"""The generated app as the load test serves it: `uvicorn bench.generated_app:app`.

Imports `app.main:app` of the generated project named by `BENCH_PROJECT` as it is (its
blueprints untouched) and, with `BENCH_COUNT_SQL=1`, attaches the statement counter to its
engine.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.environ["BENCH_PROJECT"])

from app.core.db import engine  # type: ignore[import-not-found]
from app.main import app  # type: ignore[import-not-found]

from bench.sql_counter import SqlCounter, enabled

if enabled():
    app.add_middleware(SqlCounter, engine=engine)

__all__ = ["app"]
