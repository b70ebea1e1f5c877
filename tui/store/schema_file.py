"""What marks a notebook as one this code can read as it is: the application id in its
header and the version of schema.sql (shipped inside the package). Light on purpose (no
pathlib, none of the upgrade steps): every read-only command checks a notebook against it
before reading (reader.py); schema.py holds the upgrade steps from older versions."""

from __future__ import annotations

import os
import re
from functools import cache

APPLICATION_ID = 0x53706C67  # "Splg"
SCHEMA_FILE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "schema.sql")


@cache
def schema_sql() -> str:
    with open(SCHEMA_FILE, encoding="utf-8") as f:
        return f.read()


@cache
def schema_version() -> int:
    m = re.search(r"PRAGMA user_version\s*=\s*(\d+)", schema_sql())
    assert m, "schema.sql must set PRAGMA user_version"
    return int(m.group(1))
