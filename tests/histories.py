"""Ten realistic case histories, built contact by contact on a real Store, and the next move a
person would agree with for each at NOW (2026-11-25 12:00 UTC; tests run with TZ=UTC).

Each builder replays its history in order on a store whose clock it moves along (`Clock`), so
that every row carries the time it would really have been written at: a promise marked broken
on 18 Nov has settled_at 18 Nov, not NOW. `HISTORIES` pairs each builder with its `Expect`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from tui.store import Store
from tui.store.times import from_iso, to_iso

NOW_ISO = "2026-11-25T12:00:00Z"


class Clock:
    """The store's clock, moved by the builder as the history unfolds."""

    def __init__(self, at: str = "2026-09-01T08:00:00Z"):
        self.now = from_iso(at)

    def __call__(self) -> datetime:
        return self.now

    def at(self, iso: str) -> None:
        self.now = from_iso(iso)


class Book:
    """A store and its clock, with the few writes a history needs, each made at its time."""

    def __init__(self, store: Store, clock: Clock):
        self.store, self.clock = store, clock

    def case(self, company: str, title: str, opened: str, *, details: dict | None = None,
             **fields) -> int:
        self.clock.at(opened)
        return self.store.create_case(company, title, opened_at=opened,
                                      company_details=details, **fields).id

    def contact(self, case_id: int, at: str, channel: str, outcome: str, minutes: int = 10,
                **kw) -> int:
        """A finished contact started at `at`, written when it ended."""
        end = from_iso(at) + timedelta(minutes=minutes)
        self.clock.now = end
        return self.store.log_interaction(case_id, channel, outcome, started_at=at,
                                          ended_at=to_iso(end), **kw).id

    def live(self, case_id: int, at: str, channel: str, **kw) -> int:
        """A contact in progress, started at `at` (the clock ends at NOW)."""
        self.clock.at(at)
        return self.store.start_contact(case_id, channel, started_at=at, **kw).id

    def settle(self, case_id: int, text: str, status: str, at: str) -> int:
        """Mark the case's promise whose text is `text` kept or broken at `at`."""
        self.clock.at(at)
        pid = next(p.id for p in self.store.get_detail(case_id).promises if p.text == text)
        self.store.set_promise_status(pid, status)
        return pid

    def reopen(self, case_id: int, at: str, note: str) -> None:
        """Set the case open by hand at `at` (a resolution closes it by itself)."""
        self.clock.at(at)
        self.store.set_status(case_id, "open", note=note, at=at)

    def done(self) -> None:
        self.clock.at(NOW_ISO)


# -- the ten histories -----------------------------------------------------------------------

ISP_PROMISE_1 = "send a technician on 5 Nov between 8:00 and 12:00"
ISP_PROMISE_2 = "send a technician on 12 Nov between 8:00 and 12:00"


def isp_two_no_shows(b: Book) -> int:
    """A fibre line down; two technician visits promised, neither came (both marked broken,
    the second with no contact since): two broken promises, so the supervisor rung."""
    cid = b.case("Northwind Fibre", "Fibre line down since 1 Nov, technician never came",
                 "2026-11-02T08:55:00Z", category="technical", want="repair",
                 refs=[("ticket", "NWF-88231"), ("other", "account 4410-2291")],
                 details={"phone": "+1 555 0142 300", "hours": "Mon-Sat 8:00-22:00",
                          "chat_url": "https://northwindfibre.example/support/chat"})
    b.contact(cid, "2026-11-02T09:00:00Z", "phone", "promised", 25, hold="12m", agent="Dana",
              reference="NWF-88231", promise=ISP_PROMISE_1, promise_due="2026-11-05T12:00:00Z",
              notes="Line test shows a fault at the street cabinet; visit booked.")
    b.settle(cid, ISP_PROMISE_1, "broken", "2026-11-05T12:30:00Z")
    b.contact(cid, "2026-11-05T13:30:00Z", "phone", "promised", 30, hold="18m",
              agent="Marcus", reference="NWF-88231", promise=ISP_PROMISE_2,
              promise_due="2026-11-12T12:00:00Z",
              notes="No record of why nobody came; rebooked for the 12th.")
    b.settle(cid, ISP_PROMISE_2, "broken", "2026-11-12T12:30:00Z")
    b.done()
    return cid


CARD_ASK = "send the cancellation confirmation e-mail from Gymflex"


