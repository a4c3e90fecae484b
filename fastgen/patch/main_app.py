"""`app/main.py`: import a resource's router and include it in the application."""

from __future__ import annotations

from fastgen.patch import lines
from fastgen.patch.result import PatchResult
from fastgen.project import MAIN_PATH

__all__ = ["MAIN_PATH", "include_router"]

PACKAGE = "app.routers"


def include_router(source: str, module: str) -> PatchResult:
    import_line = f"from {PACKAGE} import {module}"
    include_line = f"app.include_router({module}.router)"
    fast = lines.include_router(source, PACKAGE, import_line, include_line, module)
    if fast is not None:
        return PatchResult(fast)
    from fastgen.patch import cst_wiring

    return cst_wiring.include_router(source, PACKAGE, import_line, include_line, module)
