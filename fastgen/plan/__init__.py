"""Operations (what changes between two project states) and the diff that finds them."""

from fastgen.plan.diff import diff
from fastgen.plan.operations import (
    AddField,
    AddResource,
    AlterField,
    Category,
    ChangeResource,
    Operation,
    RemoveField,
    RenameField,
    Safety,
)

__all__ = [
    "AddField",
    "AddResource",
    "AlterField",
    "Category",
    "ChangeResource",
    "Operation",
    "RemoveField",
    "RenameField",
    "Safety",
    "diff",
]