def card_dispute_documents(b: Book) -> int:
    """The bank asked for documents by 9 Nov; 16 days on nothing was sent: your move."""
    cid = b.case("Harbour Bank", "Gymflex charged 59.00 after I cancelled",
                 "2026-10-27T17:00:00Z", category="billing", want="refund", amount="59.00",
                 currency="USD", refs=[("claim", "HB-DSP-40917")],
                 details={"phone": "+1 555 0199 010 (number on the back of the card)",
                          "chat_url": "https://harbourbank.example/app/chat",
                          "email": "secure message inside online banking"})
    b.contact(cid, "2026-10-27T17:05:00Z", "chat", "transferred", 8, agent="Bot",
              notes="The chat assistant sent me to the card disputes line.")
    b.contact(cid, "2026-10-28T10:00:00Z", "phone", "info", 20, hold="6m", agent="Priya",
              agent_id="D-114", reference="HB-DSP-40917", asked=CARD_ASK,
              asked_due="2026-11-09",
              notes="Dispute opened for the 59.00 Gymflex charge of 2026-10-20; they need "
                    "proof that I cancelled before the renewal.")
    b.done()
    return cid


AIR_PROMISE = "refund 412.80 EUR to the original card within 7 days"


def airline_refund(b: Book) -> int:
    """A cancelled flight's refund promised within the EU's 7 days, 15 days overdue."""
    cid = b.case("Skylark Airways", "Refund for cancelled flight SK 482 (Lisbon, 30 Oct)",
                 "2026-11-03T18:00:00Z", category="refund", want="refund", amount="412.80",
                 currency="EUR", refs=[("order", "QX7M2P")],
                 details={"phone": "+1 555 0171 771",
                          "email": "customer.relations@skylark.example",
                          "notes": "Cancelled flight: refund to the original payment within 7 "
                                   "days of the request (EU rule)."})
    b.contact(cid, "2026-11-03T18:10:00Z", "email", "promised", 15,
              agent="Customer Relations", reference="SKY-REF-558120", promise=AIR_PROMISE,
              promise_due="2026-11-10",
              notes="Refund request through the web form; automatic reply with a reference.")
    b.contact(cid, "2026-11-12T09:00:00Z", "phone", "no_progress", 25, hold="9m",
              agent="Tomasz", reference="SKY-REF-558120",
              notes="'Refunds are being processed', no date given.")
    b.done()
    return cid


MARKET_PROMISE = "ship a replacement lamp by 14 Nov"


def marketplace_parcel(b: Book) -> int:
    """A lamp bought from a third-party seller on Amazon never came; the seller promised a
    replacement and went quiet. The refund is Amazon's to give: one party, Amazon."""
    cid = b.case("Amazon", "Desk lamp from BrightHome Goods never arrived",
                 "2026-11-06T19:00:00Z", category="missing_package", want="refund",
                 seller="BrightHome Goods", amount="38.99", currency="USD",
                 purchased_on="2026-10-29", refs=[("order", "113-5520981-4471062")],
                 details={"chat_url": "https://www.amazon.com/gp/help/customer/contact-us",
                          "phone": "1 (877) 586-3230"})
    b.contact(cid, "2026-11-06T19:05:00Z", "seller", "promised", 5, agent="BrightHome Goods",
              promise=MARKET_PROMISE, promise_due="2026-11-14",
              notes="Seller contact form: they say the carrier lost it.")
    b.contact(cid, "2026-11-17T20:00:00Z", "seller", "no_progress", 5,
              agent="BrightHome Goods", notes="Seller: 'we are looking into it'.")
    b.done()
    return cid


def renewal_refund(b: Book) -> int:
    """An annual plan renewed after cancelling; billing wrote back once and went quiet:
    their turn, 20 days of silence, the last contact was theirs."""
    cid = b.case("Nimbus Cloud", "Annual plan renewed after I cancelled (119.88)",
                 "2026-11-03T08:00:00Z", category="subscription", want="refund",
                 amount="119.88", currency="USD", refs=[("ticket", "NMB-20417")],
                 details={"email": "support@nimbus.example",
                          "chat_url": "https://console.nimbus.example/support"})
    b.contact(cid, "2026-11-03T08:05:00Z", "chat", "escalated", 14, agent="Jonas",
              reference="NMB-20417", notes="Cancelled on 2026-10-12; renewed 2026-11-01 "
                                           "anyway. Passed to billing.")
    b.contact(cid, "2026-11-05T15:20:00Z", "email", "info", 5, direction="in", agent="Rhea",
              reference="NMB-20417", notes="Billing: 'we are reviewing your request'.")
    b.done()
    return cid


