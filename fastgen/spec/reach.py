"""Creates that some of their callers could never make: a create open to `public` with a
required `belongs_to` whose target anonymous callers may not read.

The generated app answers a foreign key to a row the caller may not read exactly like one to a
missing row (422), so such a caller has no value to send: every create of theirs would fail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastgen.builtin import BUILTIN_READ
from fastgen.spec.clashes import Located
from fastgen.spec.model import ResourceSpec

PUBLIC = "public"


def check_public_creates(located: Sequence[Located], applied: Mapping[str, ResourceSpec]) -> None:
    """Report, at the relation, each required belongs_to that anonymous creators cannot name."""
    specs = {**applied, **{item.spec.resource: item.spec for item in located}}
    for item in located:
        spec = item.spec
        if PUBLIC not in spec.access.create:
            continue
        for index, relation in enumerate(spec.relations):
            if relation.kind != "belongs_to" or relation.optional:
                continue
            target = specs.get(relation.target)
            read = BUILTIN_READ.get(relation.target, target.access.read if target else (PUBLIC,))
            if PUBLIC in read:
                continue
            path, span = item.span("relations", index)
            readable = (
                "" if relation.target in BUILTIN_READ else f"let 'public' read {relation.target}, "
            )
            item.report.error(
                span,
                path,
                f"create is open to 'public', but anonymous callers may not read "
                f"{relation.target}, so they could never name the {relation.target} this "
                "required belongs_to needs (a row they may not read is answered like a missing "
                "one)",
                f"add 'optional: true', {readable}or take 'public' out of create",
            )
