"""One JSON contract: every command's --json output, run through the real CLI on a seeded
notebook, validates against its definition in the shipped JSON Schema, and so does the
interchange format as `export --format json` writes it."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import click
import pytest
from hypothesis import given, strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from tui.cli import cli
from tui.commands.json_schema import definition, load_schema
from tui.commands.output import _JSON_ESCAPES, json_text
from tui.store import Store
from tui.store import records

from conftest import NOW, Cli

FILLER = 55          # more cases than a listing shows by default (50)


def _checker() -> FormatChecker:
    """date and date-time checked the way the notebook writes them (jsonschema checks
    date-time only with an extra package)."""
    checker = FormatChecker()
    checker.checks("date-time", raises=ValueError)(
        lambda v: not isinstance(v, str) or bool(datetime.fromisoformat(v.replace("Z", "+00:00"))))
    checker.checks("date", raises=ValueError)(
        lambda v: not isinstance(v, str) or bool(date.fromisoformat(v)))
    return checker


SCHEMA = load_schema()
FORMATS = _checker()


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator({**SCHEMA, "$ref": f"#/$defs/{name}"}, format_checker=FORMATS)


def assert_valid(name: str, data) -> None:
    errors = sorted(validator(name).iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{name} at {list(e.absolute_path)}: {e.message}"
                                 for e in errors[:10])


# -- the seeded notebook ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """Cases with contacts, promises (kept, pending, one past due), refs, a transcript, a
    snoozed case, a stalled case, statuses set by hand, and filler past one page."""
    folder = tmp_path_factory.mktemp("seeded")
    sl = Cli(folder / "seeded.db")
    chat = folder / "chat.txt"
    chat.write_text("Agent: the refund is on its way\n", encoding="utf-8")
    sl.ok("new", "--company", "Acme", "--title", "Parcel never arrived", "--ref", "order:112-1",
          "--ref", "ticket:T-9", "--amount", "129,99", "--currency", "EUR", "--purchased",
          "2026-11-01", "--delivered", "2026-11-03", "--want", "refund", "--category",
          "missing_package", "--opened", "2026-11-04T09:00")
    sl.ok("log", "1", "--channel", "phone", "--outcome", "transferred", "--agent", "Priya",
          "--agent-id", "77", "--at", "2026-11-05T10:00", "--duration", "25m", "--hold", "12m",
          "--reference", "R-9")
    sl.ok("log", "1", "--channel", "chat", "--outcome", "promised", "--promise",
          "refund within 3 days", "--due", "2026-11-28", "--at", "2026-11-20T11:00",
          "--transcript-file", str(chat), "--direction", "in")
    sl.ok("promise", "1", "--add", "call back", "--due", "2026-11-27")
    sl.ok("promise", "p2", "kept")
    sl.ok("log", "1", "--channel", "letter", "--outcome", "escalated", "--formal-complaint",
          "--asked", "send the receipt", "--asked-due", "2026-11-30", "--at", "2026-11-21T09:00")
    sl.ok("promise", "1", "--add", "send photos", "--mine")
    sl.ok("new", "--company", "Globex", "--title", "Router keeps dropping",
          "--opened", "2026-11-18T09:00")
    for at, outcome in (("2026-11-19T10:00", "transferred"), ("2026-11-19T11:00", "disconnected"),
                        ("2026-11-20T10:00", "no_progress")):
        sl.ok("log", "2", "--channel", "phone", "--outcome", outcome, "--at", at)
    sl.ok("new", "--company", "Initech", "--title", "Refund not paid", "--opened",
          "2026-11-01T09:00")
    sl.ok("log", "3", "--channel", "email", "--outcome", "promised", "--promise", "refund",
          "--due", "2026-11-10", "--at", "2026-11-02T09:00")
    sl.ok("snooze", "3", "2026-12-10")
    sl.ok("new", "--company", "Acme", "--title", "Wrong size", "--opened", "2026-10-01T09:00")
    sl.ok("log", "4", "--channel", "chat", "--outcome", "resolved", "--at", "2026-10-02T09:00")
    sl.ok("status", "4", "abandoned", "--note", "gave up", "--at", "2026-10-05T09:00")
    sl.ok("status", "4", "open", "--note", "trying again")
    with Store(sl.db_path, clock=lambda: NOW) as store:
        for n in range(FILLER):
            store.create_case("Bulkco", f"Filler {n}", opened_at="2026-09-01T09:00:00Z")
    return sl.db_path


@pytest.fixture
def sl(template, tmp_path) -> Cli:
    """A private copy of the seeded notebook, so commands that change it change only it."""
    db = tmp_path / "notebook.db"
    shutil.copy(template, db)
    return Cli(db)


def out_json(sl: Cli, *args: str):
    return json.loads(sl.ok(*args))


# -- the schema itself ------------------------------------------------------------------------
def test_the_schema_is_a_valid_draft_2020_12_schema():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)
    for name in SCHEMA["$defs"]:
        one = definition(SCHEMA, name)
        # A definition the whole schema holds as it is was checked above: check the rest.
        Draft202012Validator.check_schema({**one, "$defs": {}})
        for key, sub in one["$defs"].items():
            if sub != SCHEMA["$defs"].get(key):
                Draft202012Validator.check_schema(sub)


def test_supportlog_schema_prints_the_schema_the_tests_read(run):
    """The shipped file with its vocabularies and case fields filled in, laid out as it is."""
    printed = run.ok("schema")
    assert json.loads(printed) == SCHEMA
    assert printed == json.dumps(SCHEMA, ensure_ascii=False, indent=2) + "\n"
    assert SCHEMA["$defs"]["channel"]["enum"] == list(records.CHANNELS)
    one = json.loads(run.ok("schema", "--def", "list"))
    assert one["$ref"] == "#/$defs/list" and {"list", "case_row", "timestamp"} <= set(one["$defs"])
    assert "interchange" not in one["$defs"]   # only what `list` uses
    result = run("schema", "--def", "nope")
    assert result.exit_code == 2 and "no definition 'nope'" in result.stderr
    assert "list" in result.stderr


def test_every_command_with_json_has_a_definition():
    ctx = click.Context(cli)  # the group is lazy: list_commands/get_command, not .commands
    with_json = {name for name in cli.list_commands(ctx)
                 if any(isinstance(p, click.Option) and "--json" in p.opts
                        for p in cli.get_command(ctx, name).params)}
    # The commands the contract names, so that losing a --json fails here too.
    assert with_json >= {"new", "edit", "status", "log", "promise", "snooze", "list", "show",
                         "search", "advice", "stats", "backup", "import", "doctor", "where"}
    missing = with_json - set(SCHEMA["$defs"])
    assert not missing, f"no $defs entry for: {sorted(missing)}"
    assert "interchange" in SCHEMA["$defs"]


def enum(node: dict) -> list:
    """The words a property allows, through the definition it refers to."""
    while "enum" not in node:
        node = SCHEMA["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node["enum"]


def test_the_vocabulary_in_the_schema_is_the_stores():
    defs = SCHEMA["$defs"]
    assert enum(defs["case_status"]) == list(records.STATUSES)
    assert enum(defs["channel"]) == list(records.CHANNELS)
    assert enum(defs["outcome"]) == [*records.OUTCOMES, None]
    assert enum(defs["ref"]["properties"]["kind"]) == list(records.REF_KINDS)
    fields = defs["case_fields"]["properties"]
    assert enum(fields["category"]) == list(records.CATEGORIES)
    assert enum(fields["want"]) == list(records.WANTS)
    assert enum(defs["promise_fields"]["properties"]["status"]) == list(
        records.PROMISE_STATUSES)
    assert enum(defs["promise_fields"]["properties"]["party"]) == list(records.PARTIES)
    assert enum(defs["interaction_fields"]["properties"]["milestone"]) == list(
        records.MILESTONES)


def test_party_and_milestone_are_checked(sl):
    """Every promise says its party; a contact's milestone, where there is one, is one of
    the ladder's."""
    exported = json.loads(sl.ok("export", "1"))
    [case] = exported["cases"]
    assert {p["party"] for p in case["promises"]} == {"company", "me"}
    assert [i.get("milestone") for i in case["interactions"]] == [None, None, "formal_complaint"]
    assert_valid("interchange", exported)
    promise = case["promises"][0]
    for broken in ({**promise, "party": "you"}, {k: v for k, v in promise.items()
                                                 if k != "party"}):
        assert not validator("interchange_promise").is_valid(broken)
    contact = case["interactions"][2]
    assert not validator("interaction").is_valid({**contact, "milestone": "ombudsman"})


