"""What the advice is made from, as bytes: the engine version, the packaged playbook file,
the rules pack, the user's config file (the jurisdictions are in it) and rules.toml beside
it, and the local time zone. Hashing them tells a command that the kept
rows are fresh without parsing any TOML (store.advice_fresh)."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

# Bump when a change to the rules changes what they decide or say (the cache's fingerprint).
ENGINE_VERSION = "13.2"
PLAYBOOK_FILE = "playbook.toml"
RULES_FILE = "rules.toml"       # beside config.toml, as settings.load_rules reads it


def local_zone() -> str:
    """The local time zone as the worded advice depends on it (local dates and times)."""
    return f"{time.tzname}|{time.timezone}|{time.altzone}|{time.daylight}"


def source_fingerprint(config_path: Path | str | None) -> str:
    h = hashlib.sha256(f"{ENGINE_VERSION}\0{local_zone()}\0".encode())
    h.update(Path(__file__).with_name(PLAYBOOK_FILE).read_bytes())   # as playbook.py reads it
    for pack in sorted(Path(__file__).parent.parent.joinpath("rules").glob("*.toml")):
        h.update(b"\0pack\0" + pack.name.encode() + b"\0" + pack.read_bytes())
    if config_path:
        config_path = Path(config_path)
        _file(h, b"config", config_path)
        _file(h, b"rules", config_path.with_name(RULES_FILE))
    else:
        h.update(b"\0none")
    return h.hexdigest()[:24]


def _file(h, label: bytes, path: Path) -> None:
    try:
        h.update(b"\0" + label + b"\0" + path.read_bytes())
    except FileNotFoundError:
        h.update(b"\0" + label + b"\0none")
    except OSError:
        h.update(b"\0unreadable")   # never fresh by bytes: the loader says what is wrong
        h.update(str(time.time_ns()).encode())
