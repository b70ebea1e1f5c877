"""Ten realistic case histories (tests/histories.py) and the next move asserted for each.

Each history is replayed on a real notebook in a tmp dir with a clock that moves along it,
then assessed at NOW: whose turn, the rung, who acts through which channel by when, and that
the first line names the facts a person would cite (agent, date, reference, what was promised
or asked, the order number).
"""

from __future__ import annotations

import inspect

import pytest

from conftest import NOW, NOW_ISO
from histories import CARD_ASK, HISTORIES, ISP_PROMISE_1, ISP_PROMISE_2, RMA_ASK, Clock, build
from tui.store import Store

IDS = [h.name for h in HISTORIES]
BY_NAME = {h.name: h for h in HISTORIES}


def _writes_landed() -> None:
    """Asks and milestones (issue 12's write side) are what several histories are made of."""
    if "asked" not in inspect.signature(Store.log_interaction).parameters:
        pytest.skip("Store.log_interaction has no asked= yet (issue 12, write side)")


def _engine():
    """The issue-12 engine: assess/explain/ranking with turn, rung and next move."""
    advice = pytest.importorskip("tui.advice")
    if not all(hasattr(advice, name) for name in ("assess", "explain", "ranking")):
        pytest.skip("tui.advice has no explain/ranking yet (issue 12 engine)")
    return advice


def _open(path, clock) -> Store:
    return Store(path, clock=clock)


@pytest.fixture
def notebook(tmp_path):
    """(store, case id, history) for the history named by the test's parameter."""
    stores = []

    def make(name: str):
        _writes_landed()
        clock = Clock()
        store = _open(tmp_path / f"{name}.db", clock)
        stores.append(store)
        history = BY_NAME[name]
        return store, build(store, clock, history), history

    yield make
    for s in stores:
        s.close()


def _filled(text: str, case_id: int) -> str:
    return text.replace("{id}", str(case_id))


# -- the histories are what they say ----------------------------------------------------------

def test_isp_history_has_two_broken_promises_settled_when_marked(notebook):
    store, cid, _ = notebook("isp_two_no_shows")
    promises = {p.text: p for p in store.get_detail(cid).promises}
    assert [promises[t].status for t in (ISP_PROMISE_1, ISP_PROMISE_2)] == ["broken", "broken"]
    assert promises[ISP_PROMISE_1].settled_at == "2026-11-05T12:30:00Z"
    assert promises[ISP_PROMISE_2].settled_at == "2026-11-12T12:30:00Z"
    assert all(p.party == "company" for p in promises.values())


@pytest.mark.parametrize("name, ask, due", [
    ("card_dispute_documents", CARD_ASK, "2026-11-09T23:59:59Z"),
    ("laptop_rma", RMA_ASK, "2026-11-22T23:59:59Z"),
])
def test_ask_histories_hold_one_pending_ask_due_at_the_end_of_its_day(notebook, name, ask, due):
    store, cid, _ = notebook(name)
    (p,) = store.get_detail(cid).promises
    assert (p.party, p.text, p.status, p.due_at) == ("me", ask, "pending", due)


def test_energy_history_marks_the_formal_complaint(notebook):
    store, cid, _ = notebook("energy_complaint")
    marked = [(i.started_at, i.milestone) for i in store.get_detail(cid).interactions
              if i.milestone]
    assert marked == [("2026-09-20T11:00:00Z", "formal_complaint")]


def test_live_history_has_a_contact_in_progress(notebook):
    store, cid, _ = notebook("live_call")
    assert [i.started_at for i in store.get_detail(cid).interactions if i.live] == [
        "2026-11-25T11:40:00Z"]


# -- the next move ---------------------------------------------------------------------------

def _assess(advice, store, cid):
    detail = store.get_detail(cid)
    return advice.assess(detail, NOW, history=store.channel_stats(detail.case.company_id))


@pytest.mark.parametrize("name", IDS)
def test_next_move(notebook, name):
    advice = _engine()
    store, cid, history = notebook(name)
    want = history.expect
    a = _assess(advice, store, cid)
    move = a.next_move
    got = {"turn": a.turn, "rung": a.rung, "climb": move.rung, "who": move.who,
           "channel": move.channel, "due": move.due, "rule": a.top.rule if a.stalled else None}
    assert got == {"turn": want.turn, "rung": want.rung, "climb": want.climb, "who": want.who,
                   "channel": want.channel, "due": want.due, "rule": want.rule}, move.text
    text = move.text.casefold()
    missing = [f for f in want.facts if _filled(f, cid).casefold() not in text]
    assert not missing, (missing, move.text)
    said = [w for w in want.never if w.casefold() in text]
    assert not said, (said, move.text)
    rules = {f.rule for f in a.findings}
    assert not rules & set(want.absent_rules), (rules, move.text)
    contradicting = [(f.rule, w) for f in a.findings for w in want.never_advice
                     if w.casefold() in f.advice.casefold()]
    assert not contradicting, (contradicting, move.text)
    assert move.text == _filled(want.text, cid)


