"""Operations (what changes between two project states) and the diff that finds them."""

from fastgen.plan.diff import diff
from fastgen.plan.operations import AddResource, Category, Operation

__all__ = ["AddResource", "Category", "Operation", "diff"]
