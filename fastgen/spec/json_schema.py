"""A JSON Schema (draft 2020-12) of the spec format, for editors.

The schema describes the YAML as people write it (shorthand fields such as `summary: text?`,
sections that may be left empty), not the pydantic models the loader builds. Editors that read a
`# yaml-language-server: $schema=...` line use it to complete keys and values, show the
descriptions on hover and flag mistakes while typing.

Every enum and pattern comes from `fastgen.spec.model` (and the loader's own name rules), so the
schema follows the spec format when it changes. The loader stays the authority: whatever it
accepts is valid against the schema, but a few checks only the loader makes (a default outside the
bounds, a relation to an unknown resource or without the belongs_to that points back, roles
declared in pyproject.toml, ...) cannot be expressed in JSON Schema and are left to it.

Only keywords that draft-07 validators understand as well are used (`$defs` is resolved as a plain
JSON pointer, `$ref` never has constraining siblings), so older editor plug-ins read it too.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Iterable
from typing import Any, get_args

import annotated_types
from pydantic import BaseModel, StringConstraints

from fastgen.builtin import BUILTIN_RESOURCES, SKELETON_TABLES
from fastgen.spec.defaults import BOUNDS, NUMERIC, STRINGY
from fastgen.spec.fields import ENUM_VALUE, LIST_OPTIONS, OPTIONS
from fastgen.spec.model import (
    DEFAULT_DECIMAL_PLACES,
    DEFAULT_MAX_DIGITS,
    PATH_PATTERN,
    RATE_LIMIT_PATTERN,
    ClassName,
    FieldSpec,
    FieldType,
    Identifier,
    OnDelete,
    Operation,
    PageSize,
)
from fastgen.spec.relations import KINDS, ONLY_FOR
from fastgen.spec.reserved import (
    MODEL_ATTRIBUTES,
    OPERATOR_SEPARATOR,
    RESERVED_CLASS_NAMES,
    RESERVED_TABLES,
    SQL_WORDS,
    SYSTEM_COLUMNS,
)
from fastgen.spec.sections import BUILTIN_SUBJECTS

__all__ = ["SCHEMA_FILE", "SCHEMA_ID", "schema_text", "spec_json_schema"]

SCHEMA_ID = "https://fastgen.dev/schema/spec-v1.json"
SCHEMA_FILE = "fastgen-spec.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

Schema = dict[str, Any]


def _pattern(alias: object) -> str:
    """The regular expression of an `Annotated[str, StringConstraints(pattern=...)]` alias."""
    for meta in get_args(alias)[1:]:
        if isinstance(meta, StringConstraints) and isinstance(meta.pattern, str):
            return meta.pattern
    raise TypeError(f"{alias!r} has no pattern")


IDENTIFIER_PATTERN = _pattern(Identifier)
CLASS_NAME_PATTERN = _pattern(ClassName)
TYPE_NAMES = [t.value for t in FieldType]
OPERATIONS = [o.value for o in Operation]
ON_DELETE = [o.value for o in OnDelete]


def _core(pattern: str) -> str:
    """A `^...$` pattern without its anchors."""
    if not (pattern.startswith("^") and pattern.endswith("$")):
        raise ValueError(f"expected an anchored pattern, got {pattern!r}")
    return pattern[1:-1]


# The loader strips a shorthand and a rate limit before it matches them.
SHORTHAND_PATTERN = r"^\s*(" + "|".join(re.escape(name) for name in TYPE_NAMES) + r")(\s*\?)?\s*$"
RATE_PATTERN = r"^\s*(" + _core(RATE_LIMIT_PATTERN) + r")\s*$"


def _matching(pattern: str, words: Iterable[str]) -> list[str]:
    compiled = re.compile(pattern)
    return sorted(word for word in words if compiled.fullmatch(word))


# Names the loader refuses although they match the pattern (see fastgen.spec.reserved).
RESERVED_ATTRIBUTES = _matching(
    IDENTIFIER_PATTERN, SYSTEM_COLUMNS | MODEL_ATTRIBUTES | set(keyword.kwlist)
)
RESERVED_TABLE_NAMES = _matching(
    IDENTIFIER_PATTERN,
    SQL_WORDS | RESERVED_TABLES | set(BUILTIN_RESOURCES.values()) | set(SKELETON_TABLES),
)
RESERVED_RESOURCES = _matching(
    CLASS_NAME_PATTERN, RESERVED_CLASS_NAMES | set(keyword.kwlist) | set(BUILTIN_RESOURCES)
)
KEYWORD_VALUES = _matching(ENUM_VALUE.pattern, keyword.kwlist)

TYPE_DOCS: dict[FieldType, str] = {
    FieldType.STR: "short text (VARCHAR; max_length sets its size)",
    FieldType.TEXT: "long text",
    FieldType.INT: "whole number",
    FieldType.FLOAT: "floating-point number",
    FieldType.DECIMAL: (
        f"exact number (max_digits, default {DEFAULT_MAX_DIGITS}; "
        f"decimal_places, default {DEFAULT_DECIMAL_PLACES})"
    ),
    FieldType.BOOL: "true or false",
    FieldType.DATE: "calendar date, e.g. '2024-01-31'",
    FieldType.DATETIME: "date and time, e.g. '2024-01-31T12:00:00'",
    FieldType.TIME: "time of day, e.g. '12:30:00'",
    FieldType.UUID: "UUID",
    FieldType.EMAIL: "email address (validated)",
    FieldType.URL: "http(s) URL (validated)",
    FieldType.ENUM: "one of the names listed in 'values'",
    FieldType.JSON: "any JSON value",
    FieldType.PASSWORD: "write-only secret, stored hashed (argon2) and never returned",
}

ON_DELETE_DOCS: dict[OnDelete, str] = {
    OnDelete.CASCADE: "delete this row with its parent",
    OnDelete.SET_NULL: "clear the reference (needs 'optional: true')",
    OnDelete.RESTRICT: "refuse to delete a parent that still has rows pointing to it",
}


def _doc(docs: dict[Any, str], members: list[Any]) -> str:
    return "; ".join(f"{m.value}: {docs[m]}" if m in docs else str(m.value) for m in members)


def _nullable(kind: str) -> list[str]:
    return [kind, "null"]


def _bounds(model: type[BaseModel], name: str) -> Schema:
    """`minimum` / `maximum` of a model field, from its `Field(ge=..., le=...)`."""
    result: Schema = {}
    for meta in model.model_fields[name].metadata:
        if isinstance(meta, annotated_types.Ge):
            result["minimum"] = meta.ge
        elif isinstance(meta, annotated_types.Le):
            result["maximum"] = meta.le
    return result


def _ref(name: str, description: str) -> Schema:
    return {"$ref": f"#/$defs/{name}", "description": description}


def _flag(name: str, description: str) -> Schema:
    default = FieldSpec.model_fields[name].default
    return {"type": "boolean", "default": default, "description": description}


def _whole(name: str, description: str) -> Schema:
    return {"type": _nullable("integer"), **_bounds(FieldSpec, name), "description": description}


def _bound(description: str) -> Schema:
    return {"type": _nullable("number"), "description": description}


# -- fields


def _option_schemas() -> dict[str, Schema]:
    """The value each key of a field mapping takes. Keys are FieldSpec's fields but `name`."""
    types_doc = _doc(TYPE_DOCS, list(FieldType))
    return {
        "type": {"enum": TYPE_NAMES, "description": f"The column type. {types_doc}."},
        "optional": _flag(
            "optional", "The column may be null and the API may omit it (default false)."
        ),
        "default": {
            "type": ["string", "number", "boolean", "null"],
            "description": (
                "Value used when the API omits the field; must fit the type and its constraints. "
                "null needs 'optional: true'."
            ),
        },
        "unique": _flag("unique", "Add a unique constraint (default false)."),
        "index": _flag("index", "Add a database index (default false)."),
        "min_length": _whole(
            "min_length", "Minimum length in characters (str, text, email, url, password)."
        ),
        "max_length": _whole(
            "max_length",
            "Maximum length in characters (str, text, email, url, password); sets the size of a "
            "str column.",
        ),
        "pattern": {
            "type": _nullable("string"),
            "description": (
                "Regular expression the value must match (str, text, email, url, password), in "
                "the syntax both Python and the app's regex engine accept: no look-around or "
                "back-references; searched anywhere in the value unless anchored with ^ and $."
            ),
        },
        "ge": _bound("Lower bound, inclusive: value >= ge (int, float, decimal)."),
        "gt": _bound("Lower bound, exclusive: value > gt (int, float, decimal)."),
        "le": _bound("Upper bound, inclusive: value <= le (int, float, decimal)."),
        "lt": _bound("Upper bound, exclusive: value < lt (int, float, decimal)."),
        "max_digits": _whole(
            "max_digits",
            f"Total number of digits of a decimal (default {DEFAULT_MAX_DIGITS}).",
        ),
        "decimal_places": _whole(
            "decimal_places",
            f"Digits after the decimal point of a decimal (default {DEFAULT_DECIMAL_PLACES}).",
        ),
        "values": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {
                "type": "string",
                "pattern": ENUM_VALUE.pattern,
                "not": {"enum": KEYWORD_VALUES},
                "description": (
                    "A choice: letters, digits and '_', not starting with a digit, "
                    "not a Python keyword."
                ),
            },
            "description": "The choices of an enum field, e.g. [draft, published].",
        },
        "read_only": _flag(
            "read_only", "Returned by the API but not accepted on create or update."
        ),
        "write_only": _flag(
            "write_only", "Accepted on create and update but never returned by the API."
        ),
        "sortable": _flag(
            "sortable",
            "The list endpoint accepts `sort=<field>` / `sort=-<field>`. Default false; not on "
            "json, password or write_only fields.",
        ),
        "filterable": _flag(
            "filterable",
            "The list endpoint accepts `<field>=` (equality; repeat the parameter for any of "
            "several values), and for int/float/decimal/date/datetime/time `<field>__gte`, "
            "`__gt`, `__lte`, `__lt`; for str/text/email/url `<field>__contains` "
            "(case-insensitive). Default false; not on json, password or write_only fields.",
        ),
        "description": {
            "type": _nullable("string"),
            "description": "Documentation of the field, shown in the OpenAPI schema.",
        },
        "example": {
            "description": (
                "An example value; it must satisfy every constraint of the field. The generated "
                "test data uses it for a field that is not unique."
            )
        },
        "renamed_from": {
            "type": _nullable("string"),
            "pattern": IDENTIFIER_PATTERN,
            "description": (
                "The field's previous name: the column is renamed (keeping its data) instead of "
                "dropped and added."
            ),
        },
    }


