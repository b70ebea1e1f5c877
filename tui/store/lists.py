"""Listing cases: keyset-paged lists with their filters and sorts, counts, cases by id,
promises coming due, and what the agenda reads (pending commitments due by a date, the open
and waiting cases with what their clocks count from: dates, milestones, refund promises,
channels, the company's policies), a page at a time through the indexes."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from . import case_list
from . import validate as v
from .case_list import SORTS  # noqa: F401 - the sorts a listing offers, found here too
from .cases import CASE_COLUMNS, case_from_row
from .chunks import MAX_IDS, by_ids, marks
from .companies import load_companies
from .fields import PROMISE_SELECT
from .records import (CHANNELS, STATUSES, Case, CaseDetail, Company, Interaction, Page, Promise,
                      promise_from_row)

PAGE = MAX_IDS   # cases or promises per page of the agenda's walks

# The partial index holds only pending promises, in due order: the keyset walks it.
_DUE_SQL = (f"SELECT {PROMISE_SELECT} FROM promises p INDEXED BY promises_pending_due "
            "JOIN cases c ON c.id = p.case_id "
            "WHERE p.status = 'pending' AND p.due_at IS NOT NULL AND p.due_at <= :until "
            "AND (p.due_at, p.id) > (:after_due, :after_id) "
            "AND c.status IN ('open', 'waiting') ORDER BY p.due_at, p.id LIMIT :page")
_ACTIVE_SQL = (f"SELECT {CASE_COLUMNS} FROM cases c INDEXED BY cases_active "
               "JOIN companies co ON co.id = c.company_id "
               "WHERE c.status IN ('open', 'waiting') AND c.id > ? ORDER BY c.id LIMIT ?")
_MILESTONES_SQL = ("SELECT id, uid, case_id, channel, started_at, milestone FROM interactions "
                   "WHERE case_id IN ({marks}) AND milestone IS NOT NULL")
# interactions_case covers (case_id, ..., channel): the channels cost no row reads.
_CHANNELS_SQL = ("SELECT DISTINCT case_id, channel FROM interactions INDEXED BY interactions_case "
                 "WHERE case_id IN ({marks})")
_COMPANY_PROMISES_SQL = (f"SELECT {PROMISE_SELECT}, i.started_at, i.channel FROM promises p "
                         "INDEXED BY promises_case "
                         "LEFT JOIN interactions i ON i.id = p.interaction_id "
                         "WHERE p.case_id IN ({marks}) AND p.party = 'company'")

# What a clock's start event needs read beyond the case row.
MILESTONE_EVENTS = frozenset(("formal_complaint", "final_response"))
PROMISE_EVENTS = frozenset(("refund_promise",))

_CASES_SQL = (f"SELECT {CASE_COLUMNS} FROM cases c JOIN companies co ON co.id = c.company_id "
              "WHERE c.id IN ({marks})")


class ListOps:
    """Mixed into Store."""

    def _filters(self, status: str | None, company: str | None,
                 channel: str | None) -> tuple[list[str], list[Any]]:
        return case_list.filters(status, company,
                                 v.choice("channel", channel, CHANNELS) if channel else None)

    def list_cases(self, *, status: str | None = None, company: str | None = None,
                   channel: str | None = None, sort: str = "recent", after: tuple | None = None,
                   limit: int = 50, reverse: bool = False) -> Page:
        """One page of cases; pass the returned `after` to get the next page. `reverse`
        walks the same order from its end (the last case first), for jumping to the end."""
        column = case_list.sort_of(sort)[0]
        sql, args = case_list.page_sql(
            CASE_COLUMNS, status=status, company=company, sort=sort, after=after,
            reverse=reverse, channel=v.choice("channel", channel, CHANNELS) if channel else None)
        cases = [case_from_row(r) for r in self.conn.execute(sql, (*args, limit))]
        key = None
        if len(cases) == limit:
            last = cases[-1]
            key = (last.id,) if column == "c.id" else (
                getattr(last, column.split(".")[1]), last.id)
        return Page(tuple(cases), key)

    def iter_cases(self, **filters: Any):
        """Every case matching the filters, fetched a page at a time."""
        after = None
        while True:
            page = self.list_cases(after=after, limit=500, **filters)
            yield from page.items
            if page.after is None:
                return
            after = page.after

    def count_cases(self, *, status: str | None = None, company: str | None = None,
                    channel: str | None = None) -> int:
        where, args = self._filters(status, company, channel)
        sql = "SELECT count(*) FROM cases c" + (" WHERE " + " AND ".join(where) if where else "")
        return self.conn.execute(sql, args).fetchone()[0]

    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        counts.update(self.conn.execute("SELECT status, count(*) FROM cases GROUP BY status"))
        return counts

    def recent_activity(self, limit: int = 10) -> list[Case]:
        return list(self.list_cases(limit=limit).items)

    def cases_by_id(self, ids: Iterable[int]) -> dict[int, Case]:
        """The cases with these ids, keyed by id; missing ids are left out."""
        return {case.id: case for case in map(case_from_row, by_ids(
            self.conn, _CASES_SQL, list(dict.fromkeys(ids))))}

    def ids_with_channel(self, ids: Iterable[int], channel: str) -> set[int]:
        """Which of these case ids had at least one contact on `channel`."""
        channel = v.choice("channel", channel, CHANNELS)
        ids = list(dict.fromkeys(ids))
        if not ids:
            return set()
        rows = self.conn.execute(
            f"SELECT DISTINCT case_id FROM interactions WHERE channel = ? "
            f"AND case_id IN ({marks(ids)})", (channel, *ids))
        return {r[0] for r in rows}

    def iter_commitments_due(self, until: str, *, page: int = PAGE
                             ) -> Iterator[list[tuple[Promise, Case]]]:
        """Pending promises and asks of open and waiting cases due at or before `until`
        (ISO UTC; overdue ones too), soonest first, `page` at a time with their cases."""
        after_due, after_id = "", 0
        while True:
            rows = self.conn.execute(_DUE_SQL, {"until": until, "after_due": after_due,
                                                "after_id": after_id, "page": page}).fetchall()
            if rows:
                promises = [promise_from_row(r) for r in rows]
                cases = self.cases_by_id(p.case_id for p in promises)
                yield [(p, cases[p.case_id]) for p in promises if p.case_id in cases]
            if len(rows) < page:
                return
            after_due, after_id = promises[-1].due_at, promises[-1].id

    def iter_clock_cases(self, events: Iterable[str] = (), *, channels: bool = False,
                         page: int = PAGE) -> Iterator[list[CaseDetail]]:
        """Every open or waiting case by id, `page` at a time, as a CaseDetail holding what
        its clocks count from: the case's own dates always; its milestone contacts and its
        company's promises only when `events` (the clocks' start events) need them; one
        contact per channel used with `channels`; its company with routes and policies."""
        events = frozenset(events)
        companies: dict[int, Company] = {}
        after = 0
        while True:
            rows = self.conn.execute(_ACTIVE_SQL, (after, page)).fetchall()
            cases = [case_from_row(r) for r in rows]
            if cases:
                missing = {c.company_id for c in cases} - set(companies)
                companies.update(load_companies(self.conn, missing))
                yield self._clock_details(cases, companies, events, channels)
            if len(rows) < page:
                return
            after = rows[-1][0]

    def _clock_details(self, cases: list[Case], companies: dict[int, Company],
                       events: frozenset[str], channels: bool) -> list[CaseDetail]:
        ids = [c.id for c in cases]
        contacts: dict[int, dict[int, Interaction]] = {i: {} for i in ids}
        promises: dict[int, list[Promise]] = {i: [] for i in ids}
        if events & MILESTONE_EVENTS:
            for r in by_ids(self.conn, _MILESTONES_SQL, ids):
                contacts[r[2]][r[0]] = Interaction(id=r[0], uid=r[1], case_id=r[2], channel=r[3],
                                                   started_at=r[4], milestone=r[5])
        if events & PROMISE_EVENTS:
            for *r, started, channel in by_ids(self.conn, _COMPANY_PROMISES_SQL, ids):
                promise = promise_from_row(r)
                promises[promise.case_id].append(promise)
                if promise.interaction_id and started:
                    # case_dates dates a promise from the contact it was made in.
                    contacts[promise.case_id].setdefault(promise.interaction_id, Interaction(
                        id=promise.interaction_id, uid="", case_id=promise.case_id,
                        channel=channel, started_at=started))
        used: dict[int, set[str]] = {}
        if channels:
            for case_id, channel in by_ids(self.conn, _CHANNELS_SQL, ids):
                used.setdefault(case_id, set()).add(channel)
        out = []
        for case in cases:
            found = list(contacts[case.id].values())
            have = {i.channel for i in found}
            # Stand-ins carry the channels alone: no milestone, no promise points at them.
            found += [Interaction(id=0, uid="", case_id=case.id, channel=ch,
                                  started_at=case.opened_at)
                      for ch in sorted(used.get(case.id, set()) - have)]
            found.sort(key=lambda i: (i.started_at, i.id))
            out.append(CaseDetail(case, (), tuple(found), tuple(promises[case.id]),
                                  companies.get(case.company_id)))
        return out
