"""The kept assessments (case_advice): every change to a case makes its row go, the clock,
the company and the engine make rows stale, saving is best effort, and the attention order."""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import replace

import pytest

from tui.store import Store
from tui.store.facts import AdviceRow
from conftest import NOW, NOW_ISO

FP = "engine-1"


def row(case_id: int, *, score: float = 1.0, stalled: bool = False, due: str | None = None,
        activity: str = "2026-11-20T10:00:00Z", changes_at: str | None = None,
        rev: int = 0) -> AdviceRow:
    return AdviceRow(case_id, score, stalled, False, "theirs", "first_contact", None,
                     f"headline {case_id}", f"move {case_id}", "you", "phone", due, activity,
                     changes_at, rev)


def rev(store, case_id: int) -> int:
    return store.conn.execute("SELECT co.advice_rev FROM cases c JOIN companies co "
                              "ON co.id = c.company_id WHERE c.id = ?", (case_id,)).fetchone()[0]


def kept(store, case_id: int) -> bool:
    return store.conn.execute("SELECT 1 FROM case_advice WHERE case_id = ?",
                              (case_id,)).fetchone() is not None


@pytest.fixture
def two(store):
    a = store.create_case("Acme", "a", opened_at="2026-11-01")
    b = store.create_case("Acme", "b", opened_at="2026-11-01")
    contact = store.log_interaction(a.id, "phone", "info", started_at="2026-11-20T10:00")
    store.log_interaction(b.id, "phone", "info", started_at="2026-11-20T10:00")
    return store, a.id, b.id, contact


def save_both(store, a, b):
    assert sorted(store.advice_stale(NOW_ISO, FP)) == [a, b]
    assert store.save_advice([row(a, rev=rev(store, a)), row(b, rev=rev(store, b))], FP)
    assert store.advice_stale(NOW_ISO, FP) == []


WRITES = {
    "log a contact": lambda s, a, c: s.log_interaction(a, "chat", "refused",
                                                       started_at="2026-11-21T10:00"),
    "edit a contact": lambda s, a, c: s.edit_interaction(c.id, notes="more"),
    "delete a contact": lambda s, a, c: s.delete_interaction(c.id),
    "add a promise": lambda s, a, c: s.add_promise(a, "refund", "2026-12-01"),
    "add an ask": lambda s, a, c: s.add_promise(a, "send photos", "2026-12-01", party="me"),
    "mark a promise": lambda s, a, c: s.set_promise_status(
        s.add_promise(a, "refund", "2026-12-01").id, "broken"),
    "status event": lambda s, a, c: s.set_status(a, "waiting"),
    "add a reference": lambda s, a, c: s.add_ref(a, "order", "112-9"),
    "remove a reference": lambda s, a, c: (s.add_ref(a, "order", "112-9"),
                                           save_again(s, a), s.remove_ref(a, "order", "112-9")),
    "edit the case": lambda s, a, c: s.update_case(a, notes="new notes"),
    "snooze": lambda s, a, c: s.snooze(a, "2026-12-01"),
}


def save_again(store, case_id):
    store.advice_stale(NOW_ISO, FP)
    assert store.save_advice([row(case_id, rev=rev(store, case_id))], FP)


@pytest.mark.parametrize("write", list(WRITES))
def test_every_change_to_a_case_makes_its_row_go(two, write):
    store, a, b, contact = two
    save_both(store, a, b)
    WRITES[write](store, a, contact)
    assert not kept(store, a)
    assert a in store.advice_stale(NOW_ISO, FP)
    # Logging or deleting a contact moves the company's channel counts: its cases' rows go.
    assert kept(store, b) != (write in ("log a contact", "delete a contact"))


