"""Merging a supportlog/1 document into the notebook, a batch of cases at a time.

The document's parts come one by one, each record already checked (import_parts.py), and
the caller holds one write unit around the whole import, so it is all or nothing. Records
merge by uid, field by field (merge.py); new rows go in with executemany a batch at a time.
With `bulk`, the triggers that index and summarise each row are lifted for the import and
their work is done at its end, set-wise (bulk.py): the result is the same as with them.

A uid met twice: within a batch the checks name both places; across batches the rows say
so (a row made by this import, or a notebook row already merged once), and
`import_parts.Repeated` carries it up to be named by reading the document again.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Iterable

from . import bulk, import_parts, timeline
from .errors import ValidationError
from .interactions import SETTLED, check_times
from .interchange_check import (
    CASE_FIELDS, INTERACTION_FIELDS, PROMISE_FIELDS, DocumentError, Rec, check_format, kind_of,
    name_key)
from .interchange_companies import CompanyMerge
from .merge import merge_fields

CHUNK = 500           # uids per lookup, well under SQLite's parameter limit
IMPORT_CACHE_KIB = 64 * 1024  # page cache while importing: the uid indexes take random inserts
COUNTS = ("companies_added", "companies_updated", "routes_added", "routes_updated",
          "policies_added", "policies_updated", "cases_added", "cases_updated", "refs_added",
          "interactions_added", "interactions_updated", "promises_added", "promises_updated",
          "status_events_added", "unchanged")
LISTS = ("companies", "cases")

# What is merged of each record (status and closed_at follow the merged timeline instead).
CASE_MERGED = ("company", *(f for f in CASE_FIELDS if f not in ("status", "closed_at")))
CASE_GROUPS = (("amount", "currency"),)
CONTACT_MERGED = (*INTERACTION_FIELDS, "transcript_text")
TIMES = ("started_at", "ended_at", "hold_seconds")
CONTACT_GROUPS = (TIMES,)
_NONE = object()
PROMISE_MERGED = ("interaction_uid", *PROMISE_FIELDS)
PROMISE_GROUPS = (("status", "settled_at"),)
CASE_VALUES, CONTACT_VALUES = itemgetter(*CASE_FIELDS), itemgetter(*INTERACTION_FIELDS)
# The notebook's side of each record, by uid.
CASE_SQL = (f"SELECT c.id, c.updated_at, c.company_id, co.name, "
            f"{', '.join('c.' + f for f in CASE_MERGED[1:])}, c.uid FROM cases c "
            "JOIN companies co ON co.id = c.company_id WHERE c.uid IN ({})")
CONTACT_SQL = (f"SELECT i.id, i.updated_at, i.case_id, "
               f"{', '.join('i.' + f for f in INTERACTION_FIELDS)}, t.text, i.uid "
               "FROM interactions i LEFT JOIN transcripts t ON t.interaction_id = i.id "
               "WHERE i.uid IN ({})")
PROMISE_SQL = (f"SELECT p.id, p.updated_at, i.case_id, i.uid, "
               f"{', '.join('p.' + f for f in PROMISE_FIELDS)}, p.uid FROM promises p "
               "LEFT JOIN interactions i ON i.id = p.interaction_id WHERE p.uid IN ({})")
EVENT_SQL = "SELECT id, NULL, case_id, uid FROM status_events WHERE uid IN ({})"
LINK_SQL = "SELECT uid, id, case_id FROM interactions WHERE uid IN ({})"
CASE_COLUMNS = ("id", "uid", "company_id", *CASE_FIELDS, "created_at", "updated_at")
KINDS = {  # kind -> (table, lookup)
    "case": ("cases", CASE_SQL),
    "contact": ("interactions", CONTACT_SQL),
    "promise": ("promises", PROMISE_SQL),
    "status_event": ("status_events", EVENT_SQL),
}
INSERTS = {  # table -> INSERT with the columns of bulk.py's row layouts
    "cases": bulk._insert_sql("cases", CASE_COLUMNS, {
        "last_activity_at": f"?{CASE_COLUMNS.index('opened_at') + 1}", "contacts": "0"}),
    "case_refs": "INSERT OR IGNORE INTO case_refs (case_id, kind, value) VALUES (?, ?, ?)",
    "interactions": bulk._insert_sql("interactions", (
        "id", "uid", "case_id", *INTERACTION_FIELDS, "created_at", "updated_at")),
    "transcripts": bulk._insert_sql("transcripts", bulk.TRANSCRIPT_COLUMNS),
    "promises": bulk._insert_sql("promises", (
        "id", "uid", "case_id", "interaction_id", *PROMISE_FIELDS, "updated_at")),
    "status_events": bulk._insert_sql("status_events", bulk.STATUS_EVENT_COLUMNS),
}


class Importer:
    """One import: feed it the document's parts inside a write unit, then `finish`."""

    def __init__(self, store, *, bulk: bool):
        self.store, self.conn, self.bulk = store, store.conn, bulk
        self.now = store.now()
        self.counts = dict.fromkeys(COUNTS, 0)
        self.renamed: list[dict] = []
        self.conflicts: list[dict] = []
        self.written: str | None = None      # exported_at, when it comes before the records
        self.format_seen = self.records_seen = False
        self.pending: list[dict] = []        # checked cases waiting for their batch
        self.company_ids: dict[str, int] = {}
        self.companies = CompanyMerge(self)
        self.channels: set[int] = set()      # companies whose channel counts need a recount
        self.changed: set[int] = set()       # cases here before the import that it changed
        self.lifted: list[tuple[str, str]] | None = None
        self.base, self.next, self.merged = {}, {}, {}
        for table in ("cases", "interactions", "promises", "status_events"):
            top = self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
            self.base[table], self.next[table] = top, top + 1
            self.merged[table] = bytearray(top // 8 + 1)  # rows already here, once merged
        self.old_cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")

    def close(self) -> None:
        self.conn.execute(f"PRAGMA cache_size = {self.old_cache}")

    # -- the document's parts ------------------------------------------------------------
    def feed(self, key: str | int | None, n: int | None, value: Any) -> None:
        """Take one part of the document as `import_parts.checked` gives it."""
        if key == import_parts.FLUSH:
            self.flush()
        elif key is None:
            Rec("document", "document").obj(value)  # not an object: says so
        elif key == "format":
            check_format(value)
            self.format_seen = True
        elif key == "exported_at":
            if not self.records_seen:
                self.written = import_parts.written_at(value)
        elif key in LISTS:
            if n is None:
                if value is not None:
                    raise DocumentError(key, f"expected a list, got {kind_of(value)}")
                return
            self.records_seen = True
            if key == "companies":
                self.flush()
                self._merge_company(value)
            else:
                self.pending.append(value)

    def finish(self) -> dict[str, Any]:
        self.flush()
        if not self.format_seen:
            check_format(None)
        if self.lifted is not None:
            self._rebuild()
            bulk.restore(self.conn, self.lifted)
        return {**self.counts, "renamed": self.renamed, "conflicts": self.conflicts}

    def _rebuild(self) -> None:
        """What the lifted triggers would have done, for the new cases and those changed."""
        changed, after = sorted(self.changed), self.base["cases"]
        bulk.rebuild_cases(self.conn, after, changed)
        self.channels.update(r[0] for r in self.conn.execute(
            "SELECT DISTINCT company_id FROM cases WHERE id > ?", (after,)))
        self.channels.update(r[0] for r in self._chunked(
            "SELECT DISTINCT company_id FROM cases WHERE id IN ({})", changed))
        bulk.rebuild_channels(self.conn, self.channels)

    # -- companies -----------------------------------------------------------------------
    def _merge_company(self, rec: dict) -> None:
        self.company_ids.clear()
        self.companies.merge(rec)

    def _company(self, name: str) -> int:
        """The id of the company a case names, made when the notebook has none so named."""
        key = name_key(name)
        if key not in self.company_ids:
            row = self.conn.execute("SELECT id FROM companies WHERE name = ?", (name,)).fetchone()
            if row is None:
                self.counts["companies_added"] += 1
                row = (self.store._company_id(name),)
            self.company_ids[key] = row[0]
        return self.company_ids[key]

    # -- cases, a batch at a time --------------------------------------------------------
    def flush(self) -> None:
        cases, self.pending = self.pending, []
        if not cases:
            return
        if self.bulk and self.lifted is None:
            self.lifted = bulk.lift(self.conn, bulk.IMPORT_LIFTED)
        found = self._lookup(cases)
        batch = import_parts.Batch(INSERTS)
        for rec in cases:
            self._merge_case(rec, found, batch)
        for table, rows in batch.rows.items():
            if rows:
                self.conn.executemany(INSERTS[table], rows)
        for table, row_id, sets in batch.updates:
            self.conn.execute(f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in sets)} "
                              "WHERE id = ?", (*sets.values(), row_id))
        for iid, text in batch.transcripts:
            self.conn.execute("INSERT INTO transcripts (interaction_id, text) VALUES (?, ?) ON "
                              "CONFLICT(interaction_id) DO UPDATE SET text = excluded.text",
                              (iid, text))
        if self.bulk:  # indexed and summarised at the end, with the new ones in one go
            self.changed.update(c for c in batch.dirty if c <= self.base["cases"])
        held = timeline.hold_statuses(self.conn, batch.held, self.now)
        if held:  # SQLite numbered those rows: the ids this import hands out start after them
            self.counts["status_events_added"] += held
            self.next["status_events"] = self.conn.execute(
                "SELECT max(id) + 1 FROM status_events").fetchone()[0]
        # A merged case keeps the updated_at it merged to, so both ways agree.
        timeline.rederive(self.conn, batch.case_ids | batch.dirty)

    def _lookup(self, cases: list[dict]) -> dict[str, dict]:
        """The notebook's rows for the batch's uids, by kind; a row this import already wrote
        or merged means the uid is repeated."""
        wanted: dict[str, dict[str, dict]] = {k: {} for k in KINDS}
        links: set[str] = set()
        for rec in cases:
            wanted["case"][rec["uid"]] = rec
            for key, kind in (("interactions", "contact"), ("promises", "promise"),
                              ("status_events", "status_event")):
                for child in rec[key] or ():
                    wanted[kind][child["uid"]] = child
            links.update(p["interaction_uid"] for p in rec["promises"] if p["interaction_uid"])
        found: dict[str, dict] = {}
        for kind, (table, sql) in KINDS.items():
            rows = found[kind] = {}
            for row in self._chunked(sql, list(wanted[kind])):
                uid, row_id = row[-1], row[0]
                if row_id > self.base[table] or self._merged_before(table, row_id):
                    raise import_parts.Repeated(kind, uid, wanted[kind][uid]["rec"])
                rows[uid] = row
        found["link"] = {r[0]: r[1:] for r in self._chunked(LINK_SQL, sorted(links))}
        return found

    def _merged_before(self, table: str, row_id: int) -> bool:
        bits = self.merged[table]
        byte, bit = divmod(row_id, 8)
        if bits[byte] >> bit & 1:
            return True
        bits[byte] |= 1 << bit
        return False

    def _chunked(self, sql: str, items: list) -> Iterable[tuple]:
        for start in range(0, len(items), CHUNK):
            chunk = items[start:start + CHUNK]
            yield from self.conn.execute(sql.format(", ".join("?" * len(chunk))), chunk)

    def _merge_case(self, rec: dict, found: dict, batch: import_parts.Batch) -> None:
        row = found["case"].get(rec["uid"])
        uid, changed = rec["uid"], False
        if row is None:
            case_id = self._id("cases")
            at = rec["updated_at"] or self.written or self.now
            batch.rows["cases"].append((case_id, uid, self._company(rec["company"]),
                                        *CASE_VALUES(rec), self.now, at))
            self.counts["cases_added"] += 1
            if rec["status_events"] is None:
                # A file from before status events were kept: its status holds from when it
                # was written (or closed), unless its contacts give the same.
                closed = rec["status"] in timeline.CLOSED and rec["closed_at"]
                batch.held[case_id] = (rec["status"], closed or self.written or self.now)
            refs = list(dict.fromkeys((r["kind"], r["value"]) for r in rec["refs"]))
        else:
            case_id, local_at, local = row[0], row[1], dict(zip(CASE_MERGED, row[3:]))
            incoming = {**rec}
            if name_key(rec["company"]) == name_key(local["company"]):
                incoming["company"] = local["company"]
            m = merge_fields(local, local_at, incoming, rec["updated_at"], CASE_MERGED,
                             rec["given"], CASE_GROUPS)
            sets = dict(m.changes)
            if "company" in sets:
                sets["company_id"] = self._company(sets.pop("company"))
                self.channels.add(row[2])  # its old company loses the case's contacts
            self._queue(batch, "cases", case_id, sets, m.updated_at, local_at)
            self._conflict("case", uid, m.kept)
            changed = bool(sets)
            self.counts["cases_updated"] += changed
            have = set(self.conn.execute("SELECT kind, value FROM case_refs WHERE case_id = ?",
                                         (case_id,)))
            refs = [r for r in dict.fromkeys((r["kind"], r["value"]) for r in rec["refs"])
                    if r not in have]
        batch.rows["case_refs"].extend((case_id, kind, value) for kind, value in refs)
        self.counts["refs_added"] += len(refs)
        changed |= bool(refs)
        batch.case_ids.add(case_id)
        for inter in rec["interactions"]:
            changed |= self._merge_contact(case_id, uid, inter, found, batch)
        for promise in rec["promises"]:
            changed |= self._merge_promise(case_id, uid, promise, found, batch)
        if changed or row is None:
            batch.dirty.add(case_id)
        for event in rec["status_events"] or ():
            if event["uid"] not in found["status_event"]:
                batch.rows["status_events"].append((
                    self._id("status_events"), event["uid"], case_id, event["status"],
                    event["at"], event["note"], event["created_at"], self.now))
                self.counts["status_events_added"] += 1
                changed = True
        if row is not None and not changed:
            self.counts["unchanged"] += 1

    def _merge_contact(self, case_id: int, case_uid: str, rec: dict, found: dict,
                       batch: import_parts.Batch) -> bool:
        row = found["contact"].get(rec["uid"])
        if row is None:
            iid = self._id("interactions")
            at = rec["updated_at"] or self.written or self.now
            batch.rows["interactions"].append((iid, rec["uid"], case_id,
                                               *CONTACT_VALUES(rec), self.now, at))
            if rec["transcript_text"] is not None:
                batch.rows["transcripts"].append((iid, rec["transcript_text"]))
            found["link"][rec["uid"]] = (iid, case_id)
            self.counts["interactions_added"] += 1
            return True
        iid, local_at, home = row[0], row[1], row[2]
        local = dict(zip(CONTACT_MERGED, row[3:]))
        given = [k for k in rec["given"] if k != "transcript_text" or rec[k] is not None]
        m = merge_fields(local, local_at, rec, rec["updated_at"], CONTACT_MERGED, given,
                         CONTACT_GROUPS)
        sets, kept = dict(m.changes), list(m.kept)
        if any(f in sets for f in TIMES):
            merged = {**local, **sets}
            try:
                check_times(merged["started_at"], merged["ended_at"], merged["hold_seconds"])
            except ValidationError:  # the two sides' times do not fit together: keep ours
                kept += [f for f in TIMES if sets.pop(f, _NONE) is not _NONE]
        text = sets.pop("transcript_text", None)
        if text is not None:
            batch.transcripts.append((iid, text))
        self._queue(batch, "interactions", iid, sets, m.updated_at, local_at)
        self._conflict("contact", rec["uid"], kept, case_uid)
        if sets or text is not None:
            self.counts["interactions_updated"] += 1
            batch.dirty.add(home)
            return True
        return False

    def _merge_promise(self, case_id: int, case_uid: str, rec: dict, found: dict,
                       batch: import_parts.Batch) -> bool:
        link = found["link"].get(rec["interaction_uid"]) if rec["interaction_uid"] else None
        incoming = {**rec, "interaction_uid": rec["interaction_uid"] if link else None}
        row = found["promise"].get(rec["uid"])
        if row is None:
            if link:
                batch.dirty.add(link[1])  # its contact's case: a promise makes it progress
            at = rec["updated_at"] or self.written or self.now
            # Settled in a file that does not say when: when the record last changed.
            settled = rec["settled_at"] or (at if rec["status"] in SETTLED else None)
            batch.rows["promises"].append((
                self._id("promises"), rec["uid"], case_id, link[0] if link else None,
                rec["party"], rec["text"], rec["due_at"], rec["status"], settled,
                rec["created_at"] or self.written or self.now, at))
            self.counts["promises_added"] += 1
            return True
        pid, local_at = row[0], row[1]
        local = dict(zip(PROMISE_MERGED, row[3:]))
        m = merge_fields(local, local_at, incoming, rec["updated_at"], PROMISE_MERGED,
                         rec["given"], PROMISE_GROUPS)
        sets = dict(m.changes)
        if "status" in sets and "settled_at" not in sets:  # a file that does not say when
            sets["settled_at"] = m.updated_at if sets["status"] in SETTLED else None
        if "interaction_uid" in sets:
            sets["interaction_id"] = link[0] if sets.pop("interaction_uid") else None
            # The contacts it leaves and joins: a promise makes a promised contact progress.
            batch.dirty.update(c for c in (row[2], link[1] if link else None) if c)
        self._queue(batch, "promises", pid, sets, m.updated_at, local_at)
        self._conflict("promise", rec["uid"], m.kept, case_uid)
        self.counts["promises_updated"] += bool(sets)
        return bool(sets)

    # -- helpers -------------------------------------------------------------------------
    def _id(self, table: str) -> int:
        self.next[table] += 1
        return self.next[table] - 1

    def _queue(self, batch: import_parts.Batch, table: str, row_id: int, sets: dict, at: str,
               local_at: str) -> None:
        if sets or at != local_at:
            batch.updates.append((table, row_id, {**sets, "updated_at": at}))

    def _update(self, table: str, row_id: int, sets: dict, at: str, local_at: str) -> None:
        if sets or at != local_at:
            sets = {**sets, "updated_at": at}
            self.conn.execute(f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in sets)} "
                              "WHERE id = ?", (*sets.values(), row_id))

    def _conflict(self, kind: str, uid: str, fields: list[str],
                  case_uid: str | None = None) -> None:
        if fields:
            self.conflicts.append({"kind": kind, "uid": uid, **(
                {"case_uid": case_uid} if case_uid else {}), "fields": fields, "kept": "local"})
