"""Store operations on real notebook files: cases, references, interactions, promises, lists."""

from __future__ import annotations

import pytest

from tui.store import NotFound, Store, ValidationError
from conftest import NOW


def make_case(store, **kw):
    kw.setdefault("refs", [("order", "112-5550001")])
    return store.create_case(kw.pop("company", "Amazon"), kw.pop("title", "Package never arrived"),
                             **kw)


def test_create_case_stores_every_field(store):
    case = make_case(store, category="missing_package", want="refund", seller="GadgetHub",
                     purchased_on="2026-11-01", delivered_on="2026-11-05", due_on="2026-11-04",
                     amount="129.99", currency="eur", notes="left at door?")
    assert case.id == 1 and len(case.uid) == 16
    assert (case.company, case.title, case.status) == ("Amazon", "Package never arrived", "open")
    assert (case.category, case.want, case.seller) == ("missing_package", "refund", "GadgetHub")
    assert (case.purchased_on, case.delivered_on, case.due_on) == ("2026-11-01", "2026-11-05",
                                                                  "2026-11-04")
    assert (case.amount, case.currency) == ("129.99", "EUR")
    assert case.opened_at == "2026-11-25T12:00:00Z" == case.last_activity_at
    detail = store.get_detail(case.id)
    assert [(r.kind, r.value) for r in detail.refs] == [("order", "112-5550001")]
    assert detail.company.name == "Amazon"


def test_company_is_remembered_case_insensitively(store):
    a = make_case(store, company="Acme ISP")
    b = make_case(store, company="acme isp")
    assert a.company_id == b.company_id
    assert [c.name for c in store.companies("ac")] == ["Acme ISP"]
    assert store.companies("zz") == []
    assert store.companies("%") == []  # LIKE wildcards are literal


@pytest.mark.parametrize("kwargs, field", [
    ({"title": "   "}, "title"),
    ({"category": "nonsense"}, "category"),
    ({"want": "world peace"}, "want"),
    ({"status": "sleeping"}, "status"),
    ({"amount": "lots"}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "NaN"}, "amount"),
    ({"purchased_on": "2026-13-45"}, "purchased_on"),
    ({"purchased_on": "1066-10-14"}, "purchased_on"),
    ({"opened_at": "the day before"}, "opened_at"),  # "yesterday" is understood now
    ({"refs": [("invoice", "1")]}, "ref kind"),
    ({"notes": "a\x00b"}, "notes"),
])
def test_case_validation_names_the_field(store, kwargs, field):
    with pytest.raises(ValidationError) as err:
        make_case(store, **kwargs)
    assert err.value.field == field
    assert store.count_cases() == 0  # nothing half-written


def test_update_case_and_status(store):
    case = make_case(store)
    store.update_case(case.id, title="Parcel lost", company="Amazon EU", amount="10")
    c = store.get_case(case.id)
    assert (c.title, c.company, c.amount) == ("Parcel lost", "Amazon EU", "10")
    c = store.set_status(case.id, "resolved", note="refund arrived")
    assert c.status == "resolved" and c.closed_at == "2026-11-25T12:00:00Z"
    assert c.notes.endswith("2026-11-25 resolved: refund arrived")
    c = store.set_status(case.id, "open")
    assert c.status == "open" and c.closed_at is None
    with pytest.raises(ValidationError):
        store.set_status(case.id, "done")
    with pytest.raises(NotFound):
        store.set_status(999, "open")


def test_refs_add_remove(store):
    case = make_case(store, refs=[])
    store.add_ref(case.id, "ticket", "T-1")
    store.add_ref(case.id, "ticket", "T-1")  # duplicates are ignored
    store.add_ref(case.id, "claim", "C 9")
    assert [(r.kind, r.value) for r in store.get_detail(case.id).refs] == [("ticket", "T-1"),
                                                                           ("claim", "C 9")]
    assert store.remove_ref(case.id, "ticket", "T-1")
    assert not store.remove_ref(case.id, "ticket", "T-1")
    assert [r.value for r in store.get_detail(case.id).refs] == ["C 9"]
    assert store.search("T-1") == []


