"""The per-user cache: what one run of fastgen computed and the next may reuse (compiled
blueprints, the outcome of `check` for inputs it has seen).

It lives in `$FASTGEN_CACHE_DIR` when that is set (set but empty: no cache), else in the
platform's cache folder (`$XDG_CACHE_HOME/fastgen`, `~/.cache/fastgen`, `~/Library/Caches/fastgen`
or `%LOCALAPPDATA%\\fastgen\\Cache`), one folder per fastgen version. Nothing in it is needed: an
entry is only ever used when it provably stands for the same input, and a folder that cannot be
created, read or written means no cache, never an error, and so does one that others may write
to.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

import fastgen

ENV_VAR = "FASTGEN_CACHE_DIR"


def cache_root() -> Path | None:
    """The cache folder of this fastgen version (not created), or None when it is turned off."""
    configured = os.environ.get(ENV_VAR)
    if configured is not None:
        base = Path(configured) if configured else None
    elif sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        base = Path(local) / "fastgen" / "Cache" if local else None
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "fastgen"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "fastgen"
    return base / fastgen.__version__ if base is not None else None


def cache_dir(name: str) -> Path | None:
    """The folder `name` of the cache, created (readable by this user alone) if need be; None
    when the cache is turned off or the folder cannot be made."""
    root = cache_root()
    if root is None:
        return None
    folder = root / name
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        if not all(_private(path) for path in (root, folder)):
            return None
    except OSError:
        return None
    return folder


def _private(folder: Path) -> bool:
    """A folder of this user's that no one else may write to: entries hold compiled code and
    results fastgen trusts."""
    info = folder.stat()
    if not stat.S_ISDIR(info.st_mode):
        return False
    if not hasattr(os, "geteuid"):  # Windows: the folder lies in the user's profile
        return True
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read_entry(folder: Path, key: str) -> bytes | None:
    """The bytes stored under `key`, or None (never stored, or unreadable)."""
    try:
        return (folder / key).read_bytes()
    except OSError:
        return None


def write_entry(folder: Path, key: str, data: bytes) -> None:
    """Store `data` under `key`, whole or not at all (a temporary file renamed into place, so a
    concurrent reader never sees half an entry); a failure is ignored."""
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{key}.", suffix=".partial")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, folder / key)
        temporary = None
    except OSError:
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.remove(temporary)


_FINGERPRINT: list[bytes] = []


def code_fingerprint() -> bytes:
    """What a value computed by fastgen depends on besides its inputs: the Python version and
    fastgen's own code (hashed, so that an edited checkout never reads its older results)."""
    if not _FINGERPRINT:
        digest = hashlib.sha256(sys.version.encode())
        package = Path(fastgen.__file__).resolve().parent
        for path in sorted(package.rglob("*.py")):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            with contextlib.suppress(OSError):
                digest.update(hashlib.sha256(path.read_bytes()).digest())
        _FINGERPRINT.append(digest.digest())
    return _FINGERPRINT[0]


class Memo:
    """Results kept under a hash of everything they were computed from (the inputs given to
    `key`, the libraries' versions given here, and `code_fingerprint()`), as JSON."""

    def __init__(self, name: str, *versions: str) -> None:
        self.folder = cache_dir(name)
        self._salt = hashlib.sha256(code_fingerprint() + repr(versions).encode()).digest()

    def key(self, *parts: str | bytes) -> str:
        digest = hashlib.sha256(self._salt)
        for part in parts:
            data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big") + data)
        return digest.hexdigest()

    def get(self, key: str) -> Any:
        """The value stored under `key`, or None."""
        data = read_entry(self.folder, key) if self.folder is not None else None
        if data is None:
            return None
        try:
            return json.loads(data)
        except ValueError:  # a damaged entry: as if there were none
            return None

    def put(self, key: str, value: Any) -> None:
        if self.folder is not None:
            write_entry(self.folder, key, json.dumps(value, sort_keys=True).encode())