# Options that only some types take; the loader refuses them (even when null) on other types.
_TYPE_OPTIONS: tuple[tuple[tuple[str, ...], frozenset[FieldType]], ...] = (
    (("min_length", "max_length", "pattern"), STRINGY),
    (BOUNDS, NUMERIC),
    (("max_digits", "decimal_places"), frozenset({FieldType.DECIMAL})),
    (("values",), frozenset({FieldType.ENUM})),
)

# The JSON types a non-null default may have, per field type (json: anything; password: none).
DEFAULT_TYPES: dict[FieldType, list[str]] = {
    **{kind: ["string"] for kind in STRINGY},
    FieldType.BOOL: ["boolean"],
    FieldType.INT: ["integer"],
    FieldType.FLOAT: ["number"],
    FieldType.DECIMAL: ["number", "string"],
    FieldType.ENUM: ["string"],
    FieldType.DATE: ["string"],
    FieldType.DATETIME: ["string"],
    FieldType.TIME: ["string"],
    FieldType.UUID: ["string"],
}


def _when_type(kinds: list[str], then: Schema) -> Schema:
    return {"if": {"required": ["type"], "properties": {"type": {"enum": kinds}}}, "then": then}


def _field_rules() -> list[Schema]:
    """Checks between the options of one field that JSON Schema can express."""
    rules: list[Schema] = []
    for options, allowed in _TYPE_OPTIONS:
        others = [t.value for t in FieldType if t not in allowed]
        rules.append(_when_type(others, {"properties": dict.fromkeys(options, False)}))
    rules.append(_when_type([FieldType.ENUM.value], {"required": ["values"]}))
    rules.append({"not": {"required": ["ge", "gt"]}})
    rules.append({"not": {"required": ["le", "lt"]}})
    rules.append(
        {
            "not": {
                "required": ["read_only", "write_only"],
                "properties": {"read_only": {"const": True}, "write_only": {"const": True}},
            }
        }
    )
    never_true = {"const": False}
    not_listed = dict.fromkeys(LIST_OPTIONS, never_true)
    rules.append(
        _when_type(
            [FieldType.PASSWORD.value],
            {
                "properties": {
                    "default": False,
                    "unique": never_true,
                    "index": never_true,
                    "read_only": never_true,
                    **not_listed,
                }
            },
        )
    )
    rules.append(
        _when_type(
            [FieldType.JSON.value],
            {"properties": {"unique": never_true, "index": never_true, **not_listed}},
        )
    )
    rules.append(
        {
            "if": {"required": ["write_only"], "properties": {"write_only": {"const": True}}},
            "then": {"properties": not_listed},
        }
    )
    rules.append(
        {
            "if": {"required": ["default"], "properties": {"default": {"const": None}}},
            "then": {"required": ["optional"], "properties": {"optional": {"const": True}}},
        }
    )
    by_json_type: dict[tuple[str, ...], list[str]] = {}
    for kind in FieldType:  # in declaration order: the output must not depend on set order
        default_types = DEFAULT_TYPES.get(kind)
        if default_types is not None:
            by_json_type.setdefault(tuple(default_types), []).append(kind.value)
    for json_types, kinds in by_json_type.items():
        rules.append(
            _when_type(kinds, {"properties": {"default": {"type": [*json_types, "null"]}}})
        )
    return rules


