"""What the advice layer reads of a case: plain values, named columns, no connection inside.

`CaseFacts` is one open or waiting case as the stall rules decide on it (the case's own
columns, its `case_digests` row, its pending and broken commitments, its recent holds);
`ContactFact` is a finished contact as the evidence cites it; `AdviceRow` is a case's kept
assessment (the `case_advice` cache). The store builds them (FactsOps); `facts_from_detail`
builds the same from a CaseDetail, for assessing one case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Iterable, Iterator

from .chunks import MAX_IDS, by_ids, marks
from .companies import load_companies
from .records import DEAD_END_OUTCOMES, CaseDetail, Company, Ref
from .advice_row import AdviceRow  # noqa: F401 - the advice layer reads it here too


@dataclass(slots=True)
class PromiseFact:
    """A pending or broken commitment: the company's promise or what it asked of you."""

    id: int
    party: str                  # "company" | "me"
    text: str
    status: str                 # "pending" | "broken" (kept ones are not read)
    due_at: str | None          # ISO UTC
    created_at: str             # ISO UTC: when it was made (its contact's start if it has one)
    settled_at: str | None      # when it was marked broken
    interaction_id: int | None


@dataclass(slots=True)
class HoldFact:
    id: int                     # the contact
    started_at: str
    hold_seconds: int


@dataclass(slots=True)
class CaseFacts:
    """One case as the rules read it: built once per pass and never changed (plain slots, not
    frozen: a pass builds tens of thousands)."""

    id: int
    company: str
    company_id: int
    company_rev: int
    status: str
    category: str
    want: str
    seller: str | None
    opened_at: str
    snoozed_until: str | None
    last_activity_at: str
    purchased_on: str | None = None
    delivered_on: str | None = None
    due_on: str | None = None
    # The case_digests columns: zeros and None while the case has no contact.
    contacts: int = 0           # finished contacts
    hold_total: int = 0
    hold_max: int = 0
    held: int = 0
    first_at: str | None = None
    last_at: str | None = None
    last_id: int | None = None
    last_channel: str | None = None
    last_outcome: str | None = None
    last_direction: str | None = None
    streak: int = 0             # trailing dead-end contacts
    streak_channels: int = 0    # distinct channels among them
    channels: int = 0           # distinct channels over every finished contact
    to_seller: int = 0
    escalated: int = 0
    complained_at: str | None = None
    final_at: str | None = None
    live_at: str | None = None
    statement_on: str | None = None
    cancelled_on: str | None = None
    promises: tuple[PromiseFact, ...] = ()   # pending and broken, both parties, by (due_at, id)
    holds: tuple[HoldFact, ...] = ()         # held contacts in the playbook's recent window
    # When the company first promised a refund (the clocks' `refund_promise` event).
    refund_promise_at: str | None = None


@dataclass(frozen=True, slots=True)
class ContactFact:
    """A finished contact as the evidence cites it."""

    id: int
    case_id: int
    channel: str
    direction: str
    started_at: str
    hold_seconds: int
    outcome: str
    agent: str | None
    agent_id: str | None
    reference: str | None
    milestone: str | None


# The CaseFacts fields that are case_digests columns.
_DIGEST_FIELDS = ("contacts", "hold_total", "hold_max", "held", "first_at", "last_at", "last_id",
                  "last_channel", "last_outcome", "last_direction", "streak", "streak_channels",
                  "channels", "to_seller", "escalated", "complained_at", "final_at", "live_at")


# -- reading them --------------------------------------------------------------------------------

PAGE = MAX_IDS  # cases per page of iter_case_facts
_DIGEST_NONE = {"first_at", "last_at", "last_id", "last_channel", "last_outcome",
                "last_direction", "complained_at", "final_at", "live_at"}
_CASE_EXPR = {"company": "co.name", "company_rev": "co.advice_rev"}
# CaseFacts' own columns in field order, each selected under its field's name, so a row is
# the constructor's arguments in order (the digest ones zero while the case has no contact).
_FACT_FIELDS = tuple(f.name for f in fields(CaseFacts)
                     if f.name not in ("promises", "holds", "refund_promise_at"))
