"""The value every patch returns."""

from __future__ import annotations

from dataclasses import dataclass

from fastgen.errors import PatchConflict


@dataclass(frozen=True)
class PatchResult:
    source: str
    conflict: PatchConflict | None = None

    @classmethod
    def failed(cls, source: str, path: str, reason: str, snippet: str, where: str) -> PatchResult:
        return cls(source, PatchConflict(path=path, reason=reason, snippet=snippet, where=where))
