#!/usr/bin/env bash
# The test suite: installs what it needs, checks PostgreSQL and Redis, runs ruff, mypy and pytest.
#   bash scripts/test.sh           everything, end-to-end tests included (what CI runs), on two
#                                  pytest-xdist worker processes (`-n 2 --dist loadscope`)
#   bash scripts/test.sh --fast    unit and golden-tree tests only: no e2e or slow tests
# Other arguments go to pytest (e.g. `scripts/test.sh -k golden`; `-n 0` or `-p no:xdist` for
# one process).
set -euo pipefail
cd "$(dirname "$0")/.."
fast=0
args=()
xdist=(-n 2 --dist loadscope --no-loadscope-reorder)
for arg in "$@"; do
  case "$arg" in
    --fast) fast=1 ;;
    no:xdist | -pno:xdist) xdist=(); args+=("$arg") ;;
    *) args+=("$arg") ;;
  esac
done
if [ "$fast" = 1 ]; then
  args=(-m "not e2e and not slow" "${args[@]}")
fi
bash scripts/bootstrap.sh
if ! bash scripts/services.sh; then
  echo "tests that need PostgreSQL or Redis will fail (FASTGEN_REQUIRE_SERVICES=1) or be skipped"
fi
.venv/bin/ruff check fastgen tests
.venv/bin/ruff format --check fastgen tests
.venv/bin/mypy
exec .venv/bin/pytest "${xdist[@]}" "${args[@]}"