_FACT_COLUMNS = ", ".join(
    f"{_CASE_EXPR[n]} AS {n}" if n in _CASE_EXPR
    else f"d.{n}" if n in _DIGEST_NONE
    else f"coalesce(d.{n}, 0) AS {n}" if n in _DIGEST_FIELDS
    else f"c.{n}" for n in _FACT_FIELDS)
_FACTS_FROM = ("FROM cases c JOIN companies co ON co.id = c.company_id "
               "LEFT JOIN case_digests d ON d.case_id = c.id")
_ACTIVE_SQL = (f"SELECT {_FACT_COLUMNS} FROM cases c INDEXED BY cases_active "
               "JOIN companies co ON co.id = c.company_id "
               "LEFT JOIN case_digests d ON d.case_id = c.id "
               "WHERE c.status IN ('open', 'waiting') AND c.id > ? ORDER BY c.id LIMIT ?")
_IDS_SQL = f"SELECT {_FACT_COLUMNS} {_FACTS_FROM} WHERE c.id IN ({{marks}}) ORDER BY c.id"
# The pending and broken commitments, and the company's promises of any status that may
# mention a refund (REFUND decides which do), in one read.
_PROMISES_SQL = ("SELECT p.case_id, p.id, p.party, p.text, p.status, p.due_at, "
                 "coalesce(i.started_at, p.created_at), p.settled_at, p.interaction_id, "
                 "p.party = 'company' AND p.text LIKE '%refund%' "
                 "FROM promises p "
                 "LEFT JOIN interactions i ON i.id = p.interaction_id AND i.case_id = p.case_id "
                 "WHERE p.case_id IN ({marks}) AND (p.status IN ('pending', 'broken') "
                 "OR (p.party = 'company' AND p.text LIKE '%refund%')) "
                 "ORDER BY p.case_id, p.due_at, p.id")
# The pending and broken commitments alone (promises_unsettled serves it): what a pass reads
# when no clock in force counts from a refund promise.
_UNSETTLED_SQL = ("SELECT p.case_id, p.id, p.party, p.text, p.status, p.due_at, "
                  "coalesce(i.started_at, p.created_at), p.settled_at, p.interaction_id "
                  "FROM promises p "
                  "LEFT JOIN interactions i ON i.id = p.interaction_id AND i.case_id = p.case_id "
                  "WHERE p.case_id IN ({marks}) AND p.status IN ('pending', 'broken') "
                  "ORDER BY p.case_id, p.due_at, p.id")
REFUND = re.compile(r"\brefund", re.IGNORECASE)   # as the clocks' case_dates reads a promise
_HOLDS_SQL = ("SELECT case_id, id, started_at, hold_seconds FROM interactions "
              "WHERE case_id IN ({marks}) AND outcome IS NOT NULL AND hold_seconds > 0 "
              "AND started_at >= ? ORDER BY case_id, started_at, id")
_CONTACT_FIELDS = tuple(f.name for f in fields(ContactFact))
_CONTACTS_SQL = (f"SELECT {', '.join(_CONTACT_FIELDS)} FROM interactions "
                 "WHERE case_id IN ({marks}) AND outcome IS NOT NULL "
                 "ORDER BY case_id, started_at, id")
_STATS_SQL = ("SELECT company_id, channel, progress, contacts FROM company_channels "
              "WHERE company_id IN ({marks}) AND contacts > 0 ORDER BY company_id, channel")
_REFS_SQL = "SELECT case_id, kind, value FROM case_refs WHERE case_id IN ({marks}) ORDER BY id"


