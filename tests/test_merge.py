"""Merges that never lose an edit (issue 11, item 5 and bug B4): every record carries when it
last changed, import keeps the side changed later field by field, reports what it changed
and what it kept, and `--dry-run` writes nothing. Two notebooks edited on two machines merge
both ways to the same result.

Each machine is a notebook driven through the real CLI with its clock fixed by `--now`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import NOW, NOW_ISO, Cli
from tui.store import Store, ValidationError

T0 = "2026-11-20T10:00:00Z"


def canonical(doc: dict) -> dict:
    """An export without its time of writing, every list in uid order: two notebooks number
    their rows differently, so the same records may be listed in another order."""
    doc = json.loads(json.dumps(doc))
    doc.pop("exported_at")
    doc["companies"].sort(key=lambda c: c["uid"])
    doc["cases"].sort(key=lambda c: c["uid"])
    for case in doc["cases"]:
        for key in ("interactions", "promises", "status_events"):
            case[key].sort(key=lambda r: r["uid"])
    return doc


def export(cli: Cli, tmp_path: Path, name: str, *cases: str, now: str = NOW_ISO) -> Path:
    path = tmp_path / name
    cli.ok("export", *cases, "-o", str(path), now=now)
    return path


def doc_of(cli: Cli) -> dict:
    return json.loads(cli.ok("export"))


def by_title(doc: dict) -> dict:
    return {c["title"]: c for c in doc["cases"]}


@pytest.fixture
def machines(tmp_path):
    """Machine A with three cases, copied to machine B as they were at T0."""
    a, b = Cli(tmp_path / "a.db"), Cli(tmp_path / "b.db")
    a.ok("new", "--company", "Acme", "--title", "Lost parcel", "--ref", "order:1", now=T0)
    a.ok("log", "1", "--channel", "phone", "--outcome", "info", "--note", "first call",
         "--at", "2026-11-20T09:00", now=T0)
    a.ok("new", "--company", "Bank", "--title", "Double charge", now=T0)
    a.ok("new", "--company", "Acme", "--title", "Broken kettle", "--note", "as bought",
         now=T0)
    b.ok("import", str(export(a, tmp_path, "a0.json", now=T0)), now=T0)
    return a, b


def test_two_machines_merge_both_ways_to_the_same_result(machines, tmp_path):
    a, b = machines
    # Machine A: a note on the parcel case, a promise on the bank case, a case of its own,
    # and the kettle's note, which B edits too, later.
    a.ok("edit", "1", "--note", "A: courier says delivered", now="2026-11-21T09:00:00Z")
    a.ok("log", "2", "--channel", "chat", "--outcome", "promised", "--promise", "refund",
         "--due", "2026-11-30", "--at", "2026-11-21T10:00", now="2026-11-21T10:00:00Z")
    a.ok("edit", "3", "--note", "A: kettle note", now="2026-11-21T11:00:00Z")
    a.ok("new", "--company", "Cable Co", "--title", "Outage", now="2026-11-21T12:00:00Z")
    a.ok("edit", "--add-ref", "ticket:T-9", "1", now="2026-11-21T13:00:00Z")
    # Machine B: a contact on the parcel case (its status follows: waiting), a new title
    # for the bank case, the kettle's note again, a case of its own.
    b.ok("log", "1", "--channel", "email", "--outcome", "promised", "--promise", "reship",
         "--at", "2026-11-22T09:00", now="2026-11-22T09:00:00Z")
    b.ok("edit", "2", "--title", "Double charge in November", now="2026-11-22T10:00:00Z")
    b.ok("edit", "3", "--note", "B: kettle note", now="2026-11-22T11:00:00Z")
    b.ok("new", "--company", "Acme", "--title", "Wrong size", now="2026-11-22T12:00:00Z")

    from_a = export(a, tmp_path, "a1.json", now="2026-11-23T08:00:00Z")
    from_b = export(b, tmp_path, "b1.json", now="2026-11-23T08:00:00Z")
    a.ok("import", str(from_b), now="2026-11-23T09:00:00Z")
    b.ok("import", str(from_a), now="2026-11-23T09:00:00Z")
    merged_a, merged_b = canonical(doc_of(a)), canonical(doc_of(b))
    assert merged_a == merged_b

    cases = by_title(merged_a)
    assert set(cases) == {"Lost parcel", "Double charge in November", "Broken kettle",
                          "Outage", "Wrong size"}
    parcel = cases["Lost parcel"]
    # A's note survives B's later contact on the same case: a status that follows the
    # timeline is no edit of the case.
    assert parcel["notes"] == "A: courier says delivered"
    assert parcel["status"] == "waiting"
    assert [i["notes"] for i in sorted(parcel["interactions"], key=lambda i: i["started_at"])
            ] == ["first call", None]
    assert {(r["kind"], r["value"]) for r in parcel["refs"]} == {("order", "1"),
                                                                 ("ticket", "T-9")}
    bank = cases["Double charge in November"]
    assert [p["text"] for p in bank["promises"]] == ["refund"] and bank["status"] == "waiting"
    assert cases["Broken kettle"]["notes"] == "B: kettle note"   # the later of the two edits
    # Merging again changes nothing, either way.
    for cli, other in ((a, from_b), (b, from_a)):
        again = json.loads(cli.ok("import", str(other), "--json", now="2026-11-23T10:00:00Z"))
        assert {k: v for k, v in again.items() if v and k not in ("unchanged", "conflicts")
                } == {}


def test_b4_an_older_copy_never_overwrites_a_later_edit_here(run, tmp_path):
    """B4: importing an older copy of a case overwrote a note edited later on this machine,
    without a word."""
    run.ok("new", "--company", "Acme", "--title", "t1", "--note", "first draft", now=T0)
    older = export(run, tmp_path, "copy.json", "1", now=T0)
    run.ok("edit", "1", "--note", "edited later here", now="2026-11-21T10:00:00Z")
    uid = doc_of(run)["cases"][0]["uid"]
    out = run.ok("import", str(older), now="2026-11-22T10:00:00Z")
    assert doc_of(run)["cases"][0]["notes"] == "edited later here"
    assert out == f"imported: 1 case unchanged\nkept local (newer here): case {uid}: notes\n"
    report = json.loads(run.ok("import", str(older), "--json"))
    assert report["conflicts"] == [{"kind": "case", "uid": uid, "fields": ["notes"],
                                    "kept": "local"}]
    assert report["cases_updated"] == 0


def test_a_newer_copy_wins_and_is_counted_per_kind(run, tmp_path):
    """Each kind of record is counted when the file's side wins, companies included (B5:
    an import that changed a company's fields reported "unchanged")."""
    run.ok("new", "--company", "Acme", "--title", "t1", now=T0)
    run.ok("log", "1", "--channel", "phone", "--outcome", "promised", "--promise", "refund",
           now=T0)
    doc = doc_of(run)
    later = "2026-11-21T10:00:00Z"
    doc["companies"][0].update(phone="+1 555 0100", updated_at=later)
    case = doc["cases"][0]
    case.update(notes="from the other machine", updated_at=later)
    case["interactions"][0].update(agent="Priya", updated_at=later)
    case["promises"][0].update(status="kept", updated_at=later)
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(doc))
    report = json.loads(run.ok("import", str(path), "--json"))
    assert {k: v for k, v in report.items() if v} == {
        "companies_updated": 1, "cases_updated": 1, "interactions_updated": 1,
        "promises_updated": 1}
    after = doc_of(run)
    # A file's `phone` (as older files give it) is the company's support phone route.
    assert [(r["kind"], r["value"]) for r in after["companies"][0]["routes"]] == [
        ("phone", "+1 555 0100")]
    assert after["cases"][0]["notes"] == "from the other machine"
    assert after["cases"][0]["interactions"][0]["agent"] == "Priya"
    assert after["cases"][0]["promises"][0]["status"] == "kept"
    assert after["cases"][0]["updated_at"] == later   # the merged record is as new as its source