def _field_defs() -> dict[str, Schema]:
    schemas = _option_schemas()
    options = {name: schemas.get(name, {"description": name}) for name in OPTIONS}
    shorthand_examples = [name for t in TYPE_NAMES for name in (t, f"{t}?")]
    return {
        "field": {
            "description": (
                "A column: a type in shorthand ('text', 'int?': '?' makes it optional) or a "
                "mapping of options with at least 'type'."
            ),
            "oneOf": [_ref("field_shorthand", "Shorthand."), _ref("field_options", "Options.")],
        },
        "field_shorthand": {
            "type": "string",
            "pattern": SHORTHAND_PATTERN,
            "examples": shorthand_examples,
            "description": (
                "A type, optionally followed by '?' for an optional field, e.g. 'str' or 'text?'. "
                f"Types: {', '.join(TYPE_NAMES)}."
            ),
        },
        "field_options": {
            "type": "object",
            "required": ["type"],
            "additionalProperties": False,
            "properties": options,
            "allOf": _field_rules(),
            "description": "A field with options, e.g. {type: str, max_length: 200}.",
        },
    }


# -- names, relations, access, limits


def _name_defs() -> dict[str, Schema]:
    return {
        "attribute_name": {
            "type": "string",
            "pattern": IDENTIFIER_PATTERN,
            "not": {
                "anyOf": [
                    {"enum": RESERVED_ATTRIBUTES},
                    {"pattern": "^model_"},
                    {"pattern": re.escape(OPERATOR_SEPARATOR)},
                ]
            },
            "description": (
                "snake_case: lowercase letters, digits and '_', starting with a letter; not a "
                "Python keyword, column fastgen adds (id, created_at, "
                "updated_at, owner_id) or attribute of SQLModel/pydantic models; no "
                f"'{OPERATOR_SEPARATOR}' (list filters put it before an operator)."
            ),
        },
        "class_name": {
            "type": "string",
            "pattern": CLASS_NAME_PATTERN,
            "description": "A resource class name in PascalCase, e.g. Author.",
        },
    }


