"""From the applied state to a desired one: plan, decide, render, merge, migrate.

Every command that changes a project ends here. The plan (`fastgen.plan.diff`) is computed first
and checked: changes that need a default the spec does not give are refused (exit 2), destructive
ones need a yes from a person or `--allow-destructive`. Then:

- new resources get their files rendered from the blueprints; removed ones lose their files and
  their wiring (`fastgen.commands.removal`);
- changed resources are rendered twice, from the old and from the new spec, and the difference is
  merged into the files on disk node by node (`fastgen.patch.merge`), so hand edits survive;
- one Alembic revision, chained to the current head, carries the schema change; when the history
  has several heads (two branches merged) and the command may merge them (`sync`), a merge
  revision joins them first and the new revision chains to it;
- the lock file records the new state.

Nothing is written here: the result is an `Outcome` whose changeset the CLI applies at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from fastgen.commands.outcome import Outcome
from fastgen.errors import ConflictError, PatchConflict, UsageError
from fastgen.history import heads, read_history, single_head
from fastgen.patch import include_router, register_model_module
from fastgen.plan import (
    AddField,
    AddOwner,
    AddRelation,
    AddResource,
    AlterField,
    AlterRelation,
    ChangeResource,
    Operation,
    RemoveField,
    RemoveOwner,
    RemoveRelation,
    RemoveResource,
    RenameField,
    RenameResource,
    Safety,
    diff,
)
from fastgen.plan.merge_heads import MergeHeads
from fastgen.plural import counted
from fastgen.project import (
    LOCK_FILE,
    MAIN_PATH,
    REGISTRY_PATH,
    SPECS_DIR,
    VERSIONS_DIR,
    Project,
)
from fastgen.record import recorded
from fastgen.render.environment import make_environment
from fastgen.render.pyformat import format_python_files
from fastgen.render.resource import module_name, render_factories_init, render_resource
from fastgen.state import ProjectState, dump_lock
from fastgen.write import Changeset, FileChange, changes_for, read_text

if TYPE_CHECKING:
    import jinja2

# libcst (`fastgen.patch.merge`), SQLAlchemy and Alembic (`fastgen.render.schema_change`,
# `fastgen.render.migration`) are imported by the steps that use them: a command with nothing
# to do, or with no file to merge or no migration to write, never loads them.


@dataclass(frozen=True)
class Decisions:
    """Answers to the questions a plan may raise. `confirm` asks a person (None: nobody to ask)."""

    allow_destructive: bool = False
    dry_run: bool = False
    confirm: Callable[[Sequence[str]], bool] | None = None
    force: bool = False  # delete generated files even when they were edited by hand
    owner_default: str | None = None  # email of the account given rows when owner_id is added


def evolve(
    project: Project,
    old: ProjectState,
    new: ProjectState,
    *,
    spec_files: Mapping[str, str],
    decisions: Decisions,
    operations: Sequence[Operation] | None = None,
    deleted_specs: Sequence[str] = (),
    merge_heads: bool = False,
) -> Outcome:
    """`spec_files` are spec texts to write along with the code (relative path -> text),
    `deleted_specs` spec files to delete with it; `operations` is `diff(old, new)` when the
    caller has it already; `merge_heads` lets it write a merge revision when the migrations
    have several heads (otherwise a revision to write there is refused)."""
    if operations is None:
        operations = diff(old, new)
    operations = with_owner_default(operations, decisions.owner_default)
    merge = heads_to_merge(project) if merge_heads else None
    if not operations and merge is None:
        unchanged = dict(spec_files)
        if old.merged_revisions:  # a git merge whose migrations were joined by hand
            unchanged[LOCK_FILE] = dump_lock(_settled(project, old))
        owned = recorded(project.root, Changeset(changes_for(project.root, unchanged.items())))
        summary = "nothing to do: specs and code agree"
        if not owned.is_noop:
            summary = "specs and code agree; files fastgen owns brought up to date"
        return Outcome(project.root, owned, summary)
    _require_defaults(operations)
    _confirm_destructive(operations, decisions)

    env = make_environment(project.override_dir)
    rendered: list[tuple[str, str]] = []  # new files, formatted below with the merge inputs
    files: dict[str, str] = dict(spec_files)
    renamed = [op for op in operations if isinstance(op, RenameResource)]
    if renamed:
        files.update(_rewire(project, renamed))
    added = [op.spec for op in operations if isinstance(op, AddResource)]
    if added:
        files.update(_wire_resources(project, [module_name(spec) for spec in added], files))
        for spec in added:
            rendered.extend(render_resource(env, spec, new))
        factories_path, factories_text = render_factories_init(env)
        if read_text(project.root, factories_path) is None:
            rendered.append((factories_path, factories_text))
    removed = [op.spec for op in operations if isinstance(op, RemoveResource)]
    if removed:
        from fastgen.commands.removal import unwire_resources

        files.update(unwire_resources(project, [module_name(spec) for spec in removed]))
    generated = [file for spec in removed for file in render_resource(env, spec, old)]
    joined = _merge_revision(env, project, merge) if merge is not None else None
    if joined is not None:
        rendered.append((joined.path, joined.text))
    revision = _revision(env, project, operations, old, new, after=joined)
    if revision is not None:
        rendered.append((revision.path, revision.text))
    # A change without a revision keeps the last one written: `check` looks for it.
    last = revision or joined
    if last is not None:
        new = replace(new, revision=last.revision, merged_revisions=())
    else:
        new = replace(new, revision=_settled(project, old).revision, merged_revisions=())
    previous = {op.new.resource: op.old.resource for op in renamed}  # new name -> old name
    if renamed:  # any resource's code may name a renamed one
        changed = [name for name in new.resources if previous.get(name, name) in old.resources]
    else:
        changed = _changed_resources(operations, old, new)
    pairs = [
        (old_file, new_file)
        for name in changed
        for old_file, new_file in zip(
            render_resource(env, old.resources[previous.get(name, name)], old),
            render_resource(env, new.resources[name], new),
            strict=True,
        )
    ]
    paired = [f for pair in pairs for f in pair]
    formatted = format_python_files([*rendered, *paired, *generated])
    files.update(formatted[: len(rendered)])
    forms = _rename_forms(renamed)
    merging = formatted[len(rendered) : len(rendered) + len(paired)]
    merged, moved, conflicts = _merge(project, merging, forms)
    moved_to = {  # a renamed resource's modules at their new paths, as generated
        new_path: new_text
        for (path, _), (new_path, new_text) in zip(merging[::2], merging[1::2], strict=True)
        if path != new_path
    }
    if conflicts:
        raise ConflictError(conflicts)
    files.update(merged)
    files[LOCK_FILE] = dump_lock(new)

    changes = changes_for(project.root, files.items())
    _refuse_overwrites(changes, owned={*files} - {path for path, _ in rendered})
    changes += tuple(FileChange(path, read_text(project.root, path), None) for path in moved)
    changes += _moved_specs(project, renamed, files)
    if removed or deleted_specs:
        from fastgen.commands.removal import deletions

        generated = formatted[len(rendered) + len(paired) :]
        changes += tuple(deletions(project, generated, force=decisions.force))
        changes += tuple(
            FileChange(path, read_text(project.root, path), None) for path in deleted_specs
        )
    return Outcome(
        root=project.root,
        changeset=recorded(project.root, Changeset(changes), generated=moved_to),
        summary=_summary(operations, revision, joined),
        next_steps=("alembic upgrade head", "pytest") if last else ("pytest",),
        operations=tuple(op.label() for op in ([merge] if merge else []) + list(operations)),
    )


def with_owner_default(operations: Sequence[Operation], email: str | None) -> list[Operation]:
    """The plan with `email` as the account that owns the rows that exist of each resource
    gaining owner_id (`--owner-default`); an email with no such resource is a usage error."""
    if email is None:
        return list(operations)
    address = email.strip()
    local, _, domain = address.partition("@")
    if not local or "." not in domain or any(c.isspace() or c in "'\"\\" for c in address):
        raise UsageError(
            f"--owner-default {email!r}: not an email address",
            hint="name the account to give the rows that exist to, "
            "e.g. --owner-default admin@example.com",
        )
    if not any(isinstance(op, AddOwner) for op in operations):
        raise UsageError(
            "--owner-default: no resource gains `owner` in this change, so no rows need one",
            hint="use it with the sync that first names `owner` in a resource's access lists",
        )
    return [
        replace(op, default_email=address) if isinstance(op, AddOwner) else op for op in operations
    ]


def _require_defaults(operations: Sequence[Operation]) -> None:
    missing = [op for op in operations if op.safety is Safety.NEEDS_DEFAULT]
    relations = [op for op in missing if isinstance(op, AddRelation | AlterRelation)]
    if relations:
        names = ", ".join(f"{op.resource}.{_relation_name(op)}" for op in relations)
        raise UsageError(
            f"{names}: a required relation, and the table may already hold rows that have "
            "nothing to point to",
            hint="make it `optional: true` first; once every row has a value, make it "
            "required in a later sync",
        )
    if not missing:
        return
    names = ", ".join(_field_name(op) for op in missing)
    raise UsageError(
        f"{names}: required, and the table may already hold rows that need a value",
        hint="give the field a default (`default:` in the spec, or --default on add column) "
        "to fill the rows that exist, or make it optional (`?`)",
    )


def _relation_name(op: Operation) -> str:
    if isinstance(op, AddRelation):
        return op.relation.name
    assert isinstance(op, AlterRelation)
    return op.new.name


def _field_name(op: Operation) -> str:
    if isinstance(op, AddField):
        return f"{op.resource}.{op.field.name}"
    if isinstance(op, AlterField):
        return f"{op.resource}.{op.new.name}"
    return op.describe()


def _confirm_destructive(operations: Sequence[Operation], decisions: Decisions) -> None:
    destructive = [op.label() for op in operations if op.safety is Safety.DESTRUCTIVE]
    if not destructive or decisions.allow_destructive or decisions.dry_run:
        return
    if decisions.confirm is not None and decisions.confirm(destructive):
        return
    asked = decisions.confirm is not None
    raise UsageError(
        ("destructive changes" if len(destructive) > 1 else "destructive change")
        + " not confirmed: "
        + "; ".join(destructive),
        hint="data in these columns (or tables) may be lost or not fit; "
        + ("nothing was written" if asked else "no terminal to ask: ")
        + ("" if asked else "pass --allow-destructive to go ahead"),
    )


def _changed_resources(
    operations: Sequence[Operation], old: ProjectState, new: ProjectState
) -> list[str]:
    """Resources whose code is rendered again: the ones an operation changes, and the targets
    of relations added or removed (their code may show the other side), when they have a spec
    before and after."""
    names: list[str] = []
    for op in operations:
        if isinstance(op, RemoveResource):  # its targets' code may show the other side
            found = [relation.target for relation in op.spec.relations]
        elif not isinstance(
            op,
            AddField
            | RemoveField
            | AlterField
            | RenameField
            | ChangeResource
            | AddRelation
            | RemoveRelation
            | AlterRelation
            | AddOwner
            | RemoveOwner,
        ):
            continue
        else:
            found = [op.resource]
        if isinstance(op, AddRelation | RemoveRelation):
            found.append(op.relation.target)
        if isinstance(op, AlterRelation):
            found.extend([op.old.target, op.new.target])
        for name in found:
            if name not in names and name in old.resources and name in new.resources:
                names.append(name)
    return names


def _wire_resources(
    project: Project, modules: list[str], texts: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The model registry and main.py (as `texts` has them, or on disk), patched to import and
    mount the new modules."""
    texts = texts or {}
    registry = texts.get(REGISTRY_PATH) or read_text(project.root, REGISTRY_PATH) or ""
    main = texts.get(MAIN_PATH) or read_text(project.root, MAIN_PATH) or ""
    conflicts: list[PatchConflict] = []
    for module in modules:
        registry_result = register_model_module(registry, module)
        main_result = include_router(main, module)
        registry, main = registry_result.source, main_result.source
        conflicts.extend(r.conflict for r in (registry_result, main_result) if r.conflict)
    if conflicts:
        raise ConflictError(conflicts)
    return {REGISTRY_PATH: registry, MAIN_PATH: main}


