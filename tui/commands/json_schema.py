"""`supportlog schema`: the JSON Schema (draft 2020-12) of every command's --json output and
of the interchange format. The shipped tui/schema/supportlog.schema.json is written by hand
but for the vocabularies' enums and the fields of cases, contacts and promises, which are
filled in here from tui/store/vocab.py and tui/store/fields.py, so a new channel or field is
declared once."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any, Iterable, Iterator, Mapping, Sequence

import click

from ..store.fields import CASE, CONTACT, PROMISE, Field
from ..store.vocab import (CATEGORIES, CHANNELS, CLOCK_STARTS, DIRECTIONS, MILESTONES,
                           OUTCOMES, PARTIES, POLICY_UNITS, PROMISE_STATUSES, REF_KINDS,
                           ROUTE_KINDS, ROUTE_PURPOSES, STATUSES, WANTS)
from .output import EXIT_INPUT, Failure, echo_json

SCHEMA_FILE = ("schema", "supportlog.schema.json")
REF_PREFIX = "#/$defs/"
CASE_DEF = "case_fields"     # the definition the case's exported fields are added to
CONTACT_DEF = "interaction_fields"   # ... a contact's
PROMISE_DEF = "promise_fields"       # ... a promise's

# The $defs entry of each vocabulary: its words come first in its enum, then whatever the
# file lists there (an outcome may be null).
VOCABULARIES: dict[str, Sequence[str]] = {
    "case_status": STATUSES, "channel": CHANNELS, "outcome": OUTCOMES,
    "category": CATEGORIES, "want": WANTS, "ref_kind": REF_KINDS, "direction": DIRECTIONS,
    "promise_status": PROMISE_STATUSES, "party": PARTIES, "milestone": MILESTONES,
    "route_kind": ROUTE_KINDS, "route_purpose": ROUTE_PURPOSES, "policy_unit": POLICY_UNITS,
    "clock_start": CLOCK_STARTS}


def _ref(name: str, **more: Any) -> dict:
    return {"$ref": REF_PREFIX + name, **more}


# The JSON of each kind of field (fields.KINDS but choice): (may be null, never null).
KIND_SHAPES: dict[str, tuple[dict, dict]] = {
    "text": ({"type": ["string", "null"]}, {"type": "string"}),
    "currency": ({"type": ["string", "null"], "maxLength": 8},
                 {"type": "string", "maxLength": 8}),
    "date": (_ref("date_or_null"), _ref("date_or_null", type="string")),
    "due_date": (_ref("date_or_null"), _ref("date_or_null", type="string")),
    "when": (_ref("timestamp_or_null"), _ref("timestamp")),
    "deadline": (_ref("timestamp_or_null"), _ref("timestamp")),
    "seconds": ({"type": ["integer", "null"], "minimum": 0}, {"type": "integer", "minimum": 0}),
    "amount": (_ref("amount"), _ref("amount", type="string")),
    "link": (_ref("id_or_null"), _ref("id")),
}
_PLACEHOLDER = re.compile(r"[:,]?\s*\{[A-Z_]+\}")   # a wording of tui.commands.formats


def _description(field: Field) -> str:
    """The field's help without how to type it (the JSON always has one form)."""
    return _PLACEHOLDER.sub("", field.help).strip()


def field_schema(field: Field, vocab: Mapping[str, Sequence[str]]) -> dict:
    """One field's JSON: null is allowed unless it is required or has a default (a record
    then always holds a value) or says otherwise."""
    nullable = field.may_be_null
    if field.kind == "choice":
        # Its vocabulary, as given or as the store has it (a test may give one more word).
        name = next((n for n, words in (*vocab.items(), *VOCABULARIES.items())
                     if tuple(words) == field.choices), None)
        shape = _ref(name) if name else {"enum": list(field.choices or ())}
        if nullable:
            shape = {"anyOf": [shape, {"type": "null"}]}
    else:
        shape = dict(KIND_SHAPES[field.kind][0 if nullable else 1])
    if field.required and field.kind == "text":
        shape["minLength"] = 1
    described = _description(field)
    return {"description": described, **shape} if described else shape


def build_schema(vocab: Mapping[str, Sequence[str]] = VOCABULARIES,
                 case_fields: Iterable[Field] = CASE, contact_fields: Iterable[Field] = CONTACT,
                 promise_fields: Iterable[Field] = PROMISE) -> dict:
    """The schema: the shipped file with each vocabulary's enum and the exported fields of
    cases, contacts and promises filled in."""
    schema = json.loads(_shipped_text())
    schema.pop("$comment", None)    # it tells the file's reader what is filled in here
    defs = schema["$defs"]
    for name, words in vocab.items():
        entry = defs.setdefault(name, {"enum": []})
        entry["enum"] = [*words, *(w for w in entry.get("enum", ()) if w not in words)]
    for name, fields in ((CASE_DEF, case_fields), (CONTACT_DEF, contact_fields),
                         (PROMISE_DEF, promise_fields)):
        _fill(defs[name], fields, vocab)
    return schema


def _fill(entry: dict, fields: Iterable[Field], vocab: Mapping[str, Sequence[str]]) -> None:
    """Add the exported `fields` to a definition's properties (each required unless it is
    left out when blank), in place of any the file spells out."""
    ours = [f for f in fields if f.exported]
    names = {f.name for f in ours}
    entry["properties"] = {**{k: v for k, v in entry["properties"].items() if k not in names},
                           **{f.name: field_schema(f, vocab) for f in ours}}
    entry["required"] = [*(k for k in entry["required"] if k not in names),
                         *(f.name for f in ours if not f.omit_blank)]


def _shipped_text() -> str:
    return resources.files("tui").joinpath(*SCHEMA_FILE).read_text(encoding="utf-8")


def load_schema() -> dict:
    return build_schema()


def schema_text() -> str:
    """The schema as `supportlog schema` prints it, laid out as the shipped file is."""
    return json.dumps(load_schema(), indent=2, ensure_ascii=False) + "\n"


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
