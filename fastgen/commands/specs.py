"""What the project's own files describe: its specs (the desired state) and the files fastgen
owns whole. Read by every command that compares or syncs; light on imports, so `check` does not
load the rendering and migration machinery."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from fastgen.cache import Memo
from fastgen.errors import FastgenError, UsageError
from fastgen.files import read_spec_text
from fastgen.project import SPECS_DIR, Project
from fastgen.spec.json_schema import SCHEMA_FILE, schema_text
from fastgen.spec.load import load_specs
from fastgen.state import ProjectState

ROLES_PATH = "app/core/roles.py"
ROLES_BLUEPRINT = f"project/{ROLES_PATH}.jinja"


def spec_paths(project: Project) -> list[Path]:
    """The project's spec files: `specs/*.yaml` and `*.yml`. The folder must be the project's
    own (not a link to a folder elsewhere); each file is checked when it is read (only regular
    files are, see `fastgen.files`)."""
    folder = project.root / SPECS_DIR
    if folder.is_symlink():
        raise UsageError(
            f"{SPECS_DIR}/ is a symbolic link (to {folder.resolve()}); not read",
            hint=f"specs are files inside the project: make {SPECS_DIR}/ a real folder",
        )
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []


def spec_texts(paths: list[Path]) -> dict[Path, str] | None:
    """The text of each spec file, read as the loader reads it; None when one cannot be read
    (loading the specs reports it, with every other problem)."""
    try:
        return {path: read_spec_text(path, str(path)) for path in paths}
    except FastgenError:
        return None


def spec_memo(name: str) -> Memo:
    """A cache of what was found by loading specs: it depends on their texts (in each key), on
    fastgen's code, and on pydantic (validation) and ruamel.yaml (parsing)."""
    import pydantic
    import ruamel.yaml

    return Memo(name, f"pydantic {pydantic.VERSION}", f"ruamel.yaml {ruamel.yaml.__version__}")


def specs_key(memo: Memo, project: Project, texts: Mapping[Path, str], *more: str) -> str:
    """The key of what loading exactly these spec files (names and texts) in this project (its
    roles) gives, with `more` inputs."""
    return memo.key(
        "\0".join(project.roles),
        *more,
        *(part for path, text in texts.items() for part in (str(path), text)),
    )


def desired_state(
    project: Project,
    texts: Mapping[Path, str] | None = None,
    locked: Collection[str] | None = None,
) -> ProjectState:
    """The state the project's specs describe (with `texts` standing in for some files);
    `locked` are the resources of the lock file, which a pending `renamed_from` must name."""
    paths = spec_paths(project)
    state = ProjectState()
    for spec in load_specs(paths, roles=project.roles, texts=texts, locked=locked):
        state = state.with_resource(spec)
    return state


def owned_files() -> dict[str, str]:
    """Files fastgen owns whole (never edited by hand): path -> what they must contain."""
    return {SCHEMA_FILE: schema_text()}


def roles_module(project: Project) -> str:
    """What app/core/roles.py (owned whole, like the JSON schema) must contain for the roles
    `[tool.fastgen] roles` declares: the project's blueprint rendered and formatted the way
    `fastgen new` wrote it. Jinja and the formatter are imported here, so that importing this
    module stays light."""
    from fastgen.render.environment import make_environment
    from fastgen.render.pyformat import format_python

    env = make_environment(project.override_dir)
    text = env.get_template(ROLES_BLUEPRINT).render(roles=list(project.roles))
    return format_python(text, ROLES_PATH)
