"""The Jinja environment over the blueprints: the project's own overrides first, then ours."""

from __future__ import annotations

from pathlib import Path

import jinja2

import fastgen
from fastgen.render import literals


def packaged_blueprints() -> Path:
    """Blueprints ship inside the wheel as `fastgen/blueprints`; a source checkout has them at the
    repository root."""
    package_dir = Path(fastgen.__file__).resolve().parent
    installed = package_dir / "blueprints"
    if installed.is_dir():
        return installed
    return package_dir.parent / "blueprints"


def make_environment(override_dir: Path | None = None) -> jinja2.Environment:
    """A file at the same relative path under `override_dir` wins over the packaged blueprint."""
    loaders: list[jinja2.BaseLoader] = []
    if override_dir is not None and override_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(override_dir))
    loaders.append(jinja2.FileSystemLoader(packaged_blueprints()))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    # Text that names things from the specs: a literal or prose that fits the line length.
    env.filters["py_str"] = literals.py_str
    env.filters["docstring"] = literals.docstring
    env.filters["comment"] = literals.comment
    return env


def packaged_templates(prefix: str) -> list[str]:
    """Template names under `prefix/` in the packaged blueprints, sorted."""
    root = packaged_blueprints() / prefix
    return sorted(
        path.relative_to(packaged_blueprints()).as_posix()
        for path in root.rglob("*.jinja")
        if path.is_file()
    )
