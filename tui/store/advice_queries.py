"""What `assess_all` reads: every open or waiting case boiled down to the numbers the stall
rules decide on, a page at a time, and later the full rows of the few contacts a finding cites.

The schema keeps each case's finished contacts boiled down in `cases.digest` (see
contact_digests in schema.sql), so ranking every active case reads one row per case and no
contacts. `summarize` is the same summary worked out in Python from a CaseDetail, for
assessing one case; the advice tests hold the two equal.
"""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Iterable, Iterator, NamedTuple

from .cases import PROMISE_COLUMNS
from .history import MAX_IDS, by_ids
from .records import Case, CaseDetail, Company, Promise

# The columns of a finished contact as the stall rules' evidence reads it: nothing else (no
# notes, no transcript), so citing contacts stays cheap.
CONTACT_COLUMNS = ("id", "case_id", "channel", "started_at", "hold_seconds", "outcome",
                   "agent", "agent_id", "reference")
_CONTACTS = ", ".join(CONTACT_COLUMNS)
PAGE = MAX_IDS  # cases per page

_LONG_SQL = (f"SELECT {_CONTACTS} FROM interactions WHERE case_id IN ({{marks}}) "
             "AND outcome IS NOT NULL AND hold_seconds >= ? ORDER BY case_id, started_at, id")
# A page's cases are a run of ids (keyset on id): its promises are read as a range of the
# partial index, not as hundreds of lookups by id (15 ms against 35-47 at 25k active cases).
_AHEAD_SQL = ("SELECT DISTINCT case_id FROM promises INDEXED BY promises_pending "
              "WHERE case_id BETWEEN ? AND ? AND status = 'pending' AND due_at >= ?")
_OVERDUE_SQL = (f"SELECT {PROMISE_COLUMNS} FROM promises INDEXED BY promises_pending "
                "WHERE case_id BETWEEN ? AND ? AND status = 'pending' AND due_at <> '' "
                "AND due_at < ? ORDER BY case_id, due_at, id")
_FINISHED_SQL = (f"SELECT {_CONTACTS} FROM interactions WHERE id IN ({{marks}}) "
                 "AND outcome IS NOT NULL")
_BROKEN_SQL = (f"SELECT {PROMISE_COLUMNS} FROM promises WHERE case_id IN ({{marks}}) "
               "AND status = 'broken' ORDER BY case_id, coalesce(due_at, created_at), id")
_PROMISE_CASE = PROMISE_COLUMNS.split(", ").index("case_id")




class CaseFacts(NamedTuple):
    """What the stall rules and the ranking read of a case, named like Case's fields. The
    whole row (title, notes, amounts...) was a fifth of ranking every active case; a list
    that shows the cases reads them a page at a time (Store.cases_by_id)."""

    id: int
    company: str
    company_id: int
    status: str
    category: str
    want: str | None
    seller: str | None
    opened_at: str
    snoozed_until: str | None
    last_activity_at: str


_FACTS = ("c.id, co.name, c.company_id, c.status, c.category, c.want, c.seller, c.opened_at, "
          "c.snoozed_until, c.last_activity_at")


class CaseSummary(NamedTuple):
    """An open or waiting case as the stall rules decide on it. The sequences (`ids`,
    `channels`, `outcomes`) list its finished contacts oldest first, as strings the rules
    split only when a finding needs them."""

    case: Case | CaseFacts
    company: Company | None
    contacts: int                 # finished contacts
    hold_total: int               # seconds on hold over them
    first_at: str | None          # the first and the last one's start
    last_at: str | None
    ids: str                      # "4,9,12"
    channels: str                 # "phone chat phone"
    outcomes: str                 # "info transferred refused"
    # How many contacts were put on hold, counted when one was held `min_hold` seconds or
    # all together `min_total_hold` (else 0: long holds are rare), and the ones held
    # `min_hold` or more, as CONTACT_COLUMNS rows.
    held: int
    long_holds: tuple[tuple, ...]
    overdue: tuple[Promise, ...]  # pending promises due before `now`, soonest due first
    broken: tuple[Promise, ...]   # promises marked broken: only read when one is overdue
    promise_ahead: bool           # a pending promise due at or after `now`


_new = tuple.__new__


def _facts_and_digest(row: tuple) -> tuple[CaseFacts, str | None]:
    return CaseFacts._make(row[:-1]), row[-1]


