"""The schema: schema.sql (shipped inside the package) and the upgrade steps from older versions."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

APPLICATION_ID = 0x53706C67  # "Splg"

# UPGRADES[n] takes a notebook from schema version n to n + 1; each runs in its own
# BEGIN IMMEDIATE transaction, after a backup. Version 1 is the first: nothing to upgrade yet.
UPGRADES: dict[int, str] = {}


@cache
def schema_sql() -> str:
    return resources.files("tui").joinpath("schema.sql").read_text(encoding="utf-8")


@cache
def schema_version() -> int:
    m = re.search(r"PRAGMA user_version\s*=\s*(\d+)", schema_sql())
    assert m, "schema.sql must set PRAGMA user_version"
    return int(m.group(1))
