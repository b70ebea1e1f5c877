"""Companies and cases: create, edit, status, references, snooze, delete, read."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from operator import itemgetter
from typing import Any, Iterable

from . import case_rows, timeline, undo
from . import validate as v
from . import times
from .money import agrees, currency_code
from .companies import CompanyOps
from .company_rows import like_prefix
from .uids import new_uid
from .errors import ValidationError
from .fields import CASE_ATTRS, CASE_BY_NAME, CASE_SELECT
from .records import (REF_KINDS, STATUSES, Case, CaseDetail, Ref, interaction_from_row,
                      promise_from_row)

CASE_COLUMNS = CASE_SELECT


# A Case's attributes in its own order, picked from a row by name or, for a plain tuple of
# CASE_COLUMNS, by where CASE_ATTRS puts each name.
_CASE_ORDER = tuple(Case.__dataclass_fields__)
_CASE_BY_NAME = itemgetter(*_CASE_ORDER)
_CASE_BY_PLACE = itemgetter(*(CASE_ATTRS.index(name) for name in _CASE_ORDER))


def case_from_row(row: sqlite3.Row | dict | tuple) -> Case:
    """A Case from a row read by name (a tuple is a row of CASE_COLUMNS, named in order)."""
    return Case(*(_CASE_BY_NAME if hasattr(row, "keys") else _CASE_BY_PLACE)(row))


def normalise_case_fields(fields: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Validate the editable case fields present in `fields` (shared by create, edit, import).

    `now` (the store's clock) marks what a person typed: relative dates are understood and
    amounts read as people write them; without it (an import) values are in stored form."""
    out: dict[str, Any] = {}
    money = None
    for key, value in fields.items():
        field = CASE_BY_NAME.get(key)
        if field is None:
            raise ValidationError(key, "is not a case field")
        if field.kind == "amount":
            blank = value is None or (isinstance(value, str) and not value.strip())
            money = None if blank else v.parse_money(key, value, stored=now is None)
            out[key] = money.amount if money else None
        else:
            out[key] = field.parse(value, now)
    if out.get("currency"):
        out["currency"] = currency_code(out["currency"])
    if money and money.currency:
        given = out.get("currency")
        if given and not agrees(money, given):
            raise ValidationError("currency", f"is {given} but the amount says {money.written}; "
                                              "give the currency once or make them agree")
        out["currency"] = given or money.currency
    return out


