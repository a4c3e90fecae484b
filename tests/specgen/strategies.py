"""Hypothesis strategies over the spec format: sets of 1-4 spec files as YAML text.

The vocabulary (top-level keys, field types and options, relation options, operations, limit
keys) is read from the JSON Schema of the spec format (`fastgen schema`), so a new option shows
up in `SCHEMA_VOCABULARY` and `tests/cli/test_spec_space.py` fails until it is drawn here.

Draws are biased towards specs that look valid (most are accepted), with the edge values the
loader must decide on mixed in: patterns with and without example (look-around, back-references),
tight and odd numeric bounds, decimal_places 0, huge max_length, unicode / newlines / quotes / NUL
in descriptions, examples and defaults, odd enum values, long names and names near reserved
ones. The strategies only propose: the loader decides what is valid, and whatever it accepts must
come out green (`tests/specgen/harness.py`).

Every draw is deterministic for its choices (no set iteration, no clock) and serialises to YAML
that reads back to the same data (checked on every draw).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from fastgen.spec.json_schema import spec_json_schema
from fastgen.spec.names import default_table, pluralize, snake_case

__all__ = [
    "ROLE_POOL",
    "SCHEMA_VOCABULARY",
    "SpecSet",
    "dump_spec",
    "spec_sets",
]


def _vocabulary() -> dict[str, tuple[str, ...]]:
    schema = spec_json_schema()
    defs = schema["$defs"]
    field_type = defs["field_options"]["properties"]["type"]
    return {
        "top": tuple(schema["properties"]),
        "types": tuple(field_type["enum"]),
        "field_options": tuple(defs["field_options"]["properties"]),
        "relation_options": tuple(defs["relation"]["properties"]),
        "operations": tuple(schema["properties"]["access"]["properties"]),
        "limits": tuple(schema["properties"]["limits"]["properties"]),
        "on_delete": tuple(defs["relation"]["properties"]["on_delete"]["enum"]),
    }


SCHEMA_VOCABULARY = _vocabulary()
"""What the JSON Schema of the spec format names: top-level keys, types, field options, relation
options, operations, limit keys, on_delete choices."""
TYPES = SCHEMA_VOCABULARY["types"]
OPERATIONS = SCHEMA_VOCABULARY["operations"]
ON_DELETE = SCHEMA_VOCABULARY["on_delete"]

ROLE_POOL = ("editor", "moderator", "viewer", "billing", "support_agent")
"""Roles a set may declare (`fastgen new --role`); `admin` is always there."""


@dataclass(frozen=True)
class SpecSet:
    """Spec files (name, YAML text), in the order they are given to fastgen, and the roles the
    project declares for them."""

    files: tuple[tuple[str, str], ...]
    roles: tuple[str, ...] = ()

    def write(self, folder: Path) -> list[Path]:
        """Write the spec files (and `roles.txt` when there are roles) into `folder`."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, text in self.files:
            path = folder / name
            path.write_text(text, encoding="utf-8", newline="\n")
            paths.append(path)
        if self.roles:
            (folder / "roles.txt").write_text("\n".join(self.roles) + "\n", encoding="utf-8")
        return paths

    @classmethod
    def read(cls, folder: Path) -> SpecSet:
        """The set `write` wrote (files in name order), e.g. a kept finding."""
        files = tuple(
            (path.name, path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.yaml"))
        )
        roles_file = folder / "roles.txt"
        roles = roles_file.read_text(encoding="utf-8").split() if roles_file.exists() else []
        return cls(files, tuple(roles))

    def summary(self) -> str:
        resources = [re.search(r"^resource: *(.*)$", t, re.M) for _, t in self.files]
        names = ", ".join(m.group(1) if m else "?" for m in resources)
        roles = f"; roles {', '.join(self.roles)}" if self.roles else ""
        return f"{names}{roles}"


# -- YAML


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 1_000_000  # never fold a long scalar
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _flow(value: Any) -> Any:
    """`value` as ruamel.yaml nodes, mappings and lists in flow style (`{type: str}`)."""
    if isinstance(value, dict):
        mapping = CommentedMap((k, _flow(v)) for k, v in value.items())
        mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        seq = CommentedSeq(_flow(v) for v in value)
        seq.fa.set_flow_style()
        return seq
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def dump_spec(data: dict[str, Any]) -> str:
    """One spec as YAML: sections in block style, each field, relation and list in flow style.
    Fails (a bug of the strategy, not of fastgen) unless the text reads back to `data`."""
    document = CommentedMap()
    for key, value in data.items():
        if key in ("fields", "relations", "access", "limits") and isinstance(value, dict):
            section = CommentedMap((k, _flow(v)) for k, v in value.items())
            document[key] = section
        else:
            document[key] = _flow(value)
    stream = io.StringIO()
    _yaml().dump(document, stream)
    text = stream.getvalue()
    back = _plain(YAML(typ="rt").load(text))
    assert back == _plain(data), f"YAML does not read back:\n{text}\n{back!r}\n{data!r}"
    return text


# -- vocabulary of names and values

PLAIN_RESOURCES = (
    "Author", "Book", "Tag", "Review", "Order", "Invoice", "Customer", "Product", "Category",
    "Comment", "Project", "Task", "Ticket", "Event", "Gadget", "Person", "Address", "Shipment",
    "Payment", "Note", "Series", "Child", "Entry", "Box", "Warehouse", "Quiz",
)  # fmt: skip
# Names a generated module or its imports could trip over; the loader decides.
ODD_RESOURCES = (
    "Decimal", "Date", "Datetime", "Time", "Enum", "Uuid", "Json", "Text", "Column", "Index",
    "Page", "Base", "Model", "Item", "Optional", "Any", "Literal", "Sequence", "Status", "Token",
    "Role", "Owner", "AdminUser", "UserProfile", "Link", "Limit", "Router", "Factory", "Test",
    "App", "Core", "Engine", "Filter", "FilterInt", "FilterText", "Sort", "Include", "Error",
    "Faker", "Create", "Read", "Update", "Public", "Access", "X", "Ab", "Op", "Sa", "Uuid4",
    "HTTPLog", "ABC", "VeryLongResourceNameThatKeepsGoingOnAndOnToTestIdentifierLimitsX",
)  # fmt: skip
# Names the loader is expected to refuse.
EDGE_RESOURCES = (
    "Health", "Auth", "AdminUsers", "Users", "Settings", "Session", "Query", "Field", "User",
    "SQLModel", "Relationship", "None", "Class",
)  # fmt: skip

FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "str": ("title", "name", "code", "label", "slug", "sku", "city", "headline"),
    "text": ("body", "summary", "notes", "bio", "content"),
    "int": ("pages", "quantity", "rank", "stock", "year", "position"),
    "float": ("weight", "ratio", "score", "latitude"),
    "decimal": ("price", "amount", "balance", "cost"),
    "bool": ("active", "in_stock", "published", "archived"),
    "date": ("born_on", "due_on", "published_on"),
    "datetime": ("seen_at", "starts_at", "closed_at"),
    "time": ("opens_at", "closes_at"),
    "uuid": ("serial", "external_id", "ref"),
    "email": ("email", "contact"),
    "url": ("homepage", "website"),
    "enum": ("status", "genre", "kind", "size", "priority"),
    "json": ("meta", "specs", "extra", "payload"),
    "password": ("secret", "pin", "pw"),
}
ODD_FIELD_NAMES = (
    "type", "id_", "ids", "date", "time", "uuid", "decimal", "json", "str", "int", "float",
    "bool", "list", "dict", "self", "cls", "client", "session", "response", "request", "path",
    "query", "row", "page", "data", "total", "items", "owner", "user_id", "role", "roles",
    "hash", "pw_hash", "access", "limits", "fields", "status_code", "field", "text", "enum",
    "sa", "op", "func", "sort", "include", "a", "x1", "field_2", "author_id", "created",
    "updated", "settings", "app", "router", "factory", "faker", "base", "annotated", "optional",
    "detail", "errors", "link", "links", "total_count", "next", "headers", "status",
    "a_very_long_field_name_that_goes_past_the_sixty_three_character_limit_x",
    "a_long_field_name_just_under_the_postgresql_identifier_limit_x",
)  # fmt: skip
EDGE_FIELD_NAMES = (
    "select", "limit", "offset", "metadata", "model_config", "schema", "validate", "copy", "id",
    "owner_id", "class", "created_at", "user", "Title", "two__parts", "_private",
)  # fmt: skip

