"""Where the notebook and the config live. Resolved when asked, never at import time; light
to import (pathlib and platformdirs come when a path is asked for that needs them)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

APP = "supportlog"


def data_dir() -> Path:
    import platformdirs  # here, not at import: a notebook named by --db never needs it
    return platformdirs.user_data_path(APP, appauthor=False)


def default_db_path() -> Path:
    return data_dir() / "supportlog.db"


def config_path() -> Path:
    import platformdirs
    return platformdirs.user_config_path(APP, appauthor=False) / "config.toml"


def resolve_db_name(explicit: str | os.PathLike | None = None) -> str:
    """The notebook's file name, `~` expanded: --db PATH first, then $SUPPORTLOG_DB, then
    the platform's data directory. What a reader hands to the OS and SQLite as it is."""
    if explicit:
        return os.path.expanduser(os.fspath(explicit))
    env = os.environ.get("SUPPORTLOG_DB")
    if env:
        return os.path.expanduser(env)
    return str(default_db_path())


def resolve_db_path(explicit: str | os.PathLike | None = None) -> Path:
    """resolve_db_name's file as a Path, which every message about the notebook names."""
    from pathlib import Path
    return Path(resolve_db_name(explicit))


def demo_db_path() -> Path:
    return data_dir() / "demo.db"
