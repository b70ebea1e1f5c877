"""Where the notebook and the config live. Resolved when asked, never at import time."""

from __future__ import annotations

import os
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


def resolve_db_path(explicit: str | os.PathLike | None = None) -> Path:
    """--db PATH first, then $SUPPORTLOG_DB, then the platform's data directory."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("SUPPORTLOG_DB")
    if env:
        return Path(env).expanduser()
    return default_db_path()


def demo_db_path() -> Path:
    return data_dir() / "demo.db"
