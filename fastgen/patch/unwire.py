"""The wiring patches undone, for a removed resource: `app/main.py` no longer imports and
includes its router, `app/models/__init__.py` no longer imports its model module.

Only the import of the module and `app.include_router(<module>.router, ...)` lines are removed;
the comments above a removed line stay, on the statement that follows. Wiring already gone is
no change. When the module's name is still used after that (code written by hand), the file is
left as it is and the patch is a conflict naming what to remove by hand.
"""

from __future__ import annotations

import libcst as cst

from fastgen.patch.base import PatchResult, import_from_names, parse
from fastgen.patch.cst_wiring import _includes_router
from fastgen.project import MAIN_PATH, REGISTRY_PATH

ROUTERS = "app.routers"
MODELS = "app.models"


def exclude_router(source: str, module: str) -> PatchResult:
    """`app/main.py` without `from app.routers import <module>` and its `include_router`."""
    snippet = f"from {ROUTERS} import {module}\n...\napp.include_router({module}.router)"
    return _unwire(source, MAIN_PATH, ROUTERS, module, snippet, include=True)


def unregister_model_module(source: str, module: str) -> PatchResult:
    """`app/models/__init__.py` without `from app.models import <module> as <module>`."""
    snippet = f"from {MODELS} import {module} as {module}"
    return _unwire(source, REGISTRY_PATH, MODELS, module, snippet, include=False)


def _unwire(
    source: str, path: str, package: str, module: str, snippet: str, *, include: bool
) -> PatchResult:
    tree = parse(source)
    if tree is None:
        return PatchResult.failed(
            source, path, "the file is not valid Python", snippet, "remove these lines by hand"
        )
    body: list[cst.BaseStatement] = []
    carried: list[cst.EmptyLine] = []  # the lines above a removed statement
    for statement in tree.body:
        kept = _without(statement, package, module, include=include)
        if kept is None:
            assert isinstance(statement, cst.SimpleStatementLine)
            carried.extend(statement.leading_lines)
            continue
        if carried and isinstance(kept, cst.SimpleStatementLine | cst.BaseCompoundStatement):
            if kept.leading_lines:  # its own spacing stays; only the comments join it
                carried = [*kept.leading_lines, *(c for c in carried if c.comment is not None)]
            kept = kept.with_changes(leading_lines=carried)
            carried = []
        body.append(kept)
    if body == list(tree.body):
        return PatchResult(source)
    result = tree.with_changes(body=body)
    if _uses_name(result, module):
        return PatchResult.failed(
            source,
            path,
            f"`{module}` is still used here after its wiring is removed (code written by hand?)",
            snippet,
            f"remove these lines and every other use of `{module}`",
        )
    return PatchResult(result.code)


def _without(
    statement: cst.BaseStatement, package: str, module: str, *, include: bool
) -> cst.BaseStatement | None:
    """The statement without `module`'s import or include; None when nothing is left of it."""
    if include and _includes_router(statement, module):
        return None
    names = import_from_names(statement, package)
    if not names or all(name != module for name, _ in names):
        return statement
    if all(name == module for name, _ in names):
        return None
    assert isinstance(statement, cst.SimpleStatementLine)
    node = statement.body[0]
    assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
    aliases = [a for a in node.names if cst.Module([]).code_for_node(a.name) != module]
    aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return statement.with_changes(body=[node.with_changes(names=aliases)])


def _uses_name(tree: cst.Module, name: str) -> bool:
    found = False

    class Finder(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> bool:
            node.value.visit(self)  # `x.<name>` is an attribute, not a use of the module
            return False

        def visit_Name(self, node: cst.Name) -> None:
            nonlocal found
            found = found or node.value == name

    tree.visit(Finder())
    return found
