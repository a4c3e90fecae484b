"""The wiring patches with libcst, for any input: `fastgen.patch.main_app` and
`fastgen.patch.registry` use them where `fastgen.patch.lines` is not sure."""

from __future__ import annotations

import libcst as cst

from fastgen.patch.base import PatchResult, import_from_names, insert_import, parse
from fastgen.project import MAIN_PATH, REGISTRY_PATH


def _is_name(node: cst.CSTNode, value: str) -> bool:
    return isinstance(node, cst.Name) and node.value == value


def _is_attribute(node: cst.CSTNode, value: str | None, attr: str) -> bool:
    """`value.attr`; any name before the dot when `value` is None."""
    return (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and (value is None or node.value.value == value)
        and _is_name(node.attr, attr)
    )


def _includes_router(statement: cst.CSTNode, module: str | None = None) -> bool:
    """A line holding only `app.include_router(<module>.router, ...)`; with `module` None, any
    `app.include_router(<argument>, ...)`."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    expression = statement.body[0]
    if not isinstance(expression, cst.Expr):
        return False
    call = expression.value
    if not isinstance(call, cst.Call) or not _is_attribute(call.func, "app", "include_router"):
        return False
    if not call.args:
        return False
    return module is None or _is_attribute(call.args[0].value, module, "router")


def _assigns_app(statement: cst.CSTNode) -> bool:
    """A line holding only `app = ...` or `app: ... = ...`."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    node = statement.body[0]
    if isinstance(node, cst.Assign):
        return len(node.targets) == 1 and _is_name(node.targets[0].target, "app")
    return isinstance(node, cst.AnnAssign) and _is_name(node.target, "app")


def include_router(
    source: str, package: str, import_line: str, include_line: str, module: str
) -> PatchResult:
    """`app/main.py` gains `import_line` (from `package`) and `include_line` for `module`."""
    snippet = f"{import_line}\n...\n{include_line}"
    tree = parse(source)
    if tree is None:
        return PatchResult.failed(
            source, MAIN_PATH, "the file is not valid Python", snippet, "at module level"
        )
    body: list[cst.BaseStatement] = list(tree.body)
    has_import = any(
        any(name == module for name, _ in (import_from_names(s, package) or [])) for s in body
    )
    has_include = any(_includes_router(s, module) for s in body)
    if has_import and has_include:
        return PatchResult(source)
    includes = [i for i, s in enumerate(body) if _includes_router(s)]
    app_assignments = [i for i, s in enumerate(body) if _assigns_app(s)]
    if not has_include and not includes and not app_assignments:
        return PatchResult.failed(
            source,
            MAIN_PATH,
            "no module-level `app = FastAPI(...)` or `app.include_router(...)` to add to",
            snippet,
            "after the other `app.include_router(...)` calls, at module level",
        )
    if not has_include:
        position = (includes or app_assignments)[-1] + 1
        statement = cst.parse_statement(include_line)
        if not includes:
            statement = statement.with_changes(leading_lines=[cst.EmptyLine()])
        body.insert(position, statement)
    if not has_import:
        body = insert_import(body, package, import_line, module)
    return PatchResult(tree.with_changes(body=body, has_trailing_newline=True).code)


def register_model_module(source: str, package: str, line: str, module: str) -> PatchResult:
    """`app/models/__init__.py` gains `line`, an import of `module` from `package`."""
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
        names = import_from_names(statement, package)
        if names and any(name == module for name, _ in names):
            return PatchResult(source)
    body = insert_import(tree.body, package, line, module)
    return PatchResult(tree.with_changes(body=body, has_trailing_newline=True).code)
