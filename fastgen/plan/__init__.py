"""Operations (what changes between two project states) and the diff that finds them."""

from fastgen.plan.diff import diff
from fastgen.plan.operations import (
    AddField,
    AddOwner,
    AddRelation,
    AddResource,
    AlterField,
    AlterRelation,
    Category,
    ChangeResource,
    Operation,
    RemoveField,
    RemoveOwner,
    RemoveRelation,
    RemoveResource,
    RenameField,
    RenameResource,
    Safety,
)

__all__ = [
    "AddField",
    "AddOwner",
    "AddRelation",
    "AddResource",
    "AlterField",
    "AlterRelation",
    "Category",
    "ChangeResource",
    "Operation",
    "RemoveField",
    "RemoveOwner",
    "RemoveRelation",
    "RemoveResource",
    "RenameField",
    "RenameResource",
    "Safety",
    "diff",
]
