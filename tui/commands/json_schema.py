"""`supportlog schema`: the JSON Schema (draft 2020-12) of every command's --json output and
of the interchange format, shipped in the package as tui/schema/supportlog.schema.json."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Iterator

import click

from .output import EXIT_INPUT, Failure, echo_json

SCHEMA_FILE = ("schema", "supportlog.schema.json")
REF_PREFIX = "#/$defs/"


def schema_text() -> str:
    return resources.files("tui").joinpath(*SCHEMA_FILE).read_text(encoding="utf-8")


def load_schema() -> dict:
    return json.loads(schema_text())


def _refs(node: Any) -> Iterator[str]:
    """The definitions `node` refers to, directly."""
    if isinstance(node, dict):
        target = node.get("$ref")
        if isinstance(target, str) and target.startswith(REF_PREFIX):
            yield target[len(REF_PREFIX):]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def definition(schema: dict, name: str) -> dict:
    """A schema of its own for one definition: it, and every definition it refers to."""
    defs = schema["$defs"]
    if name not in defs:
        raise Failure(f"--def: no definition {name!r}; use one of: {', '.join(sorted(defs))}",
                      EXIT_INPUT)
    wanted, todo = {}, [name]
    while todo:
        current = todo.pop()
        if current not in wanted:
            wanted[current] = defs[current]
            todo.extend(_refs(defs[current]))
    return {"$schema": schema["$schema"], "$id": f"{schema['$id']}:{name}",
            "$ref": REF_PREFIX + name, "$defs": {k: defs[k] for k in defs if k in wanted}}


@click.command("schema")
@click.option("--def", "name", metavar="NAME",
              help="Only the schema of one output (list, show, search, advice, interchange, "
                   "...), with the definitions it uses.")
def schema(name: str | None) -> None:
    """Print the JSON Schema of every --json output and of `export --format json`."""
    if name is None:
        click.echo(schema_text(), nl=False)
    else:
        echo_json(definition(load_schema(), name))


COMMANDS = [schema]
