"""`app/main.py`: import a resource's router and include it in the application."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from fastgen.patch.base import PatchResult, import_from_names, insert_import, parse

MAIN_PATH = "app/main.py"
PACKAGE = "app.routers"


def _include_call(module: str | None = None) -> m.SimpleStatementLine:
    argument = (
        m.Arg(value=m.Attribute(value=m.Name(module), attr=m.Name("router")))
        if module is not None
        else m.Arg()
    )
    return m.SimpleStatementLine(
        body=[
            m.Expr(
                value=m.Call(
                    func=m.Attribute(value=m.Name("app"), attr=m.Name("include_router")),
                    args=[argument, m.ZeroOrMore()],
                )
            )
        ]
    )


def _assigns_app(statement: cst.CSTNode) -> bool:
    return m.matches(
        statement,
        m.SimpleStatementLine(
            body=[
                m.Assign(targets=[m.AssignTarget(target=m.Name("app"))])
                | m.AnnAssign(target=m.Name("app"))
            ]
        ),
    )


def include_router(source: str, module: str) -> PatchResult:
    import_line = f"from {PACKAGE} import {module}"
    include_line = f"app.include_router({module}.router)"
    snippet = f"{import_line}\n...\n{include_line}"
    tree = parse(source)
    if tree is None:
        return PatchResult.failed(
            source, MAIN_PATH, "the file is not valid Python", snippet, "at module level"
        )
    body: list[cst.BaseStatement] = list(tree.body)
    has_import = any(
        any(name == module for name, _ in (import_from_names(s, PACKAGE) or [])) for s in body
    )
    has_include = any(m.matches(s, _include_call(module)) for s in body)
    if has_import and has_include:
        return PatchResult(source)
    includes = [i for i, s in enumerate(body) if m.matches(s, _include_call())]
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
        body = insert_import(body, PACKAGE, import_line, module)
    return PatchResult(tree.with_changes(body=body, has_trailing_newline=True).code)