def test_the_validation_catches_a_wrong_shape(sl):
    """The definitions are closed: an unknown key, a missing id or an id of the wrong type
    fails, so the schema tracks the outputs."""
    shown = out_json(sl, "show", "1", "--json")
    assert_valid("show", shown)
    for broken in ({**shown, "extra": 1},
                   {**shown, "interactions": [{k: v for k, v in shown["interactions"][0].items()
                                               if k != "id"}]},
                   {**shown, "id": "1"},
                   {**shown, "opened_at": "2026-11-04 09:00"}):
        assert not validator("show").is_valid(broken)
    listed = out_json(sl, "list", "--json")
    assert not validator("list").is_valid(listed["cases"])   # the old bare array


# -- every command's output -------------------------------------------------------------------
READS = [
    ("list", ("list", "--json")),
    ("list", ("list", "--sort", "attention", "--json")),
    ("list", ("list", "--stalled", "--json")),
    ("list", ("list", "--status", "resolved", "--json")),
    ("list", ("list", "--all", "--json")),
    ("show", ("show", "1", "--json")),
    ("show", ("show", "2", "--json")),
    ("show", ("show", "3", "--json")),
    ("show", ("show", "4", "--json")),
    ("show", ("show", "5", "--json")),
    ("search", ("search", "refund", "--json")),
    ("search", ("search", "", "--json")),
    ("search", ("search", "zebra", "--json")),
    ("advice", ("advice", "--json")),
    ("advice", ("advice", "1", "--json")),
    ("advice", ("advice", "4", "--json")),
    ("advice", ("advice", "3", "--json")),
    ("advice", ("advice", "--json", "--limit", "2")),
    ("stats", ("stats", "--json")),
    ("stats", ("stats", "--company", "Acme", "--json")),
    ("doctor", ("doctor", "--json")),
    ("doctor", ("doctor", "--scan", "--json")),
    ("where", ("where", "--json")),
]


