"""The demo's companies and cases (data for tui/demo/notebook.py).

Times are in days: `days` before now for contacts and openings, `due` days from now for
promises (negative: already past). The comment above each stalled case names the stall rule
of DESIGN.md it is meant to trip. No card numbers anywhere (only "ending 4417" style).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Contact:
    """One contact, `days` before now (fractions give the time of day)."""

    days: float
    channel: str
    outcome: str
    minutes: int
    notes: str
    hold: int = 0                       # minutes on hold
    agent: str | None = None
    agent_id: str | None = None
    reference: str | None = None
    transcript_ref: str | None = None
    transcript: str | None = None
    promise: str | None = None
    due: float | None = None            # days from now; negative: already past
    promise_status: str | None = None   # kept / broken, as it turned out
    direction: str = "out"


@dataclass(frozen=True)
class DemoCase:
    company: str
    title: str
    category: str
    want: str
    opened: float                       # days before now
    contacts: tuple[Contact, ...]
    refs: tuple[tuple[str, str], ...] = ()
    amount: str | None = None
    currency: str | None = None
    seller: str | None = None
    purchased: float | None = None      # days before now
    notes: str | None = None
    close: str | None = None            # resolved / abandoned, when the last contact does not say
    close_note: str | None = None
    snooze: float | None = None         # days from now


C = Contact
AMAZON, ISP, BANK, AIRLINE = "Amazon", "Northwind Fibre", "Harbour Bank", "Skylark Airways"
CLOUD, CARRIER, FURNITURE, SELLER = ("Nimbus Cloud", "Kestrel Mobile", "Oakden Furniture",
                                     "BrightHome Goods")
ENERGY = "Ridgeline Energy"

COMPANIES = {
    AMAZON: {
        "phone": "1 (877) 586-3230 (or ask for a callback from the Contact Us page)",
        "chat_url": "https://www.amazon.com/gp/help/customer/contact-us",
        "email": "Contact Us form, e-mail option (sent from the account's address)",
        "hours": "24/7",
        "notes": "Chat routes you to an agent who knows the problem; ask for the transcript by "
                 "e-mail. Price drop within 7 days of purchase: they usually refund the "
                 "difference. Co-pilot screen sharing works only during a phone call. "
                 "Third-party sellers: product and shipping questions go to the seller, "
                 "refunds go through Amazon.",
        "routes": ({"kind": "callback", "value": "Contact Us page > Call me",
                    "note": "they call within a minute"},),
        "policies": ({"name": "price adjustment", "days": 7, "unit": "days",
                      "starts": "purchased", "note": "they usually refund the difference"},
                     "return: 30 days from delivered")},
    ISP: {
        "phone": "+1 555 0142 300", "chat_url": "https://northwindfibre.example/support/chat",
        "email": "help@northwindfibre.example", "hours": "Mon-Sat 8:00-22:00",
        "notes": "Billing and faults are separate queues; after 10 minutes on hold ask for a "
                 "callback. Outages over 72 hours earn a credit under their service terms.",
        "routes": ({"kind": "email", "purpose": "complaints",
                    "value": "complaints@northwindfibre.example"},
                   {"kind": "web", "purpose": "ombudsman", "label": "Communications Ombudsman",
                    "value": "https://ombudsman.example/telecoms"}),
        "policies": ("fault repair: 5 working days from opened",)},
    BANK: {
        "phone": "+1 555 0199 010 (number on the back of the card)",
        "chat_url": "https://harbourbank.example/app/chat",
        "email": "secure message inside online banking", "hours": "cards 24/7, other 8-20",
        "notes": "Card disputes: provisional credit within 10 business days. They only ever "
                 "ask for the last four digits of the card, never the security code.",
        "routes": ({"kind": "postal", "purpose": "complaints",
                    "value": "Harbour Bank Complaints, PO Box 100, Harbour City"},),
        "policies": ("provisional credit: 10 working days from opened",)},
    AIRLINE: {
        "phone": "+1 555 0171 771", "chat_url": "https://skylark.example/help",
        "email": "customer.relations@skylark.example", "hours": "phone 7-23, e-mail any time",
        "notes": "Cancelled flight: refund to the original payment within 7 days of the "
                 "request (conditions of carriage). Baggage claims within 21 days.",
        "policies": ("refund: 7 days from cancelled", "baggage claim: 21 days from delivered")},
    CLOUD: {
        "chat_url": "https://console.nimbus.example/support", "email": "support@nimbus.example",
        "hours": "business plan 24/7; basic plan e-mail only",
        "notes": "Billing adjustments need a ticket with the invoice number; credits land on "
                 "the next invoice."},
    CARRIER: {
        "phone": "150 from a Kestrel phone, +1 555 0150 150 otherwise",
        "chat_url": "https://kestrel.example/chat", "email": "care@kestrel.example",
        "hours": "8-21 every day",
        "notes": "Social team (@KestrelHelp) answers DMs faster than the phone line. The "
                 "retention team can match upgrade offers."},
    FURNITURE: {
        "phone": "+1 555 0133 420", "email": "aftercare@oakden.example",
        "hours": "Mon-Sat 9-17:30; showroom Sunday 10-16",
        "notes": "Damage on delivery: report within 48 hours with photos. Replacement parts "
                 "usually take 10 working days.",
        "policies": ("damage report: 2 days from delivered",
                     "replacement parts: 10 working days from opened")},
    SELLER: {
        "email": "via Amazon's seller contact form (Your Orders > seller name > Ask a question)",
        "hours": "replies within 2 business days",
        "notes": "Third-party seller on Amazon, ships from its own warehouse."},
    ENERGY: {
        "phone": "+44 20 7946 0321", "email": "help@ridgeline.example",
        "hours": "Mon-Fri 8-20, Sat 9-13", "account": "RE-4471-0093",
        "notes": "Billing disputes: ask them to put collection on hold while they look into "
                 "it. A complaint gets a final response within 8 weeks; then the Energy "
                 "Ombudsman can take it.",
        "routes": ({"kind": "email", "purpose": "complaints",
                    "value": "complaints@ridgeline.example"},
                   {"kind": "web", "purpose": "ombudsman", "label": "Energy Ombudsman",
                    "value": "https://ombudsman.example/energy"}),
        "policies": ({"name": "complaint response", "days": 8, "unit": "weeks",
                      "starts": "opened", "source": "Ridgeline Energy complaints code, "
                      "https://ridgeline.example/complaints"},)},
}

CASES = (
    # -- Amazon ------------------------------------------------------------------------------
    DemoCase(AMAZON, "Noise-cancelling headphones never arrived", "missing_package", "refund",
             41.3, refs=(("order", "112-4417391-8830215"), ("chat", "CH-7F3A-20931")),
             amount="249.99", currency="USD", purchased=47, contacts=(
        C(41.2, "chat", "info", 12, "Tracking says delivered to the mailroom on the 3rd; the "
          "mailroom has nothing. Sara opened a trace with the carrier and gave a new estimate: "
          "two more days. Asked her to e-mail me the chat transcript.", agent="Sara",
          transcript_ref="e-mail 'Your chat with Amazon customer service' (headphones)"),
        C(38.0, "chat", "resolved", 9, "Carrier trace came back empty. New agent refunded the "
          "full 249.99 to the card ending 4417 straight away, no return needed.",
          agent="Luis", reference="R-7781903"))),
    # Healthy: waiting on a promise that is still in the future.
    DemoCase(AMAZON, "Price dropped on the air fryer three days after I bought it",
             "price_change", "refund", 2.3, refs=(("order", "113-5520981-4471032"),),
             amount="129.99", currency="USD", purchased=5,
             notes="Bought at 129.99; now listed at 99.99. Their policy note says price drops "
                   "within 7 days are usually refunded.", contacts=(
        C(2.2, "chat", "promised", 8, "Asked for the 30.00 difference. Imran checked the price "
          "history, confirmed it is inside the 7-day window and said the refund of the "
          "difference is on its way.", agent="Imran", reference="D-552019",
          promise="Refund the 30.00 price difference to the original card", due=3),)),
    # wrong_door: a third-party seller's shipping question, but every contact went to Amazon.
    DemoCase(AMAZON, "Floor lamp from a third-party seller stuck in transit", "shipping",
             "explanation", 9.2, seller="Lumen & Co", refs=(("order", "114-2093344-1170021"),),
             amount="74.50", currency="USD", purchased=12, contacts=(
        C(8.8, "chat", "info", 14, "Agent could only see 'shipped by seller' and no carrier "
          "scans. Said tracking questions are really for the seller but left a note on the "
          "order anyway.", agent="Priya"),
        C(4.5, "phone", "info", 22, "Phone agent repeated that the seller ships it himself and "
          "read me the seller's name again. Still no tracking update.", hold=6, agent="Dan"))),
    DemoCase(AMAZON, "Unwanted Prime renewal", "subscription", "refund", 63.4,
             amount="139.00", currency="USD", contacts=(
        C(63.3, "chat", "resolved", 6, "Renewal went through the day after I meant to cancel. "
          "No Prime benefits used since, so the agent cancelled and refunded in full.",
          agent="Keisha"),)),
    DemoCase(AMAZON, "Kindle will not download books after a factory reset", "technical",
             "repair", 20.4, contacts=(
        C(20.3, "phone", "info", 11, "Marcus had me restart twice, then offered a Co-pilot "
          "session to look at the device settings on the site.", hold=3, agent="Marcus",
          agent_id="KX-2207"),
        C(20.2, "copilot", "resolved", 18, "Entered the code Marcus gave me. He could only see "
          "the Amazon pages in my browser. Deregistered and re-registered the Kindle from "
          "Manage Your Content while I watched; books download again.", agent="Marcus",
          agent_id="KX-2207"))),
    DemoCase(AMAZON, "Does the Echo Dot work on a 5 GHz-only network?", "product_question",
             "explanation", 15.2, close="resolved", contacts=(
        C(15.1, "forum", "info", 5, "Asked in the community forum (no personal details). Two "
          "users answered within the hour: yes, from the 3rd generation on. Not an official "
          "answer, so I checked the product page too and it agrees.",
          transcript_ref="https://community.example/amazon/threads/echo-dot-5ghz-only"),)),
    # wrong_door, the other way round: a refund, but every contact went to the seller.
    DemoCase(AMAZON, "Refund for the returned blender still missing", "refund", "refund", 16.3,
             seller="KitchenPro Direct", refs=(("order", "112-9901772-3318840"),
                                               ("return", "RMA-KP-30917")),
             amount="89.50", currency="USD", purchased=34, contacts=(
        C(15.5, "seller", "info", 4, "Messaged KitchenPro through the seller contact form: "
          "asked whether the return reached them. It was received at their warehouse on the "
          "5th."),
        C(11.0, "seller", "info", 2, "KitchenPro replied that the refund will be 'handled "
          "soon'. No date given.", direction="in"),
        C(5.1, "seller", "no_progress", 3, "Asked the seller again for a refund date; got the "
          "same automated reply."))),
    # -- Northwind Fibre (ISP) -------------------------------------------------------------
    # many_contacts: six contacts and still not fixed (the last one made progress).
    DemoCase(ISP, "Internet drops every evening around 8 pm", "technical", "repair", 27.4,
             refs=(("ticket", "NWF-TK-884120"),), contacts=(
        C(27.3, "phone", "info", 28, "Line test showed no fault. Dev told me to reboot the "
          "router every night and call back if it continues.", hold=9, agent="Dev"),
        C(21.2, "chat", "transferred", 15, "Chat agent moved me to the technical queue, which "
          "closed at 10 pm while I was waiting."),
        C(17.4, "phone", "promised", 35, "Explained the whole history again. Amelia booked an "
          "engineer and noted the evening pattern on the ticket.", hold=12, agent="Amelia",
          agent_id="NW-4471", promise="Engineer visit Thursday between 8 and 12", due=-13,
          promise_status="kept"),
        C(13.5, "in_person", "info", 50, "Engineer (Paul) replaced the filter at the wall "
          "socket and said the line looks clean now.", agent="Paul"),
        C(8.3, "phone", "no_progress", 20, "Drops are back. Agent could only book another "
          "remote line test.", hold=7),
        C(3.2, "email", "escalated", 10, "Wrote to the complaints address with a log of eleven "
          "evenings of drop-outs and asked for a senior engineer. Got a complaint reference.",
          reference="CMP-20931"))),
    # long_hold: 32 minutes held on one call, 50 minutes held in all.
    DemoCase(ISP, "Billed twice for the November invoice", "billing", "refund", 6.1,
             refs=(("other", "INV-2211-0457"),), amount="54.00", currency="USD", contacts=(
        C(5.9, "phone", "transferred", 41, "32 minutes of hold music before billing picked up, "
          "then they transferred me to 'accounts' and the line went to voicemail.", hold=32),
        C(1.2, "phone", "info", 26, "Gwen can see both payments. A duplicate needs a refund "
          "request from accounts, which she raised; no date for it.", hold=18, agent="Gwen",
          reference="RF-99012"))),
    DemoCase(ISP, "Move the broadband to the new flat", "account", "change", 71.0, contacts=(
        C(70.8, "phone", "promised", 18, "Booked the move for the 12th; keeping the same "
          "package and price.", agent="Olu", promise="Line live at the new address on the "
          "12th", due=-56, promise_status="kept"),
        C(55.5, "phone", "resolved", 5, "They called to confirm the line is live at the new "
          "address; router lights all green.", direction="in"))),
    DemoCase(ISP, "Credit for the three-day outage in March", "policy", "credit", 52.0,
             amount="15.00", currency="USD", close="abandoned",
             close_note="not worth more time for 15.00", contacts=(
        C(51.8, "chat", "refused", 12, "Agent said outage credit only applies after 72 hours; "
          "ours was 70 by their count. Asked how they count; no answer."),
        C(44.0, "letter", "no_progress", 20, "Sent a letter with my own outage timeline. "
          "Reply repeated the policy word for word.", direction="in"))),
    # -- Harbour Bank --------------------------------------------------------------------------
    # Healthy: waiting on the bank's provisional credit, due in six days.
    DemoCase(BANK, "Disputed hotel charge (booked twice)", "billing", "refund", 4.2,
             refs=(("claim", "DSP-448120"),), amount="318.40", currency="EUR", contacts=(
        C(4.0, "phone", "promised", 16, "Disputed the second charge from the hotel. Tomasz only "
          "asked for the last four digits of the card and the dates of stay.", hold=5,
          agent="Tomasz", promise="Provisional credit while the dispute runs", due=6),)),
    # dead_ends: transferred, disconnected, then a chat ended on purpose (press restart).
    DemoCase(BANK, "International transfer fee charged twice", "billing", "refund", 3.2,
             amount="25.00", currency="GBP", refs=(("other", "TRF-0093318"),), contacts=(
        C(3.0, "phone", "transferred", 14, "Cards team said fees are for payments and "
          "transferred me.", hold=8),
        C(2.9, "phone", "disconnected", 6, "Call dropped while on hold for payments.", hold=5),
        C(1.1, "chat", "restarted", 9, "Chat agent kept pasting the same fee schedule. Ended "
          "the chat to try another agent another day."))),
    DemoCase(BANK, "Close the old savings account", "account", "change", 92.0, contacts=(
        C(91.5, "letter", "info", 15, "Sent a signed letter asking them to close the account "
          "and move the balance to my current account."),
        C(75.0, "letter", "resolved", 2, "Letter from the bank confirming the closure and the "
          "transfer of the balance.", direction="in"))),
    # broken_promise: the new card was due three days ago and has not come.
    DemoCase(BANK, "Replacement card never arrived", "account", "replacement", 11.0, contacts=(
        C(10.8, "phone", "promised", 12, "Reported the card as not received. Nia cancelled it "
          "and ordered a new one.", agent="Nia", reference="CRD-77310",
          promise="New card delivered within 5 business days", due=-3),
        C(5.5, "chat", "info", 7, "Chat says the card was dispatched; cards have no "
          "tracking."))),
    # -- Skylark Airways ---------------------------------------------------------------------
    # gone_quiet: nothing since the auto-reply 18 days ago, and no promise to wait for.
    DemoCase(AIRLINE, "Refund for cancelled flight SK 2291", "refund", "refund", 19.1,
             refs=(("other", "Booking QX7T2M"),), amount="412.60", currency="EUR", contacts=(
        C(19.0, "email", "info", 10, "Requested the refund through the web form and attached "
          "the cancellation e-mail.", transcript_ref="Message-ID "
          "<CAK3f9.skylark.refund.2291@mail.example>"),
        C(18.5, "email", "info", 1, "Auto-reply with a case number: 'we aim to reply within 7 "
          "days'.", reference="SR-5512093", direction="in"))),
    # Healthy: waiting on the baggage team's decision, due in twelve days.
    DemoCase(AIRLINE, "Suitcase lost on the Lisbon flight", "other", "refund", 12.2,
             refs=(("claim", "LISSK12345"),), amount="680.00", currency="EUR", contacts=(
        C(12.1, "in_person", "info", 25, "Filed the property irregularity report at the "
          "baggage desk in Lisbon; kept the paper copy."),
        C(6.3, "social", "escalated", 5, "Public tweet got a DM from the social team; Jo "
          "escalated the file to baggage claims.", agent="Jo (@SkylarkHelp)"),
        C(2.1, "email", "promised", 3, "Baggage claims confirmed the file is complete with the "
          "receipts I sent.", agent="Baggage claims team",
          promise="Decision on the compensation claim", due=12))),
    DemoCase(AIRLINE, "Seat change fee after their schedule change", "billing", "refund", 33.2,
             amount="45.00", currency="EUR", contacts=(
        C(33.1, "phone", "refused", 17, "Agent refused: fees are non-refundable. Did not "
          "accept that the schedule change was theirs.", hold=11),
        C(32.9, "chat", "resolved", 8, "Tried chat instead. The agent agreed their schedule "
          "change entitles a free seat change and refunded the 45.00.", agent="Mateus"))),
    # Snoozed: would have gone quiet, but the voucher team asked for time.
    DemoCase(AIRLINE, "Extend the travel voucher before it expires", "policy", "change", 25.5,
             snooze=9, contacts=(
        C(25.3, "phone", "info", 14, "Voucher team has a backlog; agent said to check back "
          "after the 1st of next month. Snoozed until then.", hold=4),)),
    # -- Nimbus Cloud ----------------------------------------------------------------------
    DemoCase(CLOUD, "Egress overcharge after the storage migration", "billing", "credit", 14.2,
             refs=(("ticket", "NIM-448812"),), amount="1840.22", currency="USD", contacts=(
        C(14.1, "email", "info", 15, "Opened a billing ticket. Support asked for the bucket "
          "names and the migration dates; sent both the same day.",
          transcript="From: Nimbus Support\nSubject: [NIM-448812] Unexpected egress charges\n\n"
                     "Hello, thanks for reaching out. To look into the egress charges on "
                     "your October invoice we need the names of the buckets involved and "
                     "the dates of the migration.\n\n> The migration ran from the 2nd to "
                     "the 4th, buckets media-archive and media-archive-eu.\n\nThank you, "
                     "I have passed this to our billing specialists."),
        C(9.2, "email", "promised", 5, "Billing specialist agreed the transfer between their "
          "own regions should not have been billed.", agent="Ana (billing)",
          promise="Credit of 1,612.00 on the next invoice", due=20, direction="in"))),
    DemoCase(CLOUD, "Locked out after resetting the 2FA device", "account", "change", 3.0,
             contacts=(
        C(2.8, "chat", "escalated", 22, "Identity checks passed; Rafael escalated to the "
          "account security team. Saved the chat to a file.", agent="Rafael",
          transcript_ref="~/Documents/support/nimbus-2fa-chat.txt"),
        C(0.8, "email", "info", 6, "Security team asked for a signed ID form; sent it back "
          "within the hour.", direction="in"))),
    DemoCase(CLOUD, "Support plan downgrade not applied", "subscription", "refund", 81.0,
             amount="29.00", currency="USD", close="abandoned",
             close_note="moved the workload elsewhere; not chasing 29.00", contacts=(
        C(80.5, "chat", "no_progress", 18, "Downgraded in the console but the invoice still "
          "shows the business plan. Agent could not see the change."),
        C(74.0, "email", "info", 3, "They say downgrades apply from the next billing cycle, "
          "which is not what the console said.", direction="in"))),
    # -- Kestrel Mobile ----------------------------------------------------------------------
    # dead_ends and long_hold: three dead ends in a row, one with 24 minutes on hold.
    DemoCase(CARRIER, "Number transfer stuck for two weeks", "technical", "change", 15.0,
             refs=(("ticket", "KM-PORT-66102"),), contacts=(
        C(14.8, "chat", "info", 11, "Chat confirmed the transfer code is valid and the request "
          "is 'with the porting team'."),
        C(8.2, "phone", "transferred", 31, "24 minutes on hold, then passed to porting, who "
          "passed me to technical.", hold=24),
        C(7.9, "phone", "disconnected", 9, "Called straight back; cut off after 9 minutes on "
          "hold.", hold=9),
        C(6.0, "phone", "refused", 12, "Agent said transfer requests cannot be chased by "
          "phone and refused to check the status.", hold=6, agent="Callum"))),
    DemoCase(CARRIER, "Roaming charges from the Spain trip", "billing", "refund", 60.0,
             amount="87.30", currency="GBP", contacts=(
        C(59.8, "phone", "info", 15, "Agent confirmed the EU roaming add-on was active but "
          "could not remove the charges herself.", hold=6),
        C(52.0, "email", "escalated", 6, "Sent the add-on confirmation to customer care; they "
          "escalated to the billing review team.", reference="BR-30177"),
        C(40.0, "letter", "resolved", 2, "Letter: charges reversed, credit on the next bill.",
          direction="in"))),
    # Healthy: a price match promised for the next bill.
    DemoCase(CARRIER, "Upgrade offer not honoured", "billing", "change", 10.3, contacts=(
        C(10.1, "phone", "info", 12, "The shop quoted 25 a month; the bill says 32. Agent "
          "offered 15% off, which is not the quoted price.", hold=3),
        C(3.0, "chat", "promised", 14, "Retention team matched the quoted 25 a month.",
          agent="Leah", promise="Matched price of 25 a month from the next bill", due=4))),
    # -- Oakden Furniture ------------------------------------------------------------------
    # broken_promise twice (and quiet): the replacement cushion never came.
    DemoCase(FURNITURE, "Sofa delivered with a torn cushion", "damaged", "replacement", 30.3,
             refs=(("order", "OAK-55120"),), amount="1290.00", currency="GBP", contacts=(
        C(30.1, "email", "info", 10, "Sent photos of the tear within 48 hours as their policy "
          "asks."),
        C(26.2, "phone", "promised", 14, "Hannah agreed it is transit damage and ordered a "
          "replacement cushion cover.", hold=3, agent="Hannah",
          promise="Replacement cushion cover delivered", due=-12, promise_status="broken"),
        C(10.4, "phone", "promised", 11, "Hannah again: the cover is 'in transit'. Asked for a "
          "date in writing; she gave one on the phone only.", agent="Hannah",
          promise="Cushion cover in transit, delivered by this Friday", due=-2))),
    DemoCase(FURNITURE, "Wardrobe delivery date keeps moving", "late_delivery", "explanation",
             25.0, refs=(("order", "OAK-54871"),), amount="840.00", currency="GBP", contacts=(
        C(24.5, "other", "info", 4, "Text from the delivery team: moved again, no reason "
          "given. Replied asking for a firm date.", direction="in"),
        C(20.2, "phone", "promised", 9, "Booked Saturday morning with assembly included.",
          promise="Delivery and assembly on Saturday morning", due=-18, promise_status="kept"),
        C(18.1, "other", "resolved", 90, "Delivered and assembled; the team took the "
          "packaging away.", direction="in"))),
    DemoCase(FURNITURE, "Dining chairs delivered in the wrong colour", "not_as_described",
             "replacement", 46.0, amount="520.00", currency="GBP", contacts=(
        C(45.8, "in_person", "promised", 20, "Showed the showroom manager the photos and the "
          "order. She agreed to swap them for the walnut ones.", agent="Ruth",
          promise="Swap the four chairs for walnut", due=-35, promise_status="kept"),
        C(36.0, "phone", "resolved", 6, "They called to say the walnut chairs are on the "
          "van; swapped at the door.", direction="in"))),
    # -- BrightHome Goods (a third-party seller's shop) -----------------------------------------
    DemoCase(SELLER, "Which bulbs fit the BrightHome desk lamp?", "product_question",
             "explanation", 22.3, close="resolved", contacts=(
        C(22.2, "seller", "info", 3, "Seller answered within a day: E14 screw fitting, "
          "40 W at most, LED fine."),)),
    # Healthy: the seller is shipping the missing part.
    DemoCase(SELLER, "Standing desk arrived without the crossbar", "damaged", "replacement",
             5.0, refs=(("order", "114-8820193-5523301"),), amount="389.00", currency="USD",
             contacts=(
        C(4.8, "seller", "promised", 4, "Sent photos of the box contents. The seller will ship "
          "the missing crossbar and screws separately.",
          promise="Ship the missing crossbar and screws", due=5),)),
    # -- Ridgeline Energy ------------------------------------------------------------------
    # broken_promise: one promise broken, the next overdue; the complaint letter's case.
    DemoCase(ENERGY, "Back-billed for 14 months after their meter fault", "billing", "refund",
             40.2, refs=(("ticket", "RE-TK-55120"),), amount="412.37", currency="GBP",
             contacts=(
        C(40.0, "phone", "promised", 26, "A bill for 412.37 came for 14 months of estimated "
          "use after their engineer replaced the faulty meter. Kieran agreed the estimates "
          "were their error and said the back-bill would be withdrawn.", hold=14,
          agent="Kieran", agent_id="RE-2291", reference="RE-55120",
          promise="Withdraw the back-bill and send a corrected statement", due=-26,
          promise_status="broken"),
        C(25.0, "letter", "no_progress", 2, "No corrected statement; a payment reminder for "
          "the full 412.37 came instead.", direction="in"),
        C(21.3, "chat", "promised", 17, "Priya saw Kieran's note, apologised and put "
          "collection on hold while billing recalculates from the actual readings.",
          agent="Priya", reference="RE-CH-88301",
          promise="A recalculated bill from the actual meter readings", due=-7),
        C(4.4, "phone", "no_progress", 34, "Billing has no record of a recalculation and "
          "said the reminder stands; no collection hold on the account either.", hold=23))),
)
