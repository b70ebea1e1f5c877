"""Shared output helpers for the commands: JSON, plain tables, highlighted snippets."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any, Iterable, Sequence

import click

from ..store import MARK_END, MARK_START
from ..store.records import Case

EXIT_STALLED, EXIT_INPUT, EXIT_FILE = 1, 2, 3


class Failure(click.ClickException):
    """A one-line error for people; `exit_code` tells scripts which kind."""

    def __init__(self, message: str, exit_code: int = EXIT_FILE):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"supportlog: {self.message}", err=True)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def case_summary(case: Case) -> dict:
    """The JSON shape of a case in listings."""
    d = asdict(case)
    d.pop("company_id")
    return d


def clean(text: str | None, width: int | None = None) -> str:
    """One line of user text for a table cell: control characters made visible, cut to width."""
    s = "".join(ch if ch.isprintable() else " " for ch in (text or ""))
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
