"""Resource specs: the format (`model`), naming rules (`names`) and the YAML loader (`load`)."""

from fastgen.spec.model import (
    Access,
    FieldSpec,
    FieldType,
    Limits,
    OnDelete,
    Operation,
    RelationSpec,
    ResourceSpec,
)

__all__ = [
    "Access",
    "FieldSpec",
    "FieldType",
    "Limits",
    "OnDelete",
    "Operation",
    "RelationSpec",
    "ResourceSpec",
]
