#!/usr/bin/env bash
# The main job end to end: generate the bookshop example app, migrate it on SQLite, evolve its
# schema (a column added: spec, models, tests and a migration) and run its own test suite, with
# `fastgen check` confirming specs, code and migrations agree. The app is left in
# ./build/bookshop (its .env, written by `fastgen new`, has a SECRET_KEY of its own); serve it with
#   cd build/bookshop && ../../.venv/bin/uvicorn app.main:app --no-proxy-headers
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
rm -rf build/bookshop
mkdir -p build
fastgen new bookshop -C build --role editor
cd build/bookshop
fastgen add resource ../../examples/bookshop/{author,book,tag,review}.yaml
alembic upgrade head
fastgen add column Book stock:int --default 0 --index --sortable --filterable
alembic upgrade head
alembic check
fastgen check
pytest -q
