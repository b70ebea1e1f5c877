"""Each field of a case, a contact and a promise declared once: its parser, its labels, its
command-line flag, whether it is exported and shown. The records, the column lists, the
interchange fields, the `new`/`edit`/`log` options, the forms, the case header and the JSON
Schema's properties are read from here (light to import: the CLI loads it; no Textual, no
connection)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .vocab import (CATEGORIES, CHANNELS, DIRECTIONS, MILESTONES, OUTCOMES, PARTIES,
                    PROMISE_STATUSES, STATUSES, WANTS)


class Field:
    """One field of a record. `kind` names its parser (KINDS); `help` may name a wording
    of tui.commands.formats in braces ({DAY}); `header` is the group of the case header
    it is shown in (None: not there). A plain class, not a dataclass: making one costs the
    commands that only read a field's words (`show`, `list --json`) more than their reads.
    Fields are declarations: nothing assigns to one after it is made."""

    __slots__ = ("name", "kind", "label", "short", "flag", "help", "exported", "shown",
                 "searchable", "choices", "default", "suggested", "required", "multiline",
                 "placeholder", "header", "param", "metavar", "hint", "labels", "omit_blank",
                 "nullable")

    def __init__(self, name: str, kind: str, label: str, short: str = "",
                 flag: str | None = None, *, help: str = "", exported: bool = True,
                 shown: bool = True, searchable: bool = False,
                 choices: tuple[str, ...] | None = None, default: Any = None,
                 suggested: str | None = None, required: bool = False,
                 multiline: bool = False, placeholder: str = "", header: str | None = None,
                 param: str | None = None, metavar: str | None = None, hint: str = "",
                 labels: tuple[tuple[str, str], ...] = (), omit_blank: bool = False,
                 nullable: bool | None = None) -> None:
        self.name = name            # the column, the interchange key and the record's attribute
        self.kind = kind            # a key of KINDS
        self.label = label          # the form's label
        self.short = short          # the header's and `show`'s word for it
        self.flag = flag            # the option of `new` and `edit` (a contact's: `log`)
        self.help = help
        self.exported = exported    # in the interchange document
        self.shown = shown          # in the record's form
        self.searchable = searchable    # in the full-text index
        self.choices = choices
        self.default = default      # what a blank choice means; the record's default
        self.suggested = suggested  # what the form offers a new record
        self.required = required
        self.multiline = multiline
        self.placeholder = placeholder
        self.header = header        # facts | dates | more
        self.param = param          # the store's keyword, form input and error name, if not name
        self.metavar = metavar      # the option's metavar, if not its kind's
        self.hint = hint            # the form's line under the input
        self.labels = labels        # the form's words for some choices
        self.omit_blank = omit_blank    # left out of an exported record when None
        self.nullable = nullable    # may be null in the JSON (None: unless required or default)

    def __repr__(self) -> str:
        return f"Field({self.name!r}, {self.kind!r})"

    @property
    def key(self) -> str:
        """The name the store's keywords, the form's input and the errors use."""
        return self.param or self.name

    @property
    def may_be_null(self) -> bool:
        """Whether the JSON may hold null for it (a field left out when blank never does)."""
        if self.nullable is not None:
            return self.nullable
        return not (self.required or self.omit_blank) and self.default is None

    def parse(self, value: Any, now: datetime | None = None) -> Any:
        """The stored form of `value` (an amount is parsed by normalise_case_fields, as it
        agrees with the currency); `now` marks what a person typed."""
        return KINDS[self.kind](self, value, now)


def _v():
    """The parsers, loaded on first parse: reading commands (`show`) use the labels only."""
    from . import validate
    return validate


def _choice(f: Field, value: Any, now: datetime | None) -> str | None:
    """A word of the field's choices; blank stays None where a record may lack one."""
    if (value is None or not str(value).strip()) and f.default is None and not f.required:
        return None
    return _v().choice(f.key, value or f.default, f.choices)


KINDS = {
    "text": lambda f, value, now: _v().text(f.key, value, f.required),
    "currency": lambda f, value, now: _v().text(f.key, value),
    "choice": _choice,
    "date": lambda f, value, now: _v().parse_date(f.key, value, now=now),
    "due_date": lambda f, value, now: _v().parse_date(f.key, value, now=now, ahead=True),
    "when": lambda f, value, now: _v().parse_when(f.key, value, now=now),
    "deadline": lambda f, value, now: _v().parse_when(f.key, value, end_of_day=True, now=now),
    "seconds": lambda f, value, now: _v().parse_duration(f.key, value),
    "amount": lambda f, value, now: value,
    "link": lambda f, value, now: value,    # another record's id, set by the store
}
METAVARS = {"date": "DATE", "due_date": "DATE", "when": "WHEN", "deadline": "WHEN",
            "seconds": "D"}
