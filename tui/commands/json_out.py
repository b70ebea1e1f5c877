"""JSON for the commands' --json: records laid out as json.dumps(..., indent=2) lays them
out, listings streamed an item at a time, and every character a terminal could obey
escaped (tui.commands.output re-exports these names, loading this module on first use)."""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring
from typing import Any, Callable, Iterable, Iterator

import click

from ..clean_text import BIDI_CONTROLS

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