def test_edits_at_the_same_second_converge(machines, tmp_path):
    a, b = machines
    same = "2026-11-21T09:00:00Z"
    a.ok("edit", "3", "--note", "alpha", now=same)
    b.ok("edit", "3", "--note", "bravo", now=same)
    from_a, from_b = export(a, tmp_path, "a.json"), export(b, tmp_path, "b.json")
    a.ok("import", str(from_b))
    b.ok("import", str(from_a))
    assert by_title(doc_of(a))["Broken kettle"]["notes"] == "bravo"
    assert canonical(doc_of(a)) == canonical(doc_of(b))


def test_an_old_file_without_change_times_only_fills_in(run, tmp_path):
    """A file written before updated_at was kept is older than any change here."""
    run.ok("new", "--company", "Acme", "--title", "t1", "--note", "ours", "--amount", "10",
           "--currency", "USD", now=T0)
    doc = doc_of(run)
    case = doc["cases"][0]
    for record in (*doc["companies"], case):
        del record["updated_at"]
    case.update(notes="theirs", seller="Shop", amount="12.50", currency="EUR", due_on="2026-12-01")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc))
    report = json.loads(run.ok("import", str(path), "--json"))
    after = doc_of(run)["cases"][0]
    assert (after["notes"], after["seller"], after["due_on"]) == ("ours", "Shop", "2026-12-01")
    # An amount and its currency go together: ours stand whole.
    assert (after["amount"], after["currency"]) == ("10", "USD")
    assert report["conflicts"] == [{"kind": "case", "uid": case["uid"],
                                    "fields": ["amount", "currency", "notes"], "kept": "local"}]
    assert after["updated_at"] == T0