class CaseOps(CompanyOps):
    """Mixed into Store; relies on Connection's conn, write() and now() (the company
    directory's operations come with it: companies.py)."""

    def agents(self, company: str | None = None, prefix: str = "", limit: int = 50) -> list[str]:
        """Agents met before (optionally at one company), most recent first."""
        sql = ("SELECT i.agent, max(i.started_at) AS last FROM interactions i "
               "JOIN cases c ON c.id = i.case_id JOIN companies co ON co.id = c.company_id "
               "WHERE i.agent IS NOT NULL AND i.agent LIKE ? ESCAPE '\\'")
        args: list[Any] = [like_prefix(prefix)]
        if company:
            sql += " AND co.name = ?"
            args.append(company)
        sql += " GROUP BY i.agent ORDER BY last DESC LIMIT ?"
        return [r[0] for r in self.conn.execute(sql, (*args, limit))]

    # -- cases ---------------------------------------------------------------------------
    def resolve_case(self, ref: str | int) -> int:
        """A case's integer id from its id or its uid (as typed on the command line)."""
        return case_rows.resolve_case(self.conn, ref)

    def create_case(self, company: str, title: str, *, refs: Iterable[tuple[str, str]] = (),
                    company_details: dict | None = None, uid: str | None = None,
                    **fields: Any) -> Case:
        clean = normalise_case_fields({"title": title, **fields}, self.clock())
        clean_refs = [(v.choice("ref kind", k, REF_KINDS), v.text("ref", val, required=True))
                      for k, val in refs]
        now = self.now()
        clean.setdefault("opened_at", now)
        clean["opened_at"] = clean["opened_at"] or now
        # A status given at creation is set by hand (at its closing time when given).
        status, closed = clean.pop("status", None) or "open", clean.pop("closed_at", None)
        at = self._status_time(clean["opened_at"], closed, "closed_at")
        with self.write():
            cid = self._company_id(company, **(company_details or {}))
            cols = {"uid": uid or new_uid(), "company_id": cid, **clean,
                    "opened_given": clean["opened_at"], "last_activity_at": clean["opened_at"],
                    "created_at": now, "updated_at": now}
            cur = self.conn.execute(
                f"INSERT INTO cases ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                tuple(cols.values()))
            case_id = cur.lastrowid
            for kind, value in clean_refs:
                self.conn.execute("INSERT OR IGNORE INTO case_refs (case_id, kind, value) "
                                  "VALUES (?, ?, ?)", (case_id, kind, value))
            if status != "open":
                timeline.insert_event(self.conn, case_id, status, at, None, now)
                timeline.rederive(self.conn, [case_id])
        return self.get_case(case_id)

    def update_case(self, case_id: int, *, company: str | None = None, **fields: Any) -> Case:
        """Edit any case fields; only those given change."""
        current = self.get_case(case_id)
        if fields.get("amount") is not None and fields["amount"] == current.amount:
            del fields["amount"]  # resent as stored (a form): '1.299' there is not ambiguous
        clean = normalise_case_fields(fields, self.clock())
        # Status and closing are events on the timeline: a status (at closed_at when given),
        # or closed_at alone, which moves the closing of a closed case.
        status, closed = clean.pop("status", None), clean.pop("closed_at", None)
        if status is None and closed is not None:
            if current.status not in timeline.CLOSED:
                raise ValidationError("closed_at", f"case {case_id} is {current.status}, not "
                                                   "closed; set a status with its time")
            status = current.status
        opened = clean.get("opened_at") or current.opened_at
        if clean.get("opened_at"):
            first = self.conn.execute("SELECT min(started_at) FROM interactions WHERE "
                                      "case_id = ?", (case_id,)).fetchone()[0]
            if first and first < opened:
                raise ValidationError("opened_at", f"({times.local_time(opened)}) is after the "
                                      f"case's first contact ({times.local_time(first)}); a case "
                                      "opens no later than its first contact")
        at = self._status_time(opened, closed, "closed_at") if status else None
        if "opened_at" in clean:
            given = clean.pop("opened_at")   # opened_at follows it (rederive); blank: unchanged
            if given:
                clean["opened_given"] = given
        with self.write():
            if company is not None:
                clean["company_id"] = self._company_id(company)
            if clean:
                sets = ", ".join(f"{k} = ?" for k in clean)
                self.conn.execute(f"UPDATE cases SET {sets}, updated_at = ? WHERE id = ?",
                                  (*clean.values(), self.now(), case_id))
            if status:
                timeline.insert_event(self.conn, case_id, status, at, None, self.now())
            timeline.rederive(self.conn, [case_id])
        return self.get_case(case_id)

    def _status_time(self, opened_at: str, at: str | None, field: str = "at") -> str:
        """When a status set by hand takes effect: `at` (checked) or now."""
        if at is None:
            return max(self.now(), opened_at)
        timeline.check_not_ahead(field, at, self.clock(), "a status cannot be set")
        if at < opened_at:
            raise ValidationError(field, f"({times.local_time(at)}) is before the case was opened "
                                         f"({times.local_time(opened_at)})")
        return at

    def set_status(self, case_id: int, status: str, note: str | None = None,
                   at: str | None = None) -> Case:
        """Set the status by hand, at `at` (default now): an event on the case's timeline
        that holds until a later contact. A note is kept with the event and appended to the
        case notes with the date."""
        status = v.choice("status", status, STATUSES)
        case = self.get_case(case_id)
        when = self._status_time(case.opened_at,
                                 v.parse_when("at", at, now=self.clock()) if at else None)
        note = v.text("note", note)
        with self.write():
            if note:
                line = f"{when[:10]} {status}: {note}"
                self.conn.execute("UPDATE cases SET notes = ?, updated_at = ? WHERE id = ?",
                                  (f"{case.notes}\n{line}" if case.notes else line, self.now(),
                                   case_id))
            timeline.insert_event(self.conn, case_id, status, when, note, self.now())
            timeline.rederive(self.conn, [case_id])
        return self.get_case(case_id)

    def snooze(self, case_id: int, until: str | None) -> Case:
        """Silence the case's stall findings until a date (None wakes it)."""
        return self.update_case(case_id, snoozed_until=v.parse_when(
            "until", until, end_of_day=True, now=self.clock()))

    def add_ref(self, case_id: int, kind: str, value: str) -> None:
        kind = v.choice("ref kind", kind, REF_KINDS)
        value = v.text("ref", value, required=True).strip()
        self.get_case(case_id)
        with self.write():
            self.conn.execute("INSERT OR IGNORE INTO case_refs (case_id, kind, value) "
                              "VALUES (?, ?, ?)", (case_id, kind, value))

    def remove_ref(self, case_id: int, kind: str, value: str) -> bool:
        with self.write():
            cur = self.conn.execute("DELETE FROM case_refs WHERE case_id = ? AND kind = ? "
                                    "AND value = ?", (case_id, kind, value))
        return cur.rowcount > 0

    def delete_case(self, case_id: int) -> dict:
        """Delete a case and everything in it; returns every row it held (undo.snapshot,
        with its "id", "uid" and "title") for `restore_case`. Its attachment rows are in
        the snapshot and their files stay in the evidence folder, so an undo finds them:
        whoever drops the undo calls `sweep_evidence()` (the app does when its undo goes)."""
        with self.write():
            return undo.delete(self.conn, case_id)

    def restore_case(self, deleted: dict) -> int:
        """Undo `delete_case`: the case back as it was, under its own number; returns the
        number, a new one only when another case has taken the old one since."""
        with self.write():
            return undo.restore(self.conn, deleted)

    def get_case(self, case_id: int) -> Case:
        return case_from_row(case_rows.case_row(self.conn, case_id))

    def get_detail(self, case_id: int) -> CaseDetail:
        """The case with its references, timeline (oldest first), promises, company and
        evidence files."""
        case = self.get_case(case_id)
        refs = tuple(Ref(*r) for r in case_rows.ref_rows(self.conn, case_id))
        interactions = tuple(map(interaction_from_row, case_rows.interaction_rows(self.conn,
                                                                                  case_id)))
        promises = tuple(map(promise_from_row, case_rows.promise_rows(self.conn, case_id)))
        return CaseDetail(case, refs, interactions, promises, self.get_company(case.company_id),
                          tuple(self.attachments(case_id)))

    def meta_get(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def meta_set(self, key: str, value: str | None) -> None:
        with self.write():
            self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) "
                              "DO UPDATE SET value = excluded.value", (key, value))

