"""User text on its way to a terminal, in the CLI and in the app: one function, for_terminal.
A title, an agent name or an imported note may hold escape sequences (a clipboard write, a
clear screen), control characters or bidirectional overrides; printed raw, the terminal would
obey them. Stored text stays exact (and `--json` keeps it); only what is shown is cleaned."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# Overrides and isolates reorder what follows them (a file name that reads backwards);
# the marks (U+200E, U+200F, U+061C) only nudge neutral characters and stay.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@cache
def _cleaning() -> tuple[re.Pattern, dict, dict, dict]:
    """(the escape sequences' pattern, the tables for one line, for lines, and for the same
    length), made the first time a text is not printable as it is (most never are), so that
    no command pays for them at start."""
    # Escape sequences go whole: a CSI (colours, clear screen, cursor moves), a string
    # command ended by BEL or ST (OSC: titles, clipboard writes, links; DCS, SOS, PM, APC),
    # a charset or line-size escape, or a two-character escape (a reset); in their 7-bit
    # and 8-bit forms.
    sequence = re.compile(
        r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
        r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
        r"|\x1b[#%()*+\-./]?[0-~]")
    # Whatever control character is left is shown as its symbol (U+2400-U+2421) or U+FFFD.
    shown = {c: chr(0x2400 + c) for c in range(0x20)}
    shown.update({0x7F: "\u2421", **{c: "\ufffd" for c in range(0x80, 0xA0)},
                  **{c: "\ufffd" for c in range(0xD800, 0xE000)},
                  **{ord(c): None for c in BIDI_CONTROLS}})
    # For text being edited (an Input, a TextArea): one visible character for each control
    # character, so what is shown lines up with what is typed; the text itself stays exact.
    same_length = {**shown, **{ord(c): "\ufffd" for c in BIDI_CONTROLS}, ord("\t"): "\t",
                   ord("\n"): "\n"}
    return (sequence,
            {**shown, ord("\t"): " ", ord("\n"): " ", 0x2028: " ", 0x2029: " "},
            {**shown, ord("\t"): "\t", ord("\n"): "\n", 0x2028: "\n", 0x2029: "\n"},
            same_length)


def for_terminal(text: Any, multiline: bool = False) -> str:
    """User text made safe to print on a terminal: escape sequences removed, bidirectional
    overrides and isolates dropped, every other control character (C0, DEL, C1) shown as a
    visible symbol. One line unless `multiline`, which keeps line breaks and tabs."""
    s = "" if text is None else str(text)
    if s.isprintable():         # the common case; bidi controls are not printable
        return s
    sequence, one_line, lines, _ = _cleaning()
    s = sequence.sub("", s).replace("\r\n", "\n").replace("\r", "\n")
    return s.translate(lines if multiline else one_line)


def visible(text: str) -> str:
    """`text` with every control character and bidi control replaced one for one by a
    visible symbol (tabs and line breaks kept)."""
    return text if text.isprintable() else text.translate(_cleaning()[3])