# Text with characters a renderer must quote or escape, or that a database treats specially.
NASTY_TEXT = (
    'He said "hi"', "it's", "back\\slash", "line1\nline2", "tab\there", "nul\x00byte",
    "{{ jinja }}", "{% raw %}", '"""triple"""', "'''", "émoji 🎉", "line\u2028separator",
    "#not a comment", "trailing space ", " leading", "", "null", "true", "123", "-0",
    "crlf\r\nline", "\x1b[31mred", "\\N", "%s %(name)s", "${HOME}", "</script>", "x" * 300,
    "\\", "'\"", "ünïcödé", "日本語", "\t", "a\\nb", "\x7f", "\ufeffbom",
)  # fmt: skip
PLAIN_TEXT = ("A short description.", "Display name", "Shown in lists", "Used for search")

# (pattern, an example that matches it or None): a pool the loader must decide on.
PATTERN_POOL: tuple[tuple[str, str | None], ...] = (
    ("^[A-Z]{3}-[0-9]{4}$", "ABC-1234"),
    ("^[0-9-]{10,17}$", "978-3-16-148410-0"),
    ("^[a-z]+$", "abc"),
    (r"^\d{5}(-\d{4})?$", "12345-6789"),
    ("^(?!admin)[a-z]{3,10}$", "guest"),
    ("(?<![0-9])[a-z]+", "abc"),
    ("^(?<=x)y$", None),
    (r"^(a|b)\1$", "aa"),
    (r"^(?P<x>[a-c])-(?P=x)$", "b-b"),
    (r"^[\w.+-]+@example\.com$", "me@example.com"),
    ("colou?r", "my colour"),
    ("^$", ""),
    ("^[À-ÿ]+$", "éà"),
    ("(?i)^abc$", "ABC"),
    ("^.{3}$", "x y"),
    (r"^[a-z]{2,}(?=\d)\d+$", "ab12"),
    (r"^\S+$", "x"),
    ("^[0-9]*$", None),
    ("^(?:[A-Z][a-z]+ ?)+$", "Hello World"),
    ("^[^\\x00]*$", "ok"),
    ("\\A[a-z]\\Z", "q"),
    ("^\\$[0-9]+$", "$5"),
    ("^[a-z]{70}$", None),
    ("^(x+x+)+y$", "xxy"),
    ('^"quoted"$', '"quoted"'),
    ("^a{1000}$", None),
)