@pytest.mark.parametrize("name, args", READS, ids=[" ".join(a) for _, a in READS])
def test_reading_commands_match_their_definition(sl, name, args):
    assert_valid(name, out_json(sl, *args))


def test_advice_jsonl_lines_are_advice_entries(sl):
    """Each --jsonl line is one entry of the --json array, in the same order."""
    lines = sl.ok("advice", "--jsonl").splitlines()
    entries = [json.loads(line) for line in lines]
    assert entries == out_json(sl, "advice", "--json") and len(entries) == 4 + FILLER
    for entry in entries:
        assert_valid("advice", [entry])
    moves = {e["case_id"]: e["next_move"] for e in entries}
    assert {e["turn"] for e in entries} <= {"theirs", "yours", "nobody"}
    assert moves[3]["who"] == "nobody" and moves[3]["due"] == "2026-12-10T23:59:59Z"
    for broken in ({**entries[0], "turn": "mine"}, {**entries[0], "rung": "court"},
                   {**entries[0], "next_move": {**moves[1], "who": "me"}},
                   {k: v for k, v in entries[0].items() if k != "next_move"}):
        assert not validator("advice").is_valid([broken])


CHANGES = [
    ("new", ("new", "--company", "Acme", "--title", "t", "--ref", "order:9", "--amount",
             "€12.50", "--due", "2026-12-01", "--json")),
    ("edit", ("edit", "1", "--title", "Parcel lost", "--add-ref", "claim:C-1", "--json")),
    ("status", ("status", "2", "resolved", "--note", "fixed", "--json")),
    ("log", ("log", "2", "--channel", "chat", "--outcome", "info", "--json")),
    ("log", ("log", "2", "--channel", "chat", "--outcome", "promised", "--promise", "a visit",
             "--due", "friday", "--json")),
    ("promise", ("promise", "2", "--add", "call back", "--due", "2026-11-30", "--json")),
    ("promise", ("promise", "p1", "broken", "--json")),
    ("snooze", ("snooze", "2", "2026-12-01", "--json")),
    ("snooze", ("snooze", "3", "off", "--json")),
    ("backup", ("backup", "--json")),
]


