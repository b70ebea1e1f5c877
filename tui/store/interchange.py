"""The interchange format `supportlog/1`: export (streamed) and import (validated, atomic,
idempotent, merging by uid)."""

from __future__ import annotations

import json
from typing import IO, Any, Iterable, Iterator

from . import validate as v
from .cases import COMPANY_FIELDS, normalise_case_fields
from .db import new_uid
from .errors import ValidationError
from .interactions import check_times, normalise_interaction_fields
from .records import PROMISE_STATUSES, REF_KINDS

FORMAT = "supportlog/1"
CASE_FIELDS = ("title", "category", "want", "status", "seller", "opened_at", "closed_at",
               "purchased_on", "delivered_on", "due_on", "amount", "currency", "notes",
               "snoozed_until")
INTERACTION_FIELDS = ("channel", "direction", "agent", "agent_id", "started_at", "ended_at",
                      "hold_seconds", "outcome", "reference", "transcript_ref", "notes")


class InterchangeOps:
    """Mixed into Store."""

    # -- export --------------------------------------------------------------------------
    def company_record(self, company_id: int) -> dict:
        row = self.conn.execute(f"SELECT uid, name, {', '.join(COMPANY_FIELDS)} FROM companies "
                                "WHERE id = ?", (company_id,)).fetchone()
        return dict(zip(("uid", "name", *COMPANY_FIELDS), row))

    def case_record(self, case_id: int) -> dict:
        """One case as an interchange record, with refs, interactions and promises."""
        self.get_case(case_id)
        row = self.conn.execute(
            f"SELECT c.uid, co.name, {', '.join('c.' + f for f in CASE_FIELDS)} FROM cases c "
            "JOIN companies co ON co.id = c.company_id WHERE c.id = ?", (case_id,)).fetchone()
        record = dict(zip(("uid", "company", *CASE_FIELDS), row))
        record["refs"] = [{"kind": k, "value": val} for k, val in self.conn.execute(
            "SELECT kind, value FROM case_refs WHERE case_id = ? ORDER BY id", (case_id,))]
        cols = ", ".join("i." + f for f in INTERACTION_FIELDS)
        record["interactions"] = [
            dict(zip(("uid", *INTERACTION_FIELDS, "transcript_text"), r))
            for r in self.conn.execute(
                f"SELECT i.uid, {cols}, t.text FROM interactions i LEFT JOIN transcripts t "
                "ON t.interaction_id = i.id WHERE i.case_id = ? ORDER BY i.started_at, i.id",
                (case_id,))]
        record["promises"] = [
            dict(zip(("uid", "interaction_uid", "text", "due_at", "status"), r))
            for r in self.conn.execute(
                "SELECT p.uid, i.uid, p.text, p.due_at, p.status FROM promises p LEFT JOIN "
                "interactions i ON i.id = p.interaction_id WHERE p.case_id = ? "
                "ORDER BY p.id", (case_id,))]
        return record

    def export_json(self, out: IO[str], case_ids: Iterable[int] | None = None) -> int:
        """Write the notebook (or the given cases) to `out`, a case at a time; returns the
        number of cases written."""
        if case_ids is None:
            ids: Iterator[int] = (c.id for c in self.iter_cases(sort="id"))
            company_ids = [r[0] for r in self.conn.execute("SELECT id FROM companies ORDER BY id")]
        else:
            ids_list = list(dict.fromkeys(case_ids))
            ids = iter(ids_list)
            company_ids = sorted({self.get_case(i).company_id for i in ids_list})
        out.write('{"format": %s, "exported_at": %s,\n "companies": [' % (
            json.dumps(FORMAT), json.dumps(self.now())))
        for n, cid in enumerate(company_ids):
            out.write(("," if n else "") + "\n  " + _dumps(self.company_record(cid)))
        out.write('],\n "cases": [')
        count = 0
        for n, case_id in enumerate(ids):
            out.write(("," if n else "") + "\n  " + _dumps(self.case_record(case_id)))
            count += 1
        out.write("]}\n")
        return count

    # -- import --------------------------------------------------------------------------
    def import_records(self, data: Any) -> dict[str, int]:
        """Merge an interchange document by uid, all or nothing. Returns counts of what was
        added and updated; importing the same document twice changes nothing."""
        companies, cases = validate_document(data)
        counts = dict.fromkeys(("companies_added", "cases_added", "cases_updated",
                                "interactions_added", "interactions_updated", "promises_added",
                                "promises_updated", "unchanged"), 0)
        with self.write():
            for company in companies:
                self._merge_company(company, counts)
            for case in cases:
                self._merge_case(case, counts)
        return counts

    def _merge_company(self, rec: dict, counts: dict) -> int:
        row = self.conn.execute("SELECT id FROM companies WHERE uid = ? OR name = ? "
                                "ORDER BY uid = ? DESC", (rec["uid"], rec["name"], rec["uid"])
                                ).fetchone()
        if row is None:
            counts["companies_added"] += 1
            return self._company_id(rec["name"], **{k: rec.get(k) for k in
                                                    ("uid", *COMPANY_FIELDS)})
        current = self.company_record(row[0])
        changed = {k: rec[k] for k in ("name", *COMPANY_FIELDS) if rec.get(k) != current[k]
                   and rec.get(k) is not None}
        if changed:
            self.conn.execute(f"UPDATE companies SET {', '.join(f'{k} = ?' for k in changed)}, "
                              "updated_at = ? WHERE id = ?", (*changed.values(), self.now(), row[0]))
        return row[0]

    def _merge_case(self, rec: dict, counts: dict) -> None:
        company_id = self._company_id(rec["company"])
        row = self.conn.execute("SELECT id FROM cases WHERE uid = ?", (rec["uid"],)).fetchone()
        fields = {k: rec[k] for k in CASE_FIELDS}
        now = self.now()
        if row is None:
            cols = {"uid": rec["uid"], "company_id": company_id, **fields,
                    "last_activity_at": fields["opened_at"], "created_at": now,
                    "updated_at": now}
            case_id = self.conn.execute(
                f"INSERT INTO cases ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                tuple(cols.values())).lastrowid
            counts["cases_added"] += 1
        else:
            case_id = row[0]
            current = self.case_record(case_id)
            changed = {k: val for k, val in fields.items() if current[k] != val}
            if current["company"].lower() != rec["company"].lower():
                changed["company_id"] = company_id
            if changed:
                self.conn.execute(f"UPDATE cases SET {', '.join(f'{k} = ?' for k in changed)}, "
                                  "updated_at = ? WHERE id = ?", (*changed.values(), now, case_id))
                counts["cases_updated"] += 1
            else:
                counts["unchanged"] += 1
        for ref in rec["refs"]:
            self.conn.execute("INSERT OR IGNORE INTO case_refs (case_id, kind, value) "
                              "VALUES (?, ?, ?)", (case_id, ref["kind"], ref["value"]))
        for inter in rec["interactions"]:
            self._merge_interaction(case_id, inter, counts)
        for promise in rec["promises"]:
            self._merge_promise(case_id, promise, counts)

    def _merge_interaction(self, case_id: int, rec: dict, counts: dict) -> None:
        fields = {k: rec[k] for k in INTERACTION_FIELDS}
        row = self.conn.execute("SELECT id FROM interactions WHERE uid = ?",
                                (rec["uid"],)).fetchone()
        now = self.now()
        if row is None:
            cols = {"uid": rec["uid"], "case_id": case_id, **fields, "created_at": now,
                    "updated_at": now}
            iid = self.conn.execute(
                f"INSERT INTO interactions ({', '.join(cols)}) "
                f"VALUES ({', '.join('?' * len(cols))})", tuple(cols.values())).lastrowid
            counts["interactions_added"] += 1
        else:
            iid = row[0]
            current = dict(zip(INTERACTION_FIELDS, self.conn.execute(
                f"SELECT {', '.join(INTERACTION_FIELDS)} FROM interactions WHERE id = ?",
                (iid,)).fetchone()))
            changed = {k: val for k, val in fields.items() if current[k] != val}
            if changed:
                self.conn.execute(
                    f"UPDATE interactions SET {', '.join(f'{k} = ?' for k in changed)}, "
                    "updated_at = ? WHERE id = ?", (*changed.values(), now, iid))
                counts["interactions_updated"] += 1
        text = rec.get("transcript_text")
        if text is not None and text != self.transcript(iid):
            self.conn.execute("INSERT INTO transcripts (interaction_id, text) VALUES (?, ?) "
                              "ON CONFLICT(interaction_id) DO UPDATE SET text = excluded.text",
                              (iid, text))

    def _merge_promise(self, case_id: int, rec: dict, counts: dict) -> None:
        iid = None
        if rec.get("interaction_uid"):
            found = self.conn.execute("SELECT id FROM interactions WHERE uid = ?",
                                      (rec["interaction_uid"],)).fetchone()
            iid = found[0] if found else None
        row = self.conn.execute("SELECT id, interaction_id, text, due_at, status FROM promises "
                                "WHERE uid = ?", (rec["uid"],)).fetchone()
        if row is None:
            self._insert_promise(case_id, rec["text"], rec["due_at"], iid, uid=rec["uid"],
                                 status=rec["status"])
            counts["promises_added"] += 1
        elif tuple(row[1:]) != (iid, rec["text"], rec["due_at"], rec["status"]):
            self.conn.execute("UPDATE promises SET interaction_id = ?, text = ?, due_at = ?, "
                              "status = ?, updated_at = ? WHERE id = ?",
                              (iid, rec["text"], rec["due_at"], rec["status"], self.now(), row[0]))
            counts["promises_updated"] += 1


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def load_document(fp: IO[str], name: str) -> Any:
    try:
        return json.load(fp)
    except json.JSONDecodeError as exc:
        raise ValidationError(name, f"is not valid JSON (line {exc.lineno}, column {exc.colno}); "
                                    "export files come from `supportlog export --format json`"
                              ) from None
    except UnicodeDecodeError:
        raise ValidationError(name, "is not UTF-8 text; export files come from "
                                    "`supportlog export --format json`") from None


def _obj(where: str, value: Any) -> dict:
    if not isinstance(value, dict):
        raise ValidationError(where, "must be an object")
    return value


def _list(where: str, value: Any) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(where, "must be a list")
    return value


def _at(where: str, fn, *args):
    """Run a validator, prefixing its error with the record's path (cases[3].channel)."""
    try:
        return fn(*args)
    except ValidationError as exc:
        raise ValidationError(f"{where}.{exc.field}", exc.message) from None


def _uid(where: str, value: Any) -> str:
    if value is None or value == "":
        return new_uid()
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise ValidationError(f"{where}.uid", "must be a short text")
    return value.strip()


def validate_document(data: Any) -> tuple[list[dict], list[dict]]:
    """Check and normalise a whole document before anything is written."""
    doc = _obj("document", data)
    if doc.get("format") != FORMAT:
        raise ValidationError("format", f"is {doc.get('format')!r}; this supportlog reads "
                                        f"{FORMAT!r}")
    companies = []
    for n, raw in enumerate(_list("companies", doc.get("companies"))):
        where = f"companies[{n}]"
        raw = _obj(where, raw)
        name = _at(where, v.text, "name", raw.get("name"), True)
        details = {k: _at(where, v.text, k, raw.get(k)) for k in COMPANY_FIELDS}
        companies.append({"uid": _uid(where, raw.get("uid")), "name": name.strip(), **details})
    cases = []
    for n, raw in enumerate(_list("cases", doc.get("cases"))):
        where = f"cases[{n}]"
        raw = _obj(where, raw)
        company = _at(where, v.text, "company", raw.get("company"), True).strip()
        fields = _at(where, normalise_case_fields, {k: raw.get(k) for k in CASE_FIELDS})
        if not fields.get("opened_at"):
            raise ValidationError(f"{where}.opened_at", "is required")
        refs = []
        for m, ref in enumerate(_list(f"{where}.refs", raw.get("refs"))):
            ref = _obj(f"{where}.refs[{m}]", ref)
            refs.append({"kind": _at(f"{where}.refs[{m}]", v.choice, "kind", ref.get("kind"),
                                     REF_KINDS),
                         "value": _at(f"{where}.refs[{m}]", v.text, "value", ref.get("value"),
                                      True)})
        inters, seen = [], set()
        for m, inter in enumerate(_list(f"{where}.interactions", raw.get("interactions"))):
            w = f"{where}.interactions[{m}]"
            inter = _obj(w, inter)
            values = {k: inter.get(k) for k in INTERACTION_FIELDS}
            hold = values.pop("hold_seconds") or 0
            if not isinstance(hold, int) or isinstance(hold, bool):
                raise ValidationError(f"{w}.hold_seconds", "must be a whole number of seconds")
            clean = _at(w, normalise_interaction_fields, values)
            clean["hold_seconds"] = _at(w, v.parse_duration, "hold_seconds", hold)
            if not clean.get("started_at"):
                raise ValidationError(f"{w}.started_at", "is required")
            _at(w, check_times, clean["started_at"], clean.get("ended_at"), 0)
            uid = _uid(w, inter.get("uid"))
            seen.add(uid)
            inters.append({"uid": uid, **clean, "transcript_text": _at(
                w, v.text, "transcript_text", inter.get("transcript_text"))})
        promises = []
        for m, prom in enumerate(_list(f"{where}.promises", raw.get("promises"))):
            w = f"{where}.promises[{m}]"
            prom = _obj(w, prom)
            promises.append({
                "uid": _uid(w, prom.get("uid")),
                "interaction_uid": prom.get("interaction_uid") or None,
                "text": _at(w, v.text, "text", prom.get("text"), True),
                "due_at": _at(w, v.parse_when, "due_at", prom.get("due_at")),
                "status": _at(w, v.choice, "status", prom.get("status") or "pending",
                              PROMISE_STATUSES)})
        cases.append({"uid": _uid(where, raw.get("uid")), "company": company, **fields,
                      "refs": refs, "interactions": inters, "promises": promises})
    return companies, cases
