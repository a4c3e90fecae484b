"""A project's own blueprints are rendered in Jinja's sandbox: an override reaches the values
fastgen passes it, not Python's internals, and one that cannot be rendered is refused by its
file and line (exit 2, nothing written, no traceback)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from fastgen.render.environment import make_environment, packaged_blueprints

if TYPE_CHECKING:
    from conftest import Run, Snapshot

ROUTER = "resource/router.py.jinja"


def override(project: Path, line: str) -> Path:
    """The packaged router blueprint with `line` inserted as its line 5, as a project override."""
    packaged = (packaged_blueprints() / ROUTER).read_text().splitlines(keepends=True)
    path = project / "blueprints" / ROUTER
    path.parent.mkdir(parents=True)
    path.write_text("".join([*packaged[:4], line + "\n", *packaged[4:]]))
    return path


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ resource.__class__.__base__.__subclasses__() }}",
    ],
)
def test_an_override_reaching_python_internals_is_refused_by_file_and_line(
    project: Path, run: Run, author_spec: Path, snapshot: Snapshot, expression: str
) -> None:
    override(project, f"# {expression}")
    before = snapshot(project)

    result = run("--project", project, "add", "resource", author_spec)

    assert result.exit_code == 2, result.output
    assert f"error: blueprints/{ROUTER}:5: cannot render this blueprint: " in result.stderr
    assert "unsafe" in result.stderr
    assert "rendered in Jinja's sandbox" in result.stderr
    assert "Traceback" not in result.output
    assert "<class" not in result.output
    assert snapshot(project) == before


def test_an_override_with_a_syntax_error_is_refused_by_file_and_line(
    project: Path, run: Run, author_spec: Path, snapshot: Snapshot
) -> None:
    override(project, "{% if %}")
    before = snapshot(project)

    result = run("--project", project, "add", "resource", author_spec)

    assert result.exit_code == 2, result.output
    assert f"error: blueprints/{ROUTER}:5: cannot render this blueprint: " in result.stderr
    assert "fix the project's override, or delete it" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(project) == before


def test_an_override_naming_a_value_fastgen_does_not_pass_is_refused(
    project: Path, run: Run, author_spec: Path
) -> None:
    override(project, "# {{ no_such_value }}")

    result = run("--project", project, "add", "resource", author_spec)

    assert result.exit_code == 2, result.output
    assert f"blueprints/{ROUTER}:5: cannot render this blueprint: 'no_such_value' is undefined" in (
        result.stderr
    )


def test_a_normal_override_still_renders(project: Path, run: Run, author_spec: Path) -> None:
    override(project, "# {{ resource }} routes at {{ path|upper }}: {{ samples|length }} samples")

    result = run("--project", project, "add", "resource", author_spec)

    assert result.exit_code == 0, result.output
    router = (project / "app" / "routers" / "author.py").read_text()
    assert "# Author routes at /AUTHORS: " in router


def test_packaged_blueprints_render_in_the_sandbox_too() -> None:
    env = make_environment()
    assert env.is_safe_attribute("", "upper", "".upper)
    assert not env.is_safe_attribute("", "__class__", str)
    with pytest.raises(Exception, match="cannot render this blueprint"):
        env.from_string("{{ ''.__class__.__mro__ }}").render()
