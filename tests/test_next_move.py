"""The next move, whose turn and the ladder, table-driven: each scenario is a case built on a
real notebook (its clock moved along the history) and assessed at NOW; each sits at one
boundary (just before or just at a threshold) or is one of the issue's fixes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest

from tui.advice import assess
from tui.store import Store
from tui.store.times import from_iso, to_iso

from conftest import NOW


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


def ago(days: float = 0, seconds: int = 0) -> str:
    return to_iso(NOW - timedelta(days=days, seconds=seconds))


class Book:
    """A notebook and its clock; each write is made at the time it happened."""

    def __init__(self, store: Store, clock: Clock):
        self.store, self.clock = store, clock

    def at(self, iso: str) -> None:
        self.clock.now = from_iso(iso)

    def case(self, opened: str, company: str = "Acme", **fields) -> int:
        self.at(opened)
        return self.store.create_case(company, "Parcel never came", opened_at=opened,
                                      **fields).id

    def contact(self, cid: int, at: str, outcome: str | None, channel: str = "phone",
                **kw) -> int:
        self.at(at)
        return self.store.log_interaction(cid, channel, outcome, started_at=at, **kw).id

    def settle(self, cid: int, status: str, at: str) -> None:
        self.at(at)
        for p in self.store.get_detail(cid).promises:
            self.store.set_promise_status(p.id, status)

    def status(self, cid: int, status: str, at: str) -> None:
        self.at(at)
        self.store.set_status(cid, status, at=at)

    def done(self) -> None:
        self.clock.now = NOW


@dataclass(frozen=True)
class Want:
    turn: str
    who: str
    rule: str | None                 # the top finding (None: not stalled)
    rung: str = "first_contact"
    climb: str | None = None
    channel: str | None = None
    due: str | None = None
    text: str | None = None          # the whole next move, when given
    line: str | None = None
    absent: tuple[str, ...] = ()     # rules that must not fire
    has: tuple[str, ...] = ()        # words the text must hold


def no_contact_yet(b):
    return b.case(ago(days=1), company_details={"chat_url": "https://acme.example/chat"},
                  refs=[("order", "A-1")], want="refund")


def no_contact_at_quiet_days(b):
    return b.case(ago(days=7))


def no_contact_just_before_quiet_days(b):
    return b.case(ago(days=7, seconds=-1))


def ask_overdue(b):
    cid = b.case(ago(days=30))
    b.contact(cid, "2026-11-05T10:00:00Z", "info", agent="Priya", reference="R-1",
              asked="send the cancellation confirmation", asked_due="2026-11-09")
    return cid


def ask_ahead(b):
    cid = b.case(ago(days=3))
    b.contact(cid, ago(days=2), "info", "chat", agent="Ana",
              asked="ship the laptop back", asked_due="2026-11-28")
    return cid


def ask_beyond_the_warning(b):
    cid = b.case(ago(days=3))
    b.contact(cid, ago(days=2), "info", "chat", agent="Ana",
              asked="ship the laptop back", asked_due="2026-12-01")
    return cid


def ask_no_due_at_wait(b):
    cid = b.case(ago(days=20))
    b.contact(cid, ago(days=14), "info", asked="send photos of the damage")
    return cid


def ask_no_due_before_wait(b):
    cid = b.case(ago(days=20))
    b.contact(cid, ago(days=14, seconds=-1), "info", asked="send photos of the damage")
    return cid


def promise_ahead(b):
    cid = b.case(ago(days=5))
    b.contact(cid, ago(days=4), "promised", agent="Sam", promise="refund the fee",
              promise_due="2026-11-28")
    return cid


def waiting_for_a_reply(b):
    cid = b.case(ago(days=5))
    b.contact(cid, "2026-11-22T09:00:00Z", "info", "email")
    return cid


def quiet_their_turn(b):
    cid = b.case(ago(days=20))
    b.contact(cid, "2026-11-10T09:00:00Z", "info", agent="Rhea", reference="T-7",
              direction="in", channel="email")
    return cid


def quiet_but_on_the_call_now(b):
    cid = b.case(ago(days=20))
    b.contact(cid, "2026-11-10T09:00:00Z", "info")
    b.contact(cid, ago(seconds=600), None)
    return cid


def promise_overdue(b):
    cid = b.case(ago(days=10), company_details={"email": "care@acme.example"})
    b.contact(cid, ago(days=8), "promised", "email", agent="Sam", reference="T-9",
              promise="send a replacement", promise_due="2026-11-20")
    return cid


def promise_no_due_at_wait(b):
    cid = b.case(ago(days=20))
    b.contact(cid, ago(days=14), "promised", promise="call back with a fix")
    return cid


def promise_no_due_before_wait(b):
    cid = b.case(ago(days=20))
    b.contact(cid, ago(days=14, seconds=-1), "promised", promise="call back with a fix")
    return cid


def broken_not_followed(b):
    cid = b.case(ago(days=10))
    b.contact(cid, ago(days=9), "promised", "chat", agent="Mira", promise="refund the items",
              promise_due="2026-11-18")
    b.settle(cid, "broken", "2026-11-19T09:00:00Z")
    return cid


def broken_then_followed(b):
    cid = broken_not_followed(b)
    b.contact(cid, "2026-11-19T10:00:00Z", "info", "chat")
    return cid


def two_broken(b):
    cid = b.case(ago(days=30))
    b.contact(cid, ago(days=25), "promised", agent="Dana", promise="send a technician",
              promise_due=ago(days=22))
    b.settle(cid, "broken", ago(days=21))
    b.contact(cid, ago(days=20), "promised", agent="Marcus", promise="send a technician again",
              promise_due=ago(days=14))
    b.settle(cid, "broken", ago(days=13))
    return cid


def dead_ends_one_channel(b):
    cid = b.case(ago(days=5), company_details={"chat_url": "https://acme.example/chat"})
    b.contact(cid, ago(days=3), "transferred")
    b.contact(cid, ago(days=2), "no_progress")
    return cid


def dead_ends_two_channels(b):
    cid = b.case(ago(days=5))
    b.contact(cid, ago(days=3), "transferred")
    b.contact(cid, ago(days=2), "disconnected", "chat")
    return cid


def many_after_a_supervisor(b):
    cid = b.case(ago(days=30), company_details={"email": "complaints@acme.example"})
    for k, outcome in enumerate(["info", "escalated", "info", "refused", "info"]):
        b.contact(cid, ago(days=20 - k), outcome)
    return cid


def resolved_last_contact_reopened(b):
    cid = b.case(ago(days=20))
    for k, outcome in enumerate(["no_progress", "transferred", "info", "no_progress"]):
        b.contact(cid, ago(days=15 - k), outcome)
    b.contact(cid, "2026-11-18T19:00:00Z", "resolved", "chat", agent="Leah", reference="K-5")
    b.status(cid, "open", "2026-11-18T20:00:00Z")
    return cid


def forum_resolved_reopened(b):
    cid = b.case(ago(days=20), category="refund", want="refund")
    b.contact(cid, ago(days=10), "info")
    b.contact(cid, "2026-11-16T09:00:00Z", "resolved", "forum")
    b.status(cid, "open", "2026-11-16T10:00:00Z")
    return cid


def complaint_at_eight_weeks(b):
    cid = b.case(ago(days=70), refs=[("claim", "C-77")])
    b.contact(cid, ago(days=56), "info", "email", milestone="formal_complaint")
    return cid


def complaint_before_eight_weeks(b):
    cid = b.case(ago(days=70))
    b.contact(cid, ago(days=56, seconds=-1), "info", "email", milestone="formal_complaint")
    return cid


def final_response(b):
    cid = b.case(ago(days=70))
    b.contact(cid, ago(days=40), "info", "email", milestone="formal_complaint")
    b.contact(cid, "2026-11-20T09:00:00Z", "refused", "email", direction="in",
              milestone="final_response")
    return cid


def old_hold(b):
    cid = b.case(ago(days=40))
    b.contact(cid, ago(days=30, seconds=1), "info", hold="50m")
    b.contact(cid, ago(days=2), "info")
    return cid


def recent_hold(b):
    cid = b.case(ago(days=40))
    b.contact(cid, ago(days=29), "info", hold="50m")
    b.contact(cid, ago(days=2), "info")
    return cid


def marketplace_refund_from_seller(b):
    cid = b.case(ago(days=20), company="Amazon", seller="BrightHome", category="missing_package",
                 want="refund", refs=[("order", "113-55")])
    b.contact(cid, ago(days=19), "promised", "seller", agent="BrightHome",
              promise="ship a replacement", promise_due="2026-11-14")
    return cid


def snoozed(b):
    cid = b.case(ago(days=30))
    b.contact(cid, ago(days=20), "no_progress")
    b.contact(cid, ago(days=19), "refused")
    b.store.snooze(cid, "2026-12-01")
    return cid


def resolved_case(b):
    cid = b.case(ago(days=30))
    b.contact(cid, ago(days=20), "resolved")
    return cid


SCENARIOS: dict[str, tuple[Callable, Want]] = {
    "no contact yet: your first move, not stalled": (no_contact_yet, Want(
        "yours", "you", None, channel="chat",
        text="Make the first contact: contact Acme by chat (https://acme.example/chat) about "
             "order A-1, open with the brief and ask for a refund.",
        line="Make the first contact with Acme by chat")),
    "no contact at quiet_days: a finding": (no_contact_at_quiet_days, Want(
        "yours", "you", "first_contact", channel="chat")),
    "no contact a second before quiet_days": (no_contact_just_before_quiet_days, Want(
        "yours", "you", None, channel="chat")),
    "an overdue ask: your move, never chase": (ask_overdue, Want(
        "yours", "you", "your_move", due="2026-11-09T23:59:59Z",
        text="Your move: send the cancellation confirmation; Priya asked for it on 2026-11-05 "
             "(ref R-1), it was due on 2026-11-09, 16 days ago.",
        line="Your move: send the cancellation confirmation (due 2026-11-09, 16 days ago)",
        absent=("gone_quiet", "broken_promise"))),
    # Due within the deadline warning (5 days): the deadline rule warns (issue 13).
    "an ask not due yet: your move by its date": (ask_ahead, Want(
        "yours", "you", "deadline", due="2026-11-28T23:59:59Z",
        text="Your move: ship the laptop back by 2026-11-28, due in 3 days; Ana asked for it "
             "on 2026-11-23.",
        line="Your move: ship the laptop back (due in 3 days, 2026-11-28)")),
    "an ask due after the warning: your move by its date, no finding": (
        ask_beyond_the_warning, Want(
            "yours", "you", None, due="2026-12-01T23:59:59Z",
            text="Your move: ship the laptop back by 2026-12-01; Ana asked for it on "
                 "2026-11-23.",
            line="Your move: ship the laptop back by 2026-12-01")),
    "an ask with no date, at the default wait": (ask_no_due_at_wait, Want(
        "yours", "you", "your_move", due=ago(days=0),
        line="Your move: send photos of the damage (asked 2026-11-11, no date)")),
    "an ask with no date, a second before the wait": (ask_no_due_before_wait, Want(
        "yours", "you", None, due=ago(seconds=-1))),
    "a promise still to come: wait for them": (promise_ahead, Want(
        "theirs", "them", None, channel="phone", due="2026-11-28T23:59:59Z",
        text='Wait for Acme: Sam promised to "refund the fee" by 2026-11-28; chase after '
             "2026-11-28 by phone.",
        line='Wait for Acme: "refund the fee" due 2026-11-28')),
    "a recent contact: wait for the reply": (waiting_for_a_reply, Want(
        "theirs", "them", None, channel="email", due="2026-11-29T09:00:00Z",
        line="Wait for Acme; chase after 2026-11-29")),
    "quiet on their turn: chase, they contacted you": (quiet_their_turn, Want(
        "theirs", "you", "gone_quiet", channel="email",
        text="Chase Acme by e-mail: no word for 15 days since they contacted you on "
             "2026-11-10 (Rhea, email, ref T-7); ask for a firm date by which it will be done.")),
    "quiet, but a live contact is in progress": (quiet_but_on_the_call_now, Want(
        "theirs", "you", None, channel="phone", absent=("gone_quiet",),
        line="In contact with Acme since 2026-11-25 11:50")),
    "a promise overdue: follow up citing it": (promise_overdue, Want(
        "theirs", "you", "broken_promise", channel="email",
        text='Follow up with Acme by e-mail (care@acme.example): Sam promised on 2026-11-17 to '
             '"send a replacement" by 2026-11-20 (ref T-9); ask what happened and for a new, '
             'firm date.',
        absent=("gone_quiet",))),
    "a promise with no date, at the default wait": (promise_no_due_at_wait, Want(
        "theirs", "you", "broken_promise", channel="phone", absent=("gone_quiet",))),
    "a promise with no date, before the wait: wait": (promise_no_due_before_wait, Want(
        "theirs", "them", None, channel="phone", due=ago(seconds=-1), absent=("gone_quiet",))),
    "marked broken, no contact since: still a finding": (broken_not_followed, Want(
        "theirs", "you", "broken_promise", channel="chat", has=("marked it broken", "Mira"))),
    "marked broken, then a contact followed": (broken_then_followed, Want(
        "theirs", "them", None, rung="another_agent", channel="chat",
        due="2026-11-26T10:00:00Z", absent=("broken_promise",))),
    "two broken promises: a supervisor": (two_broken, Want(
        "theirs", "you", "broken_promise", rung="another_agent", climb="supervisor",
        channel="phone", has=("supervisor", "Marcus", "send a technician again"))),
    "dead ends on one channel: another channel": (dead_ends_one_channel, Want(
        "theirs", "you", "dead_ends", rung="another_agent", climb="another_channel",
        channel="chat",
        text="Press restart on another channel: 2 dead ends in a row by phone; contact Acme by "
             "chat (https://acme.example/chat) instead: the contact form routes you to an "
             "agent who knows this kind of problem, and you keep a transcript.")),
    "dead ends after switching: a supervisor": (dead_ends_two_channels, Want(
        "theirs", "you", "dead_ends", rung="another_channel", climb="supervisor",
        channel="chat")),
    "many contacts after a supervisor: formal complaint": (many_after_a_supervisor, Want(
        "theirs", "you", "many_contacts", rung="supervisor", climb="formal_complaint",
        channel="email", has=("formal complaint", "--formal-complaint"))),
    "resolved last contact on an open case: close it?": (resolved_last_contact_reopened, Want(
        "yours", "you", "close_it", rung="another_channel",
        line="Close it? Resolved on 2026-11-18",
        has=("Close it?", "Leah", "K-5", "supportlog status"), absent=("many_contacts",))),
    "a forum never resolves": (forum_resolved_reopened, Want(
        "theirs", "you", "gone_quiet", rung="another_channel", channel="phone",
        absent=("close_it",))),
    "a formal complaint at eight weeks: the ombudsman": (complaint_at_eight_weeks, Want(
        "theirs", "you", "ombudsman", rung="formal_complaint", climb="ombudsman",
        has=("ombudsman", "--format md", "2026-09-30", "C-77"))),
    "a formal complaint a second before eight weeks": (complaint_before_eight_weeks, Want(
        "theirs", "them", None, rung="formal_complaint", channel="email",
        due="2026-11-25T12:00:01Z", absent=("ombudsman", "gone_quiet"),
        line="Wait for Acme's final response; ombudsman from 2026-11-25")),
    "a final response: the ombudsman": (final_response, Want(
        "theirs", "you", "ombudsman", rung="formal_complaint", climb="ombudsman",
        has=("final response on 2026-11-20",))),
    "a hold older than the window does not count": (old_hold, Want(
        "theirs", "them", None, rung="another_agent", channel="phone", due="2026-11-30T12:00:00Z",
        absent=("long_hold",))),
    "a hold inside the window counts": (recent_hold, Want(
        "theirs", "you", "long_hold", rung="another_agent", channel="chat")),
    "marketplace refund taken to the seller: one party": (marketplace_refund_from_seller, Want(
        "theirs", "you", "wrong_door", channel="chat",
        text='Ask Amazon for the refund by chat, not the seller BrightHome: BrightHome '
             'promised on 2026-11-06 to "ship a replacement" and did not; cite order 113-55.')),
    "snoozed: nobody, until the date": (snoozed, Want(
        "nobody", "nobody", None, rung="another_agent", due="2026-12-01T23:59:59Z",
        text="Snoozed until 2026-12-01: nothing to do before then.")),
    "resolved: nobody": (resolved_case, Want(
        "nobody", "nobody", None, text="Nothing to do: the case is resolved.")),
}


@pytest.fixture
def book(tmp_path):
    clock = Clock()
    store = Store(tmp_path / "n.db", clock=clock)
    yield Book(store, clock)
    store.close()


def _assess(book: Book, cid: int):
    book.done()
    detail = book.store.get_detail(cid)
    return assess(detail, NOW, history=lambda: book.store.channel_stats(detail.case.company_id))


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_next_move(book, name):
    build, want = SCENARIOS[name]
    a = _assess(book, build(book))
    move = a.next_move
    got = (a.turn, move.who, a.top.rule if a.stalled else None, a.rung, move.rung,
           move.channel, move.due)
    assert got == (want.turn, want.who, want.rule, want.rung, want.climb, want.channel,
                   want.due), move.text
    if want.text is not None:
        assert move.text == want.text
    if want.line is not None:
        assert move.line == want.line
    assert not {f.rule for f in a.findings} & set(want.absent), [f.rule for f in a.findings]
    for words in want.has:
        assert words in move.text, (words, move.text)
    for banned in ("chase", "silence") if a.turn == "yours" else ():
        assert banned not in move.text.casefold()


def test_a_live_contact_alone_is_contact(book):
    """A case whose only contact is in progress is not 'no contact yet'."""
    cid = book.case(ago(days=10))
    book.contact(cid, ago(seconds=300), None)
    a = _assess(book, cid)
    assert (a.turn, a.findings, a.next_move.line) == (
        "theirs", (), "In contact with Acme since 2026-11-25 11:55")


def test_broken_promise_and_silence_are_one_finding(book):
    a = _assess(book, broken_not_followed(book))
    assert [f.rule for f in a.findings] == ["broken_promise"]


def test_they_contacted_you_shows_in_the_evidence(book):
    a = _assess(book, quiet_their_turn(book))
    assert a.top.evidence == ("they contacted you: 2026-11-10 09:00 (email, agent Rhea, "
                              "ref T-7)",)


def test_changes_at_is_the_next_threshold(book):
    """A promise due in three days: nothing changes before it passes."""
    a = _assess(book, promise_ahead(book))
    assert a.changes_at == "2026-11-29T00:00:00Z"


def test_changes_at_is_tomorrow_while_a_score_grows_by_the_day(book):
    a = _assess(book, promise_overdue(book))
    assert a.changes_at == "2026-11-26T00:00:00Z"


def test_a_snooze_wakes_at_its_end(book):
    a = _assess(book, snoozed(book))
    assert (a.score, a.stalled, a.changes_at) == (0.0, False, "2026-12-01T23:59:59Z")
    assert a.findings       # kept, only not counted


def test_dead_ends_on_one_channel_rule_it_out_when_a_promise_leads(book):
    """The snapshot's case: a promise overdue and two dead ends by phone; the follow-up does
    not go by phone again (one channel per case: every sentence names the same one)."""
    cid = book.case(ago(days=10))
    book.contact(cid, ago(days=9), "promised", "phone", promise="refund the order",
                 promise_due=ago(days=5))
    book.contact(cid, ago(days=4), "transferred", "phone")
    book.contact(cid, ago(days=3), "disconnected", "phone")
    a = _assess(book, cid)
    assert [f.rule for f in a.findings][:2] == ["broken_promise", "dead_ends"]
    assert a.next_move.channel not in (None, "phone")
    assert "by phone" not in a.next_move.text