def _rewire(project: Project, renamed: Sequence[RenameResource]) -> dict[str, str]:
    """The model registry and main.py, patched to import and mount the renamed resources'
    modules under their new names."""
    from fastgen.commands.removal import unwire_resources

    unwired = unwire_resources(project, [module_name(op.old) for op in renamed])
    return _wire_resources(project, [module_name(op.new) for op in renamed], unwired)


def _moved_specs(
    project: Project, renamed: Sequence[RenameResource], files: Mapping[str, str]
) -> tuple[FileChange, ...]:
    """A renamed resource's spec moved to the file named after its new module, as `add
    resource` names spec files (`specs/visit.yaml`), unless it is there already or another
    file has that name. Its text stays as it is."""
    changes: list[FileChange] = []
    for op in renamed:
        source = f"{SPECS_DIR}/{module_name(op.old)}.yaml"
        target = f"{SPECS_DIR}/{module_name(op.new)}.yaml"
        text = read_text(project.root, source)
        if source == target or source in files or target in files or text is None:
            continue
        declared = re.search(r"^resource:[ \t]*['\"]?([A-Za-z0-9]+)", text, re.MULTILINE)
        if declared is None or declared.group(1) != op.new.resource:
            continue
        if read_text(project.root, target) is not None:
            continue
        changes += [FileChange(target, None, text), FileChange(source, text, None)]
    return tuple(changes)


