"""The contract over the spec space: for every spec set `fastgen validate` accepts, `fastgen new`
+ `fastgen add resource` give a project that migrates, has no drift (`alembic check`), is ruff-
and mypy --strict clean and passes its own suite; what it cannot generate, the loader refuses at
`file:line:col` (exit 2). Nothing else: no traceback, no other exit code, no red project.

Spec sets are drawn from the spec format by tests/specgen/strategies.py (derandomized: the same
sets on every run) and run by tests/specgen/harness.py with the installed `fastgen`. A handful
runs here on SQLite and one or two on PostgreSQL; `scripts/sweep.sh N` runs many more. Every set
a sweep found red is kept in tests/specgen/findings/ and runs here too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings

from tests.specgen.harness import check_contract
from tests.specgen.strategies import SpecSet, spec_sets

pytestmark = pytest.mark.e2e

FINDINGS = Path(__file__).resolve().parents[1] / "specgen" / "findings"

CONTRACT = settings(
    # 20-70 s per accepted set on two busy cores (the first is the one-field set): about
    # 5 minutes in all. scripts/sweep.sh runs as many as one wants.
    max_examples=6,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: every example costs a project
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def report(spec_set: SpecSet, text: str) -> str:
    files = "\n".join(f"--- {name}\n{body}" for name, body in spec_set.files)
    roles = f"roles: {', '.join(spec_set.roles)}\n" if spec_set.roles else ""
    return f"{roles}{files}\n{text}"


@CONTRACT
@given(spec_sets())
def test_drawn_spec_sets_are_refused_or_green_on_sqlite(spec_set: SpecSet) -> None:
    outcome = check_contract(spec_set, "sqlite", resource_tests_only=True)
    assert outcome.ok, report(spec_set, outcome.report())


@settings(CONTRACT, max_examples=2)  # the simplest set, then one drawn at random
@given(spec_sets(max_resources=3))
def test_a_drawn_accepted_spec_set_is_green_on_postgresql(
    postgres_admin_url: str, spec_set: SpecSet
) -> None:
    outcome = check_contract(spec_set, "postgresql", resource_tests_only=True)
    assume(outcome.verdict != "refused")  # the budget goes to a set that is generated
    assert outcome.ok, report(spec_set, outcome.report())


@pytest.mark.parametrize("finding", sorted(p.name for p in FINDINGS.iterdir() if p.is_dir()))
def test_spec_sets_a_sweep_found_red_are_green(finding: str) -> None:
    """Each folder of tests/specgen/findings/ (its README says what broke): refused at its
    place, or green."""
    spec_set = SpecSet.read(FINDINGS / finding)
    outcome = check_contract(spec_set, "sqlite", resource_tests_only=True)
    assert outcome.ok, report(spec_set, outcome.report())
