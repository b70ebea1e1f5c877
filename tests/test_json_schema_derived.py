"""The JSON Schema's vocabularies and the fields of cases, contacts and promises come from
tui/store/vocab.py and tui/store/fields.py: built with one more channel or one more field, the
schema takes the real CLI's output carrying it, and the shipped file writes out no vocabulary
and no case field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jsonschema import Draft202012Validator

from tui.commands.json_schema import (CASE_DEF, CONTACT_DEF, KIND_SHAPES, PROMISE_DEF,
                                      VOCABULARIES, build_schema, definition, load_schema)
from tui.store.fields import CASE, CASE_EXPORTED, CONTACT, KINDS, PROMISE, Field
from tui.store.vocab import CHANNELS

SHIPPED = Path(__file__).resolve().parents[1] / "tui" / "schema" / "supportlog.schema.json"
WITH_FAX = {**VOCABULARIES, "channel": (*CHANNELS, "fax")}
EXTRA = (Field("refund_channel", "choice", "Refunded via", choices=WITH_FAX["channel"]),
         Field("returned_on", "date", "Returned on", help="When it went back: {DAY}."),
         Field("deposit", "amount", "Deposit"),
         Field("private", "text", "Kept here only", exported=False))
ADDED = {"refund_channel": "fax", "returned_on": "2026-11-20", "deposit": "12.50"}


def valid(schema: dict, name: str, data) -> bool:
    Draft202012Validator.check_schema(definition(schema, name))
    return Draft202012Validator({**schema, "$ref": f"#/$defs/{name}"}).is_valid(data)


def _case_with_a_contact(run) -> None:
    run.ok("new", "--company", "Acme", "--title", "Parcel never arrived", "--amount", "20",
           "--currency", "EUR", "--purchased", "2026-11-01")
    run.ok("log", "1", "--channel", "phone", "--outcome", "promised", "--promise", "refund",
           "--at", "2026-11-05T10:00")


def test_a_new_channel_in_the_vocabulary_is_in_the_schema(run):
    _case_with_a_contact(run)
    doc = json.loads(run.ok("export", "1"))
    logged = json.loads(run.ok("log", "1", "--channel", "chat", "--outcome", "info", "--json"))
    assert valid(load_schema(), "interchange", doc) and valid(load_schema(), "log", logged)
    doc["cases"][0]["interactions"][0]["channel"] = "fax"
    logged["channel"] = "fax"
    with_fax = build_schema(vocab=WITH_FAX)
    assert with_fax["$defs"]["channel"]["enum"] == [*CHANNELS, "fax"]
    assert valid(with_fax, "interchange", doc) and valid(with_fax, "log", logged)
    assert not valid(load_schema(), "interchange", doc)
    assert not valid(load_schema(), "log", logged)
    doc["cases"][0]["interactions"][0]["channel"] = "pigeon"
    assert not valid(with_fax, "interchange", doc)


def test_a_new_case_field_is_in_every_shape_of_a_case(run):
    _case_with_a_contact(run)
    schema = build_schema(vocab=WITH_FAX, case_fields=(*CASE, *EXTRA))
    fields = schema["$defs"][CASE_DEF]
    assert fields["properties"]["returned_on"] == {"description": "When it went back.",
                                                    "$ref": "#/$defs/date_or_null"}
    assert fields["properties"]["refund_channel"] == {
        "anyOf": [{"$ref": "#/$defs/channel"}, {"type": "null"}]}
    assert "private" not in fields["properties"] and "private" not in fields["required"]
    assert fields["required"][-3:] == ["refund_channel", "returned_on", "deposit"]
    shown = json.loads(run.ok("show", "1", "--json"))
    listed = json.loads(run.ok("list", "--json"))
    doc = json.loads(run.ok("export", "1"))
    for name, data, case in (("show", shown, shown), ("list", listed, listed["cases"][0]),
                             ("interchange", doc, doc["cases"][0])):
        assert valid(schema, name, data) is False, name        # the new fields are required
        case.update(ADDED)
        assert valid(schema, name, data), name
        assert not valid(load_schema(), name, data), name       # closed to unknown keys
        for key, wrong in (("returned_on", "20 Nov"), ("deposit", "12,50"),
                           ("refund_channel", "pigeon")):
            case[key] = wrong
            assert not valid(schema, name, data), (name, key)
            case[key] = ADDED[key]
        case.update(refund_channel=None, returned_on=None, deposit=None)
        assert valid(schema, name, data), name


def test_a_new_contact_or_promise_field_is_in_every_shape_of_one(run):
    _case_with_a_contact(run)
    chased = Field("chased", "seconds", "Chased for", default=0)
    schema = build_schema(vocab=WITH_FAX, contact_fields=(*CONTACT, *EXTRA))
    promise_schema = build_schema(promise_fields=(*PROMISE, chased))
    props = schema["$defs"][CONTACT_DEF]["properties"]
    assert props["returned_on"] == {"description": "When it went back.",
                                    "$ref": "#/$defs/date_or_null"}
    assert "private" not in props
    assert promise_schema["$defs"][PROMISE_DEF]["properties"]["chased"] == {
        "type": "integer", "minimum": 0}
    logged = json.loads(run.ok("log", "1", "--channel", "chat", "--outcome", "info", "--json"))
    shown = json.loads(run.ok("show", "1", "--json"))
    doc = json.loads(run.ok("export", "1"))
    contacts = (("log", logged, [logged]), ("show", shown, shown["interactions"]),
                ("interchange", doc, doc["cases"][0]["interactions"]))
    promises = (("promise", shown["promises"][0], [shown["promises"][0]]),
                ("interchange", doc, doc["cases"][0]["promises"]))
    cases = [(schema, c, ADDED) for c in contacts] + [
        (promise_schema, p, {"chased": 3600}) for p in promises]
    for built, (name, data, records), added in cases:
        assert len(records) >= 1 and valid(load_schema(), name, data), name
        assert valid(built, name, data) is False, name        # the new fields are required
        for record in records:
            record.update(added)
        assert valid(built, name, data), name
        assert not valid(load_schema(), name, data), name      # closed to unknown keys
        records[0].update({k: "pigeon" for k in added})
        assert not valid(built, name, data), name
        for record in records:
            for key in added:
                del record[key]


def test_a_field_is_null_only_when_it_has_no_default_and_is_not_required():
    props = load_schema()["$defs"][CASE_DEF]["properties"]
    check = lambda name, value: Draft202012Validator(
        {**load_schema(), **props[name]}).is_valid(value)
    assert not check("title", None) and not check("title", "") and check("title", "x")
    assert not check("category", None) and check("category", "refund")
    assert not check("opened_at", None) and check("opened_at", "2026-11-01T09:00:00Z")
    assert check("closed_at", None) and check("seller", None) and check("amount", None)
    assert not check("amount", "12,50") and check("currency", "EUR")
    assert not check("currency", "NINE CHARS")


def test_every_kind_of_field_has_a_json_shape():
    """A new kind in fields.KINDS fails here rather than when the schema is printed."""
    assert set(KINDS) - {"choice"} == set(KIND_SHAPES)


def test_the_shipped_file_writes_out_no_vocabulary_and_no_registry_field():
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    enums = []

    def walk(node):
        if isinstance(node, dict):
            if "enum" in node:
                enums.append(node["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(shipped)
    for name, words in VOCABULARIES.items():
        assert shipped["$defs"][name]["enum"] in ([], [None]), name
        assert not [e for e in enums if e[:len(words)] == list(words)], name
    assert not set(shipped["$defs"][CASE_DEF]["properties"]) & set(CASE_EXPORTED)
    for name, registry in ((CONTACT_DEF, CONTACT), (PROMISE_DEF, PROMISE)):
        written = set(shipped["$defs"][name]["properties"])
        assert not written & {f.name for f in registry if f.exported}, name
    built = load_schema()["$defs"][CASE_DEF]
    assert set(CASE_EXPORTED) <= set(built["properties"]) and set(CASE_EXPORTED) <= set(
        built["required"])


def test_the_schema_module_loads_no_advice_textual_or_sqlite():
    probe = ("import sys, tui.commands.json_schema; print(sorted(m for m in sys.modules "
             "if m.split('.')[0] in ('textual', 'rich', 'sqlite3', 'sqlite_utils') "
             "or m.startswith('tui.advice')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60, cwd=SHIPPED.parents[2])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
