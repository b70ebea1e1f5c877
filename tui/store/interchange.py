"""The interchange format `supportlog/1`: export (streamed) and import (streamed, checked,
all or nothing, merging by uid field by field: see importer.py and merge.py)."""

from __future__ import annotations

import json
from typing import IO, Any, Callable, Iterable, Iterator

from .import_parts import Repeated, checked, checked_file
from .importer import Importer
from .interchange_check import (  # noqa: F401 - load_document is part of the store's API
    CASE_FIELDS, CONTACT_OMITTED, FORMAT, INTERACTION_FIELDS, PROMISE_FIELDS, load_document)
from .interchange_companies import company_record
from .interchange_read import read_document

Parts = Iterable[tuple["str | None", "int | None", Any]]


class _DryRun(Exception):
    """Raised inside the write unit of a dry run, so everything it wrote rolls back."""


class InterchangeOps:
    """Mixed into Store."""

    # -- export --------------------------------------------------------------------------
    def company_record(self, company_id: int) -> dict:
        """One company as an interchange record, with its routes and policies."""
        return company_record(self.conn, company_id)

    def case_record(self, case_id: int) -> dict:
        """One case as an interchange record, with refs, interactions and promises."""
        self.get_case(case_id)
        row = self.conn.execute(
            f"SELECT c.uid, co.name, {', '.join('c.' + f for f in CASE_FIELDS)}, c.updated_at "
            "FROM cases c JOIN companies co ON co.id = c.company_id WHERE c.id = ?",
            (case_id,)).fetchone()
        record = dict(zip(("uid", "company", *CASE_FIELDS, "updated_at"), row))
        record["refs"] = [{"kind": k, "value": val} for k, val in self.conn.execute(
            "SELECT kind, value FROM case_refs WHERE case_id = ? ORDER BY id", (case_id,))]
        cols = ", ".join("i." + f for f in INTERACTION_FIELDS)
        record["interactions"] = [
            _without_omitted(dict(zip(
                ("uid", *INTERACTION_FIELDS, "transcript_text", "updated_at"), r)))
            for r in self.conn.execute(
                f"SELECT i.uid, {cols}, t.text, i.updated_at FROM interactions i "
                "LEFT JOIN transcripts t "
                "ON t.interaction_id = i.id WHERE i.case_id = ? ORDER BY i.started_at, i.id",
                (case_id,))]
        record["promises"] = [
            dict(zip(("uid", "interaction_uid", *PROMISE_FIELDS, "updated_at"), r))
            for r in self.conn.execute(
                f"SELECT p.uid, i.uid, {', '.join('p.' + f for f in PROMISE_FIELDS)}, "
                "p.updated_at FROM promises p "
                "LEFT JOIN interactions i ON i.id = p.interaction_id WHERE p.case_id = ? "
                "ORDER BY p.id", (case_id,))]
        # The statuses set by hand: with the contacts, they give status and dates on import.
        record["status_events"] = [
            dict(zip(("uid", "status", "at", "note", "created_at"), r))
            for r in self.conn.execute(
                "SELECT uid, status, at, note, created_at FROM status_events WHERE case_id = ? "
                "ORDER BY at, created_at, uid", (case_id,))]
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
        out.write(f'{{"format": {json.dumps(FORMAT)}, "exported_at": {json.dumps(self.now())},'
                  '\n "companies": [')
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
    def import_records(self, data: Any, *, dry_run: bool = False,
                       bulk: bool = False) -> dict[str, Any]:
        """Merge a document held in memory (see `import_file`)."""
        return self._import(lambda: checked(_parts(data)), lambda: _parts(data),
                            dry_run=dry_run, bulk=bulk)

    def import_file(self, fh: IO[bytes], name: str, *, dry_run: bool = False,
                    bulk: bool = True, worker: bool | None = None) -> dict[str, Any]:
        """Merge the supportlog/1 document in the binary file `fh` (seekable; `name` is for
        messages), read a record at a time. All or nothing: one write unit. Returns counts
        of what was added and updated (a case is `unchanged` when nothing in it changed),
        `renamed` (companies whose names changed), `conflicts` (fields where this notebook
        was changed later than the file and keeps its value) and `dry_run`; importing the
        same document twice changes nothing. A dry run rolls everything back. With `bulk`
        the index and summaries are rebuilt set-wise at the end instead of row by row; a
        big file is checked by a `worker` process meanwhile (import_parts.py)."""
        def raw() -> Parts:
            fh.seek(0)
            return read_document(fh, name)

        def parts() -> Parts:
            fh.seek(0)
            return checked_file(fh, name, worker=worker)
        return self._import(parts, raw, dry_run=dry_run, bulk=bulk)

    def _import(self, parts: Callable[[], Parts], raw: Callable[[], Parts], *,
                dry_run: bool, bulk: bool) -> dict:
        report: dict = {}
        try:
            with self.write():
                importer = Importer(self, bulk=bulk)
                stream = iter(parts())
                try:
                    for key, n, value in stream:
                        importer.feed(key, n, value)
                    report = importer.finish()
                finally:
                    getattr(stream, "close", lambda: None)()  # a worker stops with it
                    importer.close()
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        except Repeated as repeated:
            raise repeated.name(raw()) from None
        return {**report, "dry_run": dry_run}


def _parts(data: Any) -> Iterator[tuple[str | None, int | None, Any]]:
    """A document in memory, in the order its parts are checked."""
    if not isinstance(data, dict):
        yield None, None, data
        return
    yield "format", None, data.get("format")
    yield "exported_at", None, data.get("exported_at")
    for key in ("companies", "cases"):
        value = data.get(key)
        if isinstance(value, list):
            yield from ((key, n, raw) for n, raw in enumerate(value))
        else:
            yield key, None, value


def _without_omitted(contact: dict) -> dict:
    """Only a contact that is a milestone says so, so files stay as they were for the rest
    (fields.CONTACT: omit_blank)."""
    for name in CONTACT_OMITTED:
        if contact[name] is None:
            del contact[name]
    return contact


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)