@pytest.mark.parametrize("name, args", CHANGES, ids=[" ".join(a[:3]) for _, a in CHANGES])
def test_changing_commands_print_the_changed_record(sl, name, args):
    assert_valid(name, out_json(sl, *args))


def test_the_changed_record_is_what_show_then_prints(sl):
    """`status`, `snooze`, `edit` and `new` print the case as `show --json` does after the
    change; `log` and `promise` the contact and the promise as `show` then lists them."""
    for args in (("status", "2", "waiting"), ("snooze", "2", "2026-12-01"),
                 ("edit", "2", "--title", "Router"), ("new", "--company", "X", "--title", "y")):
        printed = out_json(sl, *args, "--json")
        assert printed == out_json(sl, "show", str(printed["id"]), "--json"), args
    logged = out_json(sl, "log", "2", "--channel", "chat", "--outcome", "promised",
                      "--promise", "a visit", "--json")
    shown = out_json(sl, "show", "2", "--json")
    contact = {k: v for k, v in logged.items() if k not in ("promise", "asked")}
    assert contact == shown["interactions"][-1] and logged["promise"] == shown["promises"][-1]
    assert logged["asked"] is None
    assert logged["promise"]["interaction_id"] == logged["id"]
    assert out_json(sl, "log", "2", "--channel", "chat", "--outcome", "info",
                    "--json")["promise"] is None
    added = out_json(sl, "promise", "2", "--add", "call", "--json")
    marked = out_json(sl, "promise", added["label"], "kept", "--json")
    assert marked == {**added, "status": "kept", "updated_at": marked["updated_at"],
                      "settled_at": marked["updated_at"]}
    asked = out_json(sl, "log", "2", "--channel", "email", "--outcome", "info", "--asked",
                     "send the serial number", "--asked-due", "2026-11-30",
                     "--formal-complaint", "--json")
    assert asked["asked"] == out_json(sl, "show", "2", "--json")["promises"][-1]
    assert (asked["asked"]["party"], asked["milestone"]) == ("me", "formal_complaint")
    assert_valid("log", asked)
    assert marked in out_json(sl, "show", "2", "--json")["promises"]


def test_backup_json_names_the_file_written(sl, tmp_path):
    dest = tmp_path / "copy.db"
    report = out_json(sl, "backup", "-o", str(dest), "--json")
    assert report == {"path": str(dest), "size_bytes": dest.stat().st_size}
    assert report["size_bytes"] > 0


def test_import_json_matches_its_definition(sl, tmp_path):
    exported = tmp_path / "all.json"
    sl.ok("export", "-o", str(exported))
    fresh = Cli(tmp_path / "fresh.db")
    first = out_json(fresh, "import", str(exported), "--json")
    assert_valid("import", first)
    assert first["cases_added"] == 4 + FILLER and not first["dry_run"]
    again = out_json(fresh, "import", str(exported), "--dry-run", "--json")
    assert_valid("import", again)
    assert again["dry_run"] and again["unchanged"] == 4 + FILLER


