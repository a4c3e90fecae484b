"""Fixtures of the render tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spec_worlds import WORLDS, World, load_world, render_world


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], World]:
    """`world("fields")`: that world's specs rendered into a generated project (once)."""
    cache: dict[str, World] = {}

    def get(name: str) -> World:
        if name not in cache:
            folder = tmp_path_factory.mktemp(name)
            specs = load_world(WORLDS[name](), folder)
            root = folder / "project"
            cache[name] = World(specs, root, render_world(specs, root))
        return cache[name]

    return get
