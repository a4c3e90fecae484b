"""Node identity for the three-way merge: keys of children, layout-free comparison, imports.

A key names a child of a container so that the same child can be found in the old, the new and
the current version of a file: `class Book`, `def create_book`, `= payload` for an assignment,
`title=` for a keyword argument, the key of a dict entry, the `id=` of a `pytest.param(...)`.
Anything without a name is keyed by its code with the layout (and comments) taken out, so a
changed statement shows up as one removed and one added; the merge pairs the two again when the
change rewrote it where it stands (`anonymous`).
"""

from __future__ import annotations

import dataclasses
import functools
import io
import tokenize
from collections.abc import Collection, Sequence
from typing import Any, Literal

import libcst as cst

from fastgen.patch.base import is_docstring

Kind = Literal["node", "single", "statements", "decorators", "items"]

_CODE = cst.Module([])
_LAYOUT_TOKENS = {
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
}
_CLOSERS = {")", "]", "}"}
# Fields that only hold layout (or comments next to a node): never part of a node's header.
_LAYOUT_FIELDS = {
    "leading_lines",
    "lines_after_decorators",
    "comma",
    "lpar",
    "rpar",
    "lbracket",
    "rbracket",
    "lbrace",
    "rbrace",
    "header",
    "footer",
    "indent",
    "semicolon",
}


def code(value: Any) -> str:
    """Source text of a node, of a sequence of nodes, or the text of a plain field value."""
    if isinstance(value, cst.Annotation):  # its `:` or `->` comes from the node around it
        return code(value.annotation)
    if isinstance(value, cst.CSTNode):
        return _node_code(value)
    if isinstance(value, list | tuple):
        return "".join(code(item) for item in value)
    return str(value)


@functools.lru_cache(maxsize=4096)
def _node_code(node: cst.CSTNode) -> str:
    """Nodes are immutable and hash by identity, so a node's code is worth keeping."""
    return _CODE.code_for_node(node)


@functools.lru_cache(maxsize=8192)
def normalize(text: str, comments: bool = True) -> str:
    """`text` as tokens, without layout: line breaks, indentation and magic trailing commas."""
    skipped = _LAYOUT_TOKENS if comments else _LAYOUT_TOKENS | {tokenize.COMMENT}
    try:
        tokens = [
            token.string
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type not in skipped
        ]
    except (tokenize.TokenError, SyntaxError):
        return "".join(text.split())
    kept = [
        token
        for index, token in enumerate(tokens)
        if not (token == "," and index + 1 < len(tokens) and tokens[index + 1] in _CLOSERS)
    ]
    return " ".join(kept)


def same(a: Any, b: Any) -> bool:
    """Equal apart from layout (comments count)."""
    return a is b or normalize(code(a)) == normalize(code(b))


def header_fields(node: cst.CSTNode, merged: Collection[str]) -> list[str]:
    """The fields of `node` compared as one atomic part: all but merged children and layout."""
    return [
        field.name
        for field in dataclasses.fields(node)
        if field.name not in merged
        and field.name not in _LAYOUT_FIELDS
        and "whitespace" not in field.name
    ]


def header(node: cst.CSTNode, merged: Collection[str]) -> tuple[str, ...]:
    return tuple(normalize(code(getattr(node, name))) for name in header_fields(node, merged))


def _text(value: Any) -> str:
    """Layout- and comment-free text, for keys."""
    return normalize(code(value), comments=False)