# -- list says when it was cut ----------------------------------------------------------------
def test_list_json_says_when_it_was_cut(sl):
    """Regression: `list --json` stopped at 50 rows without saying so."""
    total = 4 + FILLER
    cut = out_json(sl, "list", "--json")
    assert len(cut["cases"]) == 50 and cut["truncated"] is True and cut["limit"] == 50
    everything = out_json(sl, "list", "--all", "--json")
    assert len(everything["cases"]) == total and everything["truncated"] is False
    assert everything["limit"] is None
    assert len({c["id"] for c in everything["cases"]}) == total
    exact = out_json(sl, "list", "--limit", str(total), "--json")
    assert len(exact["cases"]) == total and exact["truncated"] is False
    one_short = out_json(sl, "list", "--limit", str(total - 1), "--json")
    assert one_short["truncated"] is True
    active = out_json(sl, "list", "--sort", "attention", "--limit", "2", "--json")
    assert len(active["cases"]) == 2 and active["truncated"] is True
    assert all("score" in c for c in active["cases"])
    assert "score" not in cut["cases"][0]


def test_list_all_streams_the_same_document(sl):
    """--all is written a case at a time, laid out as one json.dumps of the whole."""
    for args in (("list", "--all", "--json"), ("list", "--all", "--sort", "attention",
                                               "--json"), ("list", "--json")):
        out = sl.ok(*args)
        assert out == json.dumps(json.loads(out), ensure_ascii=False, indent=2) + "\n"


def test_list_text_says_when_it_was_cut(sl):
    result = sl("list")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 51            # the header and 50 cases
    assert "the first 50 shown; --limit N or --all for more" in result.stderr
    everything = sl("list", "--all")
    assert len(everything.stdout.splitlines()) == 5 + FILLER and everything.stderr == ""
    both = sl("list", "--all", "--limit", "5")
    assert both.exit_code == 2 and "--limit N or --all, not both" in both.stderr


def test_search_json_says_when_it_was_cut(sl):
    cut = out_json(sl, "search", "filler", "--limit", "10", "--json")
    assert len(cut["hits"]) == 10 and cut["truncated"] is True and cut["limit"] == 10
    whole = out_json(sl, "search", "filler", "--limit", "1000", "--json")
    assert len(whole["hits"]) == FILLER and whole["truncated"] is False


# -- the same names for the same things -------------------------------------------------------
def test_show_json_carries_every_id_its_text_shows(sl):
    """Regression: `show --json` left out the contact and promise ids its text prints."""
    text = sl.ok("show", "1")
    shown = out_json(sl, "show", "1", "--json")
    assert f"#{shown['id']} " in text
    for contact in shown["interactions"]:
        assert f"[{contact['id']}] " in text and contact["case_id"] == 1
    assert [p["label"] for p in shown["promises"]] == ["p1", "p2", "p3", "p4"]
    for p in shown["promises"]:
        assert f"[{p['label']}] " in text and p["label"] == f"p{p['id']}"
    made_by = {c["uid"]: c["id"] for c in shown["interactions"]}
    first = shown["promises"][0]
    assert first["interaction_id"] == made_by[first["interaction_uid"]]
    assert shown["promises"][1]["interaction_id"] is None
    assert shown["interactions"][1]["transcript_text"].startswith("Agent: the refund")
    events = out_json(sl, "show", "4", "--json")["status_events"]
    assert [e["status"] for e in events] == ["abandoned", "open"]


def test_a_case_is_id_and_a_pointer_to_a_case_is_case_id(sl):
    """`list`/`show` name a case's own id `id`; a search hit and an advice entry point at a
    case with `case_id` and `case_uid`, the same values."""
    shown = out_json(sl, "show", "2", "--json")
    listed = next(c for c in out_json(sl, "list", "--all", "--json")["cases"] if c["id"] == 2)
    assert (listed["id"], listed["uid"]) == (shown["id"], shown["uid"])
    hit = out_json(sl, "search", "router", "--json")["hits"][0]
    advised = next(a for a in out_json(sl, "advice", "--json") if a["case_id"] == 2)
    assert (hit["case_id"], hit["case_uid"]) == (advised["case_id"], advised["case_uid"]) == (
        shown["id"], shown["uid"])
    assert "id" not in hit and "id" not in advised
    doctor, where = out_json(sl, "doctor", "--json"), out_json(sl, "where", "--json")
    assert doctor["db_exists"] is where["db_exists"] is True and "exists" not in doctor
    assert doctor["db"] == where["db"]


