"""Operations (what changes between two project states) and the diff that finds them."""

from fastgen.plan.diff import diff
from fastgen.plan.operations import (
    AddField,
    AddRelation,
    AddResource,
    AlterField,
    Category,
    ChangeResource,
    Operation,
    RemoveField,
    RemoveRelation,
    RemoveResource,
    RenameField,
    RenameResource,
    Safety,
)

__all__ = [
    "AddField",
    "AddRelation",
    "AddResource",
    "AlterField",
    "Category",
    "ChangeResource",
    "Operation",
    "RemoveField",
    "RemoveRelation",
    "RemoveResource",
    "RenameField",
    "RenameResource",
    "Safety",
    "diff",
]
