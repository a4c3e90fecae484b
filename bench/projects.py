"""Generated projects to measure on: the bookshop example, and projects holding N resources
(`Item0` .. `Item{N-1}`, five fields each, every third one belonging to the one before),
built by adding the specs in batches and copied aside at each size on the way up."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from bench.timing import BIN, run

REPO = Path(__file__).resolve().parent.parent
BOOKSHOP_SPECS = (
    REPO / "examples" / "bookshop" / "author.yaml",
    REPO / "examples" / "bookshop" / "book.yaml",
)
BOOKSHOP_ROLES = ("editor",)
"""Roles the bookshop's specs name in `access` besides admin (declared by `fastgen new`)."""
FASTGEN = BIN / "fastgen"

_ACCESS = """access:
  list: [public]
  read: [public]
  create: [public]
  update: [public]
  delete: [public]
"""


def item_spec(index: int) -> str:
    """The spec of resource `Item{index}`."""
    relation = (
        f"relations:\n  parent: {{belongs_to: Item{index - 1}, on_delete: cascade}}\n"
        if index % 3 == 2
        else ""
    )
    return (
        f"version: 1\nresource: Item{index}\nfields:\n"
        "  name: {type: str, max_length: 100}\n"
        "  qty: {type: int, ge: 0, optional: true}\n"
        "  price: {type: decimal, max_digits: 10, decimal_places: 2}\n"
        "  active: {type: bool, default: true}\n"
        "  notes: text?\n" + relation + _ACCESS
    )


def write_specs(folder: Path, indices: Iterable[int]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in indices:
        path = folder / f"item{index}.yaml"
        path.write_text(item_spec(index), encoding="utf-8")
        paths.append(path)
    return paths


def new_project(
    parent: Path,
    name: str,
    env: Mapping[str, str],
    db: str = "sqlite",
    roles: Sequence[str] = (),
) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    role_options = [option for role in roles for option in ("--role", role)]
    run([FASTGEN, "new", name, "--db", db, *role_options], parent, env)
    return parent / name


def add_resources(project: Path, specs: Sequence[Path], env: Mapping[str, str], batch: int) -> None:
    for start in range(0, len(specs), batch):
        run([FASTGEN, "add", "resource", *specs[start : start + batch]], project, env)


def bookshop(
    parent: Path, env: Mapping[str, str], db: str = "sqlite", name: str = "bookshop"
) -> Path:
    """The bookshop example (Author, Book) generated afresh."""
    project = new_project(parent, name, env, db, roles=BOOKSHOP_ROLES)
    add_resources(project, list(BOOKSHOP_SPECS), env, batch=2)
    return project


def item_ladder(
    work: Path, sizes: Iterable[int], env: Mapping[str, str], batch: int = 50
) -> dict[int, Path]:
    """Projects holding each of `sizes` resources, as folders under `work` (`items-N`)."""
    specs = work / "item-specs"
    project = new_project(work, "items", env)
    held = 0
    ladder: dict[int, Path] = {}
    for size in sorted(set(sizes)):
        add_resources(project, write_specs(specs, range(held, size)), env, batch)
        held = size
        ladder[size] = copy_project(project, work / f"items-{size}")
    return ladder


def copy_project(source: Path, target: Path) -> Path:
    """`target` as an exact copy of `source` (whatever was there before is removed)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, symlinks=True)
    return target
