"""Where specs point to a resource: each relation naming it, at its file, line and column.

Read from the YAML alone (no validation), so that a spec with other problems still shows its
references, and a resource about to be removed can be refused with every place that names it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastgen.spec.relations import KINDS
from fastgen.spec.source import Report, YMap, YScalar, parse


@dataclass(frozen=True)
class Reference:
    """`resource`'s relation `relation` (`kind`) names `target` at `file`:`line`:`col`
    (1-based)."""

    file: str
    line: int
    col: int
    resource: str
    relation: str
    kind: str
    target: str

    def describe(self) -> str:
        return (
            f"{self.file}:{self.line}:{self.col}: {self.resource}.{self.relation} "
            f"({self.kind}: {self.target})"
        )


@dataclass(frozen=True)
class SpecOutline:
    """The resource a spec file declares (None when it cannot be read) and its relations."""

    resource: str | None
    references: tuple[Reference, ...]


def outline(text: str, file: str) -> SpecOutline:
    root = parse(Report(file, text))
    if not isinstance(root, YMap):
        return SpecOutline(None, ())
    declared = root.get("resource")
    resource = None
    if declared is not None and isinstance(declared.value, YScalar):
        resource = str(declared.value.value)
    relations = root.get("relations")
    if relations is None or not isinstance(relations.value, YMap):
        return SpecOutline(resource, ())
    found: list[Reference] = []
    for entry in relations.value.entries:
        if not isinstance(entry.value, YMap):
            continue
        for kind in KINDS:
            option = entry.value.get(kind)
            if option is None or not isinstance(option.value, YScalar):
                continue
            span = option.value.span
            found.append(
                Reference(
                    file=file,
                    line=span.line + 1,
                    col=span.col + 1,
                    resource=resource or "?",
                    relation=entry.key,
                    kind=kind,
                    target=str(option.value.value),
                )
            )
    return SpecOutline(resource, tuple(found))