def test_log_interaction_after_the_fact(store):
    case = make_case(store)
    i = store.log_interaction(case.id, "phone", "transferred", agent="Priya", agent_id="A-42",
                              duration="25m", hold="12m", reference="R-1",
                              transcript_ref="~/calls/1.txt", notes="sent to billing")
    assert i.started_at == "2026-11-25T11:35:00Z" and i.ended_at == "2026-11-25T12:00:00Z"
    assert (i.hold_seconds, i.outcome, i.agent, i.agent_id) == (720, "transferred", "Priya", "A-42")
    j = store.log_interaction(case.id, "chat", "info", started_at="2026-11-20T10:00",
                              duration="1h10m")
    assert j.ended_at == "2026-11-20T11:10:00Z"
    c = store.get_case(case.id)
    # The case opened no later than its first contact; last active at the latest start.
    assert c.contacts == 2 and c.last_activity_at == "2026-11-25T11:35:00Z"
    assert c.opened_at == "2026-11-20T10:00:00Z"
    assert [x.id for x in store.get_detail(case.id).interactions] == [j.id, i.id]  # oldest first


@pytest.mark.parametrize("kwargs, field", [
    ({"channel": "pigeon"}, "channel"),
    ({"outcome": "meh"}, "outcome"),
    ({"direction": "sideways"}, "direction"),
    ({"hold": "-5m"}, "hold"),
    ({"duration": "forever"}, "duration"),
    ({"started_at": "2026-11-20T10:00", "ended_at": "2026-11-20T09:00"}, "end"),
    ({"duration": "10m", "hold": "20m"}, "hold"),
    ({"promise_due": "2026-12-01"}, "promise"),
    ({"promise": "refund", "promise_due": "someday"}, "due"),
])
def test_interaction_validation(store, kwargs, field):
    case = make_case(store)
    args = {"channel": "phone", "outcome": "info", **kwargs}
    with pytest.raises(ValidationError) as err:
        store.log_interaction(case.id, args.pop("channel"), args.pop("outcome"), **args)
    assert err.value.field == field
    assert store.get_case(case.id).contacts == 0


def test_outcomes_move_the_case_status(store):
    case = make_case(store)
    store.log_interaction(case.id, "chat", "promised", promise="refund", promise_due="2026-11-30",
                          started_at="2026-11-20T10:00")
    assert store.get_case(case.id).status == "waiting"
    p = store.get_detail(case.id).promises[0]
    assert (p.text, p.due_at, p.status) == ("refund", "2026-11-30T23:59:59Z", "pending")
    store.set_promise_status(p.id, "broken")
    assert store.get_case(case.id).status == "open"  # nothing else pending: back to you
    store.log_interaction(case.id, "phone", "resolved", started_at="2026-11-24T10:00")
    c = store.get_case(case.id)
    assert c.status == "resolved" and c.closed_at == "2026-11-24T10:00:00Z"
    store.log_interaction(case.id, "email", "no_progress")  # it came back, later
    assert store.get_case(case.id).status == "open"


def test_promises_ledger(store):
    case = make_case(store)
    p = store.add_promise(case.id, "call back tomorrow", "2026-11-26")
    assert store.get_case(case.id).status == "waiting"
    assert store.set_promise_status(p.id, "kept").status == "kept"
    with pytest.raises(ValidationError):
        store.set_promise_status(p.id, "maybe")
    with pytest.raises(ValidationError):
        store.add_promise(case.id, "  ")
    assert store.resolve_promise(p.uid) == p.id
    with pytest.raises(NotFound):
        store.resolve_promise("nope")


def test_live_contact_lifecycle(store):
    case = make_case(store)
    live = store.start_contact(case.id, "phone", agent="Sam")
    assert live.live and live.ended_at is None
    assert [x.id for x in store.live_contacts()] == [live.id]
    store.edit_interaction(live.id, notes="on hold again", hold=300)
    done = store.finish_contact(live.id, "restarted", ended_at="2026-11-25T12:20:00Z")
    assert not done.live and done.outcome == "restarted" and done.hold_seconds == 300
    assert done.notes == "on hold again" and store.live_contacts() == []


