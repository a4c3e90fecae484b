"""Access rules are enforced, never dropped: until generated authentication exists, only
`public` operations can be generated, and a spec that asks for more is refused at its place."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from fastgen.errors import Diagnostic, SpecError
from fastgen.spec.model import Operation, ResourceSpec

SUPPORTED_SUBJECTS = {"public"}
_HINT = (
    "no `access` block means `authenticated`; declare `access: {list: [public], read: [public], "
    "create: [public], update: [public], delete: [public]}` to generate open endpoints on purpose"
)


def require_supported_access(spec: ResourceSpec, path: Path, text: str | None = None) -> None:
    """Raise a located `SpecError` for every operation that needs more than `public`
    (`text` stands in for the file when it is about to be edited)."""
    diagnostics: list[Diagnostic] = []
    for operation in Operation:
        subjects = set(spec.access.subjects(operation)) - SUPPORTED_SUBJECTS
        if not subjects:
            continue
        if text is None:
            text = path.read_text(encoding="utf-8")
        line, col = _locate(text, operation.value)
        diagnostics.append(
            Diagnostic(
                file=str(path),
                line=line,
                col=col,
                path=f"access.{operation.value}",
                message=f"{', '.join(sorted(subjects))} needs authentication, which this "
                "version of fastgen does not generate yet",
                hint=_HINT,
                source_line=text.splitlines()[line - 1] if text.splitlines() else None,
            )
        )
    if diagnostics:
        raise SpecError(diagnostics)


def _locate(text: str, operation: str) -> tuple[int, int]:
    """1-based line and column of `access.<operation>`, else of `access:`, else 1:1."""
    try:
        data = YAML(typ="rt").load(text)
    except Exception:  # the loader already accepted this text; be safe anyway
        return 1, 1
    if not isinstance(data, CommentedMap):
        return 1, 1
    access = data.get("access")
    if isinstance(access, CommentedMap) and operation in access:
        line, col = access.lc.key(operation)
        return line + 1, col + 1
    if "access" in data:
        line, col = data.lc.key("access")
        return line + 1, col + 1
    return 1, 1
