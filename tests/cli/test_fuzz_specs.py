"""Random and malformed spec files through the CLI: `fastgen validate FILE` and
`fastgen --project P add resource FILE` on a generated project.

Whatever the bytes, each run ends in exit 0 (the spec is valid) or exit 2 with located messages
(`FILE:LINE:COL: error: ...`), never a traceback; and a refused `add resource` writes nothing.
The strategies of the loader's own property tests are reused, and extended with bytes that are
not UTF-8, deep nesting and alias bombs.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.testing
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from spec.test_load_property import VALID, dump, spec_like, values
from typer.testing import CliRunner, Result

from fastgen.cli import app

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    database=None,
    derandomize=True,  # the same examples on every run, on every machine
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Valid on a project without resources: open access, no relation. `add resource` takes it.
PUBLIC = """\
version: 1
resource: Gadget
fields:
  name: {type: str, max_length: 80}
  kind: {type: enum, values: [small, large], default: small}
  weight: float?
  released_on: date?
access: {list: [public], read: [public], create: [public], update: [public], delete: [public]}
limits:
  page_size: {default: 20, max: 100}
"""

Tree = tuple[dict[str, bytes], frozenset[str]]


def tree(root: Path) -> Tree:
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    folders = frozenset(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir())
    return files, folders


class Bench:
    """A generated project (restored from a pristine copy after a spec was added to it) and the
    spec file fed to the commands."""

    def __init__(self, folder: Path) -> None:
        result = CliRunner().invoke(app, ["new", "shop", "-C", str(folder)])
        assert result.exit_code == 0, result.output
        self.pristine = folder / "shop"
        self.project = folder / "work"
        shutil.copytree(self.pristine, self.project)
        self.before = tree(self.project)
        self.spec = folder / "input" / "spec.yaml"
        self.spec.parent.mkdir()

    def reset(self) -> None:
        shutil.rmtree(self.project)
        shutil.copytree(self.pristine, self.project)


@pytest.fixture(scope="module", autouse=True)
def command_built_once() -> Iterator[None]:
    """typer's runner builds the click command from the annotations on every run, which costs
    more than most of these runs themselves: build it once."""
    command = typer.main.get_command(app)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", lambda _: command)
        yield


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Bench:
    return Bench(tmp_path_factory.mktemp("fuzz"))


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


def located(result: Result, spec: Path) -> list[str]:
    """The diagnostics of `spec` in the output: `FILE:LINE:COL: error: ...` lines."""
    return re.findall("^" + re.escape(str(spec)) + r":\d+:\d+: error: .*$", result.output, re.M)


def check(bench: Bench, data: bytes) -> None:
    bench.spec.write_bytes(data)
    runner = CliRunner()

    checked = runner.invoke(app, ["validate", str(bench.spec)])
    no_traceback(checked)
    assert checked.exit_code in (0, 2), checked.output
    if checked.exit_code == 2:
        assert located(checked, bench.spec), checked.output
    else:
        assert checked.output.startswith("ok  "), checked.output
    assert bench.spec.read_bytes() == data

    added = runner.invoke(
        app, ["--project", str(bench.project), "add", "resource", str(bench.spec)]
    )
    no_traceback(added)
    assert added.exit_code in (0, 2), added.output
    if currently_in_test_context():  # statistics: pytest --hypothesis-show-statistics
        event(f"validate exit {checked.exit_code}, add resource exit {added.exit_code}")
    if added.exit_code == 0:
        assert checked.exit_code == 0, added.output  # only a valid spec is added
        assert tree(bench.project) != bench.before
        bench.reset()
        return
    assert tree(bench.project) == bench.before  # a refusal writes nothing
    # The same loader; `add resource` also knows the project's roles, so it may report
    # undeclared roles that `validate` (which knows no project) cannot.
    extra = set(located(added, bench.spec)) - set(located(checked, bench.spec))
    assert all(": unknown role '" in line for line in extra), added.output
    if checked.exit_code == 2:
        assert set(located(checked, bench.spec)) <= set(located(added, bench.spec)), added.output
    else:
        # Valid, and refused for what the project does not declare (a role): still located.
        assert extra, added.output


def mutate(draw: st.DrawFn, text: str) -> str:
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        cut = draw(st.integers(min_value=0, max_value=5))
        insert = draw(
            st.one_of(
                st.sampled_from(
                    ["", ":", " ", "\t", "-", "[", "{", "'", '"', "\n", "#", "*a", "&a ", "? ", "!"]
                ),
                st.text(max_size=3),
            )
        )
        text = text[:at] + insert + text[at + cut :]
    return text


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    seed: str = draw(st.sampled_from([VALID, PUBLIC]))
    return mutate(draw, seed).encode()


@st.composite
def not_utf8(draw: st.DrawFn) -> bytes:
    """A spec with a byte that is not UTF-8 somewhere, or in another encoding altogether."""
    text: str = draw(st.sampled_from([VALID, PUBLIC]))
    how = draw(st.sampled_from(["byte", "utf-16", "latin-1", "bom"]))
    if how == "utf-16":
        return text.encode("utf-16")
    if how == "latin-1":
        return (text + "  note: {type: str, description: café}\n").encode("latin-1")
    data = text.encode()
    at = draw(st.integers(min_value=0, max_value=len(data)))
    if how == "bom":
        return b"\xef\xbb\xbf" + data[:at] + b"\xef\xbb\xbf" + data[at:]
    junk = draw(st.binary(min_size=1, max_size=3).filter(lambda b: b[0] >= 0x80))
    return data[:at] + junk + data[at:]


@st.composite
def nested(draw: st.DrawFn) -> bytes:
    """Deep nesting of every kind, in the spec or on its own, and aliases that multiply."""
    depth = draw(st.integers(min_value=1, max_value=3000))
    kind = draw(st.sampled_from(["flow-seq", "flow-map", "block-map", "block-seq", "aliases"]))
    if kind == "flow-seq":
        depth = min(depth, 200)  # ruamel.yaml scans deep `[` in quadratic time
        inner = "[" * depth + "1" + "]" * draw(st.integers(min_value=0, max_value=depth))
    elif kind == "flow-map":
        inner = "{a: " * depth + "1" + "}" * depth
    elif kind == "block-map":  # one more space per level: the file grows as depth squared
        inner = "\n" + "".join(f"{' ' * (i + 2)}a{i}:\n" for i in range(min(depth, 600)))
    elif kind == "block-seq":
        inner = "\n" + "".join(f"{' ' * (i + 2)}-\n" for i in range(min(depth, 600)))
    else:
        width = draw(st.integers(min_value=2, max_value=9))
        levels = draw(st.integers(min_value=2, max_value=9))
        lines = ["a0: &a0 [" + ", ".join(["x"] * width) + "]"]
        for level in range(1, levels):
            refs = ", ".join([f"*a{level - 1}"] * width)
            lines.append(f"a{level}: &a{level} [{refs}]")
        inner = "\n  ".join(["", *lines])
    where = draw(st.sampled_from(["alone", "field", "top"]))
    if where == "alone":
        return inner.encode()
    if where == "field":
        return PUBLIC.replace("  weight: float?", f"  weight: {inner}").encode()
    return (PUBLIC + f"limits_extra: {inner}\n").encode()


@SETTINGS
@given(st.text(max_size=300).map(str.encode))
def test_random_text(bench: Bench, data: bytes) -> None:
    check(bench, data)


@SETTINGS
@given(mutated())
def test_mutated_valid_specs(bench: Bench, data: bytes) -> None:
    check(bench, data)


@SETTINGS
@given(st.one_of(values, spec_like).map(lambda data: dump(data).encode()))
def test_random_yaml_structures(bench: Bench, data: bytes) -> None:
    check(bench, data)


@SETTINGS
@given(st.one_of(st.binary(max_size=300), not_utf8()))
def test_bytes_that_are_not_utf8(bench: Bench, data: bytes) -> None:
    check(bench, data)


@settings(SETTINGS, max_examples=40)
@given(nested())
def test_deep_nesting_and_alias_bombs(bench: Bench, data: bytes) -> None:
    check(bench, data)


# Valid, but `add resource` refuses it: the project does not declare the role.
UNDECLARED_ROLE = PUBLIC.replace("create: [public]", "create: [librarian]")


@pytest.mark.parametrize(
    ("text", "validate", "add"),
    [(PUBLIC, 0, 0), (VALID, 2, 2), (UNDECLARED_ROLE, 0, 2)],
    ids=["added", "unknown-relation", "undeclared-role"],
)
def test_the_seeds(bench: Bench, text: str, validate: int, add: int) -> None:
    """The seeds of the mutations reach each outcome `check` allows."""
    check(bench, text.encode())
    runner = CliRunner()
    assert runner.invoke(app, ["validate", str(bench.spec)]).exit_code == validate
    added = runner.invoke(
        app, ["--project", str(bench.pristine), "--dry-run", "add", "resource", str(bench.spec)]
    )
    assert added.exit_code == add, added.output
