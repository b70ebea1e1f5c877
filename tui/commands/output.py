"""Shared output helpers for the commands: JSON, plain tables, highlighted snippets. Every
line of user text passes through `for_terminal` (tui.clean_text) on its way to a terminal."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any, Iterable, Sequence

import click

from ..clean_text import BIDI_CONTROLS, for_terminal
from ..store import MARK_END, MARK_START
from ..store.records import Case

EXIT_STALLED, EXIT_INPUT, EXIT_FILE = 1, 2, 3


class Failure(click.ClickException):
    """A one-line error for people; `exit_code` tells scripts which kind."""

    def __init__(self, message: str, exit_code: int = EXIT_FILE):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        # Messages quote what was typed (a company, a reference, a path).
        click.echo(f"supportlog: {for_terminal(self.message)}", err=True)


# Beyond what JSON must escape (C0, quote, backslash): DEL, C1 and the bidi controls, so
# `--json` on a terminal is as safe as the text output and still decodes to the exact text.
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in (0x7F, *range(0x80, 0xA0), 0x2028, 0x2029,
                                            *map(ord, BIDI_CONTROLS))}


def json_text(data: Any, indent: int | None = 2) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent).translate(_JSON_ESCAPES)


def echo_json(data: Any) -> None:
    click.echo(json_text(data))


def case_summary(case: Case) -> dict:
    """The JSON shape of a case in listings."""
    d = asdict(case)
    d.pop("company_id")
    return d


def clean(text: Any, width: int | None = None) -> str:
    """One line of user text for a table cell (see for_terminal), cut to width."""
    s = for_terminal(text)
    if width and len(s) > width:
        s = s[: width - 1] + "…"
    return s


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A plain aligned table; the last column takes what is left."""
    rows = [[clean(str(c)) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    widths[-1] = 0
    line = lambda cells: "  ".join(c.ljust(w) if w else c for c, w in zip(cells, widths))
    click.echo(click.style(line(headers).rstrip(), bold=True))
    for r in rows:
        click.echo(line(r).rstrip())


def snippet(text: str) -> str:
    """Search snippet markers -> bold on a terminal, «brackets» in a pipe."""
    tty = sys.stdout.isatty()
    start, end = ("\x1b[1m", "\x1b[22m") if tty else ("«", "»")
    parts = [clean(p).replace(MARK_START, "") for p in text.replace(MARK_END, MARK_START)
             .split(MARK_START)]
    # Matched words sit at the odd positions between a start and an end marker.
    return "".join(f"{start}{p}{end}" if i % 2 else p for i, p in enumerate(parts))
