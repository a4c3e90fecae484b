"""The command line: flags in, calls out, results and errors turned into output and exit codes.

No `from __future__ import annotations` here: Typer reads the annotations of every command on
each run, and string annotations cost it an `eval` each (about 20 ms of `fastgen --help`).
Annotations that name modules imported only for type checking are quoted instead.
"""

import gc
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

import fastgen
from fastgen.cli_text import examples
from fastgen.completion import CompletingGroup
from fastgen.errors import ConflictError, FastgenError, SpecError
from fastgen.plural import counted

if TYPE_CHECKING:
    from rich.console import Console

    from fastgen.commands.evolve import Decisions
    from fastgen.commands.outcome import Outcome
    from fastgen.project import Project
    from fastgen.write import Changeset

EPILOG = examples(
    "fastgen new bookshop --role editor",
    "fastgen --project bookshop add resource author.yaml book.yaml",
    "fastgen sync",
    "fastgen check",
    note="Exit codes: 0 done or nothing to do; 1 check found drift or plan has pending "
    "changes; 2 bad input (spec or usage); 3 conflict with hand edits (nothing written).",
)

app = typer.Typer(
    name="fastgen",
    help="Generate and evolve async FastAPI backends from YAML resource specs.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=True,
    cls=CompletingGroup,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
add_app = typer.Typer(
    help="Add resources and columns to a project.",
    epilog=examples("fastgen add resource specs/book.yaml", "fastgen add column Book stock:int?"),
    no_args_is_help=True,
)
app.add_typer(add_app, name="add")
remove_app = typer.Typer(
    help="Remove columns and resources from a project.",
    epilog=examples("fastgen remove column Book summary", "fastgen remove resource Tag"),
    no_args_is_help=True,
)
app.add_typer(remove_app, name="remove")


class _Output:
    """A rich `Console`, made on first use: `--help` and `--version` print without it."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def print(self, *objects: Any, **options: Any) -> None:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr, highlight=False, soft_wrap=True)
        self._console.print(*objects, **options)


out = _Output(stderr=False)
err = _Output(stderr=True)


def escape(text: str) -> str:
    """`text` shown as it is, whatever square brackets it holds (rich markup)."""
    from rich.markup import escape as escape_markup

    return escape_markup(text)


_STYLES = {"create": "green", "patch": "yellow", "identical": "blue", "delete": "red"}
"""By `fastgen.write.Action` value."""


def apply(root: Path, changeset: "Changeset") -> None:
    """`fastgen.write.apply`, imported when a command writes."""
    from fastgen.write import apply as write

    write(root, changeset)


@dataclass
class Options:
    project: Path | None = None
    dry_run: bool = False
    debug: bool = False
    yes: bool = False


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"fastgen {fastgen.__version__}\n")
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
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", "-y", help="Answer yes to every question (destructive changes included)."
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    ctx.obj = Options(project=project, dry_run=dry_run, debug=debug, yes=yes)


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
            err.print(f"  where: {escape(conflict.where)}")
            err.print("  what to write there by hand:")
            for line in conflict.snippet.splitlines():
                err.print(f"    {escape(line)}")
    else:
        err.print(f"[red]error:[/red] {escape(error.message)}")
        if error.hint:
            err.print(f"  hint: {escape(error.hint)}")
    raise typer.Exit(error.exit_code)


def _working(message: str) -> AbstractContextManager[None]:
    """A spinner on stderr while a command works, for a person at a terminal (see
    `fastgen.progress`)."""
    from fastgen.progress import status

    return status(message)


def _run(
    ctx: typer.Context, produce: Callable[[Options], "Outcome"], doing: str = "working"
) -> None:
    from fastgen.write import clear_leftovers

    options = _options(ctx)
    try:
        with _working(f"{doing}…"):
            outcome = produce(options)
        if not options.dry_run and not outcome.changeset.is_noop:
            for leftover in clear_leftovers(outcome.root):  # of a write killed earlier
                out.print(f"  [blue]{'removed':>9}[/blue]  {escape(leftover.describe())}")
        if not options.dry_run:
            apply(outcome.root, outcome.changeset)  # report only what really happened
        _report(outcome, dry_run=options.dry_run)
    except FastgenError as error:
        if options.debug:
            raise
        _fail(error)
    except OSError as error:
        if options.debug:
            raise
        _fail(FastgenError(f"cannot write the project: {error}"))
    except KeyboardInterrupt:  # `apply` has put back what it had written
        err.print("interrupted; nothing was written")
        raise typer.Exit(130) from None


def _report(outcome: "Outcome", *, dry_run: bool) -> None:
    for operation in outcome.operations:
        out.print(escape(operation))
    if outcome.operations:
        out.print()
    kept = 0  # files of the record of what fastgen generated: one line for them all
    for change in outcome.changeset.changes:
        if change.path.startswith(".fastgen/"):
            kept += change.action.value != "identical"
            continue
        style = _STYLES[change.action.value]
        out.print(f"  [{style}]{change.action.value:>9}[/{style}]  {escape(change.path)}")
        if dry_run and change.action.value not in ("identical", "delete"):
            out.print(escape(change.diff()), end="")  # a file deleted shows as its line above
    if kept:
        out.print(f"  [blue]{'record':>9}[/blue]  .fastgen/ ({counted(kept, 'file')})")
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


def _project(options: Options) -> "Project":
    from fastgen.project import find_project

    return find_project(options.project or Path.cwd())


AllowDestructive = Annotated[
    bool,
    typer.Option(
        "--allow-destructive",
        help="Go ahead with changes that drop or narrow columns without asking.",
    ),
]

OwnerDefault = Annotated[
    str | None,
    typer.Option(
        "--owner-default",
        metavar="EMAIL",
        help="When `owner` is added to a resource's access, give the rows that exist to the "
        "account with this email (otherwise they have no owner).",
    ),
]


def _decisions(options: Options, allow_destructive: bool) -> "Decisions":
    """Destructive changes are confirmed by a person at a terminal, else by the flag."""
    from fastgen.commands.evolve import Decisions

    def confirm(labels: Sequence[str]) -> bool:
        from fastgen.progress import paused

        with paused():  # the question is not drawn over
            err.print("[yellow]these changes may lose data:[/yellow]")
            for label in labels:
                err.print(f"  {escape(label)}")
            return typer.confirm("apply them?", default=False, err=True)

    interactive = sys.stdin.isatty() and sys.stderr.isatty()
    return Decisions(
        allow_destructive=allow_destructive or options.yes,
        dry_run=options.dry_run,
        confirm=confirm if interactive else None,
    )


@app.command(
    epilog=examples(
        "fastgen new bookshop",
        "fastgen new shop --db postgresql",
        "fastgen new bookshop --role editor --role moderator",
        "fastgen new shop --db postgresql --database-url postgresql://app@db.internal:5432/shop",
    ),
)
def new(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Project name; also the folder created.")],
    db: Annotated[
        str, typer.Option("--db", help="Database the project starts with: sqlite or postgresql.")
    ] = "sqlite",
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="The database this checkout uses, written to its .env (default: ./NAME.db, "
            "or the database NAME on 127.0.0.1:5432 as user postgres).",
        ),
    ] = None,
    directory: Annotated[
        Path, typer.Option("--directory", "-C", help="Where to create the project folder.")
    ] = Path("."),
    roles: Annotated[
        list[str] | None,
        typer.Option(
            "--role",
            metavar="ROLE",
            help="A role specs may name in `access` (repeatable; admin is always declared). "
            "Kept in pyproject.toml under [tool.fastgen] roles.",
        ),
    ] = None,
) -> None:
    """Create a new project: app with users and login, migrations, tests; runnable and green
    before any resource. Its .env (never committed) gets the database URL and a fresh
    SECRET_KEY; an existing .env is kept."""
    from fastgen.commands.new import new_project

    _run(
        ctx,
        lambda options: new_project(
            name, directory=directory, db=db, roles=roles or (), database_url=database_url
        ),
        doing=f"creating {name}",
    )


@add_app.command(
    "resource",
    epilog=examples(
        "fastgen add resource specs/book.yaml",
        "fastgen add resource ../specs/author.yaml ../specs/book.yaml",
    ),
)
def add_resource_command(
    ctx: typer.Context,
    specs: Annotated[list[Path], typer.Argument(help="Spec files (YAML), one resource each.")],
) -> None:
    """Add resources: the spec is copied to specs/, then models, router, tests and a migration."""
    from fastgen.commands.add_resource import add_resource

    _run(
        ctx,
        lambda options: add_resource(_project(options), specs, _decisions(options, False)),
        doing=f"adding {counted(len(specs), 'resource')}",
    )


@add_app.command(
    "column",
    epilog=examples(
        "fastgen add column User profile_picture_url:url? --max-length 2083",
        "fastgen add column Book stock:int --default 0 --index",
        "fastgen add column Book format:enum --values paper,ebook --default paper",
        "fastgen add column Book stock:int --default 0 --sortable --filterable",
        note="A required column needs --default: the table may already hold rows.",
    ),
)
def add_column_command(
    ctx: typer.Context,
    resource: Annotated[str, typer.Argument(help="The resource (class name), e.g. Book.")],
    column: Annotated[
        str, typer.Argument(help="NAME:TYPE, with a trailing ? for an optional column.")
    ],
    default: Annotated[
        str | None, typer.Option(help="Default value (YAML scalar: 0, true, text).")
    ] = None,
    unique: Annotated[bool, typer.Option("--unique", help="Values must be unique.")] = False,
    index: Annotated[bool, typer.Option("--index", help="Add an index.")] = False,
    min_length: Annotated[int | None, typer.Option(help="Shortest allowed text.")] = None,
    max_length: Annotated[int | None, typer.Option(help="Longest allowed text.")] = None,
    pattern: Annotated[str | None, typer.Option(help="Regular expression values match.")] = None,
    ge: Annotated[str | None, typer.Option(help="Lowest allowed number.")] = None,
    gt: Annotated[str | None, typer.Option(help="Numbers must be greater than this.")] = None,
    le: Annotated[str | None, typer.Option(help="Highest allowed number.")] = None,
    lt: Annotated[str | None, typer.Option(help="Numbers must be less than this.")] = None,
    max_digits: Annotated[int | None, typer.Option(help="Decimal: total digits.")] = None,
    decimal_places: Annotated[int | None, typer.Option(help="Decimal: digits after the point.")] = (
        None
    ),
    values: Annotated[str | None, typer.Option(help="Enum values, comma separated.")] = None,
    read_only: Annotated[bool, typer.Option("--read-only", help="Never set by clients.")] = False,
    write_only: Annotated[bool, typer.Option("--write-only", help="Never returned.")] = False,
    sortable: Annotated[
        bool, typer.Option("--sortable", help="The list endpoint sorts by it (sort=NAME).")
    ] = False,
    filterable: Annotated[
        bool, typer.Option("--filterable", help="The list endpoint filters by it (NAME=...).")
    ] = False,
    description: Annotated[str | None, typer.Option(help="Shown in the API docs.")] = None,
    allow_destructive: AllowDestructive = False,
) -> None:
    """Add a column: the spec is edited in place, then models, schemas, tests and a migration."""
    from fastgen.commands.columns import add_column
    from fastgen.spec.edit import ColumnOptions

    def produce(options: Options) -> "Outcome":
        column_options = ColumnOptions(
            default=default,
            unique=unique,
            index=index,
            min_length=min_length,
            max_length=max_length,
            pattern=pattern,
            ge=_number(ge, "--ge"),
            gt=_number(gt, "--gt"),
            le=_number(le, "--le"),
            lt=_number(lt, "--lt"),
            max_digits=max_digits,
            decimal_places=decimal_places,
            values=tuple(v.strip() for v in values.split(",") if v.strip()) if values else None,
            read_only=read_only,
            write_only=write_only,
            sortable=sortable,
            filterable=filterable,
            description=description,
        )
        return add_column(
            _project(options),
            resource,
            column,
            column_options,
            _decisions(options, allow_destructive),
        )

    _run(ctx, produce, doing=f"adding {resource}.{column.split(':')[0]}")


def _number(text: str | None, flag: str) -> int | float | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        from fastgen.errors import UsageError

        raise UsageError(f"{flag} {text!r}: not a number") from None


@remove_app.command(
    "column",
    epilog=examples(
        "fastgen remove column Book summary",
        "fastgen remove column Book summary --allow-destructive   (no terminal, e.g. CI)",
    ),
)
def remove_column_command(
    ctx: typer.Context,
    resource: Annotated[str, typer.Argument(help="The resource (class name), e.g. Book.")],
    name: Annotated[str, typer.Argument(help="The field to remove.")],
    allow_destructive: AllowDestructive = False,
) -> None:
    """Remove a column from the spec, the code and the database (asks first: data is lost)."""
    from fastgen.commands.columns import remove_column

    _run(
        ctx,
        lambda options: remove_column(
            _project(options), resource, name, _decisions(options, allow_destructive)
        ),
        doing=f"removing {resource}.{name}",
    )


@remove_app.command(
    "resource",
    epilog=examples(
        "fastgen remove resource Tag",
        "fastgen remove resource Tag --dry-run   (show what would go, and the migration)",
        "fastgen remove resource Tag --allow-destructive   (no terminal, e.g. CI)",
        note="Refused (exit 2) while another spec has a relation to it; a generated file edited "
        "by hand is a conflict (exit 3) unless --force.",
    ),
)
def remove_resource_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The resource (class name), e.g. Tag.")],
    allow_destructive: AllowDestructive = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Delete its generated files even if edited by hand."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be removed; write nothing.")
    ] = False,
) -> None:
    """Remove a resource: its spec, model, router, factory and tests, their wiring, and (by a
    new migration) its table, link tables and enum types, with every row (asks first)."""
    from dataclasses import replace

    from fastgen.commands.remove_resource import remove_resource

    options = _options(ctx)
    options.dry_run = options.dry_run or dry_run
    _run(
        ctx,
        lambda options: remove_resource(
            _project(options),
            name,
            replace(_decisions(options, allow_destructive), force=force),
        ),
        doing=f"removing {name}",
    )


@app.command(
    epilog=examples(
        "fastgen sync",
        "fastgen --dry-run sync",
        "fastgen sync --allow-destructive   (no terminal, e.g. CI)",
        "fastgen sync --rename-from Book.abstract=summary",
        "fastgen sync --owner-default admin@example.com   (`owner` added to a resource's access)",
        note="Rename a field by giving it its new name and `renamed_from: old_name` in the spec.",
    ),
)
def sync(
    ctx: typer.Context,
    allow_destructive: AllowDestructive = False,
    owner_default: OwnerDefault = None,
    rename_from: Annotated[
        list[str] | None,
        typer.Option(
            "--rename-from",
            metavar="RESOURCE.NEW=OLD",
            help="Treat field NEW as OLD renamed (same as `renamed_from: OLD` in the spec); "
            "repeatable.",
        ),
    ] = None,
) -> None:
    """Apply every spec change since the last command: code patches and one migration."""
    from dataclasses import replace

    from fastgen.commands.sync import parse_renames
    from fastgen.commands.sync import sync as run_sync

    _run(
        ctx,
        lambda options: run_sync(
            _project(options),
            replace(_decisions(options, allow_destructive), owner_default=owner_default),
            renames=parse_renames(rename_from or []),
        ),
        doing="syncing",
    )


@app.command(
    epilog=examples(
        "fastgen upgrade",
        "fastgen upgrade --dry-run   (show the diff; write nothing)",
        note="A node both the blueprint and a person changed is a conflict (exit 3): nothing is "
        "written, and the code to paste is shown.",
    ),
)
def upgrade(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change, as diffs; write nothing.")
    ] = False,
) -> None:
    """Carry this fastgen's blueprints into the generated files, keeping hand edits: a
    three-way merge of what fastgen generated then, what it generates now and what is on disk."""
    from fastgen.commands.upgrade import upgrade as run_upgrade

    options = _options(ctx)
    options.dry_run = options.dry_run or dry_run
    _run(ctx, lambda options: run_upgrade(_project(options)), doing="upgrading")


JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON document instead of text.")
]


def _print_json(document: object) -> None:
    import json

    sys.stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")


@app.command(
    epilog=examples(
        "fastgen plan",
        "fastgen plan --json",
        note="Exit 0: nothing pending; 1: changes pending; 2: bad spec; 3: a patch would conflict.",
    ),
)
def plan(
    ctx: typer.Context, as_json: JsonOption = False, owner_default: OwnerDefault = None
) -> None:
    """Show what `sync` would do: each operation (safe / destructive / needs-default) and a
    unified diff of every file that would change. Writes nothing."""
    from fastgen.commands.plan import plan as compute

    options = _options(ctx)
    try:
        with _working("planning…"):
            result = compute(_project(options), owner_default=owner_default)
    except FastgenError as error:
        if options.debug:
            raise
        _fail(error)
    if as_json:
        _print_json(result.as_json())
    else:
        for operation in result.operations:
            out.print(escape(operation.label()))
        if result.operations:
            out.print()
        for change in result.changes:
            style = _STYLES[change.action.value]
            out.print(f"  [{style}]{change.action.value:>9}[/{style}]  {escape(change.path)}")
            out.print(escape(change.diff()), end="")
        if result.blocked:
            err.print(f"[yellow]cannot render yet:[/yellow] {escape(result.blocked)}")
        out.print("changes pending: run `fastgen sync`" if result.pending else "nothing to do")
    raise typer.Exit(1 if result.pending else 0)


@app.command(
    epilog=examples(
        "fastgen check",
        "fastgen check --json",
        note="Exit 0: everything agrees; 1: findings (listed); 2: bad usage.",
    ),
)
def check(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Check that specs, fastgen.lock, generated code and migrations agree (for CI). Writes
    nothing."""
    from fastgen.commands.check import check as run_check

    options = _options(ctx)
    try:
        with _working("checking…"):
            findings = run_check(_project(options))
    except FastgenError as error:
        if options.debug:
            raise
        _fail(error)
    if as_json:
        _print_json({"ok": not findings, "findings": [f.as_json() for f in findings]})
    elif findings:
        for finding in findings:
            out.print(f"[red]{escape(finding.kind)}[/red]: {escape(finding.message)}")
            out.print(f"  fix: {escape(finding.fix)}")
        out.print(f"\n{counted(len(findings), 'finding')}")
    else:
        out.print("ok: specs, lock file, code and migrations agree")
    raise typer.Exit(1 if findings else 0)


@app.command(
    epilog=examples(
        "fastgen schema > fastgen-spec.schema.json",
        note="Spec files then start with:\n\n\b\n"
        "  # yaml-language-server: $schema=../fastgen-spec.schema.json",
    ),
)
def schema() -> None:
    """Print the JSON Schema of the spec format, for editors and other tools."""
    from fastgen.spec.json_schema import schema_text

    sys.stdout.write(schema_text())


@app.command(epilog=examples("fastgen validate specs/*.yaml", "fastgen validate book.yaml"))
def validate(
    ctx: typer.Context,
    specs: Annotated[list[Path], typer.Argument(help="Spec files (YAML) to check.")],
) -> None:
    """Check spec files and report every problem; writes nothing. Inside a project, the roles
    in `access` are checked against its `[tool.fastgen] roles`."""
    from fastgen.errors import Diagnostic, UsageError
    from fastgen.spec.load import load_specs

    options = _options(ctx)
    warnings: list[Diagnostic] = []
    try:
        try:
            roles: tuple[str, ...] | None = _project(options).roles
        except UsageError:  # not in a project: any role name is accepted
            roles = None
        with _working(f"validating {counted(len(specs), 'spec')}…"):
            loaded = load_specs(specs, roles=roles, warnings=warnings)
    except FastgenError as error:
        if options.debug:
            raise
        _fail(error)
    for warning in warnings:  # the specs are valid all the same: the exit code stays 0
        err.print(escape(warning.render()))
    for spec in loaded:
        fields = counted(len(spec.fields), "field")
        out.print(f"ok  {escape(spec.resource)} ({fields}, table {spec.table})")


def main() -> None:
    # A command is one short run whose objects mostly live until it ends (modules, specs, syntax
    # trees): the cyclic garbage collector runs less often meanwhile, and what is left at the
    # end is frozen, so that the interpreter does not walk it all once more on its way out.
    gc.set_threshold(20_000, 50, 100)
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted; nothing was written")
        sys.exit(130)
    finally:
        gc.freeze()