# Patterns Python's re does not compile: refused.
EDGE_PATTERNS = ((r"^\p{L}+$", "abc"), ("^[a-z", "a"), ("a{2,1}", "aa"))

ENUM_VALUES = ("draft", "published", "archived", "small", "medium", "large", "red", "green")
ODD_ENUM_VALUES = (
    "_missing_", "mro", "name", "value", "__init__", "_generate_next_value_", "self", "DRAFT",
    "Draft", "title", "upper", "items", "keys", "values", "x1", "_", "a", "A", "yes", "no",
    "on", "off", "null", "true", "very_long_enum_value_name_that_goes_on_and_on_and_on_and_on_x",
)  # fmt: skip
EDGE_ENUM_VALUES = ("None", "True", "class", "ünïcode", "1st", "with space", "")


INT_BOUNDS = (-(2**63), -(2**31), -1000, -1, 0, 1, 5, 10, 100, 2**31 - 1, 2**31, 2**63 - 1,
              2**63, 10**20)  # fmt: skip
FLOAT_BOUNDS = (-1e308, -1.5, 0.0, 0.1, 1e-9, 1.0, 3.14, 1e6, 1e308, 0.5)
MAX_LENGTHS = (1, 2, 5, 50, 200, 255, 2083, 65535, 10**6, 2**31 - 1, 10**12)
MAX_DIGITS = (1, 2, 3, 5, 8, 10, 12, 18, 28, 38, 50, 100, 1000)
RATES = ("120/minute", "10 per second", "5/hour", "1/day", "1000 per 2 minutes", "3/seconds")
EDGE_RATES = ("0/minute", "fast", "10/fortnight", "-1/second")

DATES = ("2024-01-31", "2000-02-29", "1970-01-01", "9999-12-31", "0001-01-01")
DATETIMES = (
    "2024-01-31T12:00:00",
    "2024-01-31T12:00:00+02:00",
    "1970-01-01T00:00:00.000001",
    "2024-01-31 12:00:00Z",
    "9999-12-31T23:59:59",
)
TIMES = ("12:30:00", "00:00", "23:59:59.999999", "12:30:00+01:00")
UUIDS = ("5f1c8d7e-0b6a-4b8e-9a53-2f0e6c1d9b10", "00000000-0000-0000-0000-000000000000")


def _chance(draw: st.DrawFn, probability: float) -> bool:
    """True with at most about `probability`, False in the simplest draw.

    Hypothesis draws small integers more often than large ones (and shrinks towards 0), so the
    large end decides: a third or so less often than `probability`, never more."""
    return draw(st.integers(min_value=0, max_value=999)) >= 1000 - probability * 1000


