#!/usr/bin/env bash
# The whole test suite: installs what it needs, checks PostgreSQL and Redis, runs pytest.
# Extra arguments go to pytest (e.g. `scripts/test.sh -k golden`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
if ! bash scripts/services.sh; then
  echo "tests that need PostgreSQL or Redis will fail (FASTGEN_REQUIRE_SERVICES=1) or be skipped"
fi
.venv/bin/ruff check fastgen tests
.venv/bin/ruff format --check fastgen tests
.venv/bin/mypy
exec .venv/bin/pytest "$@"
