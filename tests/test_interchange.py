"""The supportlog/1 interchange format: exact round trips, idempotent merging, all or nothing."""

from __future__ import annotations

import io
import json

import pytest

from tui.store import Store, ValidationError
from conftest import NOW

AWKWARD = ["[/]", "[bold]x[/bold]", "[link=x]y", "\\[", "emoji 📦🙂", "שלום עולם",
           "हिंदी में ग्राहक सेवा", "e\u0301\u0301", "tab\tnew\nline\r\x1b[31m", "x" * 200_000]


def export(store, ids=None) -> dict:
    buf = io.StringIO()
    store.export_json(buf, ids)
    return json.loads(buf.getvalue())


def fill(store):
    a = store.create_case("Amazon", "Lost parcel [/]", refs=[("order", "1"), ("ticket", "T")],
                          want="refund", amount="12.50", currency="EUR", seller="Shop",
                          purchased_on="2026-11-01", notes=AWKWARD[4])
    i = store.log_interaction(a.id, "phone", "promised", agent="Priya", agent_id="77",
                              duration="20m", hold="5m", promise="refund", promise_due="2026-12-01",
                              transcript_text=AWKWARD[6], transcript_ref="/tmp/x.txt",
                              asked=AWKWARD[1], asked_due="2026-11-30",
                              milestone="formal_complaint")
    for n, text in enumerate(AWKWARD):
        store.log_interaction(a.id, "chat", "info", notes=text,
                              started_at=f"2026-11-{n + 2:02d}T10:00")
    b = store.create_case("Comcast", "Router", status="abandoned")
    store.start_contact(b.id, "phone")
    return a, b, i


def test_export_import_export_is_identical(tmp_path, store):
    fill(store)
    first = export(store)
    other = Store(tmp_path / "other.db", clock=lambda: NOW)
    counts = other.import_records(first)
    assert counts["cases_added"] == 2 and counts["interactions_added"] == 2 + len(AWKWARD)
    second = export(other)
    assert first == second  # the clock is fixed, so exported_at matches too
    first.pop("exported_at"), second.pop("exported_at")
    assert first == second
    for text in AWKWARD:
        assert any(i["notes"] == text for i in second["cases"][0]["interactions"])


def test_import_twice_changes_nothing(tmp_path, store):
    fill(store)
    doc = export(store)
    other = Store(tmp_path / "other.db", clock=lambda: NOW)
    other.import_records(doc)
    before = other.conn.execute("SELECT count(*), total(length(updated_at)) FROM cases").fetchone()
    counts = other.import_records(doc)
    assert {k: v for k, v in counts.items() if v} == {"unchanged": 2}
    assert export(other) == export(other) == {**doc, "exported_at": doc["exported_at"]}
    after = other.conn.execute("SELECT count(*), total(length(updated_at)) FROM cases").fetchone()
    assert before == after


def test_import_merges_by_uid(tmp_path, store):
    a, b, i = fill(store)
    doc = export(store)
    later = "2026-11-25T13:00:00Z"  # edited elsewhere after this notebook's last change
    doc["cases"][0].update(title="Renamed", updated_at=later)
    doc["cases"][0]["interactions"][0].update(notes="edited elsewhere", updated_at=later)
    doc["cases"][0]["promises"][0].update(status="kept", updated_at=later)
    counts = store.import_records(doc)
    assert (counts["cases_updated"], counts["interactions_updated"],
            counts["promises_updated"]) == (1, 1, 1)
    assert store.get_case(a.id).title == "Renamed"
    assert store.count_cases() == 2


def test_missing_uids_are_generated(store):
    doc = {"format": "supportlog/1", "cases": [{
        "company": "New Co", "title": "hand written", "opened_at": "2026-11-01T10:00:00Z",
        "interactions": [{"channel": "email", "started_at": "2026-11-02T10:00:00Z",
                          "outcome": "info"}],
        "promises": [{"text": "reply in 2 days"}]}]}
    store.import_records(doc)
    rec = export(store)["cases"][0]
    assert len(rec["uid"]) == 16 and len(rec["interactions"][0]["uid"]) == 16
    assert rec["promises"][0]["status"] == "pending"


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d.update(format="other/9"), "format"),
    (lambda d: d["cases"][1].update(title=""), "cases[1].title"),
    (lambda d: d["cases"][1]["interactions"].append({"channel": "fax", "started_at":
                                                     "2026-11-01T00:00:00Z"}),
     "cases[1].interactions[1].channel"),
    (lambda d: d["cases"][0]["interactions"][0].update(ended_at="2000-01-01T00:00:00Z"),
     "cases[0].interactions[0].end"),
    (lambda d: d["cases"][0]["interactions"][0].update(hold_seconds="lots"),
     "cases[0].interactions[0].hold_seconds"),
    (lambda d: d["cases"][0]["refs"].append({"kind": "x", "value": "y"}), "cases[0].refs[2].kind"),
    (lambda d: d.update(cases={}), "cases"),
])
def test_bad_documents_write_nothing(tmp_path, store, mutate, where):
    fill(store)
    doc = export(store)
    mutate(doc)
    other = Store(tmp_path / "other.db", clock=lambda: NOW)
    with pytest.raises(ValidationError) as err:
        other.import_records(doc)
    assert err.value.field == where
    assert other.count_cases() == 0


def test_imported_card_numbers_are_masked(store, db_path):
    doc = {"format": "supportlog/1", "cases": [{
        "company": "Bank", "title": "charge", "opened_at": "2026-11-01T10:00:00Z",
        "notes": "card 4111 1111 1111 1111",
        "interactions": [{"channel": "phone", "started_at": "2026-11-02T10:00:00Z",
                          "outcome": "info", "transcript_text": "it was 5500005555555559"}]}]}
    store.import_records(doc)
    store.close()
    wal = db_path.with_name(db_path.name + "-wal")
    raw = db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert b"it was" in raw  # the text is there, the number is not (nor in the FTS index)
    assert b"4111 1111 1111 1111" not in raw and b"5500005555555559" not in raw


def test_a_blank_milestone_or_outcome_imports_as_none(tmp_path, store):
    """Hand-written files say "" for "none"; that was read so before the registry, and is."""
    fill(store)
    doc = export(store)
    doc["cases"][0]["interactions"][0].update(milestone="")
    doc["cases"][0]["interactions"][1].update(outcome="  ")
    other = Store(tmp_path / "other.db", clock=lambda: NOW)
    other.import_records(doc)
    contacts = export(other)["cases"][0]["interactions"]
    assert "milestone" not in contacts[0] and contacts[1]["outcome"] is None
