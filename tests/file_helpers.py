"""Looking at a notebook's files from the outside: their bytes and modes."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path


def digest(path: Path) -> dict[str, str | None]:
    """The bytes of a notebook and its companions, to show a refused command changed none."""
    out = {}
    for suffix in ("", "-wal", "-shm"):
        p = Path(f"{path}{suffix}")
        out[suffix] = hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None
    return out


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)
