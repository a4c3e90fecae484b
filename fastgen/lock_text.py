"""The text of `fastgen.lock`, written so that git can merge it.

    # fastgen.lock: ...
    fastgen-lock 2
    revision 0a1b2c3d4e5f
    resource Author
    {"fields": [...], "resource": "Author", ...}
    end Author
    resource Book
    ...

One block per resource, in name order: a resource's spec is the one line between two lines that
name it, so a branch that changes `Author` and one that adds `Book` touch lines git keeps apart,
and two branches that each add a resource insert whole blocks. What git cannot merge on its own
is the `revision` line both branches wrote; with `fastgen.lock merge=union` in `.gitattributes`
(every new project has it) git keeps both lines, and without it the conflict markers are read
the same way: the lock is the union of both sides. Its revisions are then the ones each branch
recorded (`ProjectState.merged_revisions`), and `fastgen sync` writes the merge revision and a
settled lock. Only a resource both branches changed is refused: two different blocks of one
resource, and nothing to tell which changes the migrations made.

The first format, one JSON document (`{"fastgen_lock": 1, ...}`), is still read; the next
command that writes the lock writes this one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from fastgen.errors import UsageError
from fastgen.spec.model import ResourceSpec
from fastgen.state import ProjectState

LOCK_FORMAT = 2
_HEADER = (
    "# fastgen.lock: the resource specs as the migrations built them, written by fastgen.\n"
    "# One block per resource, so git merges branches; after a merge, `fastgen sync` settles it.\n"
)
_MARKER = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?: |$)")
_HINT = "restore it from version control; fastgen never edits it by hand"


def dump(state: ProjectState) -> str:
    lines = [f"fastgen-lock {LOCK_FORMAT}"]
    lines.extend(f"revision {revision}" for revision in state.recorded_revisions)
    for name, spec in sorted(state.resources.items()):
        data = spec.model_dump(mode="json", exclude_unset=True)
        lines += [f"resource {name}", json.dumps(data, sort_keys=True, ensure_ascii=False)]
        lines.append(f"end {name}")
    return _HEADER + "\n".join(lines) + "\n"


def parse(text: str, origin: str) -> ProjectState:
    if text.lstrip().startswith("{"):
        return _parse_json(text, origin)
    lines, conflicted = _union(text.splitlines())
    try:
        return _parse_blocks(lines, conflicted)
    except (ValueError, ValidationError) as exc:
        raise UsageError(f"{origin}: the lock file is damaged: {exc}", hint=_HINT) from exc
    except _BothChanged as exc:
        raise UsageError(
            f"{origin}: the branches merged into it both changed {exc.name}, so it holds two "
            f"versions of {exc.name} and fastgen cannot tell which changes the migrations made",
            hint=f"merge one branch into the other before both change {exc.name}: undo this "
            "merge, remove one branch's change to it (its spec lines and its revision), merge, "
            "then make that change again and run `fastgen sync`",
        ) from None


class _BothChanged(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def _union(lines: list[str]) -> tuple[list[str], bool]:
    """The lines of both sides of every git conflict, without the markers and without the
    common ancestor's lines (`|||||||` to `=======`, in the diff3 style)."""
    kept: list[str] = []
    conflicted = False
    in_base = False
    for line in lines:
        marker = _MARKER.match(line)
        if marker is None:
            if not in_base:
                kept.append(line)
            continue
        conflicted = True
        in_base = marker[1].startswith("|")
    return kept, conflicted


def _parse_blocks(lines: list[str], conflicted: bool) -> ProjectState:
    content = [line for line in lines if line.strip() and not line.startswith("#")]
    if not content or content[0] != f"fastgen-lock {LOCK_FORMAT}":
        found = content[0] if content else "nothing"
        raise ValueError(f"expected 'fastgen-lock {LOCK_FORMAT}' first, found {found!r}")
    revisions: list[str] = []
    resources: dict[str, ResourceSpec] = {}
    rest = iter(content[1:])
    for line in rest:
        word, _, value = line.partition(" ")
        if word == "revision" and re.fullmatch(r"\w+", value):
            if value not in revisions:
                revisions.append(value)
        elif word == "resource" and value:
            for spec in _block(value, rest):
                if resources.get(value, spec) != spec:
                    raise _BothChanged(value)
                resources[value] = spec
        else:
            raise ValueError(f"unexpected line {line[:80]!r}")
    merged = conflicted or len(revisions) > 1
    return ProjectState(
        resources=dict(sorted(resources.items())),
        revision=revisions[0] if revisions and not merged else None,
        merged_revisions=tuple(sorted(revisions)) if merged else (),
    )


def _block(name: str, rest: Iterator[str]) -> list[ResourceSpec]:
    """The specs of one block up to its `end` line: one, or one per side of a conflict."""
    specs: list[ResourceSpec] = []
    for line in rest:
        if line == f"end {name}":
            if not specs:
                break
            return specs
        spec = ResourceSpec.model_validate(json.loads(line))
        if spec.resource != name:
            raise ValueError(f"the block of {name} holds {spec.resource}")
        specs.append(spec)
    raise ValueError(f"the block of {name} has no spec or no 'end {name}' line")


def _parse_json(text: str, origin: str) -> ProjectState:
    """A lock of the first format: one JSON document."""
    try:
        document: Any = json.loads(text)
        if document.get("fastgen_lock") != 1:
            raise ValueError(f"unsupported lock format {document.get('fastgen_lock')!r}")
        resources = {
            name: ResourceSpec.model_validate(data)
            for name, data in sorted(document["resources"].items())
        }
        revision = document.get("revision")
        if revision is not None and not isinstance(revision, str):
            raise ValueError(f"revision must be a string, not {revision!r}")
    except (ValueError, KeyError, TypeError, AttributeError, ValidationError) as exc:
        raise UsageError(f"{origin}: the lock file is damaged: {exc}", hint=_HINT) from exc
    return ProjectState(resources=resources, revision=revision)
