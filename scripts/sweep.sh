#!/usr/bin/env bash
# Run the spec contract on N drawn spec sets and print accepted / refused / green / red counts:
#   scripts/sweep.sh N [--db sqlite|postgresql] [--seed S] [--jobs 1|2] [--only 3,12] [--minutes M]
# The same seed draws the same sets. Failing sets are kept under .sweep/<run>/<n>/.
# Exit 1 if any set came out red or crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  bash scripts/bootstrap.sh
fi
exec .venv/bin/python -m tests.specgen.sweep "$@"