@pytest.mark.parametrize("change", ["routes", "notes", "name", "channel counts"])
def test_a_company_change_makes_its_cases_stale(two, change):
    store, a, b, contact = two
    other = store.create_case("Globex", "c", opened_at="2026-11-01").id
    store.log_interaction(other, "chat", "info", started_at="2026-11-20T10:00")
    store.advice_stale(NOW_ISO, FP)
    assert store.save_advice([row(i, rev=rev(store, i)) for i in (a, b, other)], FP)
    if change == "routes":
        store.update_company("Acme", phone="+1 555 0100")
    elif change == "notes":
        store.update_company("Acme", notes="ask for retentions")
    elif change == "name":
        store.update_company("Acme", name="Acme Corp")
    else:   # a contact on another case of the company moves its channel counts
        c = store.create_case("Acme", "d", opened_at="2026-11-01").id
        store.log_interaction(c, "email", "info", started_at="2026-11-21T10:00")
    stale = store.advice_stale(NOW_ISO, FP)
    assert a in stale and b in stale and other not in stale
    # The company's cases' rows go with the change: the table holds fresh rows and misses.
    assert not kept(store, a) and not kept(store, b) and kept(store, other)


def test_the_clock_and_the_engine_make_rows_stale(two):
    store, a, b, _ = two
    store.advice_stale(NOW_ISO, FP)
    r = rev(store, a)
    assert store.save_advice([row(a, changes_at="2026-11-26T00:00:00Z", rev=r), row(b, rev=r)],
                             FP)
    assert store.advice_stale(NOW_ISO, FP) == []
    assert store.advice_stale("2026-11-26T00:00:00Z", FP) == [a]   # changes_at <= now
    assert sorted(store.advice_stale(NOW_ISO, "engine-2")) == [a, b]
    assert store.save_advice([row(a, rev=r)], "engine-2")
    # The predecessor's rows are gone with it.
    assert not kept(store, b) and store.advice_stale(NOW_ISO, "engine-2") == [b]
    assert store.meta_get("advice_engine") == "engine-2"


def test_closed_cases_need_no_assessment(two):
    store, a, b, _ = two
    save_both(store, a, b)
    store.set_status(b, "resolved")
    assert store.advice_stale(NOW_ISO, FP) == []
    assert [r.case_id for r in store.ranked_advice(now=NOW_ISO)] == [a]


def test_saving_is_best_effort_on_a_read_only_notebook(tmp_path):
    path = tmp_path / "n.db"
    with Store(path, clock=lambda: NOW) as s:
        a = s.create_case("Acme", "a", opened_at="2026-11-01").id
    os.chmod(path, stat.S_IRUSR)
    try:
        with Store(path, clock=lambda: NOW, create=False) as ro:
            assert ro.read_only
            assert ro.advice_stale(NOW_ISO, FP) == [a]
            assert ro.save_advice([row(a)], FP) is False
            assert ro.ranked_advice(now=NOW_ISO) == []
    finally:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


def test_saving_gives_up_on_a_locked_notebook(two, db_path, monkeypatch):
    store, a, b, _ = two
    store.advice_stale(NOW_ISO, FP)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert store.save_advice([row(a)], FP) is False
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000   # put back
    store.advice_stale(NOW_ISO, FP)
    assert store.save_advice([row(a)], FP)


def test_rows_made_before_another_process_wrote_are_not_kept(two, db_path):
    """Facts read, then another process logs a contact, then the save: the rows were made
    from what was there before, so they are not kept (the next ranking makes them again)."""
    store, a, b, _ = two
    store.advice_stale(NOW_ISO, FP)
    with Store(db_path, clock=lambda: NOW) as cli:
        cli.log_interaction(a, "chat", "refused", started_at="2026-11-21T10:00")
    assert store.save_advice([row(a), row(b)], FP) is False
    assert not kept(store, a) and not kept(store, b)
    assert sorted(store.advice_stale(NOW_ISO, FP)) == [a, b]
    assert store.save_advice([row(a), row(b)], FP)