def _rename_forms(renamed: Sequence[RenameResource]) -> dict[str, str]:
    """How the names of generated code change with the renamed resources (old -> new)."""
    if not renamed:
        return {}
    from fastgen.patch.rename_names import name_forms

    forms: dict[str, str] = {}
    for op in renamed:
        tables = (op.old.table, op.new.table)
        forms.update(name_forms(op.old.resource, op.new.resource, tables))
    return forms


def _merge(
    project: Project, pairs_flat: Sequence[tuple[str, str]], forms: Mapping[str, str]
) -> tuple[dict[str, str], list[str], list[PatchConflict]]:
    """The files merged (path -> text), the files moved away from (a renamed resource's
    modules), and the conflicts. `forms` are the renamed resources' names (old -> new): the
    names they change are changed in the file on disk before the merge."""
    merged: dict[str, str] = {}
    renamed: list[str] = []  # files whose names changed: imports sorted and lines fit again
    moved: list[str] = []
    conflicts: list[PatchConflict] = []
    if not pairs_flat:
        return merged, moved, conflicts
    for index in range(0, len(pairs_flat), 2):
        (path, old_text), (new_path, new_text) = pairs_flat[index], pairs_flat[index + 1]
        if old_text == new_text and path == new_path:
            continue
        if path != new_path and read_text(project.root, new_path) is not None:
            conflicts.append(
                PatchConflict(
                    path=new_path,
                    reason=f"the file already exists, and {path} is to be moved there "
                    "(the resource is renamed)",
                    snippet=f"move {new_path} away, or delete it, then run the command again",
                    where="(whole file)",
                )
            )
            continue
        current = read_text(project.root, path)
        if current in (old_text, new_text):  # not edited by hand: the new version as it is
            merged[new_path] = new_text
            if path != new_path:
                moved.append(path)
            continue
        if current is None:
            conflicts.append(
                PatchConflict(
                    path=path,
                    reason="the file is missing (deleted or moved by hand?)",
                    snippet=new_text,
                    where="as the whole file (or restore it from version control and rerun)",
                )
            )
            continue
        from fastgen.patch.merge import merge_generated  # libcst: only for files edited by hand
        from fastgen.patch.rename_names import name_mapping, rename_names, stale_names

        mapping = name_mapping(old_text, new_text, forms)
        renamed_old = rename_names(old_text, mapping)
        current = rename_names(current, mapping)
        result = merge_generated(current, renamed_old, new_text, new_path)
        conflicts.extend(result.conflicts)
        stale = stale_names(old_text, new_text, forms, result.source) if forms else []
        if stale and not result.conflicts:
            conflicts.append(
                PatchConflict(
                    path=new_path,
                    reason=f"code written by hand uses {', '.join(stale)}, which the renamed "
                    "resource no longer has",
                    snippet="\n".join(f"{name}  ->  its new name" for name in stale),
                    where=f"in {path}: rename these by hand, then run the command again",
                )
            )
        merged[new_path] = result.source
        if mapping:
            renamed.append(new_path)
        if path != new_path:
            moved.append(path)
    if renamed and not conflicts:
        merged.update(format_python_files([(path, merged[path]) for path in renamed]))
    return merged, moved, conflicts


