"""`app/models/__init__.py`: import every model module so SQLModel.metadata (and Alembic) see it."""

from __future__ import annotations

from fastgen.patch import lines
from fastgen.patch.result import PatchResult
from fastgen.project import REGISTRY_PATH

__all__ = ["REGISTRY_PATH", "register_model_module"]

PACKAGE = "app.models"


def register_model_module(source: str, module: str) -> PatchResult:
    line = f"from {PACKAGE} import {module} as {module}"
    fast = lines.register_model_module(source, PACKAGE, line, module)
    if fast is not None:
        return PatchResult(fast)
    from fastgen.patch import cst_wiring

    return cst_wiring.register_model_module(source, PACKAGE, line, module)
