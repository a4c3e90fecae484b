"""Operations as immutable values that can describe themselves."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fastgen.spec.model import ResourceSpec


class Category(StrEnum):
    ADD = "+"
    REMOVE = "-"
    CHANGE = "~"


@dataclass(frozen=True)
class Operation:
    category: Category

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class AddResource(Operation):
    spec: ResourceSpec

    def __init__(self, spec: ResourceSpec) -> None:
        object.__setattr__(self, "category", Category.ADD)
        object.__setattr__(self, "spec", spec)

    def describe(self) -> str:
        spec = self.spec
        count = len(spec.fields)
        return (
            f"{self.category} resource {spec.resource} "
            f"(table {spec.table}, {count} field{'s' if count != 1 else ''}, path {spec.path})"
        )
