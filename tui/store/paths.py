"""Where the notebook and the config live. Resolved when asked, never at import time; light
to import (pathlib and platformdirs come when a path is asked for that needs them)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

APP = "supportlog"


def data_dir() -> Path:
    from pathlib import Path
    return Path(data_dir_name())


def data_dir_name() -> str:
    """Where the notebooks live by default (no pathlib, no platformdirs on Linux)."""
    folder = _linux_folder("XDG_DATA_HOME", os.path.join(".local", "share"))
    if folder is None:
        import platformdirs  # here, not at import: a notebook named by --db never needs it
        folder = platformdirs.user_data_dir(APP, appauthor=False)
    return folder


def default_db_path() -> Path:
    return data_dir() / "supportlog.db"


def config_path() -> Path:
    from pathlib import Path
    return Path(config_name())


def config_name() -> str:
    """config.toml's file name, as config_path gives it, without pathlib."""
    folder = _linux_folder("XDG_CONFIG_HOME", ".config")
    if folder is None:
        import platformdirs
        folder = platformdirs.user_config_dir(APP, appauthor=False)
    return os.path.join(folder, "config.toml")


def _linux_folder(xdg_var: str, under_home: str) -> str | None:
    """platformdirs' folder for this app on Linux, worked out as its Unix class does (an
    absolute $XDG_* folder, else the folder under an absolute $HOME), because importing it
    (tempfile and shutil come with it) is most of a cron check's start; None elsewhere
    (another system, Android, no usable HOME), where platformdirs answers."""
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel") or (
            os.environ.get("ANDROID_DATA") == "/data"
            and os.environ.get("ANDROID_ROOT") == "/system"):
        return None
    base = os.environ.get(xdg_var, "")
    if not os.path.isabs(base):
        home = os.environ.get("HOME", "")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, under_home)
    return os.path.join(base, APP)


def resolve_db_name(explicit: str | os.PathLike | None = None) -> str:
    """The notebook's file name, `~` expanded: --db PATH first, then $SUPPORTLOG_DB, then
    the platform's data directory. What a reader hands to the OS and SQLite as it is."""
    if explicit:
        return os.path.expanduser(os.fspath(explicit))
    env = os.environ.get("SUPPORTLOG_DB")
    if env:
        return os.path.expanduser(env)
    return os.path.join(data_dir_name(), "supportlog.db")


def resolve_db_path(explicit: str | os.PathLike | None = None) -> Path:
    """resolve_db_name's file as a Path, which every message about the notebook names."""
    from pathlib import Path
    return Path(resolve_db_name(explicit))


def demo_db_path() -> Path:
    return data_dir() / "demo.db"
