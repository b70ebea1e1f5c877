"""What the advice is made from, as bytes: the engine version, the packaged playbook file,
the rules pack, the user's config file (the jurisdictions are in it) and rules.toml beside
it, and the local time zone. Their checksum tells a command that the kept rows are fresh
without parsing any TOML (store.advice_fresh)."""

from __future__ import annotations

import os
import time
import zlib

# Bump when a change to the rules changes what they decide or say (the cache's fingerprint).
ENGINE_VERSION = "13.2"
PLAYBOOK_FILE = "playbook.toml"
RULES_FILE = "rules.toml"       # beside config.toml, as settings.load_rules reads it


def local_zone() -> str:
    """The local time zone as the worded advice depends on it (local dates and times)."""
    return f"{time.tzname}|{time.timezone}|{time.altzone}|{time.daylight}"


def source_fingerprint(config_path: os.PathLike | str | None) -> str:
    """A checksum of what the advice is made from (os.path, not pathlib: the light commands
    call it on every start). It detects a change, which is all it is for: the files are the
    user's own and ours. zlib's CRC-32 and Adler-32 with the length, not hashlib, whose
    OpenSSL takes longer to load than the rest of `advice --fail-on-stall`'s own work."""
    here = os.path.dirname(os.path.abspath(__file__))
    parts = [f"{ENGINE_VERSION}\0{local_zone()}\0".encode(),
             _read(os.path.join(here, PLAYBOOK_FILE))]   # as playbook.py reads it
    packs = os.path.join(os.path.dirname(here), "rules")
    for name in sorted(n for n in os.listdir(packs) if n.endswith(".toml")):
        parts.append(b"\0pack\0" + name.encode() + b"\0" + _read(os.path.join(packs, name)))
    if config_path:
        config_path = os.fspath(config_path)
        parts.append(_file(b"config", config_path))
        parts.append(_file(b"rules", os.path.join(os.path.dirname(config_path), RULES_FILE)))
    else:
        parts.append(b"\0none")
    data = b"".join(parts)
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data):x}"


def _read(name: str) -> bytes:
    with open(name, "rb") as f:
        return f.read()


def _file(label: bytes, name: str) -> bytes:
    try:
        return b"\0" + label + b"\0" + _read(name)
    except FileNotFoundError:
        return b"\0" + label + b"\0none"
    except OSError:
        # Never fresh by bytes: the loader says what is wrong.
        return b"\0unreadable" + str(time.time_ns()).encode()