@dataclass(frozen=True)
class _Revision:
    revision: str
    path: str
    text: str


def _settled(project: Project, old: ProjectState) -> ProjectState:
    """The lock's state with one revision: after a git merge (several revisions recorded), the
    one head the migrations have, or were given by hand."""
    if not old.merged_revisions:
        return old
    head = single_head(read_history(project.versions_dir), project.versions_dir)
    return replace(old, revision=head, merged_revisions=())


def heads_to_merge(project: Project) -> MergeHeads | None:
    """The heads of the project's migrations when there are several (after a git merge)."""
    found = heads(read_history(project.versions_dir))
    return MergeHeads(tuple(found)) if len(found) > 1 else None


def _merge_revision(env: jinja2.Environment, project: Project, merge: MergeHeads) -> _Revision:
    from fastgen.render.migration import render_merge

    sequence = len(read_history(project.versions_dir)) + 1
    rendered = render_merge(env, merge.heads, sequence=sequence)
    return _Revision(rendered.revision, f"{VERSIONS_DIR}/{rendered.filename}", rendered.text)


def _revision(
    env: jinja2.Environment,
    project: Project,
    operations: Sequence[Operation],
    old: ProjectState,
    new: ProjectState,
    after: _Revision | None = None,
) -> _Revision | None:
    """The revision of the schema change, chained to the head (or to `after`, a merge revision
    written with it)."""
    from fastgen.render.schema_change import schema_change

    change = schema_change(operations, old, new)
    if change.is_empty:
        return None
    from fastgen.render.migration import render_revision

    history = read_history(project.versions_dir)
    rendered = render_revision(
        env,
        message=change.message,
        upgrade=change.upgrade,
        downgrade=change.downgrade,
        down_revision=(
            after.revision if after is not None else single_head(history, project.versions_dir)
        ),
        sequence=len(history) + (2 if after is not None else 1),
    )
    return _Revision(rendered.revision, f"{VERSIONS_DIR}/{rendered.filename}", rendered.text)


def _summary(
    operations: Sequence[Operation], revision: _Revision | None, joined: _Revision | None
) -> str:
    merge = f"joined the migration heads in {joined.path}" if joined is not None else ""
    if not operations and merge:
        return merge
    text = f"applied {counted(len(operations), 'change')}"
    if revision is None:
        text = f"{text}; no database change, so no migration"
    else:
        text = f"{text}; migration {revision.path}"
    return f"{merge}; {text}" if merge else text


def _refuse_overwrites(changes: tuple[FileChange, ...], owned: set[str]) -> None:
    """New files must not replace files someone already has (hand-written, or left from an
    earlier attempt); they are reported instead of overwritten."""
    clashes = [
        c for c in changes if c.before is not None and c.before != c.after and c.path not in owned
    ]
    if clashes:
        raise ConflictError(
            [
                PatchConflict(
                    path=c.path,
                    reason="the file already exists with other content",
                    snippet="move it away, or delete it, then run the command again",
                    where="(whole file)",
                )
                for c in clashes
            ]
        )
