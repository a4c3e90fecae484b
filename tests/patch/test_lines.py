"""The line-by-line wiring patches give exactly what the libcst ones give, wherever they answer;
and they do answer for the files fastgen writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastgen.patch import cst_wiring, lines

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
MODULES = ["aaa", "admin_users", "author", "book", "health", "item0", "user", "widget", "zzz"]

ROUTERS = "app.routers"
MODELS = "app.models"


def _router_lines(module: str) -> tuple[str, str]:
    return f"from {ROUTERS} import {module}", f"app.include_router({module}.router)"


def _model_line(module: str) -> str:
    return f"from {MODELS} import {module} as {module}"


def same_as_libcst_main(source: str, module: str) -> bool:
    """True when the line patch answered (and then it must agree with libcst)."""
    import_line, include_line = _router_lines(module)
    fast = lines.include_router(source, ROUTERS, import_line, include_line, module)
    slow = cst_wiring.include_router(source, ROUTERS, import_line, include_line, module)
    if fast is None:
        return False
    assert slow.conflict is None
    assert fast == slow.source
    return True


def same_as_libcst_registry(source: str, module: str) -> bool:
    line = _model_line(module)
    fast = lines.register_model_module(source, MODELS, line, module)
    slow = cst_wiring.register_model_module(source, MODELS, line, module)
    if fast is None:
        return False
    assert slow.conflict is None
    assert fast == slow.source
    return True


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir()))
def test_the_generated_files_are_patched_line_by_line_as_libcst_does(case: str) -> None:
    main = (GOLDEN / case / "app" / "main.py").read_text(encoding="utf-8")
    registry = (GOLDEN / case / "app" / "models" / "__init__.py").read_text(encoding="utf-8")
    for module in MODULES:
        assert same_as_libcst_main(main, module), module
        assert same_as_libcst_registry(registry, module), module


def test_a_file_whose_import_is_written_otherwise_is_left_to_libcst() -> None:
    source = "from app . routers import health\napp = X()\napp.include_router(health.router)\n"
    assert lines.include_router(source, ROUTERS, *_router_lines("book"), "book") is None
    assert lines.register_model_module("x = 1; y = 2\n", MODELS, _model_line("b"), "b") is None
    assert lines.register_model_module("from app.models import a as a", MODELS, "", "b") is None


# -- drawn files: imports, includes, comments and blank lines in any order ---------------------

_names = st.sampled_from(MODULES)
_gap = st.lists(st.sampled_from(["\n", "# a comment\n", "    # indented comment\n"]), max_size=2)


@st.composite
def _statement(draw: st.DrawFn, package: str) -> str:
    name = draw(_names)
    kind = draw(
        st.sampled_from(
            [
                "import",
                "import-alias",
                "import-many",
                "import-parenthesised",
                "include",
                "include-keywords",
                "include-keyword-first",
                "include-starred",
                "app",
                "app-annotated",
                "other",
                "def",
                "star-import",
                "relative-import",
                "semicolons",
            ]
        )
    )
    comment = draw(st.sampled_from(["", "  # trailing"]))
    text = {
        "import": f"from {package} import {name}",
        "import-alias": f"from {package} import {name} as {name}",
        "import-many": f"from {package} import {name}, zzz",
        "import-parenthesised": f"from {package} import (\n    {name},\n    aaa,\n)",
        "include": f"app.include_router({name}.router)",
        "include-keywords": f'app.include_router({name}.router, prefix="/v1")',
        "include-keyword-first": f"app.include_router(router={name}.router)",
        "include-starred": f"app.include_router(*{name}.routers)",
        "app": "app = FastAPI()",
        "app-annotated": "app: FastAPI = FastAPI()",
        "other": "settings = get_settings()",
        "def": "def helper() -> None:\n    pass",
        "star-import": f"from {package} import *",
        "relative-import": f"from .routers import {name}",
        "semicolons": f"import os; from {package} import {name}",
    }[kind]
    return "".join(draw(_gap)) + text + comment + "\n"


@st.composite
def _file(draw: st.DrawFn, package: str) -> str:
    docstring = draw(st.sampled_from(["", '"""The module."""\n\n']))
    body = "".join(draw(st.lists(_statement(package), max_size=8)))
    footer = "".join(draw(_gap))
    return docstring + body + footer


@settings(max_examples=300)
@given(_file(ROUTERS), _names)
def test_drawn_main_modules_are_patched_as_libcst_does(source: str, module: str) -> None:
    same_as_libcst_main(source, module)


@settings(max_examples=300)
@given(_file(MODELS), _names)
def test_drawn_registries_are_patched_as_libcst_does(source: str, module: str) -> None:
    same_as_libcst_registry(source, module)
