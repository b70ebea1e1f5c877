"""A contact moved to another case by any tool (no command does it yet) counts there: the
case's contact count, its last activity, its search rows and the stats figures follow."""

from __future__ import annotations

from pathlib import Path

from tui.store import Store

from test_stats_counters import COMPANIES, NOW, apply, assert_counters_match_the_scan


def test_the_sequence_hypothesis_found_keeps_the_figures(tmp_path: Path) -> None:
    # Found by test_kept_counters_equal_the_scan_after_any_writes: the moved contact left its
    # new case's count short, and deleting that case took resolved_contacts to -1.
    store = Store(tmp_path / "n.db", clock=lambda: NOW)
    for name in COMPANIES[:2]:
        case = store.create_case(name, "seed", opened_at="2026-10-01T09:00:00Z")
        store.log_interaction(case.id, "phone", "promised", hold=120,
                              started_at="2026-10-02T09:00:00Z", promise="refund")
    deleted: list = []
    for op in [("delete contact", 0), ("log", 0, "phone", "resolved", 0, 0, False),
               ("contact to case", 0, 0), ("delete case", 0)]:
        apply(store, op, deleted)
        assert_counters_match_the_scan(store)
    (resolved_contacts,) = store.conn.execute(
        "SELECT resolved_contacts FROM company_figures WHERE company_id = 1").fetchone()
    assert resolved_contacts == 0


def test_a_moved_contact_counts_and_is_found_in_its_new_case(tmp_path: Path) -> None:
    store = Store(tmp_path / "n.db", clock=lambda: NOW)
    first = store.create_case(COMPANIES[0], "first", opened_at="2026-10-01T09:00:00Z")
    second = store.create_case(COMPANIES[1], "second", opened_at="2026-10-01T09:00:00Z")
    contact = store.log_interaction(first.id, "phone", "info", notes="zebracrossing",
                                    started_at="2026-10-20T09:00:00Z")
    with store.write():
        store.conn.execute("UPDATE interactions SET case_id = ? WHERE id = ?",
                           (second.id, contact.id))
    rows = dict((r[0], r[1:]) for r in store.conn.execute(
        "SELECT id, contacts, last_activity_at FROM cases"))
    assert rows[first.id] == (0, "2026-10-01T09:00:00Z")
    assert rows[second.id] == (1, "2026-10-20T09:00:00Z")
    assert [h.case_id for h in store.search("zebracrossing")] == [second.id]