class AdviceQueryOps:
    """Mixed into Store."""

    def iter_case_summaries(self, now: str, min_hold: int, min_total_hold: int,
                            page: int | None = None) -> Iterator[list[CaseSummary]]:
        """Every open or waiting case by id, summarised for the stall rules at `now` (ISO
        UTC), `page` cases at a time (PAGE): memory stays flat however big the notebook is."""
        companies: dict[int, Company] = {}
        for rows in self._active_pages(min(page or PAGE, MAX_IDS), _facts_and_digest,
                                       columns=_FACTS + ", c.digest"):
            cases = [facts for facts, _ in rows]
            # (count, hold total, longest hold, held, first, last, ids, channels, outcomes)
            digests = [digest.split("|") if digest else None for _, digest in rows]
            longest = [int(d[2]) if d else 0 for d in digests]
            long_holds = self._grouped(
                _LONG_SQL, [c.id for c, hold in zip(cases, longest) if hold >= min_hold],
                CONTACT_COLUMNS.index("case_id"), min_hold)
            ahead, overdue, broken = self._promises([c.id for c in cases], now)
            companies.update(self._companies({c.company_id for c in cases} - companies.keys()))
            # tuple.__new__ straight: the named tuple's own __new__ is a Python call per case.
            out = []
            for c, d, hold in zip(cases, digests, longest):
                case_id = c.id
                if d is None:
                    out.append(_new(CaseSummary, (
                        c, companies.get(c.company_id), 0, 0, None, None, "", "", "", 0, (),
                        overdue.get(case_id, ()), broken.get(case_id, ()), case_id in ahead)))
                    continue
                hold_total = int(d[1])
                held = int(d[3]) if hold >= min_hold or hold_total >= min_total_hold else 0
                out.append(_new(CaseSummary, (
                    c, companies.get(c.company_id), int(d[0]), hold_total, d[4], d[5], d[6],
                    d[7], d[8], held, long_holds.get(case_id, ()), overdue.get(case_id, ()),
                    broken.get(case_id, ()), case_id in ahead)))
            yield out

    def _promises(self, case_ids: list[int], now: str) -> tuple[set[int], dict, dict]:
        """(cases with a pending promise due at or after `now`; case id -> its pending
        promises due before `now`; case id -> its broken promises, for those cases), for
        `case_ids` in ascending order (other cases in their range are left out)."""
        wanted, bounds = set(case_ids), (case_ids[0], case_ids[-1], now)
        ahead = {row[0] for row in self.conn.execute(_AHEAD_SQL, bounds)} & wanted
        overdue = {case_id: tuple(Promise(*row) for row in rows) for case_id, rows
                   in groupby(self.conn.execute(_OVERDUE_SQL, bounds),
                              key=itemgetter(_PROMISE_CASE)) if case_id in wanted}
        broken = {case_id: tuple(Promise(*row) for row in rows) for case_id, rows
                  in self._grouped(_BROKEN_SQL, list(overdue), _PROMISE_CASE).items()}
        return ahead, overdue, broken

    def _grouped(self, sql: str, case_ids: list[int], key: int,
                 *params) -> dict[int, tuple[tuple, ...]]:
        """case id -> the rows `sql` gives for those cases, sorted by case (in column `key`)."""
        if not case_ids:
            return {}
        return {case_id: tuple(group) for case_id, group
                in groupby(by_ids(self.conn, sql, case_ids, *params), key=itemgetter(key))}

    def finished_contacts(self, ids: Iterable[int]) -> dict[int, tuple]:
        """id -> CONTACT_COLUMNS row of the given contacts that have finished."""
        return {row[0]: row for row in by_ids(self.conn, _FINISHED_SQL, sorted(ids))}


def contact_row(interaction) -> tuple:
    return tuple(getattr(interaction, column) for column in CONTACT_COLUMNS)


def summarize(detail: CaseDetail, now: str, min_hold: int,
              min_total_hold: int) -> tuple[CaseSummary, tuple[tuple, ...]]:
    """What `iter_case_summaries` gives for this case, worked out in Python, and its finished
    contacts as CONTACT_COLUMNS rows, oldest first."""
    done = sorted((i for i in detail.interactions if i.outcome is not None),
                  key=attrgetter("started_at", "id"))     # ties go to the older id
    promises = detail.promises
    # As contact_digests reads them: promised with no promise recorded made no progress.
    bare = {i.id for i in done if i.outcome == "promised"} - {p.interaction_id for p in promises}
    overdue = tuple(sorted((p for p in promises if p.status == "pending" and p.due_at
                            and p.due_at < now), key=attrgetter("due_at", "id")))
    total = sum(i.hold_seconds for i in done)
    long_holds = tuple(contact_row(i) for i in done if i.hold_seconds >= min_hold)
    summary = CaseSummary(
        detail.case, detail.company, len(done), total,
        done[0].started_at if done else None, done[-1].started_at if done else None,
        ",".join(str(i.id) for i in done), " ".join(i.channel for i in done),
        " ".join("no_progress" if i.id in bare else i.outcome for i in done),
        sum(1 for i in done if i.hold_seconds > 0)
        if long_holds or total >= min_total_hold else 0, long_holds, overdue,
        tuple(p for p in promises if p.status == "broken") if overdue else (),
        any(p.status == "pending" and p.due_at and p.due_at >= now for p in promises))
    return summary, tuple(map(contact_row, done))