def assigned_name(statement: cst.CSTNode) -> str | None:
    """`x` for a line that only assigns to the name `x` (with or without annotation)."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target: cst.CSTNode = small.targets[0].target
    elif isinstance(small, cst.AnnAssign):
        target = small.target
    else:
        return None
    return target.value if isinstance(target, cst.Name) else None


def _statement_key(statement: cst.CSTNode, index: int) -> str:
    if index == 0 and is_docstring(statement):
        return "docstring"
    if isinstance(statement, cst.ClassDef):
        return f"class {statement.name.value}"
    if isinstance(statement, cst.FunctionDef):
        return f"def {statement.name.value}"
    if isinstance(statement, cst.For):
        return f"for {_text(statement.target)}"
    if isinstance(statement, cst.If | cst.While):
        word = "if" if isinstance(statement, cst.If) else "while"
        return f"{word} {_text(statement.test)}"
    if isinstance(statement, cst.With):
        return f"with {_text(statement.items)}"
    if isinstance(statement, cst.Try):
        return "try"
    if isinstance(statement, cst.ExceptHandler):
        return f"except {_text(statement.type)}" if statement.type else "except"
    name = assigned_name(statement)
    if name is not None:
        return f"= {name}"
    return _text(statement.with_changes(leading_lines=()))


def _param_id(value: cst.BaseExpression) -> str | None:
    if isinstance(value, cst.Call) and _text(value.func) == "pytest . param":
        for arg in value.args:
            if arg.keyword is not None and arg.keyword.value == "id":
                return _text(arg.value)
    return None


def _item_key(item: cst.CSTNode, positional: int) -> str:
    if isinstance(item, cst.Arg):
        if item.keyword is not None:
            return f"{item.keyword.value}="
        return f"{item.star}{_text(item.value)}" if item.star else f"#{positional}"
    if isinstance(item, cst.DictElement):
        return _text(item.key)
    if isinstance(item, cst.Element):
        param = _param_id(item.value)
        return f"id={param}" if param is not None else _text(item.value)
    return _text(item.with_changes(comma=cst.MaybeSentinel.DEFAULT))


def key_of(kind: Kind, item: cst.CSTNode, index: int, positional: int) -> str:
    if kind == "statements":
        return _statement_key(item, index)
    if kind == "decorators" and isinstance(item, cst.Decorator):
        return "".join(code(item.decorator).split("(")[0].split())
    return _item_key(item, positional)


def keyed(kind: Kind, items: Sequence[cst.CSTNode]) -> dict[str, cst.CSTNode]:
    """`items` by key, in order; a key seen before gets ` #2`, ` #3`, ..."""
    out: dict[str, cst.CSTNode] = {}
    positional = 0
    for index, item in enumerate(items):
        base = key_of(kind, item, index, positional)
        if isinstance(item, cst.Arg) and item.keyword is None and not item.star:
            positional += 1
        key, count = base, 2
        while key in out:
            key, count = f"{base} #{count}", count + 1
        out[key] = item
    return out


def anonymous(kind: Kind, key: str, node: cst.CSTNode) -> bool:
    """Keyed by its own code (not a name, not an import): when the change rewrites it in place,
    old and new version are one child that changed."""
    if kind == "statements":
        return bindings(node) is None and not key.startswith(("class ", "def ", "= ", "docstring"))
    return kind == "items" and isinstance(node, cst.Element) and not key.startswith("id=")


def describe(kind: Kind, key: str, node: cst.CSTNode) -> str:
    """How a person would name the child `node` (under `key`), for conflict messages."""
    if kind == "statements" and key.startswith(("class ", "def ")):
        word, _, name = key.partition(" ")
        return f"{'class' if word == 'class' else 'function'} {name}"
    if kind == "statements" and key.startswith("= "):
        return key[2:]
    if key == "docstring":
        return "the docstring"
    if kind == "decorators":
        return f"decorator @{key}"
    if key.startswith("#") and key[1:].isdigit():
        return f"argument {int(key[1:]) + 1}"
    if isinstance(node, cst.Arg) and node.keyword is not None:
        return f"argument {key}"
    if isinstance(node, cst.DictElement):
        return f"entry {_short(code(node.key))}"
    if isinstance(node, cst.Arg | cst.Element):
        return f"`{_short(code(node.value))}`"
    bare = node.with_changes(leading_lines=()) if hasattr(node, "leading_lines") else node
    return f"`{_short(code(bare).strip().splitlines()[0].rstrip(':'))}`"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def bindings(statement: cst.CSTNode) -> set[tuple[str, str]] | None:
    """(what is imported, name it is bound to) for an import line, else None."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    node = statement.body[0]
    if isinstance(node, cst.Import):
        pairs = set()
        for alias in node.names:
            dotted = code(alias.name)
            pairs.add((dotted, _alias(alias) or dotted.split(".")[0]))
        return pairs
    if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        module = "." * len(node.relative) + (code(node.module) if node.module else "")
        return {(f"{module}.{code(a.name)}", _alias(a) or code(a.name)) for a in node.names}
    return None


def _alias(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


def import_sort_key(statement: cst.CSTNode) -> tuple[int, str, int, str] | None:
    """Roughly isort's order inside a block: `import x` first, then by module, then by name with
    CONSTANTS before Classes before functions."""
    pairs = bindings(statement)
    if not pairs:
        return None
    assert isinstance(statement, cst.SimpleStatementLine)
    is_from = isinstance(statement.body[0], cst.ImportFrom)
    source = min(pairs)[0]
    module, _, name = source.rpartition(".") if is_from else (source, "", "")
    rank = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return (int(is_from), module.lower(), rank, name)