# The Python type of a record's attribute of each kind (else text).
KIND_TYPES = {"seconds": "int", "link": "int | None"}
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
          searchable=True,
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
# A case in a listing (`list --json`, shapes.case_row): the Case's attributes in its order,
# without the company's id.
CASE_ROW_NAMES = ("id", "uid", "company", "title", *(n for n in CASE_NAMES if n != "title"),
                  "last_activity_at", "contacts")

# A contact's fields, in the order the interchange writes them (the contact form has its
# own order); `ended_at` comes from the form's and `log`'s duration.
CONTACT = (
    Field("channel", "choice", "Channel", "channel", "--channel", choices=CHANNELS,
          required=True, suggested="phone"),
    Field("direction", "choice", "Who reached out", "direction", "--direction",
          choices=DIRECTIONS, default="out",
          labels=(("out", "you contacted them"), ("in", "they contacted you")),
          help="out: you contacted them; in: they contacted you."),
    Field("agent", "text", "Agent", "agent", "--agent", searchable=True,
          help="The agent's name as given."),
    Field("agent_id", "text", "Agent ID", "agent ID", "--agent-id", searchable=True,
          help="The agent's ID as given."),
    Field("started_at", "when", "Started (local time)", "started", "--at", required=True,
          help="When it started: {MOMENT} (default: it just ended).",
          hint="back-dating is fine: yesterday 14:30, 3 days ago, 2h ago"),
    Field("ended_at", "when", "Ended", "ended", shown=False),
    Field("hold_seconds", "seconds", "Of which on hold", "hold", "--hold", default=0,
          param="hold", placeholder="10m", help="Time on hold: 12m."),
    Field("outcome", "choice", "Outcome", "outcome", "--outcome", choices=OUTCOMES,
          help="resolved, promised, escalated and info are progress; the rest dead ends.",
          hint="progress: resolved, promised, escalated, info; the rest are dead ends"),
    Field("reference", "text", "Reference they gave", "reference", "--reference",
          searchable=True, help="The reference number they gave."),
    Field("transcript_ref", "text", "Transcript reference", "transcript", "--transcript",
          metavar="REF", searchable=True,
          placeholder="file path, URL, e-mail subject or chat ID",
          help="Where the transcript is: file, URL, Message-ID."),
    Field("notes", "text", "Notes", "notes", "--note", multiline=True, searchable=True,
          help="What happened."),
    Field("milestone", "choice", "This contact was", "milestone", choices=MILESTONES,
          omit_blank=True,
          hint="a formal complaint starts the scheme's clock; a final response opens the "
               "ombudsman",
          help="Only on a contact that is a rung of the ladder: your formal complaint, or "
               "the company's final response to it."),
)
CONTACT_BY_NAME = {f.name: f for f in CONTACT}
INTERACTION_NAMES = tuple(f.name for f in CONTACT)
CONTACT_EXPORTED = tuple(f.name for f in CONTACT if f.exported)
CONTACT_FLAGGED = tuple(f for f in CONTACT if f.flag)
CONTACT_SHOWN = tuple(f for f in CONTACT if f.shown)
# An Interaction's attributes: its own ids, the registry's fields, then whether a
# transcript is kept; the SELECT list reads them from `interactions i` by these names.
INTERACTION_ATTRS = ("id", "uid", "case_id", *INTERACTION_NAMES, "has_transcript")
INTERACTION_SELECT = ", ".join((*(f"i.{n}" for n in INTERACTION_ATTRS[:-1]), (
    "EXISTS(SELECT 1 FROM transcripts t WHERE t.interaction_id = i.id) AS has_transcript")))

# A promise's (or an ask's) fields, in the order the interchange writes them (which names
# the contact by `interaction_uid` instead of the id).
PROMISE = (
    Field("party", "choice", "Who has to act", "party", choices=PARTIES, default="company",
          shown=False,
          help="Whose commitment: company, what they promised you; me, what they asked you "
               "to do (an ask). Files without it mean company."),
    Field("text", "text", "What they promised", "promise", required=True),
    Field("due_at", "deadline", "By when", "due",
          placeholder="YYYY-MM-DD, friday, in 10 working days"),
    Field("status", "choice", "Status", "status", choices=PROMISE_STATUSES, default="pending",
          shown=False),
    Field("settled_at", "when", "Settled", shown=False,
          help="When it became kept or broken; null while pending."),
    Field("created_at", "when", "Recorded", shown=False, nullable=False),
    Field("interaction_id", "link", "Made in", exported=False, shown=False),
)
PROMISE_BY_NAME = {f.name: f for f in PROMISE}
PROMISE_NAMES = tuple(f.name for f in PROMISE)
PROMISE_EXPORTED = tuple(f.name for f in PROMISE if f.exported)
PROMISE_ATTRS = ("id", "uid", "case_id", *PROMISE_NAMES)
PROMISE_SELECT = ", ".join(f"p.{n}" for n in PROMISE_ATTRS)   # from `promises p`
