"""Shared output helpers for the commands: plain tables, highlighted snippets, and (from
json_out.py, loaded with json on first use, so output for people loads no json) JSON. Every
line of user text passes through `for_terminal` (tui.clean_text) on its way to a terminal."""

from __future__ import annotations

import sys
from itertools import islice
from typing import Any, Iterable, Sequence

import click

from ..clean_text import for_terminal
from ..store import MARK_END, MARK_START

EXIT_STALLED, EXIT_INPUT, EXIT_FILE = 1, 2, 3


class Failure(click.ClickException):
    """A one-line error for people; `exit_code` tells scripts which kind."""

    def __init__(self, message: str, exit_code: int = EXIT_FILE):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        # Messages quote what was typed (a company, a reference, a path).
        click.echo(f"supportlog: {for_terminal(self.message)}", err=True)


def clean(text: Any, width: int | None = None) -> str:
    """One line of user text for a table cell (see for_terminal), cut to width."""
    s = for_terminal(text)
    if width and len(s) > width:
        s = s[: width - 1] + "…"
    return s


TABLE_SAMPLE = 1000  # rows that set the column widths; later ones are printed as they come


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A plain aligned table; the last column takes what is left. The widths come from the
    first TABLE_SAMPLE rows, so a listing of every case is printed without holding it; each
    TABLE_SAMPLE rows go out in one write."""
    rows = iter(rows)
    cells = lambda r: [for_terminal(c) for c in r]
    first = [cells(r) for r in islice(rows, TABLE_SAMPLE)]
    widths = [max(len(h), *(len(r[i]) for r in first)) if first else len(h)
              for i, h in enumerate(headers)]
    widths[-1] = 0
    line = lambda cs: "  ".join([c.ljust(w) for c, w in zip(cs, widths)]).rstrip()
    click.echo(click.style(line(headers), bold=True))
    page = [line(r) for r in first]
    while page:
        click.echo("\n".join(page))
        page = [line(cells(r)) for r in islice(rows, TABLE_SAMPLE)]


def snippet(text: str) -> str:
    """Search snippet markers -> bold on a terminal, «brackets» in a pipe."""
    # Bold on a terminal, unless NO_COLOR or TERM=dumb turned styles off (see tui.cli).
    tty = sys.stdout.isatty() and click.globals.resolve_color_default() is not False
    start, end = ("\x1b[1m", "\x1b[22m") if tty else ("«", "»")
    parts = [clean(p).replace(MARK_START, "") for p in text.replace(MARK_END, MARK_START)
             .split(MARK_START)]
    # Matched words sit at the odd positions between a start and an end marker.
    return "".join(f"{start}{p}{end}" if i % 2 else p for i, p in enumerate(parts))


_JSON_NAMES = ("json_text", "echo_json", "echo_json_listing", "_JSON_ESCAPES")


def __getattr__(name: str) -> Any:
    """The JSON helpers, loaded on first use (PEP 562)."""
    if name not in _JSON_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import json_out
    value = globals()[name] = getattr(json_out, name)
    return value