def test_a_dry_run_writes_nothing_and_says_what_would_change(run, db_path, tmp_path):
    run.ok("new", "--company", "Acme", "--title", "t1", now=T0)
    doc = doc_of(run)
    doc["cases"][0].update(title="renamed", updated_at="2026-11-21T10:00:00Z")
    doc["cases"].append({"company": "Bank", "title": "new", "opened_at": T0})
    path = tmp_path / "in.json"
    path.write_text(json.dumps(doc))
    files = sorted(db_path.parent.glob(db_path.name + "*"))
    before = {p: p.read_bytes() for p in files}
    text = run.ok("import", "--dry-run", str(path))
    report = json.loads(run.ok("import", "--dry-run", "--json", str(path)))
    assert text == "would import: 1 company added, 1 case added, 1 case updated\n"
    assert report["dry_run"] is True
    assert sorted(db_path.parent.glob(db_path.name + "*")) == files
    assert {p: p.read_bytes() for p in files} == before
    # The real import does what the dry run said.
    real = json.loads(run.ok("import", "--json", str(path)))
    assert {**real, "dry_run": True} == report
    assert [c["title"] for c in doc_of(run)["cases"]] == ["renamed", "new"]


def test_a_dry_run_into_no_notebook_creates_none(tmp_path):
    cli = Cli(tmp_path / "missing.db")
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"format": "supportlog/1", "cases": [
        {"company": "Acme", "title": "t", "opened_at": T0}]}))
    assert cli.ok("import", "--dry-run", str(path)) == ("would import: 1 company added, "
                                                        "1 case added\n")
    assert list(tmp_path.glob("missing.db*")) == []


def test_a_uid_repeated_across_batches_names_both_places(run, db_path, tmp_path, monkeypatch):
    from tui.store import import_parts
    monkeypatch.setattr(import_parts, "BATCH", 1)   # every case its own batch
    run.ok("new", "--company", "Acme", "--title", "here already", now=T0)
    cases = [{"uid": f"c{n}", "company": "Acme", "title": f"t{n}", "opened_at": T0,
              "interactions": [{"uid": f"i{n}", "channel": "phone", "started_at": T0}]}
             for n in range(3)]
    cases[2]["interactions"][0]["uid"] = "i0"
    path = tmp_path / "dup.json"
    path.write_text(json.dumps({"format": "supportlog/1", "cases": cases}))
    before = doc_of(run)
    result = run("import", str(path))
    assert result.exit_code == 2
    assert result.stderr == (f"supportlog: {path}: cases[2] (uid c2).interactions[0] (uid i0)"
                             ".uid: repeats the uid of cases[0] (uid c0).interactions[0] "
                             "(uid i0); each record in a file needs its own uid\n")
    assert doc_of(run) == before
    # A notebook row matched twice is a repeat too.
    cases[2]["interactions"][0]["uid"] = "i2"
    cases[1]["uid"] = cases[2]["uid"] = before["cases"][0]["uid"]
    path.write_text(json.dumps({"format": "supportlog/1", "cases": cases}))
    result = run("import", str(path))
    assert "cases[2] (uid " in result.stderr and "repeats the uid of cases[1]" in result.stderr
    assert doc_of(run) == before
    # And a status set by hand, repeated.
    cases[1]["uid"], cases[2]["uid"] = "c1", "c2"
    for case in cases[1:]:
        case["status_events"] = [{"uid": "e1", "status": "abandoned", "at": T0}]
    path.write_text(json.dumps({"format": "supportlog/1", "cases": cases}))
    result = run("import", str(path))
    assert result.stderr == (f"supportlog: {path}: cases[2] (uid c2).status_events[0] (uid e1)"
                             ".uid: repeats the uid of cases[1] (uid c1).status_events[0] "
                             "(uid e1); each record in a file needs its own uid\n")
    assert doc_of(run) == before


# -- updated_at on every write path --------------------------------------------------------------

class Clock:
    def __init__(self):
        self.minutes = 0

    def __call__(self):
        from datetime import timedelta
        return NOW + timedelta(minutes=self.minutes)

    def tick(self) -> str:
        self.minutes += 1
        return self().strftime("%Y-%m-%dT%H:%M:%SZ")


