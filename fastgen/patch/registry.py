"""`app/models/__init__.py`: import every model module so SQLModel.metadata (and Alembic) see it."""

from __future__ import annotations

from fastgen.patch.base import PatchResult, import_from_names, insert_import, parse

REGISTRY_PATH = "app/models/__init__.py"
PACKAGE = "app.models"


def register_model_module(source: str, module: str) -> PatchResult:
    line = f"from {PACKAGE} import {module} as {module}"
    tree = parse(source)
    if tree is None:
        return PatchResult.failed(
            source,
            REGISTRY_PATH,
            "the file is not valid Python",
            line,
            "with the other model imports",
        )
    for statement in tree.body:
        names = import_from_names(statement, PACKAGE)
        if names and any(name == module for name, _ in names):
            return PatchResult(source)
    body = insert_import(tree.body, PACKAGE, line, module)
    return PatchResult(tree.with_changes(body=body, has_trailing_newline=True).code)