def test_the_attention_order(store):
    ids = [store.create_case("Acme" if n % 2 else "Globex", f"c{n}",
                             opened_at="2026-11-01").id for n in range(7)]
    rows = [row(ids[0], score=2.0, stalled=True, activity="2026-11-10T00:00:00Z"),
            row(ids[1], score=5.0, stalled=True, activity="2026-11-12T00:00:00Z"),
            row(ids[2], score=2.0, stalled=True, activity="2026-11-09T00:00:00Z"),
            row(ids[3], due="2026-11-27T00:00:00Z", activity="2026-11-01T00:00:00Z"),
            row(ids[4], due="2026-11-26T00:00:00Z", activity="2026-11-02T00:00:00Z"),
            row(ids[5], due="2026-12-20T00:00:00Z", activity="2026-11-03T00:00:00Z"),
            row(ids[6], activity="2026-11-04T00:00:00Z")]
    store.advice_stale(NOW_ISO, FP)
    assert store.save_advice(rows, FP)
    order = [r.case_id for r in store.ranked_advice(now=NOW_ISO)]
    # Stalled by score, then the longest untouched; due within 3 days by due; the rest by
    # the most recent activity.
    assert order == [ids[1], ids[2], ids[0], ids[4], ids[3], ids[6], ids[5]]
    assert [r.case_id for r in store.ranked_advice(stalled_only=True)] == [ids[1], ids[2], ids[0]]
    # What the app holds: the stalled ones' scores in the same order, and rows by id.
    assert list(store.stalled_scores().items()) == [(ids[1], 5.0), (ids[2], 2.0), (ids[0], 2.0)]
    assert store.advice_rows([ids[4], ids[1], 10_000]) == {ids[1]: rows[1], ids[4]: rows[4]}
    assert [r.case_id for r in store.ranked_advice(now=NOW_ISO, limit=2, offset=2)] == \
        [ids[0], ids[4]]
    acme = [r.case_id for r in store.ranked_advice(now=NOW_ISO, company="acme")]
    assert acme == [ids[1], ids[3], ids[5]]
    assert store.ranked_advice(now=NOW_ISO, status="waiting") == []
    assert store.count_advice() == 7 and store.count_advice(stalled_only=True) == 3
    assert store.count_advice(company="ACME") == 3
    assert store.any_stalled()
    first = store.ranked_advice(now=NOW_ISO)[0]
    assert first == replace(rows[1]) and first.stalled is True and first.snoozed is False


def test_no_stalled_row_no_stall(two):
    store, a, b, _ = two
    store.advice_stale(NOW_ISO, FP)
    assert store.save_advice([row(a), row(b)], FP)
    assert not store.any_stalled()
    store.advice_stale(NOW_ISO, FP)
    assert store.save_advice([row(a, stalled=True)], FP)
    assert store.any_stalled()
    store.set_status(a, "abandoned")
    assert not store.any_stalled()


def test_saving_over_a_kept_row_replaces_every_column_and_its_words(two):
    """A stale row saved again (the clock passed its changes_at) is overwritten in place:
    every column is the new one and its kept `advice --json` words go with the old row."""
    store, a, b, _ = two
    store.advice_stale(NOW_ISO, FP)
    r = rev(store, a)
    assert store.save_advice([row(a, changes_at="2026-11-26T00:00:00Z", rev=r), row(b, rev=r)],
                             FP)
    assert store.save_worded({a: '{"id": 1}', b: '{"id": 2}'}, store.advice_mark())
    assert store.advice_stale("2026-11-26T00:00:00Z", FP) == [a]
    new = AdviceRow(a, 7.5, True, True, "yours", "supervisor", "dead_ends", "new headline",
                    "new move", "them", None, "2026-12-09T00:00:00Z", "2026-11-21T10:00:00Z",
                    None, r)
    assert store.save_advice([new], FP)
    assert [x for x in store.ranked_advice(now=NOW_ISO) if x.case_id == a] == [new]
    assert {i: w for i, w in store.ranked_worded(now=NOW_ISO) if w} == {b: '{"id": 2}'}
    assert store.count_advice() == 2


def test_a_new_source_is_kept_when_no_row_is_stale(two):
    """The kept rows fresh, then the playbook's files change bytes but not values (a comment
    in config.toml): saving no rows with the new source keeps it, so the next command finds
    the rows fresh without the playbook (it used to fail on `IN ()` and never keep it)."""
    store, a, b, _ = two
    save_both(store, a, b)
    assert store.save_advice([], FP, "old-source")
    assert store.advice_fresh(NOW_ISO, "old-source")
    assert not store.advice_fresh(NOW_ISO, "new-source")
    assert store.save_advice([], FP, "new-source")
    assert store.advice_fresh(NOW_ISO, "new-source")
    assert store.count_advice() == 2