def stamps(store: Store) -> dict:
    doc = {}
    out = __import__("io").StringIO()
    store.export_json(out)
    for company in json.loads(out.getvalue())["companies"]:
        doc[("company", company["name"])] = company["updated_at"]
    for case in json.loads(out.getvalue())["cases"]:
        doc[("case", case["title"])] = case["updated_at"]
        for i in case["interactions"]:
            doc[("contact", i["uid"])] = i["updated_at"]
        for p in case["promises"]:
            doc[("promise", p["text"])] = p["updated_at"]
    return doc


def test_every_write_path_keeps_updated_at(db_path):
    clock = Clock()
    store = Store(db_path, clock=clock)
    case = store.create_case("Acme", "t")
    contact = store.log_interaction(case.id, "phone", "info")
    live = store.start_contact(case.id, "chat")
    promise = store.add_promise(case.id, "refund")
    writes = [
        (("company", "Acme"), lambda: store.update_company("Acme", phone="555")),
        (("case", "t"), lambda: store.update_case(case.id, notes="n")),
        (("case", "t"), lambda: store.snooze(case.id, "2026-12-01")),
        (("case", "t"), lambda: store.set_status(case.id, "abandoned", note="gave up")),
        (("contact", contact.uid), lambda: store.edit_interaction(contact.id, notes="x")),
        (("contact", contact.uid), lambda: store.edit_interaction(contact.id,
                                                                  transcript_text="said")),
        (("contact", live.uid), lambda: store.finish_contact(live.id, "info")),
        (("promise", "refund"), lambda: store.set_promise_status(promise.id, "kept")),
    ]
    for key, write in writes:
        at = clock.tick()
        write()
        after = stamps(store)
        assert after[key] == at, key
        assert [k for k, v in after.items() if v == at] == [key], key   # nothing else
    # A status that follows the timeline is derived, not an edit of the case.
    before = stamps(store)[("case", "t")]
    clock.tick()
    store.log_interaction(case.id, "email", "resolved")
    assert store.get_case(case.id).status == "resolved"
    assert stamps(store)[("case", "t")] == before
    store.close()


def test_import_keeps_the_merged_stamp_not_the_time_of_import(tmp_path):
    clock = Clock()
    a = Store(tmp_path / "a.db", clock=clock)
    a.create_case("Acme", "t")
    out = __import__("io").StringIO()
    a.export_json(out)
    clock.tick()
    b = Store(tmp_path / "b.db", clock=clock)
    b.import_records(json.loads(out.getvalue()))
    assert stamps(b) == stamps(a)
    a.close(), b.close()


def test_a_bad_updated_at_names_the_field(store):
    doc = {"format": "supportlog/1", "cases": [
        {"uid": "c1", "company": "Acme", "title": "t", "opened_at": T0, "updated_at": 5}]}
    with pytest.raises(ValidationError) as err:
        store.import_records(doc)
    assert str(err.value) == ("cases[0] (uid c1).updated_at: expected a time like "
                              "2026-11-25T14:03:00Z, got a number (5)")
    assert store.count_cases() == 0


def test_a_status_kept_as_set_by_hand_and_a_new_event_in_later_batches(run, db_path,
                                                                         tmp_path, monkeypatch):
    """A case whose status its contacts would not give (recorded as set by hand) in one
    batch, a case with a status event of its own in the next: both land."""
    from tui.store import import_parts
    monkeypatch.setattr(import_parts, "BATCH", 1)
    cases = [{"uid": "c0", "company": "Acme", "title": "gave up", "opened_at": T0,
              "status": "abandoned", "closed_at": T0},
             {"uid": "c1", "company": "Acme", "title": "closed by hand", "opened_at": T0,
              "status": "resolved", "status_events": [
                  {"uid": "e1", "status": "resolved", "at": T0, "created_at": T0}]}]
    path = tmp_path / "two.json"
    path.write_text(json.dumps({"format": "supportlog/1", "cases": cases}))
    run.ok("import", str(path))
    with Store(db_path) as s:
        assert [c.status for c in s.iter_cases(sort="id")] == ["abandoned", "resolved"]


def test_an_imported_hold_longer_than_its_contact_is_refused(run, tmp_path):
    case = {"uid": "c0", "company": "Acme", "title": "t", "opened_at": T0,
            "interactions": [{"uid": "i0", "channel": "phone", "outcome": "info",
                              "started_at": T0, "ended_at": "2026-11-20T10:10:00Z",
                              "hold_seconds": 3600}]}
    path = tmp_path / "hold.json"
    path.write_text(json.dumps({"format": "supportlog/1", "cases": [case]}))
    result = run("import", str(path))
    assert result.exit_code == 2 and "hold" in result.stderr, result.output