class FactsOps:
    """Mixed into Store: what the advice reads, as plain values (read-only)."""

    def iter_case_facts(self, hold_since: str, min_hold: int, min_total_hold: int,
                        ids: Iterable[int] | None = None, page: int | None = None,
                        refunds: bool = True) -> Iterator[list[CaseFacts]]:
        """Every open or waiting case (or the cases `ids`, whatever their status), by id,
        `page` at a time. Holds are read only for cases held `min_hold` seconds at once or
        `min_total_hold` in all, and only those started at or after `hold_since`. Without
        `refunds`, refund_promise_at is left None (for a pass where no clock counts from it)
        and settled promises are not read."""
        size = min(page or PAGE, MAX_IDS)
        if ids is None:
            after = 0
            while True:
                rows = self.conn.execute(_ACTIVE_SQL, (after, size)).fetchall()
                if rows:
                    yield self._facts_page(rows, hold_since, min_hold, min_total_hold, refunds)
                if len(rows) < size:
                    return
                after = rows[-1][0]
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), size):
            chunk = wanted[start:start + size]
            rows = self.conn.execute(_IDS_SQL.format(marks=marks(chunk)), chunk).fetchall()
            if rows:
                yield self._facts_page(rows, hold_since, min_hold, min_total_hold, refunds)

    def _facts_page(self, rows: list[tuple], hold_since: str, min_hold: int,
                    min_total_hold: int, with_refunds: bool = True) -> list[CaseFacts]:
        ids = [r[0] for r in rows]
        promises: dict[int, list[PromiseFact]] = {}
        refunds: dict[int, str] = {}
        if with_refunds:
            for row in self.conn.execute(_PROMISES_SQL.format(marks=marks(ids)), ids):
                case_id, at = row[0], row[6]
                if row[9] and at and REFUND.search(row[3]) \
                        and (case_id not in refunds or at < refunds[case_id]):
                    refunds[case_id] = at
                if row[4] == "pending" or row[4] == "broken":
                    fact = PromiseFact(*row[1:9])
                    if case_id in promises:
                        promises[case_id].append(fact)
                    else:
                        promises[case_id] = [fact]
        else:
            # Every row is a pending or broken commitment: nothing to sort out but its case.
            for case_id, *values in self.conn.execute(_UNSETTLED_SQL.format(marks=marks(ids)),
                                                      ids):
                if case_id in promises:
                    promises[case_id].append(PromiseFact(*values))
                else:
                    promises[case_id] = [PromiseFact(*values)]
        total, longest = _FACT_FIELDS.index("hold_total"), _FACT_FIELDS.index("hold_max")
        held = [r[0] for r in rows if r[longest] >= min_hold or r[total] >= min_total_hold]
        holds: dict[int, list[HoldFact]] = {}
        if held:
            for case_id, *rest in self.conn.execute(_HOLDS_SQL.format(marks=marks(held)),
                                                    (*held, hold_since)):
                holds.setdefault(case_id, []).append(HoldFact(*rest))
        want = _FACT_FIELDS.index("want")
        out = []
        for row in rows:
            case_id = row[0]
            own = promises.get(case_id)
            refund = refunds.get(case_id)
            if refund is None and own and row[want] == "refund" and with_refunds:
                refund = _pending_refund(row[want], own)
            out.append(CaseFacts(*row, tuple(own) if own else (),
                                 tuple(holds[case_id]) if case_id in holds else (), refund))
        return out

    def contacts_for(self, case_ids: Iterable[int]) -> dict[int, tuple[ContactFact, ...]]:
        """case id -> its finished contacts, oldest first (cases with none are left out)."""
        out: dict[int, list[ContactFact]] = {}
        for row in by_ids(self.conn, _CONTACTS_SQL, sorted(set(case_ids))):
            out.setdefault(row[1], []).append(ContactFact(*row))
        return {case_id: tuple(contacts) for case_id, contacts in out.items()}

    def refs_for(self, case_ids: Iterable[int]) -> dict[int, tuple[Ref, ...]]:
        """case id -> its references in the order they were added (none: left out)."""
        out: dict[int, list[Ref]] = {}
        for case_id, kind, value in by_ids(self.conn, _REFS_SQL, sorted(set(case_ids))):
            out.setdefault(case_id, []).append(Ref(kind, value))
        return {case_id: tuple(refs) for case_id, refs in out.items()}

    def companies_by_id(self, ids: Iterable[int]) -> dict[int, Company]:
        return load_companies(self.conn, set(ids))   # with their routes and policies

    def channel_stats_of(self, company_ids: Iterable[int]) -> dict[int, dict[str, tuple]]:
        """channel_stats for each of these companies, in one read per page of ids."""
        out: dict[int, dict[str, tuple[int, int]]] = {i: {} for i in company_ids}
        for company_id, channel, progress, contacts in by_ids(self.conn, _STATS_SQL,
                                                              sorted(out)):
            out[company_id][channel] = (progress, contacts)
        return out