RMA_ASK = "ship the laptop with the prepaid RMA label"


def laptop_rma(b: Book) -> int:
    """A warranty repair: the RMA label said ship by 22 Nov, the laptop is still here."""
    cid = b.case("Lumen Computers", "Laptop hinge cracked, under warranty",
                 "2026-11-15T10:00:00Z", category="damaged", want="repair",
                 purchased_on="2026-03-02", refs=[("return", "RMA-775120"),
                                                  ("order", "LC-2026-019934")],
                 details={"chat_url": "https://lumen.example/support",
                          "email": "repairs@lumen.example"})
    b.contact(cid, "2026-11-15T10:05:00Z", "chat", "info", 18, agent="Ana",
              reference="RMA-775120", asked=RMA_ASK, asked_due="2026-11-22",
              notes="Repair approved under warranty; label e-mailed.")
    b.done()
    return cid


ENERGY_PROMISE = "a final response within 8 weeks"


def energy_complaint(b: Book) -> int:
    """A formal complaint acknowledged on 20 Sep with 8 weeks for a final response: none
    came, the ombudsman is open (with the dossier command)."""
    cid = b.case("Ridgeline Energy", "Back-billed 14 months after their meter fault",
                 "2026-09-12T09:00:00Z", category="billing", want="refund", amount="612.40",
                 currency="GBP", refs=[("claim", "RE-CMP-30166")],
                 details={"phone": "0800 555 0190", "email": "complaints@ridgeline.example"})
    b.contact(cid, "2026-09-12T09:05:00Z", "phone", "no_progress", 35, hold="22m",
              agent="Owen", notes="Told the bill is correct; no explanation of the fault.")
    b.contact(cid, "2026-09-20T11:00:00Z", "email", "info", 20, milestone="formal_complaint",
              notes="Formal complaint sent to complaints@: the meter fault was theirs.")
    b.contact(cid, "2026-09-20T16:00:00Z", "email", "promised", 2, direction="in",
              agent="Complaints team", reference="RE-CMP-30166", promise=ENERGY_PROMISE,
              promise_due="2026-11-15", notes="Acknowledged; 8 weeks for a final response.")
    b.done()
    return cid


def resolved_still_open(b: Book) -> int:
    """Five contacts, the last one resolved it (a credit applied), and the case set open
    again by hand until the credit shows: "close it?", not "5 contacts and still not
    resolved"."""
    cid = b.case("Kestrel Mobile", "Roaming pack billed twice in October",
                 "2026-11-10T12:00:00Z", category="billing", want="refund", amount="23.40",
                 currency="USD", refs=[("ticket", "KM-55102")])
    b.contact(cid, "2026-11-10T12:05:00Z", "phone", "no_progress", 20, hold="11m",
              agent="Chris", notes="Could not see the second charge.")
    b.contact(cid, "2026-11-11T09:00:00Z", "phone", "transferred", 15, hold="8m",
              agent="Sam", notes="Sent to billing, who had closed for the day.")
    b.contact(cid, "2026-11-12T18:30:00Z", "chat", "no_progress", 10, agent="Ivo",
              notes="Asked for screenshots of both charges.")
    b.contact(cid, "2026-11-13T08:00:00Z", "email", "info", 5,
              notes="Screenshots of both charges sent to care@.")
    b.contact(cid, "2026-11-18T19:00:00Z", "chat", "resolved", 12, agent="Leah",
              reference="KM-55102", notes="Credit of 23.40 applied to the next bill.")
    b.reopen(cid, "2026-11-18T19:30:00Z", "keep it open until the credit shows on the bill")
    b.done()
    return cid


def live_call(b: Book) -> int:
    """Quiet for 20 days, but the call in progress right now is contact: not gone quiet."""
    cid = b.case("Oakden Furniture", "Sofa delivered with a torn cushion",
                 "2026-11-02T10:00:00Z", category="damaged", want="replacement",
                 refs=[("order", "OAK-55871")],
                 details={"phone": "+1 555 0133 420", "email": "aftercare@oakden.example"})
    b.contact(cid, "2026-11-02T10:05:00Z", "email", "info", 10,
              notes="Photos of the torn cushion sent within 48 hours, as they require.")
    b.contact(cid, "2026-11-05T14:00:00Z", "phone", "info", 15, agent="Gemma",
              reference="AC-9921", notes="Photos received; passed to the workshop.")
    b.live(cid, "2026-11-25T11:40:00Z", "phone", agent="Gemma")
    b.done()
    return cid


