"""The wiring patches (`include_router`, `register_model_module`) for the files as fastgen writes
them, without libcst: `ast` finds the top-level statements, and each new line goes between two
existing lines, where the libcst patch puts its node. Parsing a main.py of hundreds of routers
with libcst, and importing libcst at all, is most of what `add resource` costs on a large
project.

What these functions are not sure to do exactly as the libcst patches do, they leave to them
(`None`): statements sharing a line, a package not imported yet, a file that does not end with a
newline or that uses other line breaks, an import written in another spelling, a call with `*`
or `**` arguments. tests/patch/test_lines.py runs both on the same inputs.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

_OTHER_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""Characters `str.splitlines` breaks at (besides "\\n"); a file holding any is left to libcst."""


@dataclass(frozen=True)
class _Module:
    lines: list[str]
    body: list[ast.stmt]

    def first_line(self, statement: ast.stmt) -> int:
        """The index in `lines` of the statement's first line."""
        return statement.lineno - 1

    def after(self, statement: ast.stmt) -> int:
        """The index in `lines` of the line after the statement."""
        assert statement.end_lineno is not None
        return statement.end_lineno

    def starts_with(self, statement: ast.stmt, text: str) -> bool:
        return self.lines[self.first_line(statement)].startswith(text)


def _module(source: str) -> _Module | None:
    """The module's top-level statements, each on lines of its own; None when unsure."""
    if not source.endswith("\n") or source.startswith("\ufeff"):
        return None
    if any(char in source for char in _OTHER_LINE_BREAKS):
        return None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    lines = source.splitlines(keepends=True)
    outside = set(range(len(lines)))  # lines of no statement: blank lines and comments
    previous_end = 0
    for statement in tree.body:
        decorators = getattr(statement, "decorator_list", [])
        start = min([statement.lineno, *(decorator.lineno for decorator in decorators)])
        if start <= previous_end or statement.col_offset != 0:
            return None  # two statements on one line (`a; b`)
        previous_end = statement.end_lineno or statement.lineno
        outside -= set(range(start - 1, previous_end))
    if any(lines[index] != "\n" and not lines[index].startswith("#") for index in outside):
        return None  # an indented comment or a blank line with spaces: libcst moves these
    return _Module(lines, tree.body)


class _Unsure(Exception):
    """Input the libcst patch may read otherwise: leave it to that patch."""


def _imported_names(module: _Module, statement: ast.stmt, package: str) -> list[str] | None:
    """The names a top-level `from <package> import ...` imports, in order; None for any other
    statement (a relative or star import of it too)."""
    if not isinstance(statement, ast.ImportFrom) or statement.level or statement.module != package:
        return None
    if not module.starts_with(statement, f"from {package} import "):
        raise _Unsure  # another spelling: `from app . models import`, `import(`
    names = [alias.name for alias in statement.names]
    return None if "*" in names else names


def _insert_import(
    module: _Module, package: str, line: str, sort_key: str
) -> tuple[int, str] | None:
    """Where `fastgen.patch.base.insert_import` puts `line` and the text it adds there, as
    (line index, text), when the package is imported already; else None."""
    same = [
        (statement, names)
        for statement in module.body
        if (names := _imported_names(module, statement, package)) is not None
    ]
    if not same:
        return None
    for statement, names in same:
        if names and names[0] > sort_key:  # takes its place: its leading comments stay on top
            return module.first_line(statement), line + "\n"
    return module.after(same[-1][0]), line + "\n"


def _insert(source_lines: list[str], insertions: list[tuple[int, str]]) -> str:
    """The lines with each text put before the line at its index (in the order given for one
    index)."""
    lines = list(source_lines)
    ordered = sorted(enumerate(insertions), key=lambda item: (item[1][0], item[0]), reverse=True)
    for _, (index, text) in ordered:
        lines.insert(index, text)
    return "".join(lines)


def register_model_module(source: str, package: str, line: str, module_name: str) -> str | None:
    """`fastgen.patch.registry.register_model_module`, or None to leave it to libcst."""
    try:
        return _register_model_module(source, package, line, module_name)
    except _Unsure:
        return None


def _register_model_module(source: str, package: str, line: str, module_name: str) -> str | None:
    module = _module(source)
    if module is None:
        return None
    for statement in module.body:
        if module_name in (_imported_names(module, statement, package) or []):
            return source
    place = _insert_import(module, package, line, module_name)
    return None if place is None else _insert(module.lines, [place])


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _include_argument(statement: ast.stmt) -> ast.expr | None:
    """The first argument of a statement `app.include_router(<argument>, ...)`, else None."""
    if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
        return None
    call = statement.value
    function = call.func
    if not (
        isinstance(function, ast.Attribute)
        and function.attr == "include_router"
        and _is_name(function.value, "app")
    ):
        return None
    arguments: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    if not arguments:
        return None
    first = min(arguments, key=lambda argument: (argument.lineno, argument.col_offset))
    return first.value if isinstance(first, ast.keyword) else first


def _unsure_call(statement: ast.stmt) -> bool:
    """A call whose arguments libcst sees otherwise than `ast` (`*x`, `**x`)."""
    return any(
        isinstance(node, ast.Starred) or (isinstance(node, ast.keyword) and node.arg is None)
        for node in ast.walk(statement)
    )


def _assigns_app(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Assign):
        return len(statement.targets) == 1 and _is_name(statement.targets[0], "app")
    return isinstance(statement, ast.AnnAssign) and _is_name(statement.target, "app")


def include_router(
    source: str, package: str, import_line: str, include_line: str, module_name: str
) -> str | None:
    """`fastgen.patch.main_app.include_router`, or None to leave it to libcst."""
    try:
        return _include_router(source, package, import_line, include_line, module_name)
    except _Unsure:
        return None


def _include_router(
    source: str, package: str, import_line: str, include_line: str, module_name: str
) -> str | None:
    module = _module(source)
    if module is None:
        return None
    has_import = any(
        module_name in (_imported_names(module, statement, package) or [])
        for statement in module.body
    )
    includes: list[ast.stmt] = []
    has_include = False
    for statement in module.body:
        argument = _include_argument(statement)
        if argument is None:
            continue
        if _unsure_call(statement):
            raise _Unsure
        includes.append(statement)
        has_include = has_include or (
            isinstance(argument, ast.Attribute)
            and argument.attr == "router"
            and _is_name(argument.value, module_name)
        )
    if has_import and has_include:
        return source
    insertions: list[tuple[int, str]] = []
    if not has_include:
        if includes:
            insertions.append((module.after(includes[-1]), include_line + "\n"))
        else:
            assignments = [s for s in module.body if _assigns_app(s)]
            if not assignments:
                return None  # a conflict: libcst says so
            insertions.append((module.after(assignments[-1]), "\n" + include_line + "\n"))
    if not has_import:
        place = _insert_import(module, package, import_line, module_name)
        if place is None:
            return None
        insertions.append(place)
    return _insert(module.lines, insertions)