def _pending_refund(want: str, promises: Iterable[PromiseFact]) -> str | None:
    """With no promise that names a refund, a case that wants one counts the company's
    earliest pending promise as the refund promise."""
    if want != "refund":
        return None
    return min((x.created_at for x in promises if x.party == "company"
                and x.status == "pending" and x.created_at), default=None)


def facts_from_detail(detail: CaseDetail, hold_since: str, min_hold: int,
                      min_total_hold: int) -> CaseFacts:
    """What iter_case_facts gives for this case, worked out in Python from its detail."""
    case = detail.case
    done = sorted((i for i in detail.interactions if i.outcome is not None),
                  key=attrgetter("started_at", "id"))
    live = [i.started_at for i in detail.interactions if i.outcome is None]
    # As case_digests reads them: promised with no promise recorded made no progress.
    backed = {p.interaction_id for p in detail.promises}
    outcomes = ["no_progress" if i.outcome == "promised" and i.id not in backed else i.outcome
                for i in done]
    streak = 0
    while streak < len(done) and outcomes[-1 - streak] in DEAD_END_OUTCOMES:
        streak += 1
    holds_of = [i.hold_seconds for i in done]
    total, longest = sum(holds_of), max(holds_of, default=0)
    holds = ()
    if longest >= min_hold or total >= min_total_hold:
        holds = tuple(HoldFact(i.id, i.started_at, i.hold_seconds) for i in done
                      if i.hold_seconds > 0 and i.started_at >= hold_since)
    starts = {i.id: i.started_at for i in detail.interactions}
    promises = sorted((p for p in detail.promises if p.status in ("pending", "broken")),
                      key=lambda p: (p.due_at is not None, p.due_at or "", p.id))
    complained = [i.started_at for i in done if i.milestone == "formal_complaint"]
    final = [i.started_at for i in done if i.milestone == "final_response"]
    last = done[-1] if done else None
    facts = tuple(PromiseFact(
        id=p.id, party=p.party, text=p.text, status=p.status, due_at=p.due_at,
        created_at=starts.get(p.interaction_id) or p.created_at or case.opened_at,
        settled_at=p.settled_at, interaction_id=p.interaction_id) for p in promises)
    refunds = [starts.get(p.interaction_id) or p.created_at for p in detail.promises
               if p.party == "company" and REFUND.search(p.text)]
    return CaseFacts(
        id=case.id, company=case.company, company_id=case.company_id,
        company_rev=detail.company.advice_rev if detail.company else 0,
        status=case.status, category=case.category, want=case.want, seller=case.seller,
        opened_at=case.opened_at, snoozed_until=case.snoozed_until,
        last_activity_at=case.last_activity_at, purchased_on=case.purchased_on,
        delivered_on=case.delivered_on, due_on=case.due_on,
        contacts=len(done), hold_total=total, hold_max=longest,
        held=sum(1 for h in holds_of if h > 0),
        first_at=done[0].started_at if done else None,
        last_at=last.started_at if last else None, last_id=last.id if last else None,
        last_channel=last.channel if last else None,
        last_outcome=outcomes[-1] if done else None,
        last_direction=last.direction if last else None,
        streak=streak, streak_channels=len({i.channel for i in done[len(done) - streak:]}),
        channels=len({i.channel for i in done}),
        to_seller=sum(1 for i in done if i.channel == "seller"),
        escalated=outcomes.count("escalated"),
        complained_at=min(complained, default=None), final_at=max(final, default=None),
        live_at=min(live, default=None),
        statement_on=case.statement_on, cancelled_on=case.cancelled_on,
        promises=facts, holds=holds,
        refund_promise_at=min((at for at in refunds if at), default=None)
        or _pending_refund(case.want, facts))
