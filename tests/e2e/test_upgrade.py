"""`fastgen upgrade` of a project an earlier fastgen generated: the bookshop made by fastgen as
of commit c6ecb53 (before the record of what fastgen generated existed), edited by hand, then
upgraded by this fastgen. The hand edits stay byte for byte, and the project is clean for
`fastgen check`, ruff, mypy and Alembic on SQLite. (Its own suite is not run here.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.tools import BIN, BOOKSHOP, BOOKSHOP_ROLES, REPO, run

pytestmark = pytest.mark.e2e

EARLIER = "c6ecb53"
SPECS = [BOOKSHOP / name for name in ("author.yaml", "book.yaml", "tag.yaml", "review.yaml")]
# (file, the line a hand edit goes after, the hand edit)
HAND_EDITS = [
    (
        "app/models/book.py",
        None,
        "\n\n# hand-written: a helper of our own\n"
        'def hand_written_label(title: str) -> str:\n    return f"Book: {title}"\n',
    ),
    (
        "app/routers/book.py",
        None,
        "\n\n# hand-written: kept by upgrades\n"
        'def _hand_written_note() -> str:\n    return "kept"\n',
    ),
    (
        "app/main.py",
        "app.include_router(admin_users.router)\n",
        "# hand-written: no more routers below\n",
    ),
    (
        "app/core/config.py",
        "class Settings(BaseSettings):\n",
        "    hand_written_flag: bool = False  # ours\n",
    ),
    (
        "tests/test_book.py",
        None,
        "\n\ndef test_hand_written() -> None:\n    assert 1 + 1 == 2\n",
    ),
]


def _earlier_fastgen(folder: Path) -> Path:
    """The source of fastgen as of EARLIER, extracted into `folder` (for PYTHONPATH)."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", EARLIER, "fastgen", "blueprints"],
        capture_output=True,
        check=False,
    )
    assert archive.returncode == 0, (
        f"the end-to-end upgrade test needs this repository's history up to {EARLIER}: "
        + archive.stderr.decode(errors="replace")
    )
    folder.mkdir()
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def test_upgrade_from_an_earlier_fastgen_keeps_hand_edits(tmp_path: Path) -> None:
    earlier = _earlier_fastgen(tmp_path / "earlier")
    old = [sys.executable, "-m", "fastgen"]
    located = run(
        [*old[:1], "-c", "import fastgen; print(fastgen.__file__)"],
        tmp_path,
        PYTHONPATH=str(earlier),
    )
    assert located.stdout.strip() == str(earlier / "fastgen" / "__init__.py")
    run([*old, "new", "bookshop", *BOOKSHOP_ROLES], tmp_path, PYTHONPATH=str(earlier))
    project = tmp_path / "bookshop"
    run([*old, "add", "resource", *map(str, SPECS)], project, PYTHONPATH=str(earlier))
    assert not (project / ".fastgen").exists()

    for path, after, edit in HAND_EDITS:
        file = project / path
        text = file.read_text(encoding="utf-8")
        if after is None:
            text += edit
        else:
            assert after in text, path
            text = text.replace(after, after + edit, 1)
        file.write_text(text, encoding="utf-8")

    upgraded = run([str(BIN / "fastgen"), "upgrade"], project)
    assert "record  .fastgen/" in upgraded.stdout
    assert (project / ".fastgen/base/app/main.py.base").is_file()
    for path, after, edit in HAND_EDITS:
        assert ((after or "") + edit) in (project / path).read_text(encoding="utf-8"), path
    again = run([str(BIN / "fastgen"), "upgrade"], project)
    assert "nothing to do" in again.stdout

    run([str(BIN / "fastgen"), "check"], project)
    run(["ruff", "check", "."], project)
    run(["ruff", "format", "--check", "."], project)
    mypy = run([sys.executable, "-m", "mypy", "--strict", "."], project)
    assert "Success: no issues found" in mypy.stdout
    database = f"sqlite+aiosqlite:///{project / 'upgraded.db'}"
    run(["alembic", "upgrade", "head"], project, DATABASE_URL=database)
    checked = run(["alembic", "check"], project, DATABASE_URL=database)
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr
