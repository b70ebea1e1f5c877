"""Companies in the interchange format (supportlog/1): the record export writes, its check on
import, and its merge, with its routes and policies merged by uid field by field as cases
are (a policy without a known uid matches the company's policy of the same name).

Files from before routes were kept give `phone`, `chat_url`, `email` and `hours` on the
company: each fills or merges into the company's first support route of that kind.
"""

from __future__ import annotations

from typing import Any

from . import validate as v
from .companies import (FIRST_SUPPORT, LEGACY_ROUTES, POLICY_FIELDS, POLICY_INSERT, ROUTE_FIELDS,
                        ROUTE_INSERT, clean_account, clean_policy, clean_route, next_position)
from .uids import new_uid
from .interchange_check import Rec, _once, _stamp, kind_of, name_key, short
from .merge import merge_fields

LEGACY = (*LEGACY_ROUTES, "hours")
COMPANY_MERGED = ("name", "notes", "account")
ROUTE_TEXTS = ("kind", "purpose", "label", "value", "hours", "note")
POLICY_TEXTS = ("name", "unit", "starts", "note", "source", "read_on")
ROUTE_SQL = f"SELECT id, updated_at, company_id, {', '.join(ROUTE_FIELDS)} FROM company_routes"
HOURS = 3 + ROUTE_FIELDS.index("hours")   # in a ROUTE_SQL row
POLICY_SQL = (f"SELECT id, updated_at, company_id, {', '.join(POLICY_FIELDS)} "
              "FROM company_policies")


# -- export ------------------------------------------------------------------------------------
def company_record(conn, company_id: int) -> dict:
    uid, name, notes, account, updated_at = conn.execute(
        "SELECT uid, name, notes, account, updated_at FROM companies WHERE id = ?",
        (company_id,)).fetchone()
    routes = [dict(zip(("uid", *ROUTE_FIELDS, "updated_at"), r)) for r in conn.execute(
        f"SELECT uid, {', '.join(ROUTE_FIELDS)}, updated_at FROM company_routes "
        "WHERE company_id = ? ORDER BY position, id", (company_id,))]
    policies = [dict(zip(("uid", *POLICY_FIELDS, "updated_at"), r)) for r in conn.execute(
        f"SELECT uid, {', '.join(POLICY_FIELDS)}, updated_at FROM company_policies "
        "WHERE company_id = ? ORDER BY name COLLATE NOCASE, id", (company_id,))]
    return {"uid": uid, "name": name, "notes": notes, "account": account, "routes": routes,
            "policies": policies, "updated_at": updated_at}


# -- check -------------------------------------------------------------------------------------
def check_company(rec: Rec, raw: Any, seen: dict) -> dict:
    """One company record with its routes and policies, checked and normalised."""
    raw = rec.obj(raw)
    given = rec.texts(raw, ("name", "notes", "account", *LEGACY))
    name = rec.run(v.text, "name", given["name"], True).strip()
    uid = rec.uid(raw)
    _once(seen["company"], uid, rec, "uid")
    _once(seen["company_name"], name_key(name), rec, "name", "name",
          "names match ignoring case, so list each company once")
    routes = []
    for m, item in enumerate(rec.items(raw, "routes")):
        r = rec.child("routes", m, item)
        item = r.obj(item)
        fields = r.texts(item, ROUTE_TEXTS)
        position = item.get("position")
        if position is not None and (isinstance(position, bool) or not isinstance(position, int)):
            raise r.error("position", f"expected a whole number, got {kind_of(position)}")
        route_uid = r.uid(item)
        _once(seen.setdefault("route", {}), route_uid, r, "uid")
        routes.append({"uid": route_uid, **r.run(clean_route, {
            **fields, "position": m if position is None else position}),
            **_stamp(r, item), "rec": r})
    policies, names = [], {}
    for m, item in enumerate(rec.items(raw, "policies")):
        p = rec.child("policies", m, item)
        item = p.obj(item)
        fields = p.texts(item, POLICY_TEXTS)
        days = item.get("days")
        if isinstance(days, bool) or not isinstance(days, int):
            raise p.error("days", f"expected a whole number of days, got {kind_of(days)}")
        policy_uid = p.uid(item)
        _once(seen.setdefault("policy", {}), policy_uid, p, "uid")
        clean = p.run(clean_policy, {**fields, "days": days})
        _once(names, clean["name"].lower(), p, "name", "name",
              "each policy of a company needs its own name")
        policies.append({"uid": policy_uid, **clean, **_stamp(p, item), "rec": p})
    return {"uid": uid, "name": name, "notes": rec.run(v.text, "notes", given["notes"]),
            "account": rec.run(clean_account, given["account"]),
            "legacy": {k: rec.run(v.text, k, given[k]) for k in LEGACY},
            "routes": routes, "policies": policies, **_stamp(rec, raw), "rec": rec}


# -- merge -------------------------------------------------------------------------------------
class CompanyMerge:
    """Merges company records for one import (the Importer's counts, conflicts, clock)."""

    def __init__(self, importer):
        self.imp, self.conn = importer, importer.conn

    def merge(self, rec: dict) -> int:
        """Match by uid, else by name as the notebook compares names (ignoring the case of
        A-Z). A uid match may rename the company when the file's side wins; a name match
        keeps the notebook's spelling. Returns the company's id."""
        conn, imp = self.conn, self.imp
        cols = ", ".join(COMPANY_MERGED)
        by_uid = conn.execute(f"SELECT id, updated_at, {cols} FROM companies WHERE uid = ?",
                              (rec["uid"],)).fetchone()
        by_name = conn.execute("SELECT id, uid FROM companies WHERE name = ?",
                               (rec["name"],)).fetchone()
        added = by_uid is None and by_name is None
        if added:
            at = rec["updated_at"] or imp.written or imp.now
            company_id = conn.execute(
                "INSERT INTO companies (uid, name, notes, account, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", (rec["uid"], rec["name"], rec["notes"],
                                              rec["account"], imp.now, at)).lastrowid
            imp.counts["companies_added"] += 1
        else:
            row = by_uid or conn.execute(f"SELECT id, updated_at, {cols} FROM companies "
                                         "WHERE id = ?", (by_name[0],)).fetchone()
            company_id, local_at, local = row[0], row[1], dict(zip(COMPANY_MERGED, row[2:]))
            fields = COMPANY_MERGED if by_uid else COMPANY_MERGED[1:]
            m = merge_fields(local, local_at, rec, rec["updated_at"], fields, rec["given"])
            if "name" in m.changes:
                if by_name and by_name[0] != company_id:
                    raise Rec.at(rec["rec"]).error(
                        "name", f"{short(rec['name'])} is the name of another company in the "
                                f"notebook (uid {by_name[1]}); rename one of them, then import "
                                "again")
                imp.renamed.append({"uid": rec["uid"], "from": local["name"], "to": rec["name"]})
            imp._update("companies", company_id, m.changes, m.updated_at, local_at)
            imp._conflict("company", rec["uid"], m.kept)
        # An older file's phone, chat_url, email and hours are fields of the company record:
        # they count as its change.
        legacy = self._legacy(company_id, rec)
        if not added:
            imp.counts["companies_updated"] += bool(m.changes) or legacy
        for route in rec["routes"]:
            self._route(company_id, route, rec)
        for policy in rec["policies"]:
            self._policy(company_id, policy, rec)
        return company_id

    def _at(self, child: dict, rec: dict) -> str:
        return child.get("updated_at") or rec["updated_at"] or self.imp.written or self.imp.now

    def _insert_route(self, company_id: int, route: dict, rec: dict,
                      counter: str | None = "routes_added") -> None:
        self.conn.execute(ROUTE_INSERT, (
            route["uid"], company_id, route["kind"], route.get("purpose", "support"),
            route.get("label"), route["value"], route.get("hours"), route.get("note"),
            route.get("position", 0), self.imp.now, self._at(route, rec)))
        if counter:
            self.imp.counts[counter] += 1

    def _route(self, company_id: int, route: dict, rec: dict) -> None:
        row = self.conn.execute(f"{ROUTE_SQL} WHERE uid = ?", (route["uid"],)).fetchone()
        if row is None:
            self._insert_route(company_id, route, rec)
            return
        changes = self._merge("company_routes", "route", row, ROUTE_FIELDS, route,
                              route["updated_at"], route["given"])
        self.imp.counts["routes_updated"] += bool(changes)

    def _merge(self, table: str, kind: str, row: tuple, fields: tuple, incoming: dict,
               incoming_at: str | None, given) -> dict:
        """Merge one child row (id, updated_at, company_id, *fields); returns the changes."""
        local = dict(zip(fields, row[3:]))
        m = merge_fields(local, row[1], incoming, incoming_at, fields, given)
        self.imp._update(table, row[0], m.changes, m.updated_at, row[1])
        self.imp._conflict(kind, incoming["uid"], m.kept)
        return m.changes

    def _legacy(self, company_id: int, rec: dict) -> bool:
        """An older file's phone, chat_url, email and hours: into the first support route of
        each kind, by the company record's time (hours on the phone route, else the first
        route, else the notes as the upgrade to schema 5 does). Whether anything changed."""
        legacy, changed = rec["legacy"], False
        for key, kind in LEGACY_ROUTES.items():
            value = legacy[key]
            if value is None:
                continue
            row = self.conn.execute(f"{ROUTE_SQL} {FIRST_SUPPORT}", (company_id, kind)).fetchone()
            if row is None:
                position = next_position(self.conn, company_id)
                self._insert_route(company_id, {"uid": new_uid(), "kind": kind, "value": value,
                                                "position": position}, rec, None)
                changed = True
                continue
            changed |= bool(self._merge("company_routes", "company", row, ("value",), {
                "uid": rec["uid"], "value": value}, rec["updated_at"], {"value"}))
        hours = legacy["hours"]
        if hours is None:
            return changed
        row = self.conn.execute(f"{ROUTE_SQL} WHERE company_id = ? ORDER BY kind != 'phone', "
                                "position, id LIMIT 1", (company_id,)).fetchone()
        if row is not None:
            return changed | bool(self._merge("company_routes", "company", row[:3] + (row[HOURS],),
                                              ("hours",), {"uid": rec["uid"], "hours": hours},
                                              rec["updated_at"], {"hours"}))
        notes = self.conn.execute("SELECT notes FROM companies WHERE id = ?",
                                  (company_id,)).fetchone()[0]
        if notes and f"Hours: {hours}" in notes:
            return changed
        self.conn.execute("UPDATE companies SET notes = ? WHERE id = ?", (
            f"{notes}\nHours: {hours}" if notes else f"Hours: {hours}", company_id))
        return True

    def _policy(self, company_id: int, policy: dict, rec: dict) -> None:
        row = self.conn.execute(f"{POLICY_SQL} WHERE uid = ?", (policy["uid"],)).fetchone()
        if row is None:
            row = self.conn.execute(f"{POLICY_SQL} WHERE company_id = ? AND name = ? COLLATE "
                                    "NOCASE", (company_id, policy["name"])).fetchone()
        if row is None:
            self.conn.execute(POLICY_INSERT, (
                policy["uid"], company_id, *(policy[k] for k in POLICY_FIELDS), self.imp.now,
                self._at(policy, rec)))
            self.imp.counts["policies_added"] += 1
            return
        clash = self.conn.execute("SELECT uid FROM company_policies WHERE company_id = ? AND "
                                  "name = ? COLLATE NOCASE AND id != ?",
                                  (row[2], policy["name"], row[0])).fetchone()
        fields = POLICY_FIELDS if clash is None else POLICY_FIELDS[1:]
        changes = self._merge("company_policies", "policy",
                              row[:3] + row[3 + (clash is not None):], fields, policy,
                              policy["updated_at"], policy["given"])
        self.imp.counts["policies_updated"] += bool(changes)
