"""Names of a renamed resource changed in a generated file before it is merged.

A resource renamed (`renamed_from`) changes many names in its generated code at once
(`Appointment` -> `Visit`, `list_appointments` -> `list_visits`, the module in imports). The
three-way merge (`fastgen.patch.merge`) compares nodes by name, so such a change would be a
node removed and another added, and a hand edit inside the removed one a conflict. So the names
are changed first, in what fastgen generated before and in the file on disk alike, the way an
editor's rename does; the merge then applies what is left (texts, paths).

Only names fastgen generated before and no longer generates are changed, and only into names
it generates now: a name written by hand that fastgen never wrote stays as it is.
"""

from __future__ import annotations

import io
import keyword
import re
import tokenize
from collections.abc import Mapping

from fastgen.spec.names import pascal_case, pluralize, snake_case


def name_forms(old: str, new: str, tables: tuple[str, str] | None = None) -> dict[str, str]:
    """The spellings of a class name in generated names, old -> new: `Appointment`,
    `appointment`, `appointments`, `Appointments`, `APPOINTMENT` (and the tables)."""
    forms = {
        old: new,
        snake_case(old): snake_case(new),
        pluralize(snake_case(old)): pluralize(snake_case(new)),
        pascal_case(pluralize(snake_case(old))): pascal_case(pluralize(snake_case(new))),
        snake_case(old).upper(): snake_case(new).upper(),
    }
    if tables is not None and tables[0] != tables[1]:
        forms[tables[0]] = tables[1]
    return {key: value for key, value in forms.items() if key != value}


def name_mapping(before: str, after: str, forms: Mapping[str, str]) -> dict[str, str]:
    """old name -> new name for the names of `before` (generated for the old names) that
    `after` (generated for the new ones) no longer has and whose renamed spelling it has; and
    old module -> new module for the modules `before` imports from and `after` does not (a
    module path can change while its last part stays a name of the file: Book's relation
    `author` keeps its name when Author becomes Writer, `app.models.author` does not)."""
    names = {
        name: renamed
        for name, renamed in _renamed(before, after, forms).items()
        if renamed in _names(after)
    }
    return {**names, **_renamed_modules(before, after, forms)}


_FROM = re.compile(r"^([ \t]*from[ \t]+)([\w.]+)(?=[ \t]+import\b)", re.MULTILINE)
_IMPORT = re.compile(r"^([ \t]*import[ \t]+)([\w.]+)", re.MULTILINE)


def _modules(source: str) -> set[str]:
    return {match[2] for pattern in (_FROM, _IMPORT) for match in pattern.finditer(source)}


def _renamed_modules(before: str, after: str, forms: Mapping[str, str]) -> dict[str, str]:
    """Dotted modules only `before` imports, whose parts renamed (whole parts only) `after`
    imports."""
    if not forms:
        return {}
    imported = _modules(after)
    result: dict[str, str] = {}
    for module in sorted(_modules(before) - imported):
        if "." not in module:
            continue
        renamed = ".".join(forms.get(part, part) for part in module.split("."))
        if renamed != module and renamed in imported:
            result[module] = renamed
    return result


def stale_names(before: str, after: str, forms: Mapping[str, str], merged: str) -> list[str]:
    """Names of the old resource that fastgen generated before, no longer generates and could
    not rename, and that `merged` (the file once merged) still uses: code written by hand."""
    mapping = name_mapping(before, after, forms)
    left = set(_renamed(before, after, forms)) - set(mapping)
    return sorted(left & _names(merged))


def _renamed(before: str, after: str, forms: Mapping[str, str]) -> dict[str, str]:
    """The names only `before` has that hold an old spelling, with the new spelling."""
    if not forms:
        return {}
    pattern = re.compile("|".join(re.escape(key) for key in sorted(forms, key=len, reverse=True)))
    result: dict[str, str] = {}
    for name in sorted(_names(before) - _names(after)):
        renamed = pattern.sub(lambda match: forms[match.group()], name)
        if renamed != name:
            result[name] = renamed
    return result


def rename_names(source: str, mapping: Mapping[str, str]) -> str:
    """`source` with each name token in `mapping` replaced (strings and comments untouched) and
    each module in `mapping` (dotted keys) replaced in the import lines that name it; the names
    stay as they are when `source` does not tokenize."""
    if not mapping:
        return source
    modules = {old: new for old, new in mapping.items() if "." in old}
    if modules:
        for pattern in (_FROM, _IMPORT):
            source = pattern.sub(lambda m: m[1] + modules.get(m[2], m[2]), source)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    pieces: list[str] = []
    position = 0
    for token in tokens:
        if token.type != tokenize.NAME or token.string not in mapping:
            continue
        start = offsets[token.start[0] - 1] + token.start[1]
        end = offsets[token.end[0] - 1] + token.end[1]
        pieces.append(source[position:start])
        pieces.append(mapping[token.string])
        position = end
    pieces.append(source[position:])
    return "".join(pieces)


def _names(source: str) -> set[str]:
    try:
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        return {
            token.string
            for token in tokens
            if token.type == tokenize.NAME and not keyword.iskeyword(token.string)
        }
    except (tokenize.TokenError, SyntaxError):
        return set()