def test_edit_and_delete_interaction_keep_counts(store):
    case = make_case(store, opened_at="2026-11-01T09:00:00Z")
    a = store.log_interaction(case.id, "phone", "info", started_at="2026-11-10T09:00:00Z")
    b = store.log_interaction(case.id, "chat", "info", started_at="2026-11-12T09:00:00Z")
    store.edit_interaction(b.id, started_at="2026-11-05T09:00:00Z", transcript_text="hello")
    assert store.get_case(case.id).last_activity_at == "2026-11-10T09:00:00Z"
    assert store.transcript(b.id) == "hello"
    store.delete_interaction(a.id)
    c = store.get_case(case.id)
    assert (c.contacts, c.last_activity_at) == (1, "2026-11-05T09:00:00Z")
    store.delete_interaction(b.id)
    c = store.get_case(case.id)
    assert (c.contacts, c.last_activity_at) == (0, "2026-11-01T09:00:00Z")


def test_delete_case_and_undo(store):
    case = make_case(store)
    store.log_interaction(case.id, "phone", "promised", promise="refund", transcript_text="t")
    record, found = store.case_record(case.id), store.search("package")
    deleted = store.delete_case(case.id)
    assert store.count_cases() == 0 and store.search("package") == []
    assert store.restore_case(deleted) == case.id
    assert store.case_record(case.id) == record and store.search("package") == found


def test_snooze(store):
    case = make_case(store)
    assert store.snooze(case.id, "2026-12-01").snoozed_until == "2026-12-01T23:59:59Z"
    assert store.snooze(case.id, None).snoozed_until is None


def test_list_cases_pages_and_filters(store):
    ids = []
    for n in range(7):
        c = make_case(store, title=f"case {n}", company="ISP" if n % 2 else "Bank",
                      opened_at=f"2026-11-0{n + 1}T10:00:00Z")
        ids.append(c.id)
    store.log_interaction(ids[0], "chat", "info", started_at="2026-11-20T10:00:00Z")
    store.set_status(ids[1], "resolved")
    seen, after = [], None
    while True:
        page = store.list_cases(limit=3, after=after)
        seen += [c.id for c in page.items]
        if page.after is None:
            break
        after = page.after
    assert seen == [ids[0], 7, 6, 5, 4, 3, 2]  # most recent activity first, each once
    assert [c.id for c in store.list_cases(sort="quiet", limit=2).items] == [2, 3]
    assert {c.company for c in store.list_cases(company="isp").items} == {"ISP"}
    assert [c.id for c in store.list_cases(channel="chat").items] == [ids[0]]
    assert store.count_cases(status="resolved") == 1
    assert store.count_cases(status="active") == 6
    assert store.status_counts() == {"open": 6, "waiting": 0, "resolved": 1, "abandoned": 0}
    assert len(list(store.iter_cases(status="open"))) == 6
    with pytest.raises(ValidationError):
        store.list_cases(status="nope")
    with pytest.raises(ValidationError):
        store.list_cases(sort="nope")


def test_agents_for_autocompletion(store):
    case = make_case(store)
    store.log_interaction(case.id, "phone", "info", agent="Priya", started_at="2026-11-01")
    store.log_interaction(case.id, "phone", "info", agent="Sam", started_at="2026-11-02")
    assert store.agents() == ["Sam", "Priya"]
    assert store.agents(company="Amazon", prefix="p") == ["Priya"]
    assert store.agents(company="Other") == []


def test_clock_is_the_stores(db_path):
    s = Store(db_path, clock=lambda: NOW)
    assert s.now() == "2026-11-25T12:00:00Z"
    s.close()


def test_cases_by_id_reads_any_number_a_chunk_at_a_time(store, monkeypatch):
    from tui.store import chunks
    monkeypatch.setattr(chunks, "MAX_IDS", 2)       # a few cases stand for many chunks
    ids = [make_case(store, title=f"case {n}").id for n in range(5)]
    found = store.cases_by_id([ids[4], 999, *ids, ids[0]])
    assert sorted(found) == sorted(ids)
    assert all(found[i].id == i and found[i].title == f"case {n}" for n, i in enumerate(ids))
    assert store.cases_by_id([]) == {}