GROCER_PROMISE = "refund the 3 missing items (18.60) to the card"


def broken_no_contact(b: Book) -> int:
    """A refund promised by 14 Nov, marked broken on 18 Nov, no contact since: still a
    finding (today's advice says 'nothing to report')."""
    cid = b.case("Greenleaf Grocers", "Three items missing from the 9 Nov delivery",
                 "2026-11-11T18:00:00Z", category="missing_package", want="refund",
                 amount="18.60", currency="USD", refs=[("order", "GG-1042-7731")],
                 details={"chat_url": "https://greenleaf.example/help",
                          "phone": "+1 555 0166 200"})
    b.contact(cid, "2026-11-11T18:05:00Z", "chat", "promised", 9, agent="Mira",
              reference="GLC-66120", promise=GROCER_PROMISE, promise_due="2026-11-14")
    b.settle(cid, GROCER_PROMISE, "broken", "2026-11-18T09:00:00Z")
    b.done()
    return cid


# -- what a person would agree with ----------------------------------------------------------

@dataclass(frozen=True)
class Expect:
    """The advice at NOW. `facts` must all appear in the next move's text and `never` none of
    them (case-insensitive); no finding's advice may say any of `never_advice` (a reason that
    contradicts the move); `text` is the whole first line ({id}: the case id)."""

    turn: str
    rung: str                        # the rung the case stands on
    climb: str | None                # the rung the next move climbs to, when it climbs
    who: str
    channel: str | None
    due: str | None
    rule: str | None                 # the reason the move acts on; None: not stalled
    facts: tuple[str, ...]
    text: str
    never: tuple[str, ...] = ()
    never_advice: tuple[str, ...] = ()
    absent_rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class History:
    name: str
    build: Callable[[Book], int]
    expect: Expect


