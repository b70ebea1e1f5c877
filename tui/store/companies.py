"""The company directory: companies with their routes (ways in) and policy windows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from . import validate as v
from .chunks import by_ids
from .company_rows import case_counts, like_prefix
from .uids import new_uid
from .errors import NotFound, ValidationError
from .policies import parse_policy
from .records import (CLOCK_STARTS, POLICY_UNITS, ROUTE_KINDS, ROUTE_PURPOSES, Company, Policy,
                      Route)

COMPANY_COLUMNS = "id, uid, name, notes, advice_rev, account"
ROUTE_FIELDS = ("kind", "purpose", "label", "value", "hours", "note", "position")
POLICY_FIELDS = ("name", "days", "unit", "starts", "note", "source", "read_on")
ROUTE_COLUMNS = "id, uid, company_id, kind, value, purpose, label, hours, note, position"
POLICY_COLUMNS = "id, uid, company_id, name, days, unit, starts, note, source, read_on"
# The columns companies had before routes were kept, each now the first support route of a
# kind (what Company.phone and the others read); `hours` rides on the phone route.
LEGACY_ROUTES = {"phone": "phone", "chat_url": "chat", "email": "email"}
ROUTE_INSERT = ("INSERT INTO company_routes (uid, company_id, kind, purpose, label, value, hours, "
                "note, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
POLICY_INSERT = (f"INSERT INTO company_policies (uid, company_id, {', '.join(POLICY_FIELDS)}, "
                 "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
# A company's first support route of a kind: what Company.phone and the others read.
FIRST_SUPPORT = ("WHERE company_id = ? AND kind = ? AND purpose = 'support' "
                 "ORDER BY position, id LIMIT 1")


def clean_account(value: Any) -> str | None:
    """Your account number with a company: one line, blank is none."""
    text = v.text("account", value)
    text = " ".join(text.split()) if text else None
    return text or None


def clean_route(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A route's fields checked: kind and purpose from their vocabularies, value required."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "kind":
            out[key] = v.choice("kind", value, ROUTE_KINDS)
        elif key == "purpose":
            out[key] = v.choice("purpose", value or "support", ROUTE_PURPOSES)
        elif key == "value":
            out[key] = v.text("value", value, required=True).strip()
        elif key in ("label", "hours", "note"):
            out[key] = v.text(key, value)
        elif key == "position":
            out[key] = int(value or 0)
        else:
            raise ValidationError(key, "is not a route field")
    return out


def clean_policy(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A policy's fields checked (as parse_policy gives them, or from a file)."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "name":
            out[key] = " ".join((v.text("name", value, required=True) or "").split())
        elif key == "days":
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValidationError("days", f"expected a whole number above 0, got {value!r}")
            out[key] = value
        elif key == "unit":
            out[key] = v.choice("unit", value, POLICY_UNITS)
        elif key == "starts":
            out[key] = v.choice("starts", value, CLOCK_STARTS)
        elif key in ("note", "source"):
            out[key] = v.text(key, value)
        elif key == "read_on":
            out[key] = v.parse_date("read_on", value)
        else:
            raise ValidationError(key, "is not a policy field")
    return out


@dataclass
class CompanyChanges:
    """What one `company add`/`edit` (or the app's form) changes, applied in one write unit.

    `routes` are added, or replace the route of the same kind, purpose and label; `remove`
    names routes to delete (an id, a kind, kind:label or the value); `policies` are policy
    texts or field dicts, replacing the one of the same name; `remove_policies` are names."""

    name: str | None = None
    notes: str | None = None
    account: str | None = None      # your account or customer number with them
    set_account: bool = False       # account given (None or blank clears it)
    routes: list[dict] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    policies: list[str | dict] = field(default_factory=list)
    policy_source: str | None = None
    policy_read_on: str | None = None
    remove_policies: list[str] = field(default_factory=list)
    set_notes: bool = False         # notes given (None clears them)
    hours: str | None = None        # onto the first support phone line


def load_companies(conn, ids: Iterable[int]) -> dict[int, Company]:
    """The companies with these ids, with their routes and policies, a chunk at a time."""
    ids = sorted(set(ids))
    routes: dict[int, list[Route]] = {}
    for row in by_ids(conn, f"SELECT {ROUTE_COLUMNS} FROM company_routes WHERE company_id "
                            "IN ({marks}) ORDER BY company_id, position, id", ids):
        routes.setdefault(row[2], []).append(Route(*row))
    policies: dict[int, list[Policy]] = {}
    for row in by_ids(conn, f"SELECT {POLICY_COLUMNS} FROM company_policies WHERE "
                            "company_id IN ({marks}) ORDER BY company_id, name COLLATE NOCASE, "
                            "id", ids):
        policies.setdefault(row[2], []).append(Policy(*row))
    return {row[0]: Company(*row, routes=tuple(routes.get(row[0], ())),
                            policies=tuple(policies.get(row[0], ())))
            for row in by_ids(conn, f"SELECT {COMPANY_COLUMNS} FROM companies "
                                    "WHERE id IN ({marks})", ids)}


class CompanyOps:
    """Mixed into Store (through CaseOps); relies on Connection's conn, write() and now()."""

    def _company_id(self, name: str, **details: Any) -> int:
        """The id of the company called `name` (case-insensitive), created if new with the
        given details (uid, notes, the legacy phone/chat_url/email/hours, routes, policies).
        Must run inside a write unit."""
        name = v.text("company", name, required=True).strip()
        row = self.conn.execute("SELECT id FROM companies WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        now = self.now()
        notes = v.text("notes", details.get("notes"))
        hours = v.text("hours", details.get("hours"))
        if hours and not legacy_routes(details):  # no route to hang them on: kept in the notes
            notes = f"{notes}\nHours: {hours}" if notes else f"Hours: {hours}"
        cur = self.conn.execute(
            "INSERT INTO companies (uid, name, notes, account, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", (details.get("uid") or new_uid(), name, notes,
                                          clean_account(details.get("account")), now, now))
        company_id = cur.lastrowid
        routes = [*legacy_routes(details), *details.get("routes", ())]
        policies = list(details.get("policies", ()))
        if routes or policies:
            self._apply(company_id, CompanyChanges(routes=routes, policies=policies))
        return company_id

    # -- reading -------------------------------------------------------------------------
    def companies(self, prefix: str = "", limit: int | None = 50) -> list[Company]:
        """Known companies by name (those starting with `prefix`), with routes and policies."""
        ids = [r[0] for r in self.conn.execute(
            "SELECT id FROM companies WHERE name LIKE ? ESCAPE '\\' ORDER BY name COLLATE NOCASE "
            "LIMIT ?", (like_prefix(prefix), -1 if limit is None else limit))]
        found = load_companies(self.conn, ids)
        return [found[i] for i in ids if i in found]

    def get_company(self, name_or_id: str | int) -> Company:
        if isinstance(name_or_id, int):
            row = (name_or_id,)
        else:
            row = self.conn.execute("SELECT id FROM companies WHERE name = ?",
                                    (str(name_or_id).strip(),)).fetchone()
        found = load_companies(self.conn, [row[0]]) if row else {}
        if not found:
            raise NotFound(f"no company called {name_or_id!r}; `supportlog company list` "
                           "shows them")
        return next(iter(found.values()))

    def company_case_counts(self) -> dict[int, tuple[int, int]]:
        """company id -> (cases, open or waiting cases)."""
        return case_counts(self.conn)

    def policy_starts(self) -> set[str]:
        """The start events of every company policy in the notebook."""
        return {r[0] for r in self.conn.execute("SELECT DISTINCT starts FROM company_policies")}

    # -- writing -------------------------------------------------------------------------
    def add_company(self, name: str, changes: CompanyChanges | None = None) -> Company:
        """A new company (an error if one has that name, ignoring case), with its details."""
        name = v.text("name", name, required=True).strip()
        changes = changes or CompanyChanges()
        with self.write():
            found = self.conn.execute("SELECT name FROM companies WHERE name = ?",
                                      (name,)).fetchone()
            if found:
                raise ValidationError("name", f"{found[0]!r} is in the directory already; "
                                              f"use `supportlog company edit {found[0]!r}`")
            company_id = self._company_id(name)
            self._apply(company_id, changes)
        return self.get_company(company_id)

    def edit_company(self, name_or_id: str | int, changes: CompanyChanges) -> Company:
        company = self.get_company(name_or_id)
        with self.write():
            self._apply(company.id, changes)
        return self.get_company(company.id)

    def update_company(self, name_or_id: str | int, **fields: str | None) -> Company:
        """Set name or notes, or the legacy phone/chat_url/email/hours (the first support
        route of that kind; blank removes it)."""
        changes = CompanyChanges()
        legacy: dict[str, str | None] = {}
        for key, value in fields.items():
            if key == "name":
                changes.name = value
            elif key == "notes":
                changes.notes, changes.set_notes = value, True
            elif key in (*LEGACY_ROUTES, "hours"):
                legacy[key] = value
            else:
                raise ValidationError(key, "is not a company field")
        company = self.get_company(name_or_id)
        with self.write():
            self._apply(company.id, changes)
            self._set_legacy(company.id, legacy)
        return self.get_company(company.id)

    def _set_legacy(self, company_id: int, legacy: Mapping[str, str | None]) -> None:
        now = self.now()
        if legacy:
            self.conn.execute("UPDATE companies SET updated_at = ? WHERE id = ?",
                              (now, company_id))
        for key, value in legacy.items():
            kind = LEGACY_ROUTES.get(key, "phone")
            row = self.conn.execute(f"SELECT id FROM company_routes {FIRST_SUPPORT}",
                                    (company_id, kind)).fetchone()
            text = v.text(key, value)
            column = "hours" if key == "hours" else "value"
            if row and (text is not None or column == "hours"):
                self.conn.execute(f"UPDATE company_routes SET {column} = ?, updated_at = ? "
                                  "WHERE id = ?", (text, now, row[0]))
            elif row:
                self.conn.execute("DELETE FROM company_routes WHERE id = ?", (row[0],))
            elif text is not None and column == "value":
                self._insert_route(company_id, {"kind": kind, "value": text}, now)

    def _apply(self, company_id: int, ch: CompanyChanges) -> None:
        """Every change in `ch` to one company, inside the caller's write unit."""
        now = self.now()
        sets: dict[str, Any] = {}
        if ch.name is not None:
            sets["name"] = v.text("name", ch.name, required=True).strip()
            other = self.conn.execute("SELECT name FROM companies WHERE name = ? AND id != ?",
                                      (sets["name"], company_id)).fetchone()
            if other:
                raise ValidationError("name", f"{other[0]!r} is another company's name; pick "
                                              "another")
        if ch.set_notes or ch.notes is not None:
            sets["notes"] = v.text("notes", ch.notes)
        if ch.set_account or ch.account is not None:
            sets["account"] = clean_account(ch.account)
        # A change to a route or policy is a change to the company's record too.
        if sets or ch.remove or ch.routes or ch.hours is not None or ch.remove_policies \
                or ch.policies:
            self.conn.execute(f"UPDATE companies SET {''.join(f'{k} = ?, ' for k in sets)}"
                              "updated_at = ? WHERE id = ?", (*sets.values(), now, company_id))
        for which in ch.remove:
            self._remove_route(company_id, which)
        for route in ch.routes:
            self._put_route(company_id, clean_route(route), now)
        if ch.hours is not None:
            phone = self.conn.execute(f"SELECT id FROM company_routes {FIRST_SUPPORT}",
                                      (company_id, "phone")).fetchone()
            if phone is None:
                raise ValidationError("--hours", "the company has no phone line to give the "
                                                 "hours to; give --phone with it")
            self.conn.execute("UPDATE company_routes SET hours = ?, updated_at = ? WHERE id = ?",
                              (v.text("hours", ch.hours), now, phone[0]))
        for name in ch.remove_policies:
            gone = self.conn.execute("DELETE FROM company_policies WHERE company_id = ? AND "
                                     "name = ? COLLATE NOCASE",
                                     (company_id, " ".join(str(name).split())))
            if not gone.rowcount:
                names = [r[0] for r in self.conn.execute(
                    "SELECT name FROM company_policies WHERE company_id = ? ORDER BY name",
                    (company_id,))]
                raise ValidationError("--remove-policy", f"no policy called {name!r}" + (
                    f"; this company has: {', '.join(names)}" if names else
                    "; this company has none"))
        for policy in ch.policies:
            fields = (parse_policy(policy, "--policy")._asdict() if isinstance(policy, str)
                      else dict(policy))
            fields.setdefault("source", ch.policy_source)
            fields.setdefault("read_on", ch.policy_read_on or (now[:10] if fields["source"]
                                                               else None))
            self._put_policy(company_id, clean_policy(fields), now)

    def _put_route(self, company_id: int, route: dict, now: str) -> None:
        """Replace the route of the same kind, purpose and label (its value, hours, note),
        or add it at the end."""
        route.setdefault("purpose", "support")
        row = self.conn.execute(
            "SELECT id FROM company_routes WHERE company_id = ? AND kind = ? AND purpose = ? AND "
            "label IS ? ORDER BY position, id LIMIT 1",
            (company_id, route["kind"], route["purpose"], route.get("label"))).fetchone()
        if row is None:
            self._insert_route(company_id, route, now)
            return
        sets = {k: route[k] for k in ("value", "hours", "note") if k in route
                and (k == "value" or route[k] is not None)}
        self.conn.execute(f"UPDATE company_routes SET {', '.join(f'{k} = ?' for k in sets)}, "
                          "updated_at = ? WHERE id = ?", (*sets.values(), now, row[0]))

    def _insert_route(self, company_id: int, route: dict, now: str) -> None:
        position = route.get("position")
        if position is None:
            position = next_position(self.conn, company_id)
        self.conn.execute(ROUTE_INSERT, (route.get("uid") or new_uid(), company_id, route["kind"],
             route.get("purpose", "support"), route.get("label"), route["value"],
             route.get("hours"), route.get("note"), position, now, now))

    def _remove_route(self, company_id: int, which: str) -> None:
        """Delete the routes `which` names: a route id, a kind (every one of it), kind:label,
        or a value exactly as stored."""
        text = " ".join(str(which).split())
        kind, _, label = text.partition(":")
        kind = kind.strip().lower().replace("-", "_")
        if text.isdigit():
            sql, args = "id = ?", (int(text),)
        elif kind in ROUTE_KINDS and label:
            sql, args = "kind = ? AND label = ? COLLATE NOCASE", (kind, label.strip())
        elif kind in ROUTE_KINDS or kind in ROUTE_PURPOSES:
            sql, args = "(kind = ? AND purpose = 'support') OR purpose = ?", (kind, kind)
        else:
            sql, args = "value = ?", (text,)
        gone = self.conn.execute(f"DELETE FROM company_routes WHERE company_id = ? AND ({sql})",
                                 (company_id, *args))
        if not gone.rowcount:
            raise ValidationError("--remove-route", f"{which!r} names no route of this company; "
                                  "give a route id (company show lists them), a kind such as "
                                  "phone, kind:label, or the value")

    def _put_policy(self, company_id: int, policy: dict, now: str) -> None:
        row = self.conn.execute("SELECT id FROM company_policies WHERE company_id = ? AND "
                                "name = ? COLLATE NOCASE", (company_id, policy["name"])).fetchone()
        if row:
            sets = {k: policy.get(k) for k in POLICY_FIELDS}
            self.conn.execute(f"UPDATE company_policies SET "
                              f"{', '.join(f'{k} = ?' for k in sets)}, updated_at = ? WHERE id = ?",
                              (*sets.values(), now, row[0]))
            return
        self.conn.execute(
            POLICY_INSERT, (policy.get("uid") or new_uid(), company_id,
             *(policy.get(k) for k in POLICY_FIELDS), now, now))


def legacy_routes(details: Mapping[str, Any]) -> list[dict]:
    """Routes from the columns companies had before routes were kept (demo data, older
    files): hours go on the phone route, else on the first route there is."""
    routes = [{"kind": kind, "value": details[key]} for key, kind in LEGACY_ROUTES.items()
              if details.get(key) and str(details[key]).strip()]
    if details.get("hours") and routes:
        routes[0]["hours"] = details["hours"]
    return routes


def legacy_route_rows(companies: Iterable[tuple]) -> Iterable[tuple]:
    """ROUTE_INSERT rows from company rows laid out as bulk.COMPANY_COLUMNS (id, uid, name,
    phone, chat_url, email, hours, notes, created_at, updated_at)."""
    for cid, _uid, _name, phone, chat, email, hours, _notes, created, updated in companies:
        given = {"phone": phone, "chat_url": chat, "email": email, "hours": hours}
        for n, route in enumerate(legacy_routes(given)):
            yield (new_uid(), cid, route["kind"], "support", None, route["value"],
                   route.get("hours"), None, n, created, updated)


def next_position(conn, company_id: int) -> int:
    """Where a new route of the company goes: after its others."""
    return conn.execute("SELECT coalesce(max(position) + 1, 0) FROM company_routes "
                        "WHERE company_id = ?", (company_id,)).fetchone()[0]
