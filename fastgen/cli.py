"""The command line: flags in, calls out, results and errors turned into output and exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

import fastgen
from fastgen.commands.outcome import Outcome
from fastgen.errors import ConflictError, FastgenError, SpecError
from fastgen.write import Action, apply

if TYPE_CHECKING:
    from fastgen.project import Project

EPILOG = (
    "Exit codes: 0 done or nothing to do; 1 check found drift or plan has pending changes; "
    "2 bad input (spec or usage); 3 conflict with hand edits (nothing written)."
)

app = typer.Typer(
    name="fastgen",
    help="Generate and evolve async FastAPI backends from YAML resource specs.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
add_app = typer.Typer(help="Add resources to a project.", no_args_is_help=True)
app.add_typer(add_app, name="add")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

_STYLES = {Action.CREATE: "green", Action.PATCH: "yellow", Action.IDENTICAL: "blue"}


@dataclass
class Options:
    project: Path | None = None
    dry_run: bool = False
    debug: bool = False


def _version(value: bool) -> None:
    if value:
        out.print(f"fastgen {fastgen.__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    project: Annotated[
        Path | None,
        typer.Option("--project", help="The project folder (default: found from the current one)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change, as diffs; write nothing.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    ctx.obj = Options(project=project, dry_run=dry_run, debug=debug)


def _options(ctx: typer.Context) -> Options:
    options = ctx.find_root().obj
    return options if isinstance(options, Options) else Options()


def _fail(error: FastgenError) -> NoReturn:
    if isinstance(error, SpecError):
        err.print(escape(error.render()))
        err.print(f"[red]{escape(error.message)}[/red]")
    elif isinstance(error, ConflictError):
        err.print(f"[red]error:[/red] {escape(error.message)}")
        for conflict in error.conflicts:
            err.print(f"\n{escape(conflict.path)}: {escape(conflict.reason)}")
            err.print(f"  add this {escape(conflict.where)}:")
            for line in conflict.snippet.splitlines():
                err.print(f"    {escape(line)}")
    else:
        err.print(f"[red]error:[/red] {escape(error.message)}")
        if error.hint:
            err.print(f"  hint: {escape(error.hint)}")
    raise typer.Exit(error.exit_code)


def _run(ctx: typer.Context, produce: Callable[[Options], Outcome]) -> None:
    options = _options(ctx)
    try:
        outcome = produce(options)
        _report(outcome, dry_run=options.dry_run)
        if not options.dry_run:
            apply(outcome.root, outcome.changeset)
    except FastgenError as error:
        if options.debug:
            raise
        _fail(error)
    except OSError as error:
        if options.debug:
            raise
        _fail(FastgenError(f"cannot write the project: {error}"))


def _report(outcome: Outcome, *, dry_run: bool) -> None:
    for operation in outcome.operations:
        out.print(escape(operation))
    if outcome.operations:
        out.print()
    for change in outcome.changeset.changes:
        style = _STYLES[change.action]
        out.print(f"  [{style}]{change.action.value:>9}[/{style}]  {escape(change.path)}")
        if dry_run and change.action is not Action.IDENTICAL:
            out.print(escape(change.diff()), end="")
    if outcome.changeset.is_noop:
        out.print(escape(outcome.summary))
        return
    if dry_run:
        out.print("\ndry run: nothing was written")
        return
    out.print(f"\n{escape(outcome.summary)}")
    if outcome.next_steps:
        out.print("\nnext steps:")
        for step in outcome.next_steps:
            out.print(f"  {escape(step)}")


def _project(options: Options) -> Project:
    from fastgen.project import find_project

    return find_project(options.project or Path.cwd())


@app.command(
    epilog="Examples:\n\n  fastgen new bookshop\n\n  fastgen new shop --db postgresql",
)
def new(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Project name; also the folder created.")],
    db: Annotated[
        str, typer.Option("--db", help="Database the project starts with: sqlite or postgresql.")
    ] = "sqlite",
    directory: Annotated[
        Path, typer.Option("--directory", "-C", help="Where to create the project folder.")
    ] = Path("."),
) -> None:
    """Create a new project: app, migrations, tests; runnable and green before any resource."""
    from fastgen.commands.new import new_project

    _run(ctx, lambda options: new_project(name, directory=directory, db=db))


@add_app.command(
    "resource",
    epilog="Examples:\n\n  fastgen add resource specs/book.yaml\n\n"
    "  fastgen add resource ../specs/author.yaml ../specs/book.yaml",
)
def add_resource_command(
    ctx: typer.Context,
    specs: Annotated[list[Path], typer.Argument(help="Spec files (YAML), one resource each.")],
) -> None:
    """Add resources: the spec is copied to specs/, then models, router, tests and a migration."""
    from fastgen.commands.add_resource import add_resource

    _run(ctx, lambda options: add_resource(_project(options), specs))


@app.command(epilog="Example:\n\n  fastgen validate specs/*.yaml")
def validate(
    ctx: typer.Context,
    specs: Annotated[list[Path], typer.Argument(help="Spec files (YAML) to check.")],
) -> None:
    """Check spec files and report every problem; writes nothing."""
    from fastgen.spec.load import load_specs

    options = _options(ctx)
    try:
        loaded = load_specs(specs)
    except FastgenError as error:
        if options.debug:
            raise
        _fail(error)
    for spec in loaded:
        out.print(f"ok  {escape(spec.resource)} ({len(spec.fields)} fields, table {spec.table})")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted; nothing was written")
        sys.exit(130)