HISTORIES: tuple[History, ...] = (
    History("isp_two_no_shows", isp_two_no_shows, Expect(
        turn="theirs", rung="another_agent", climb="supervisor", who="you", channel="phone",
        due=None, rule="broken_promise",
        facts=("supervisor", "2 promises", "Marcus", "2026-11-05", ISP_PROMISE_2,
               "NWF-88231", "+1 555 0142 300"),
        never=("wait for", "no contact for"), absent_rules=("gone_quiet",),
        text="Ask Northwind Fibre for a supervisor by phone (+1 555 0142 300): 2 promises on "
             "this case were not kept; the latest, Marcus promised on 2026-11-05 to "
             f'"{ISP_PROMISE_2}" by 2026-11-12 (ref NWF-88231). Note the supervisor\'s name.')),
    History("card_dispute_documents", card_dispute_documents, Expect(
        turn="yours", rung="another_channel", climb=None, who="you", channel=None,
        due="2026-11-09T23:59:59Z", rule="your_move",
        facts=("Your move", CARD_ASK, "2026-11-09", "16 days", "Priya", "HB-DSP-40917"),
        never=("chase", "silence", "your last contact", "firm date"),
        never_advice=("chase", "silence is not progress"),
        absent_rules=("gone_quiet", "broken_promise"),
        text=f"Your move: {CARD_ASK}; Priya #D-114 asked for it on 2026-10-28 "
             "(ref HB-DSP-40917), it was due on 2026-11-09, 16 days ago.")),
    History("airline_refund", airline_refund, Expect(
        turn="theirs", rung="another_channel", climb=None, who="you", channel="email",
        due=None, rule="broken_promise",
        facts=(AIR_PROMISE, "2026-11-03", "2026-11-10", "SKY-REF-558120", "QX7M2P",
               "customer.relations@skylark.example"),
        absent_rules=("gone_quiet",),
        text="Follow up with Skylark Airways by e-mail (customer.relations@skylark.example): "
             f'Customer Relations promised on 2026-11-03 to "{AIR_PROMISE}" by 2026-11-10 '
             "(ref SKY-REF-558120, order QX7M2P); ask what happened and for a new, firm "
             "date.")),
    History("marketplace_parcel", marketplace_parcel, Expect(
        turn="theirs", rung="another_agent", climb=None, who="you", channel="chat", due=None,
        rule="wrong_door",
        facts=("Ask Amazon for the refund", "not the seller", MARKET_PROMISE,
               "113-5520981-4471062"),
        never=("chase the seller", "new, firm date"),
        never_advice=("new, firm date", "ask what happened"),
        absent_rules=("gone_quiet",),
        text="Ask Amazon for the refund by chat (https://www.amazon.com/gp/help/customer/"
             "contact-us), not the seller BrightHome Goods: BrightHome Goods promised on "
             f'2026-11-06 to "{MARKET_PROMISE}" and did not; cite order 113-5520981-4471062.')),
    History("renewal_refund", renewal_refund, Expect(
        turn="theirs", rung="supervisor", climb=None, who="you", channel="email", due=None,
        rule="gone_quiet",
        facts=("Nimbus Cloud", "20 days", "2026-11-05", "Rhea", "NMB-20417",
               "they contacted you", "support@nimbus.example"),
        never=("your last contact",), absent_rules=("broken_promise",),
        text="Chase Nimbus Cloud by e-mail (support@nimbus.example): no word for 20 days "
             "since they contacted you on 2026-11-05 (Rhea, email, ref NMB-20417); ask for a "
             "firm date by which it will be done.")),
    History("laptop_rma", laptop_rma, Expect(
        turn="yours", rung="first_contact", climb=None, who="you", channel=None,
        due="2026-11-22T23:59:59Z", rule="your_move",
        facts=("Your move", RMA_ASK, "2026-11-22", "3 days ago", "Ana", "RMA-775120"),
        never=("chase", "firm date"), never_advice=("chase", "firm date"),
        absent_rules=("gone_quiet", "broken_promise"),
        text=f"Your move: {RMA_ASK}; Ana asked for it on 2026-11-15 (ref RMA-775120), it was "
             "due on 2026-11-22, 3 days ago.")),
    History("energy_complaint", energy_complaint, Expect(
        turn="theirs", rung="formal_complaint", climb="ombudsman", who="you", channel=None,
        due=None, rule="ombudsman",
        facts=("ombudsman", "formal complaint of 2026-09-20", "RE-CMP-30166", "8 weeks",
               "supportlog export {id} --format md"),
        never=("chase", "firm date"), never_advice=("new, firm date",),
        text="Take it to the ombudsman: your formal complaint of 2026-09-20 (ref RE-CMP-30166) "
             "has had no final response in 8 weeks; send them the record: supportlog export "
             "{id} --format md. If you paid by card, a chargeback through your card issuer is "
             "the other way.")),
    History("resolved_still_open", resolved_still_open, Expect(
        turn="yours", rung="another_channel", climb=None, who="you", channel=None, due=None,
        rule="close_it", facts=("Close it?", "Leah", "2026-11-18", "KM-55102",
                                "supportlog status {id} resolved"),
        never=("still not resolved", "chase"), absent_rules=("many_contacts", "gone_quiet"),
        text="Close it? The last contact, 2026-11-18 19:00 (chat, agent Leah, ref KM-55102) "
             "resolved it; if nothing is missing, mark it resolved: supportlog status {id} "
             "resolved")),
    History("live_call", live_call, Expect(
        turn="theirs", rung="another_channel", climb=None, who="you", channel="phone",
        due=None, rule=None, facts=("Oakden Furniture", "now", "11:40", "log what they say"),
        never=("no contact for", "no word for", "chase", "gone quiet"),
        absent_rules=("gone_quiet",),
        text="In contact with Oakden Furniture now (since 2026-11-25 11:40): ask for a "
             "replacement, and log what they say; if it goes nowhere, press restart and try "
             "again by phone (+1 555 0133 420).")),
    History("broken_no_contact", broken_no_contact, Expect(
        turn="theirs", rung="first_contact", climb=None, who="you", channel="chat", due=None,
        rule="broken_promise",
        facts=("Mira", "2026-11-11", GROCER_PROMISE, "2026-11-14", "GLC-66120",
               "GG-1042-7731", "broken"),
        never=("nothing to report", "no contact for"), absent_rules=("gone_quiet",),
        text="Follow up with Greenleaf Grocers by chat (https://greenleaf.example/help): Mira "
             f'promised on 2026-11-11 to "{GROCER_PROMISE}" by 2026-11-14 (ref GLC-66120, '
             "order GG-1042-7731), and marked it broken; ask what happened and for a new, "
             "firm date.")),
)


def build(store: Store, clock: Clock, history: History) -> int:
    """Replay one history on `store` (whose clock is `clock`); the clock ends at NOW."""
    return history.build(Book(store, clock))