_EDGY: ContextVar[bool] = ContextVar("edgy", default=True)
"""Whether the set being drawn may hold values the loader is expected to refuse. About a third
of the sets do; the others only take odd values that look valid, so most sets are accepted."""


def _edge(draw: st.DrawFn, probability: float) -> bool:
    """True now and then (more often than `probability` suggests) in a set that may be refused,
    never in the others."""
    return _EDGY.get() and _chance(draw, min(1.0, 2.5 * probability))


def _pick(draw: st.DrawFn, choices: Sequence[Any]) -> Any:
    return draw(st.sampled_from(list(choices)))


# -- patterns drawn from a small grammar, each with an example built alongside


@st.composite
def _atom(draw: st.DrawFn) -> tuple[str, st.SearchStrategy[str]]:
    """One regular-expression atom and a strategy for a string it matches once."""
    kind = _pick(draw, ("literal", "class", "class", "escape", "dot"))
    if kind == "literal":
        char = _pick(draw, "abcXYZ019-_.@ /#")
        return re.escape(char), st.just(char)
    if kind == "class":
        klass, chars = _pick(
            draw,
            (
                ("[a-z]", "abcxyz"),
                ("[A-Z]", "ABCXYZ"),
                ("[0-9]", "0123456789"),
                ("[a-f0-9]", "abf019"),
                ("[^,]", "xyz!"),
                ("[A-Za-z_]", "aZ_"),
            ),
        )
        return klass, st.sampled_from(list(chars))
    if kind == "escape":
        escape, chars = _pick(draw, ((r"\d", "0123456789"), (r"\w", "aZ_9"), (r"\s", " ")))
        return escape, st.sampled_from(list(chars))
    return ".", st.sampled_from(list("xQ7"))


@st.composite
def generated_pattern(draw: st.DrawFn) -> tuple[str, str]:
    """A pattern from a small grammar (atoms, quantifiers, groups, alternation, a back-reference)
    and a string that matches it."""
    parts: list[str] = []
    example: list[str] = []
    groups: list[str] = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        if groups and _chance(draw, 0.1):
            parts.append(f"(?:\\{len(groups)})")  # a digit may follow
            example.append(groups[-1])
            continue
        if _chance(draw, 0.2):
            left, left_example = draw(_atom())
            right, right_example = draw(_atom())
            chosen = draw(_pick(draw, (left_example, right_example)))
            capture = _chance(draw, 0.5)
            parts.append(f"({left}|{right})" if capture else f"(?:{left}|{right})")
            example.append(chosen)
            if capture:
                groups.append(chosen)
            continue
        atom, matches = draw(_atom())
        quantifier, low, high = _pick(
            draw,
            (("", 1, 1), ("?", 0, 1), ("+", 1, 3), ("*", 0, 2), ("{3}", 3, 3),
             ("{2,5}", 2, 5), ("{1,}", 1, 3), ("{0,2}", 0, 2)),
        )  # fmt: skip
        count = draw(st.integers(min_value=low, max_value=high))
        parts.append(atom + quantifier)
        example.append("".join(draw(matches) for _ in range(count)))
    body = "".join(parts)
    anchors = _pick(draw, (("^", "$"), ("^", "$"), ("^", "$"), ("^", ""), ("", "")))
    pattern = anchors[0] + body + anchors[1]
    text = "".join(example)
    assert re.search(pattern, text), (pattern, text)
    return pattern, text


# -- fields


def _text(draw: st.DrawFn, nasty: float = 0.35) -> str:
    if _chance(draw, nasty):
        return str(_pick(draw, NASTY_TEXT))
    return str(_pick(draw, PLAIN_TEXT))


def _string_value(draw: st.DrawFn, kind: str, low: int | None, high: int | None) -> str:
    """A value for a stringy field that mostly fits its lengths."""
    if kind == "email":
        value = _pick(draw, ("a@b.co", "someone@example.com", "ünï@example.com"))
        value = "x@y" if _edge(draw, 0.2) else value
    elif kind == "url":
        value = _pick(draw, ("https://example.com", "http://a.io/x?y=1", "https://ex.com/ü"))
    elif _chance(draw, 0.3):
        value = _text(draw, nasty=0.8)
    else:
        value = _pick(draw, ("hello", "Default name", "x", "abc-123"))
    if not _edge(draw, 0.3):
        if high is not None and len(value) > high:
            value = value[:high]
        if low is not None and len(value) < low:
            value = value + "y" * (low - len(value))
    return str(value)


