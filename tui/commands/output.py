"""Shared output helpers for the commands: JSON, plain tables, highlighted snippets. Every
line of user text passes through `for_terminal` (tui.clean_text) on its way to a terminal."""

from __future__ import annotations

import json
import re
import sys
from json.encoder import encode_basestring
from typing import Any, Callable, Iterable, Iterator, Sequence

import click

from ..clean_text import BIDI_CONTROLS, for_terminal
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


# Beyond what JSON must escape (C0, quote, backslash): DEL, C1 and the bidi controls, so
# `--json` on a terminal is as safe as the text output and still decodes to the exact text.
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in (0x7F, *range(0x80, 0xA0), 0x2028, 0x2029,
                                            *map(ord, BIDI_CONTROLS))}
_ESCAPED = re.compile("[" + "".join(map(chr, _JSON_ESCAPES)) + "]")
_SCALARS = (str, int, float, bool, type(None))


def _scalar(value: Any) -> str:
    """One value as json.dumps(..., ensure_ascii=False) writes it."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    return int.__repr__(value) if isinstance(value, int) else json.dumps(value)


def json_text(data: Any, indent: int | None = 2) -> str:
    if indent == 2 and isinstance(data, dict) and data and all(
            isinstance(k, str) and isinstance(v, _SCALARS) for k, v in data.items()):
        # A flat record (a listing's row) laid out as json.dumps would, without its pure
        # Python indenting encoder: most of the time of `list --all` went there.
        text = "{\n" + ",\n".join(f"  {encode_basestring(k)}: {_scalar(v)}"
                                   for k, v in data.items()) + "\n}"
    else:
        text = json.dumps(data, ensure_ascii=False, indent=indent)
    # translate() looks up every character: only text that has one of them pays for it.
    return text.translate(_JSON_ESCAPES) if _ESCAPED.search(text) else text


def echo_json(data: Any) -> None:
    click.echo(json_text(data))


def _array_chunks(items: Iterable[Any], depth: int) -> Iterator[str]:
    """A JSON array as json_text writes it at `depth`, one item at a time."""
    pad = "  " * (depth + 1)
    first = True
    for item in items:
        # json.dumps escapes newlines inside strings: every newline here is indentation.
        yield ("[\n" if first else ",\n") + pad + json_text(item).replace("\n", "\n" + pad)
        first = False
    yield "[]" if first else "\n" + "  " * depth + "]"


def echo_json_listing(key: str, items: Iterable[Any], tail: Callable[[], dict]) -> None:
    """`{key: [items...], **tail()}` as echo_json prints it, the items streamed; `tail` is
    called once they are all written (it may say whether the list was cut)."""
    click.echo("{\n  " + json_text(key) + ": ", nl=False)
    for chunk in _array_chunks(items, 1):
        click.echo(chunk, nl=False)
    for name, value in tail().items():
        click.echo(",\n  " + json_text(name) + ": " + json_text(value).replace("\n", "\n  "),
                   nl=False)
    click.echo("\n}")


def clean(text: Any, width: int | None = None) -> str:
    """One line of user text for a table cell (see for_terminal), cut to width."""
    s = for_terminal(text)
    if width and len(s) > width:
        s = s[: width - 1] + "…"
    return s


TABLE_SAMPLE = 1000  # rows that set the column widths; later ones are printed as they come


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A plain aligned table; the last column takes what is left. The widths come from the
    first TABLE_SAMPLE rows, so a listing of every case is printed without holding it."""
    rows = iter(rows)
    cells = lambda r: [clean(str(c)) for c in r]
    first = [cells(r) for _, r in zip(range(TABLE_SAMPLE), rows)]
    widths = [max([len(h)] + [len(r[i]) for r in first]) for i, h in enumerate(headers)]
    widths[-1] = 0
    line = lambda cs: "  ".join(c.ljust(w) if w else c for c, w in zip(cs, widths))
    click.echo(click.style(line(headers).rstrip(), bold=True))
    for r in first:
        click.echo(line(r).rstrip())
    for r in rows:
        click.echo(line(cells(r)).rstrip())


def snippet(text: str) -> str:
    """Search snippet markers -> bold on a terminal, «brackets» in a pipe."""
    # Bold on a terminal, unless NO_COLOR or TERM=dumb turned styles off (see tui.cli).
    tty = sys.stdout.isatty() and click.globals.resolve_color_default() is not False
    start, end = ("\x1b[1m", "\x1b[22m") if tty else ("«", "»")
    parts = [clean(p).replace(MARK_START, "") for p in text.replace(MARK_END, MARK_START)
             .split(MARK_START)]
    # Matched words sit at the odd positions between a start and an end marker.
    return "".join(f"{start}{p}{end}" if i % 2 else p for i, p in enumerate(parts))