def test_every_command_that_changes_something_has_json(sl):
    """Regression: `status`, `promise`, `snooze` and `backup` had no --json."""
    for args in (("status", "2", "resolved"), ("promise", "2", "--add", "x"),
                 ("promise", "p1", "kept"), ("snooze", "2", "friday"), ("backup",)):
        result = sl(*args, "--json")
        assert result.exit_code == 0, (args, result.output)
        json.loads(result.stdout)


# -- -o - is standard output ------------------------------------------------------------------
def test_dash_o_means_standard_output(sl, tmp_path, monkeypatch):
    """Regression: `-o -` must never write a file named `-` (export, backup)."""
    monkeypatch.chdir(tmp_path)
    doc = out_json(sl, "export", "-o", "-")
    assert_valid("interchange", doc)
    result = sl.runner.invoke(cli, ["--db", str(sl.db_path), "backup", "-o", "-"],
                              catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"SQLite format 3\x00")
    assert not (tmp_path / "-").exists()
    copy = tmp_path / "from-stdout.db"
    copy.write_bytes(result.stdout_bytes)
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 4 + FILLER
    both = sl("backup", "-o", "-", "--json")
    assert both.exit_code == 2 and "--json needs a file" in both.stderr


def test_backup_to_a_terminal_is_refused(sl):
    """`backup -o -` on a terminal would print a database: refused with one line."""
    leader, follower = os.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "tui.cli", "--db", str(sl.db_path),
                               "backup", "-o", "-"], stdout=follower, stderr=subprocess.PIPE,
                              timeout=60)
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == ("supportlog: standard output is a terminal; send "
                                            "the backup to a file: supportlog backup -o - > "
                                            "copy.db")


# -- the interchange format -------------------------------------------------------------------
def test_the_interchange_export_matches_its_definition(sl):
    doc = out_json(sl, "export", "--format", "json")
    assert_valid("interchange", doc)
    assert {c["uid"] for c in doc["companies"]} and len(doc["cases"]) == 4 + FILLER
    one = out_json(sl, "export", "1")
    assert_valid("interchange", one)
    case = one["cases"][0]
    assert case["status_events"] == [] and case["promises"][0]["created_at"]
    assert [(p["party"], p["status"]) for p in case["promises"]] == [
        ("company", "pending"), ("company", "kept"), ("me", "pending"), ("me", "pending")]
    assert_valid("interchange", out_json(sl, "export", "4"))


def test_show_is_the_interchange_record_with_the_ids(sl):
    """What show adds to the exported case is ids, the last activity and the count."""
    exported = out_json(sl, "export", "1")["cases"][0]
    shown = out_json(sl, "show", "1", "--json")
    added = {"id", "last_activity_at", "contacts"}
    assert set(shown) - set(exported) == added
    assert {k: v for k, v in shown.items() if k not in added | {"interactions", "promises"}} \
        == {k: v for k, v in exported.items() if k not in ("interactions", "promises")}
    strip = lambda rows, keys: [{k: v for k, v in r.items() if k not in keys} for r in rows]
    assert strip(shown["interactions"], {"id", "case_id"}) == exported["interactions"]
    assert strip(shown["promises"], {"id", "label", "case_id", "interaction_id"}) == \
        exported["promises"]


# -- the writer -------------------------------------------------------------------------------
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text())


@given(st.dictionaries(st.text(), SCALARS, max_size=8))
def test_a_flat_record_is_written_as_json_dumps_writes_it(record):
    """json_text lays out a listing's row itself (fast); the text is json.dumps's with the
    terminal's escapes, and reads back as the record."""
    expected = json.dumps(record, ensure_ascii=False, indent=2).translate(_JSON_ESCAPES)
    assert json_text(record) == expected
    assert json.loads(json_text(record)) == record