def test_live_call_history_goes_quiet_without_its_call(notebook):
    """The control for live_call: the same history with the call deleted has gone quiet."""
    advice = _engine()
    store, cid, _ = notebook("live_call")
    (live,) = [i for i in store.get_detail(cid).interactions if i.live]
    store.delete_interaction(live.id)
    a = _assess(advice, store, cid)
    assert a.top.rule == "gone_quiet" and "20 days" in a.next_move.text


def test_card_dispute_is_theirs_once_the_documents_are_sent(notebook):
    """The control for the card dispute: the ask kept, the turn goes back to the bank."""
    advice = _engine()
    store, cid, _ = notebook("card_dispute_documents")
    (ask,) = store.get_detail(cid).promises
    store.set_promise_status(ask.id, "kept")
    a = _assess(advice, store, cid)
    assert (a.turn, a.next_move.who) == ("theirs", "you")
    assert "your move" not in a.next_move.text.casefold()


@pytest.mark.parametrize("name", IDS)
def test_explain_and_ranking_agree_with_assess(notebook, name):
    advice = _engine()
    store, cid, _ = notebook(name)
    one = _assess(advice, store, cid)
    (full,) = advice.explain(store, [cid], NOW)
    assert (full.turn, full.rung, full.score, full.next_move) == (
        one.turn, one.rung, one.score, one.next_move)
    row = next(r for r in advice.ranking(store, NOW) if r.case_id == cid)
    assert (row.turn, row.rung, row.score, row.who, row.channel, row.due, row.move) == (
        one.turn, one.rung, one.score, one.next_move.who, one.next_move.channel,
        one.next_move.due, one.next_move.line)
    assert row.stalled == one.stalled


def test_all_ten_in_one_notebook_rank_as_they_do_alone(tmp_path):
    """Side by side, each case keeps its own next move; the stalled ones come first."""
    _writes_landed()
    advice = _engine()
    clock = Clock()
    store = _open(tmp_path / "all.db", clock)
    try:
        ids = {}
        for h in HISTORIES:
            ids[build(store, clock, h)] = h
            clock.at("2026-09-01T08:00:00Z")  # the next history replays from its start
        clock.at(NOW_ISO)
        rows = advice.ranking(store, NOW)
        assert sorted(r.case_id for r in rows) == sorted(ids)
        stalled = [r.stalled for r in rows]
        assert stalled == sorted(stalled, reverse=True)
        for r in rows:
            want = ids[r.case_id].expect
            assert (r.turn, r.rung, r.who, r.channel, r.due) == (
                want.turn, want.rung, want.who, want.channel, want.due), ids[r.case_id].name
        order = [ids[r.case_id].name for r in rows if r.stalled]
        # An ask 16 days overdue outranks one 3 days overdue and a mere silence; "close it?"
        # is the least urgent of the stalled.
        assert order.index("card_dispute_documents") < order.index("laptop_rma")
        assert order.index("card_dispute_documents") < order.index("renewal_refund")
        assert order[-1] == "resolved_still_open"
        assert "live_call" not in order
    finally:
        store.close()


# -- the command line --------------------------------------------------------------------------

def _cli_landed(run) -> None:
    """`advice CASE` leading with the next move came with issue 12's command line (--jsonl)."""
    if "--jsonl" not in run.ok("advice", "--help"):
        pytest.skip("supportlog advice has no --jsonl yet (issue 12 command line)")


@pytest.mark.parametrize("name", IDS)
def test_advice_command_prints_the_next_move_first(run, db_path, name):
    _writes_landed()
    _cli_landed(run)
    clock = Clock()
    store = _open(db_path, clock)
    try:
        history = BY_NAME[name]
        cid = build(store, clock, history)
    finally:
        store.close()
    first = run.ok("advice", str(cid)).splitlines()[0]
    assert first.strip() == _filled(history.expect.text, cid)
