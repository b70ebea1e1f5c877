"""Each editable field of a case declared once: its parser, its labels, its command-line
flag, whether it is exported and shown. The column lists, the interchange fields, the
`new`/`edit` options, the case form and the case header are read from here (light to import:
the CLI loads it; no Textual, no connection)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import validate as v
from .vocab import CATEGORIES, STATUSES, WANTS


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a record. `kind` names its parser (KINDS); `help` may name a wording
    of tui.commands.formats in braces ({DAY}); `header` is the group of the case header
    it is shown in (None: not there)."""

    name: str                        # the column, the interchange key and the Case attribute
    kind: str                        # text | choice | date | due_date | when | amount | currency
    label: str                       # the form's label
    short: str = ""                  # the header's and `show`'s word for it
    flag: str | None = None          # the option of `new` and `edit`
    help: str = ""
    exported: bool = True            # in the interchange document
    shown: bool = True               # in the case form
    searchable: bool = False         # in the full-text index
    choices: tuple[str, ...] | None = None
    default: str | None = None       # what a blank choice means; a Case's default
    suggested: str | None = None     # what the form offers a new case
    required: bool = False
    multiline: bool = False
    placeholder: str = ""
    header: str | None = None        # facts | dates | more

    def parse(self, value: Any, now: datetime | None = None) -> Any:
        """The stored form of `value` (an amount is parsed by normalise_case_fields, as it
        agrees with the currency); `now` marks what a person typed."""
        return KINDS[self.kind](self, value, now)


KINDS = {
    "text": lambda f, value, now: v.text(f.name, value, f.required),
    "currency": lambda f, value, now: v.text(f.name, value),
    "choice": lambda f, value, now: v.choice(f.name, value or f.default, f.choices),
    "date": lambda f, value, now: v.parse_date(f.name, value, now=now),
    "due_date": lambda f, value, now: v.parse_date(f.name, value, now=now, ahead=True),
    "when": lambda f, value, now: v.parse_when(f.name, value, now=now),
    "amount": lambda f, value, now: value,
}
METAVARS = {"date": "DATE", "due_date": "DATE", "when": "WHEN"}
DAY_HINT = "YYYY-MM-DD, yesterday, fri"

# In the order the interchange writes them and the form shows them.
CASE = (
    Field("title", "text", "What is it about", "title", "--title", required=True,
          searchable=True, placeholder="package never arrived",
          help='The problem in a few words: "package never arrived".'),
    Field("category", "choice", "Category", "category", "--category", choices=CATEGORIES,
          default="other", header="more", help="What kind of problem it is."),
    Field("want", "choice", "What you want", "want", "--want", choices=WANTS, default="other",
          suggested="refund", help="What you want out of it.", header="facts"),
    Field("status", "choice", "Status", "status", choices=STATUSES, default="open",
          shown=False),
    Field("purchased_on", "date", "Purchased on", "purchased", "--purchased",
          placeholder=DAY_HINT, help="Purchase date: {DAY}.", header="dates"),
    Field("delivered_on", "date", "Delivered on", "delivered", "--delivered",
          placeholder=DAY_HINT, help="Delivery date: {DAY}.", header="dates"),
    Field("due_on", "due_date", "Due on", "due", "--due",
          placeholder="YYYY-MM-DD, friday, in 2 weeks",
          help="When the item or answer was due: {DEADLINE_DAY}.", header="dates"),
    Field("amount", "amount", "Amount", "amount", "--amount", header="facts",
          placeholder="129.99, 129,99, €1.299,00", help="The amount at stake, {AMOUNT}."),
    Field("currency", "currency", "Currency", "currency", "--currency", placeholder="EUR",
          help="{CURRENCY}"),
    Field("seller", "text", "Third-party seller", "seller", "--seller", header="more",
          placeholder="when you did not buy from the shop itself",
          help="The third-party seller, if you did not buy from the shop itself."),
    Field("opened_at", "when", "Opened", "opened", "--opened", shown=False, header="more",
          default="",
          help="When the problem started: {MOMENT}; a new case opens now without it."),
    Field("closed_at", "when", "Closed", "closed", shown=False),
    Field("notes", "text", "Notes", "notes", "--note", multiline=True, searchable=True,
          help="Notes for the case (edit: replaces them)."),
    Field("snoozed_until", "when", "Snoozed until", "snoozed until", shown=False,
          header="more"),
    Field("statement_on", "date", "Statement on", "statement", "--statement", shown=False,
          help="The card statement the charge appeared on: {DAY}."),
    Field("cancelled_on", "date", "Cancelled on", "cancelled", "--cancelled", shown=False,
          help="When the order, flight or service was cancelled: {DAY}."),
)
CASE_BY_NAME = {f.name: f for f in CASE}
CASE_NAMES = tuple(f.name for f in CASE)
CASE_EXPORTED = tuple(f.name for f in CASE if f.exported)
CASE_FLAGGED = tuple(f for f in CASE if f.flag)
CASE_SHOWN = tuple(f for f in CASE if f.shown)
# What a Case holds besides its fields, read with them: the SELECT list and case_from_row.
CASE_EXTRA = (("id", "c.id"), ("uid", "c.uid"), ("company", "co.name AS company"),
              ("last_activity_at", "c.last_activity_at"), ("contacts", "c.contacts"),
              ("company_id", "c.company_id"))
CASE_ATTRS = (*(name for name, _ in CASE_EXTRA), *CASE_NAMES)
CASE_SELECT = ", ".join((*(sql for _, sql in CASE_EXTRA), *(f"c.{n}" for n in CASE_NAMES)))

# A contact's fields in the order the interchange writes them.
INTERACTION_NAMES = ("channel", "direction", "agent", "agent_id", "started_at", "ended_at",
                     "hold_seconds", "outcome", "reference", "transcript_ref", "notes",
                     "milestone")
