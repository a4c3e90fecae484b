"""Spec sets drawn from the spec format, and the contract every one of them must meet.

- `strategies.spec_sets()`: hypothesis strategy of sets of 1-4 spec files (YAML text) over the
  documented format (every type and option, relations, access, limits), with the edge values
  the loader has to decide on.
- `harness.check_contract(spec_set)`: validate, and when accepted generate, migrate, `alembic
  check`, ruff, mypy --strict and the generated suite, with the installed `fastgen`.
- `sweep`: `python -m tests.specgen.sweep N` (or `scripts/sweep.sh N`) runs the harness on N
  drawn sets and prints accepted / refused / green / red counts.
- `findings/`: one folder per bug the sweep found (the spec files, and `roles.txt` when the set
  names roles), kept as regression cases.
"""