def _numeric_options(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    pool = INT_BOUNDS if kind == "int" else FLOAT_BOUNDS
    if kind == "decimal":
        pool = (*INT_BOUNDS[2:10], *FLOAT_BOUNDS[1:8])
        if _chance(draw, 0.4):
            options["max_digits"] = _pick(draw, MAX_DIGITS)
        if _chance(draw, 0.4):
            digits = options.get("max_digits", 10)
            places = draw(st.integers(min_value=0, max_value=min(digits, 12)))
            options["decimal_places"] = digits + 1 if _edge(draw, 0.2) else places
        elif options.get("max_digits", 10) < 2 and not _edge(draw, 0.5):
            options["decimal_places"] = 0  # the default of 2 places needs 2 digits
    if _chance(draw, 0.45):
        styles = ["ge", "gt", "le", "lt", "range", "range", "tight"]
        style = "odd" if _edge(draw, 0.2) else _pick(draw, styles)
        if style in ("ge", "gt", "le", "lt"):
            options[style] = _pick(draw, pool)
        else:
            low_key = _pick(draw, ("ge", "gt"))
            high_key = _pick(draw, ("le", "lt"))
            low = _pick(draw, pool)
            if style == "tight":
                low_key, high_key, high = "ge", "le", low
            elif style == "odd":  # the bounds crossed or touching
                high = _pick(draw, (low - 1, low))
            else:  # sometimes with no whole number between
                higher = [b for b in pool if b > low] or [low + 1]
                high = low + 0.5 if _chance(draw, 0.05) else _pick(draw, higher)
            options[low_key], options[high_key] = low, high
    return options


def _number_default(draw: st.DrawFn, kind: str, options: dict[str, Any]) -> Any:
    low = options.get("ge", options.get("gt"))
    high = options.get("le", options.get("lt"))
    candidates: list[Any] = [0, 1, -1, 7, 2.5, "1.50", "0", "-0", 10**6]
    for bound in (low, high):
        if bound is not None:
            candidates += [bound, bound + 1, bound - 1]
    value = _pick(draw, candidates)
    if kind == "int" and not isinstance(value, int):
        value = 3
    if not _edge(draw, 0.3):
        inside = [c for c in candidates if _inside(c, options, kind)]
        value = _pick(draw, inside) if inside else None
    if kind == "decimal" and _chance(draw, 0.3):
        value = str(value)
    if kind == "float" and isinstance(value, str):
        value = 1.5
    return value


def _inside(value: Any, options: dict[str, Any], kind: str) -> bool:
    """Whether `value` is a default the bounds and digits of `options` allow."""
    if kind == "int" and not isinstance(value, int):
        return False
    if kind == "float" and isinstance(value, str):
        return False
    number = Decimal(str(value))
    checks = {"ge": number.__ge__, "gt": number.__gt__, "le": number.__le__, "lt": number.__lt__}
    for key, check in checks.items():
        if key in options and not check(Decimal(str(options[key]))):
            return False
    if kind == "decimal":
        digits = options.get("max_digits", 10)
        places = options.get("decimal_places", 2)
        exponent = number.normalize().as_tuple().exponent
        assert isinstance(exponent, int)
        if -exponent > places or abs(number) >= Decimal(10) ** (digits - places):
            return False
    return True


def _stringy_options(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if _chance(draw, 0.25 if kind != "password" else 0.5):
        options["min_length"] = _pick(draw, (0, 1, 2, 3, 8, 12, 64))
    if _chance(draw, 0.35):
        options["max_length"] = _pick(draw, MAX_LENGTHS)
        low = options.get("min_length")
        if low is not None and low > options["max_length"] and not _edge(draw, 0.5):
            options["max_length"] = max(low, 50)
    if _chance(draw, 0.3 if kind in ("str", "text") else 0.05):
        if _chance(draw, 0.5):
            pattern, example = draw(generated_pattern())
        else:
            pool = EDGE_PATTERNS if _edge(draw, 0.1) else PATTERN_POOL
            pattern, example = _pick(draw, pool)
        options["pattern"] = pattern
        if example is not None and _chance(draw, 0.75):
            options["example"] = example + "!" if _edge(draw, 0.1) else example
    return options


def _enum_options(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(min_value=1, max_value=4))
    values: list[str] = []
    for _ in range(count):
        if _edge(draw, 0.1):
            pool = EDGE_ENUM_VALUES
        else:
            pool = ODD_ENUM_VALUES if _chance(draw, 0.15) else ENUM_VALUES
        value = _pick(draw, pool)
        if value not in values or _edge(draw, 0.2):
            values.append(value)
    options: dict[str, Any] = {"values": values}
    if _chance(draw, 0.4):
        options["default"] = "nope" if _edge(draw, 0.1) else _pick(draw, values)
    return options


def _temporal_default(draw: st.DrawFn, kind: str) -> Any:
    pool = {"date": DATES, "datetime": DATETIMES, "time": TIMES, "uuid": UUIDS}[kind]
    return "not a value" if _edge(draw, 0.1) else _pick(draw, pool)


def _json_value() -> st.SearchStrategy[Any]:
    return st.sampled_from(
        ["text", 1, 2.5, True, {"a": 1, "b": [1, 2]}, ["x", None], {"nested": {"k": "ü\n"}}]
    )


@st.composite
def field(draw: st.DrawFn, kind: str) -> Any:
    """The value under `fields.<name>:` for a field of type `kind`: a shorthand or a mapping."""
    if kind != "enum" and _chance(draw, 0.15):
        return _pick(draw, (kind, f"{kind}?", f"{kind} ?"))
    options: dict[str, Any] = {"type": kind}
    if kind in ("str", "text", "email", "url", "password"):
        options.update(_stringy_options(draw, kind))
    elif kind in ("int", "float", "decimal"):
        options.update(_numeric_options(draw, kind))
    elif kind == "enum":
        options.update(_enum_options(draw))
    if _chance(draw, 0.3):
        options["optional"] = _chance(draw, 0.85)
    for flag, probability in (
        ("unique", 0.12), ("index", 0.12), ("read_only", 0.05), ("write_only", 0.05),
        ("sortable", 0.2), ("filterable", 0.2),
    ):  # fmt: skip
        if _chance(draw, probability):
            options[flag] = _chance(draw, 0.9)
    if options.get("read_only") and options.get("write_only") and not _edge(draw, 0.5):
        del options["write_only"]
    if kind in ("password", "json") or options.get("write_only"):
        for flag in ("sortable", "filterable", "unique", "index", "read_only"):
            if flag in options and not _edge(draw, 0.3):
                del options[flag]
    if _chance(draw, 0.2):
        options["description"] = _text(draw)
    unknown = "pattern" in options and "example" not in options  # what would match?
    if "default" not in options and kind != "password" and _chance(draw, 0.25):
        if not unknown or _edge(draw, 0.3):
            options["default"] = _default(draw, kind, options)
    elif kind == "password" and _edge(draw, 0.1):
        options["default"] = "hunter2"
    if "example" not in options and _chance(draw, 0.15):
        options["example"] = _example(draw, kind, options)
    if _edge(draw, 0.03):
        options["renamed_from"] = "old_name"
    null_default = "default" in options and options["default"] is None
    if null_default and not options.get("optional") and not _edge(draw, 0.3):
        del options["default"]
    return options


def _default(draw: st.DrawFn, kind: str, options: dict[str, Any]) -> Any:
    if kind in ("str", "text", "email", "url"):
        if "pattern" in options:
            return options.get("example", "x")
        return _string_value(draw, kind, options.get("min_length"), options.get("max_length"))
    if kind in ("int", "float", "decimal"):
        return _number_default(draw, kind, options)
    if kind == "bool":
        return draw(st.booleans())
    if kind == "json":
        return draw(_json_value())
    if kind == "enum":
        return _pick(draw, options["values"])
    return _temporal_default(draw, kind)


def _example(draw: st.DrawFn, kind: str, options: dict[str, Any]) -> Any:
    if kind in ("str", "text", "email", "url", "password"):
        return _string_value(draw, kind, options.get("min_length"), options.get("max_length"))
    if kind in ("int", "float", "decimal"):
        return _number_default(draw, kind, options)
    if kind == "json":
        return draw(_json_value())
    if kind == "bool":
        return True
    if kind == "enum":
        return options["values"][0]
    return _temporal_default(draw, kind)


@st.composite
def fields(draw: st.DrawFn) -> dict[str, Any]:
    """1-6 fields with plausible, distinct names (a few near reserved ones)."""
    result: dict[str, Any] = {}
    for index in range(draw(st.integers(min_value=1, max_value=6))):
        kind = _pick(draw, TYPES)
        if _edge(draw, 0.05):
            pool = EDGE_FIELD_NAMES
        else:
            pool = ODD_FIELD_NAMES if _chance(draw, 0.08) else FIELD_NAMES[kind]
        name = _pick(draw, pool)
        if name in result:
            name = f"{name}_{index}"
        result[name] = draw(field(kind))
    return result


# -- resources, relations, access, limits


@dataclass
class _Draft:
    resource: str
    table: str
    data: dict[str, Any]

    @property
    def module(self) -> str:
        return snake_case(self.resource)

    def relation_name(self, base: str) -> str:
        taken = set(self.data["fields"]) | set(self.data.get("relations", {}))
        name, index = base, 2
        while name in taken or f"{name}_id" in taken:
            name, index = f"{base}_{index}", index + 1
        return name

    def relate(self, base: str, relation: dict[str, Any]) -> str:
        name = self.relation_name(base)
        self.data.setdefault("relations", {})[name] = relation
        return name


def _belongs_to(draw: st.DrawFn, target: str, *, optional_bias: float = 0.3) -> dict[str, Any]:
    relation: dict[str, Any] = {"belongs_to": target}
    optional = _chance(draw, optional_bias)
    if optional or _chance(draw, 0.1):
        relation["optional"] = optional
    if _chance(draw, 0.45):
        choices = [c for c in ON_DELETE if optional or c != "set null" or _edge(draw, 0.2)]
        relation["on_delete"] = _pick(draw, choices)
    if target != "User" and _chance(draw, 0.35):
        relation["expand"] = True
    if _chance(draw, 0.25):
        relation["filterable"] = True
    return relation


def _relations(draw: st.DrawFn, drafts: list[_Draft]) -> None:
    """belongs_to chains (and a few backwards, self and User ones), has_many back sides,
    many_to_many between pairs."""
    parents: list[tuple[_Draft, str, _Draft]] = []  # (child, relation, parent)
    for i, child in enumerate(drafts):
        targets = list(range(i)) if i else []
        for j in targets:
            if _chance(draw, 0.55):
                parent = drafts[j]
                name = child.relate(parent.module, _belongs_to(draw, parent.resource))
                parents.append((child, name, parent))
                if _chance(draw, 0.15):
                    second = child.relate(
                        f"{_pick(draw, ('co', 'other', 'main'))}_{parent.module}",
                        _belongs_to(draw, parent.resource, optional_bias=0.6),
                    )
                    parents.append((child, second, parent))
        if i + 1 < len(drafts) and _chance(draw, 0.05):  # a cycle, back to a later resource
            parent = drafts[draw(st.integers(min_value=i + 1, max_value=len(drafts) - 1))]
            relation = _belongs_to(draw, parent.resource, optional_bias=0.7)
            parents.append((child, child.relate(parent.module, relation), parent))
        if _chance(draw, 0.1):  # a tree
            relation = _belongs_to(draw, child.resource, optional_bias=0.9)
            parents.append((child, child.relate("parent", relation), child))
        if _chance(draw, 0.15):
            name = _pick(draw, ("reviewer", "created_by", "assignee", "account", "author"))
            name = "user" if _edge(draw, 0.2) else name
            child.relate(name, _belongs_to(draw, "User", optional_bias=0.6))
    for child, name, parent in parents:
        if not _chance(draw, 0.35):
            continue
        relation: dict[str, Any] = {"has_many": child.resource}
        several = sum(1 for c, _, p in parents if c is child and p is parent) > 1
        if several or _chance(draw, 0.3):
            relation["via"] = name
        if _chance(draw, 0.4):
            relation["expand"] = True
        base = "children" if child is parent else pluralize(child.module)
        parent.relate(base, relation)
    for i, left in enumerate(drafts):
        for j, right in enumerate(drafts):
            if i == j and not _edge(draw, 0.05):
                continue
            if i > j and not _edge(draw, 0.05):  # declared on one side only, mostly
                continue
            if _chance(draw, 0.2):
                relation = {"many_to_many": right.resource}
                if _chance(draw, 0.4):
                    relation["expand"] = True
                left.relate(pluralize(right.module), relation)


def _subjects(draw: st.DrawFn, operation: str, roles: Sequence[str]) -> list[str]:
    role = _pick(draw, [*roles, "admin"])
    if _edge(draw, 0.05):  # refused: owner cannot create, public with others, empty, twice
        return list(_pick(draw, (["owner"], ["public", "admin"], [], [role, role])))
    choices: list[list[str]] = [["public"], ["authenticated"], [role], ["admin"]]
    if role != "admin":
        choices.append([role, "admin"])
    if operation != "create":
        choices += [["owner"], ["owner", "admin"]]
        if role != "admin":
            choices.append(["owner", role])
    return list(_pick(draw, choices))


def _access(draw: st.DrawFn, roles: Sequence[str]) -> dict[str, Any] | None:
    if not _chance(draw, 0.7):
        return None
    access: dict[str, Any] = {}
    everyone_public = _chance(draw, 0.25)
    for operation in OPERATIONS:
        if everyone_public:
            access[operation] = ["public"]
        elif _chance(draw, 0.6):
            access[operation] = _subjects(draw, operation, roles)
    return access


def _limits(draw: st.DrawFn) -> dict[str, Any] | None:
    if not _chance(draw, 0.35):
        return None
    limits: dict[str, Any] = {}
    for key in SCHEMA_VOCABULARY["limits"]:
        if key == "page_size":
            if _chance(draw, 0.4):
                default = _pick(draw, (1, 5, 20, 50))
                maximum = _pick(draw, (1, 10, 100, 500, 1000))
                if maximum < default and not _edge(draw, 0.5):
                    maximum = default
                page: dict[str, Any] = {}
                if _chance(draw, 0.8):
                    page["default"] = default
                if _chance(draw, 0.8):
                    page["max"] = maximum
                limits["page_size"] = page
        elif _chance(draw, 0.25 if key == "rate" else 0.15):
            limits[key] = _pick(draw, EDGE_RATES if _edge(draw, 0.1) else RATES)
    return limits or None


ODD_TABLES = (
    "pg_class", "sqlite_sequence", "sqlite_master", "t", "information_schema", "pg_toast_x",
    "items", "a_table_name_that_is_much_longer_than_the_postgresql_limit_of_63_chars",
)  # fmt: skip
EDGE_TABLES = ("alembic_version", "users", "order", "Books", "2nd")
ODD_PATHS = ("/health", "/auth", "/admin/users", "/docs", "/users", "/a/b/c", "/auth/token")
EDGE_PATHS = ("books", "/Books", "/", "/a//b", "/openapi.json")


@st.composite
def spec_sets(draw: st.DrawFn, max_resources: int = 4) -> SpecSet:
    """A set of 1-`max_resources` spec files and the roles its project declares."""
    token = _EDGY.set(_chance(draw, 0.7))
    try:
        return _spec_set(draw, max_resources)
    finally:
        _EDGY.reset(token)


def _spec_set(draw: st.DrawFn, max_resources: int) -> SpecSet:
    roles = draw(st.lists(st.sampled_from(ROLE_POOL), max_size=3, unique=True))
    count = draw(st.integers(min_value=1, max_value=max_resources))
    names: list[str] = []
    while len(names) < count:
        if _edge(draw, 0.05):
            pool = EDGE_RESOURCES
        else:
            pool = ODD_RESOURCES if _chance(draw, 0.08) else PLAIN_RESOURCES
        name = _pick(draw, pool)
        if name in names:
            name = f"{name}{_pick(draw, ('Item', 'Entry', 'Record', 'Line'))}"
        if name not in names:
            names.append(name)
    drafts: list[_Draft] = []
    for name in names:
        data: dict[str, Any] = {"version": 1, "resource": name}
        table = default_table(snake_case(name))
        if _chance(draw, 0.12):
            if _edge(draw, 0.2):
                table = _pick(draw, EDGE_TABLES)
            elif _chance(draw, 0.3):
                table = _pick(draw, ODD_TABLES)
            else:
                table = f"{_pick(draw, ('app', 'tbl', 'shop'))}_{table}"
            data["table"] = table
        if _chance(draw, 0.12):
            if _edge(draw, 0.2):
                data["path"] = _pick(draw, EDGE_PATHS)
            elif _chance(draw, 0.3):
                data["path"] = _pick(draw, ODD_PATHS)
            else:
                data["path"] = f"/{_pick(draw, ('api', 'v1', 'shop'))}/{table.replace('_', '-')}"
        data["fields"] = draw(fields())
        drafts.append(_Draft(name, table, data))
    _relations(draw, drafts)
    for draft in drafts:
        access = _access(draw, roles)
        if access is not None:
            draft.data["access"] = access
        limits = _limits(draw)
        if limits is not None:
            draft.data["limits"] = limits
    for draft in drafts:  # a name it had before: inert for a resource fastgen adds
        if _edge(draw, 0.04):
            draft.data["renamed_from"] = f"Former{draft.resource}"
    order = draw(st.permutations(list(range(count))))
    files = tuple((f"{drafts[i].module}.yaml", dump_spec(_ordered(drafts[i].data))) for i in order)
    return SpecSet(files, tuple(roles))


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    keys = SCHEMA_VOCABULARY["top"]
    return {key: data[key] for key in keys if key in data}
