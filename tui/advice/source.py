"""What the advice is made from, as bytes: the engine version, the packaged playbook file,
the rules pack, the user's config file (the jurisdictions are in it) and rules.toml beside
it, and the local time zone. Hashing them tells a command that the kept
rows are fresh without parsing any TOML (store.advice_fresh)."""

from __future__ import annotations

import hashlib
import os
import time

# Bump when a change to the rules changes what they decide or say (the cache's fingerprint).
ENGINE_VERSION = "13.2"
PLAYBOOK_FILE = "playbook.toml"
RULES_FILE = "rules.toml"       # beside config.toml, as settings.load_rules reads it


def local_zone() -> str:
    """The local time zone as the worded advice depends on it (local dates and times)."""
    return f"{time.tzname}|{time.timezone}|{time.altzone}|{time.daylight}"


def source_fingerprint(config_path: os.PathLike | str | None) -> str:
    """The hash of what the advice is made from (os.path, not pathlib: the light commands
    call it on every start)."""
    here = os.path.dirname(os.path.abspath(__file__))
    h = hashlib.sha256(f"{ENGINE_VERSION}\0{local_zone()}\0".encode())
    h.update(_read(os.path.join(here, PLAYBOOK_FILE)))   # as playbook.py reads it
    packs = os.path.join(os.path.dirname(here), "rules")
    for name in sorted(n for n in os.listdir(packs) if n.endswith(".toml")):
        h.update(b"\0pack\0" + name.encode() + b"\0" + _read(os.path.join(packs, name)))
    if config_path:
        config_path = os.fspath(config_path)
        _file(h, b"config", config_path)
        _file(h, b"rules", os.path.join(os.path.dirname(config_path), RULES_FILE))
    else:
        h.update(b"\0none")
    return h.hexdigest()[:24]


def _read(name: str) -> bytes:
    with open(name, "rb") as f:
        return f.read()


def _file(h, label: bytes, name: str) -> None:
    try:
        h.update(b"\0" + label + b"\0" + _read(name))
    except FileNotFoundError:
        h.update(b"\0" + label + b"\0none")
    except OSError:
        h.update(b"\0unreadable")   # never fresh by bytes: the loader says what is wrong
        h.update(str(time.time_ns()).encode())
