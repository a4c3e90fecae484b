from __future__ import annotations

import textwrap
from collections.abc import Callable, Collection

import pytest

from fastgen.errors import SpecError
from fastgen.spec.load import load_spec_text

Errors = Callable[..., str]


@pytest.fixture
def errors() -> Errors:
    """Load a dedented spec that must fail; return every diagnostic rendered."""

    def run(
        text: str,
        *,
        known_resources: Collection[str] = ("Author",),
        roles: Collection[str] | None = None,
        file: str = "specs/book.yaml",
    ) -> str:
        with pytest.raises(SpecError) as caught:
            load_spec_text(
                textwrap.dedent(text), file, known_resources=known_resources, roles=roles
            )
        return caught.value.render()

    return run