def _relation_defs() -> dict[str, Schema]:
    kinds_doc = {
        "belongs_to": "Many-to-one: adds the column '<relation>_id' pointing to this resource.",
        "has_many": (
            "One-to-many: rows of the other resource point to this one with a belongs_to (see via)."
        ),
        "many_to_many": (
            "Many-to-many with another resource, through the association table "
            "'<table>_<relation>'. Declare it on one side only."
        ),
    }
    properties: Schema = {
        kind: _ref("class_name", kinds_doc.get(kind, kind.replace("_", " "))) for kind in KINDS
    }
    properties["on_delete"] = {
        "enum": ON_DELETE,
        "description": (
            "What happens to this row when the row it belongs to is deleted (belongs_to only): "
            f"{_doc(ON_DELETE_DOCS, list(OnDelete))}."
        ),
    }
    properties["optional"] = {
        "type": "boolean",
        "default": False,
        "description": "The foreign key may be null (belongs_to only).",
    }
    properties["expand"] = {
        "type": "boolean",
        "default": False,
        "description": (
            "Read and list endpoints may include the related rows on request "
            "(`include=<relation>`). Default false."
        ),
    }
    properties["filterable"] = {
        "type": "boolean",
        "default": False,
        "description": (
            "The list endpoint accepts `<relation>_id=` (equality, repeatable). belongs_to only; "
            "default false."
        ),
    }
    properties["via"] = {
        "type": "string",
        "pattern": IDENTIFIER_PATTERN,
        "description": (
            "The name of the belongs_to relation of the other resource that points back to this "
            "one (has_many only). Inferred when there is exactly one."
        ),
    }
    only: dict[str, list[str]] = {}
    for option, kind in ONLY_FOR.items():
        only.setdefault(kind, []).append(option)
    kind_rules: list[Schema] = [
        {"if": {"required": [kind]}, "else": {"properties": dict.fromkeys(options, False)}}
        for kind, options in only.items()
    ]
    return {
        "relation": {
            "type": "object",
            "additionalProperties": False,
            "properties": properties,
            "oneOf": [{"required": [kind]} for kind in KINDS],
            "allOf": [
                *kind_rules,
                {
                    "if": {
                        "required": ["on_delete"],
                        "properties": {"on_delete": {"const": OnDelete.SET_NULL.value}},
                    },
                    "then": {"required": ["optional"], "properties": {"optional": {"const": True}}},
                },
            ],
            "description": (
                f"Exactly one of {', '.join(KINDS)}, naming the other resource, e.g. "
                "{belongs_to: Author, on_delete: cascade}."
            ),
        }
    }


