"""The cheap half of the contract over many drawn spec sets (tests/specgen/strategies.py).

Each set goes through `fastgen validate` in-process: exit 0, or exit 2 with every diagnostic at
`FILE:LINE:COL: error:` and no traceback. An accepted set goes through `fastgen add resource` on a
project that declares its roles (it must be added: the loader already accepted it), and the
rendered project must be ruff-clean (`ruff check`, `ruff format --check`). Migrations, mypy and
the generated suites run on fewer sets, in tests/e2e/test_spec_contract.py.

The strategy is also checked to draw everything the JSON Schema of the spec format names.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli.test_fuzz_specs import command_built_once
from hypothesis import HealthCheck, Phase, event, given, settings
from ruamel.yaml import YAML
from typer.testing import CliRunner

from fastgen.cli import app
from tests.specgen.harness import BIN, refusal_problems
from tests.specgen.strategies import ROLE_POOL, SCHEMA_VOCABULARY, SpecSet, spec_sets
from tests.specgen.sweep import draw_sets

__all__ = ["command_built_once"]  # typer's command built once for the module (autouse)

SPACE = settings(
    max_examples=100,
    deadline=None,
    database=None,
    derandomize=True,  # the same sets on every run, on every machine
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


class Bench:
    """A project declaring every role a set may name, restored after each accepted set."""

    def __init__(self, folder: Path) -> None:
        roles = [option for role in ROLE_POOL for option in ("--role", role)]
        result = CliRunner().invoke(app, ["new", "shop", "-C", str(folder), *roles])
        assert result.exit_code == 0, result.output
        self.pristine = folder / "shop"
        self.project = folder / "work"
        self.specs = folder / "specs"
        self.reset()

    def reset(self) -> None:
        for folder in (self.project, self.specs):
            if folder.exists():
                shutil.rmtree(folder)
        shutil.copytree(self.pristine, self.project)


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    yield Bench(tmp_path_factory.mktemp("space"))


def tool(args: list[str], cwd: Path, spec_set: SpecSet) -> None:
    """A tool of the generated project, which must succeed."""
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{texts(spec_set)}\n{' '.join(args)} failed:\n{output}"


def texts(spec_set: SpecSet) -> str:
    return "\n".join(f"--- {name}\n{text}" for name, text in spec_set.files)


@SPACE
@given(spec_sets())
def test_drawn_sets_are_refused_at_their_place_or_rendered_ruff_clean(
    bench: Bench, spec_set: SpecSet
) -> None:
    bench.reset()
    paths = spec_set.write(bench.specs)
    runner = CliRunner()
    checked = runner.invoke(app, ["validate", *map(str, paths)])
    assert "Traceback" not in checked.output, checked.output
    assert checked.exit_code in (0, 2), f"{texts(spec_set)}\n{checked.output}"
    event(f"validate exit {checked.exit_code}")  # pytest --hypothesis-show-statistics
    if checked.exit_code == 2:
        _, problems = refusal_problems(checked.output, [str(p) for p in paths])
        assert not problems, f"{texts(spec_set)}\n{problems}\n{checked.output}"
        return
    added = runner.invoke(
        app, ["--project", str(bench.project), "add", "resource", *map(str, paths)]
    )
    assert added.exit_code == 0, f"{texts(spec_set)}\n{added.output}"
    tool([str(BIN / "ruff"), "check", "."], bench.project, spec_set)
    tool([str(BIN / "ruff"), "format", "--check", "."], bench.project, spec_set)


def test_the_strategy_draws_everything_the_schema_names() -> None:
    """Over a few hundred sets (drawn, not run), every type, field option, relation option,
    operation, limit and on_delete choice of the JSON Schema appears, and so does the shorthand
    with '?'."""
    found: dict[str, set[str]] = {key: set() for key in SCHEMA_VOCABULARY}
    shorthand_optional = False
    for spec_set in draw_sets(300, seed_value=0):
        for _, text in spec_set.files:
            spec = YAML(typ="safe", pure=True).load(text)
            found["top"].update(spec)
            for value in spec["fields"].values():
                if isinstance(value, str):
                    shorthand_optional |= value.endswith("?")
                    found["types"].add(value.rstrip("? "))
                    continue
                found["types"].add(value["type"])
                found["field_options"].update(value)
            for relation in (spec.get("relations") or {}).values():
                found["relation_options"].update(relation)
                found["on_delete"].add(relation.get("on_delete", "cascade"))
            found["operations"].update(spec.get("access") or {})
            found["limits"].update(spec.get("limits") or {})
    missing = {
        key: sorted(set(SCHEMA_VOCABULARY[key]) - found[key])
        for key in SCHEMA_VOCABULARY
        if set(SCHEMA_VOCABULARY[key]) - found[key]
    }
    assert not missing, missing
    assert shorthand_optional
