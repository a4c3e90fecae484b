"""Several Alembic heads, to be joined by a merge revision.

Two git branches that each change the schema each write a revision chained to the head they
started from; once merged, the history has two heads and `alembic upgrade head` refuses to run.
The way out that is safe for every database, whichever branch it has applied already, is a merge
revision: it names both heads as its parents and changes nothing. Re-chaining one branch's
revisions onto the other's would rewrite revisions that databases may have applied.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastgen.plan.operations import Category, Operation


@dataclass(frozen=True)
class MergeHeads(Operation):
    heads: tuple[str, ...]

    @property
    def category(self) -> Category:
        return Category.ADD

    def describe(self) -> str:
        return (
            f"{self.category} merge revision of the {len(self.heads)} heads {', '.join(self.heads)}"
        )