def _access_defs() -> dict[str, Schema]:
    builtin = ", ".join(BUILTIN_SUBJECTS)
    return {
        "subjects": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {
                "type": "string",
                "pattern": r"\S",
                "examples": list(BUILTIN_SUBJECTS),
                "description": (
                    f"{builtin}, or a role declared under [tool.fastgen] roles in pyproject.toml."
                ),
            },
            "allOf": [{"if": {"contains": {"const": "public"}}, "then": {"maxItems": 1}}],
            "description": (
                f"Who may do it: {builtin} or roles. 'public' stands alone (it already allows "
                "everyone)."
            ),
        }
    }


def _access() -> Schema:
    properties: Schema = {}
    for operation in OPERATIONS:
        description = f"Who may {operation} (default: authenticated)."
        if operation == Operation.CREATE.value:
            properties[operation] = {
                "allOf": [
                    _ref("subjects", "Subjects."),
                    {"items": {"not": {"const": "owner"}}},
                ],
                "description": f"{description} Not 'owner': the row does not exist yet.",
            }
        else:
            properties[operation] = _ref("subjects", description)
    return {
        "type": _nullable("object"),
        "additionalProperties": False,
        "properties": properties,
        "description": (
            "Who may do each operation. A missing operation (or no access block) means "
            "'authenticated'."
        ),
    }


