"""File names made safe for any system: what an evidence file is called in a pack or in a
viewing copy, whatever name it came with."""

from __future__ import annotations

import unicodedata

# Names Windows reserves whatever the extension, and characters no system takes in a name.
RESERVED = frozenset({"con", "prn", "aux", "nul", "conin$", "conout$",
                      *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})
FORBIDDEN = frozenset('<>:"/\\|?*')
NAME_BYTES = 150        # well under every file system's 255, with room for " (12)"


def safe_name(name: str) -> str:
    """A file name any system accepts and no tool reads as a path: no separators, no `..`,
    no control or reserved characters, no Windows device name, not too long."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join("_" if ch in FORBIDDEN or not ch.isprintable() else ch for ch in name)
    while ".." in name:
        name = name.replace("..", ".")
    name = name.strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        stem, ext = name, ""
    if stem.split(".")[0].strip().lower() in RESERVED:
        stem = "_" + stem
    suffix = f".{ext}" if ext else ""
    while len((stem + suffix).encode()) > NAME_BYTES:
        stem = stem[:-1]
    return (stem.rstrip(" .") or "file") + suffix