def _limits() -> Schema:
    properties: Schema = {
        "rate": _ref("rate_limit", "Rate limit of every operation without its own."),
    }
    for operation in OPERATIONS:
        properties[operation] = _ref("rate_limit", f"Rate limit of {operation}.")
    page_size: Schema = {}
    for key, what in (("default", "Page size when the request gives none"), ("max", "Largest")):
        default = PageSize.model_fields[key].default
        page_size[key] = {
            "type": "integer",
            **_bounds(PageSize, key),
            "default": default,
            "description": f"{what} page size of list (default {default}).",
        }
    properties["page_size"] = {
        "type": _nullable("object"),
        "additionalProperties": False,
        "properties": page_size,
        "description": "Page sizes of list; default must not exceed max.",
    }
    return {
        "type": _nullable("object"),
        "additionalProperties": False,
        "properties": properties,
        "description": "Rate limits and page sizes.",
    }


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a resource spec file, as written in YAML."""
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": "fastgen resource spec (version 1)",
        "description": (
            "One resource of a fastgen project: its fields, relations, access and limits. "
            "Spec files live in specs/ and are applied with 'fastgen add resource' or "
            "'fastgen sync'."
        ),
        "type": "object",
        "required": ["version", "resource", "fields"],
        "additionalProperties": False,
        "properties": {
            "version": {"const": 1, "description": "Version of the spec format: 1."},
            "resource": {
                "type": "string",
                "pattern": CLASS_NAME_PATTERN,
                "not": {"enum": RESERVED_RESOURCES},
                "description": (
                    "Class name of the resource in PascalCase, e.g. Book. Names the generated "
                    "model, schemas and router."
                ),
            },
            "renamed_from": {
                "type": "string",
                "pattern": CLASS_NAME_PATTERN,
                "description": (
                    "The class name the resource had before: `fastgen sync` renames its table, "
                    "modules and references (keeping the rows) instead of dropping it. Once "
                    "applied it changes nothing and may stay."
                ),
            },
            "table": {
                "type": "string",
                "pattern": IDENTIFIER_PATTERN,
                "not": {"enum": RESERVED_TABLE_NAMES},
                "description": (
                    "Database table in snake_case (default: the resource in snake_case, plural)."
                ),
            },
            "path": {
                "type": "string",
                "pattern": PATH_PATTERN,
                "description": (
                    "URL path of the endpoints, lowercase segments, e.g. /books "
                    "(default: /<table>)."
                ),
            },
            "fields": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": _ref("attribute_name", "A field name."),
                "additionalProperties": _ref("field", "A field."),
                "description": (
                    "The columns, by name: a type in shorthand ('title: str', 'summary: text?') "
                    "or a mapping of options ('title: {type: str, max_length: 200}'). "
                    "id, created_at and updated_at are added automatically."
                ),
            },
            "relations": {
                "type": _nullable("object"),
                "propertyNames": _ref("attribute_name", "A relation name."),
                "additionalProperties": _ref("relation", "A relation."),
                "description": (
                    "Links to other resources, by name, e.g. 'author: {belongs_to: Author}'."
                ),
            },
            "access": _access(),
            "limits": _limits(),
        },
        "$defs": {
            **_name_defs(),
            **_field_defs(),
            **_relation_defs(),
            **_access_defs(),
            "rate_limit": {
                "type": _nullable("string"),
                "pattern": RATE_PATTERN,
                "examples": ["120/minute", "10 per second", "1000 per 1 hour"],
                "description": (
                    "'<count>/<period>' or '<count> per <period>' with second, minute, hour or "
                    "day, e.g. 120/minute."
                ),
            },
        },
    }


def schema_text() -> str:
    """The schema as the text of `fastgen-spec.schema.json` (stable: sorted keys, 2 spaces)."""
    return json.dumps(spec_json_schema(), indent=2, sort_keys=True) + "\n"
