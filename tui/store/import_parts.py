"""The parts of a document to import, each record checked: in this process, or in a second
one while this one writes.

Checking a record (interchange_check) is pure Python and takes about as long as writing it,
so a big file is read and checked by a forked worker process that sends the checked records
over a pipe, a batch at a time, while the importer merges and writes the previous batch:
the two halves run on two cores. The worker never touches the notebook; the pipe's buffer
keeps at most a batch or two in flight, so memory stays flat. What the worker finds wrong
comes back as the same error.
"""

from __future__ import annotations

import os
from typing import IO, Any, Iterable, Iterator

from . import validate as v
from .errors import StoreError, ValidationError
from .interchange_check import Rec, case, new_seen
from .interchange_companies import check_company
from .interchange_read import read_document

BATCH = 500               # cases per batch: the importer writes a batch at a time
WORKER_MIN_BYTES = 4 << 20  # below this a worker costs more than it saves
LISTS = ("companies", "cases")
ROOT = Rec("", "")
FLUSH = 1  # the key of the part that ends a batch (a JSON key is always text)
Part = tuple["str | int | None", "int | None", Any]


def checked(parts: Iterable[Part]) -> Iterator[Part]:
    """The parts with each company and case checked and normalised, and (FLUSH, None, None)
    after every BATCH cases: a uid met twice within a batch is named here, and the importer
    finds one met across batches in the notebook's rows."""
    seen, companies_seen, count = new_seen(), new_seen(), 0
    for key, n, value in parts:
        if key not in LISTS or n is None:
            yield key, n, value
        elif key == "companies":
            yield key, n, check_company(ROOT.child(key, n, value), value, companies_seen)
        else:
            yield key, n, case(ROOT.child(key, n, value), value, seen)
            count += 1
            if count == BATCH:
                seen, count = new_seen(), 0
                yield FLUSH, None, None


def checked_file(fh: IO[bytes], name: str, *, worker: bool | None = None) -> Iterator[Part]:
    """The checked parts of the document in `fh`, from a worker process when `worker` (by
    default: for files of WORKER_MIN_BYTES or more, where fork is at hand)."""
    fd = _fileno(fh)
    if worker is None:
        worker = fd is not None and os.fstat(fd).st_size >= WORKER_MIN_BYTES
    import multiprocessing  # here: only an import loads it, not every opening of the notebook
    if not worker or fd is None or "fork" not in multiprocessing.get_all_start_methods():
        return checked(read_document(fh, name))
    return _from_worker(fd, name)


def _fileno(fh: IO[bytes]) -> int | None:
    try:
        return fh.fileno()
    except (OSError, AttributeError, ValueError):  # in memory: io.BytesIO
        return None


class _Failed:
    """What went wrong in the worker, to be raised here."""

    def __init__(self, exc: BaseException):
        self.exc = exc


def _work(fd: int, name: str, out) -> None:
    """The worker: read and check the document, sending the parts a batch at a time."""
    try:
        batch: list[Part] = []
        fh = os.fdopen(fd, "rb")
        fh.seek(0)
        for part in checked(read_document(fh, name)):
            if part[0] in LISTS and part[1] is not None:
                _places_as_tuples(part[2])
            batch.append(part)
            if part[0] == FLUSH or len(batch) >= BATCH:
                out.send(batch)
                batch = []
        out.send(batch)
        out.send(None)
    except Exception as exc:  # noqa: BLE001 - every failure goes back to the importer
        try:
            out.send(_Failed(exc))
        except Exception:  # noqa: BLE001 - one that cannot cross the pipe, in words
            out.send(_Failed(StoreError(f"reading {name} failed: {exc!r}")))
    finally:
        out.close()


def _places_as_tuples(record: dict) -> None:
    """A record's places (Rec) as tuples: sent as objects they cost more than the record."""
    record["rec"] = record["rec"].path
    for key in ("interactions", "promises", "status_events"):
        for child in record.get(key) or ():
            child["rec"] = child["rec"].path


def _from_worker(fd: int, name: str) -> Iterator[Part]:
    # The worker reads a copy of the descriptor (a forked process's standard input is
    # closed for it), which shares the file's offset: this process reads the file again
    # only after the worker is gone.
    import multiprocessing
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    copy = os.dup(fd)
    try:
        proc = ctx.Process(target=_work, args=(copy, name, send), daemon=True)
        proc.start()
    finally:
        os.close(copy)
        send.close()
    try:
        while True:
            try:
                batch = receive.recv()
            except EOFError:
                raise StoreError(f"reading {name} stopped: the process checking it "
                                 "ended early") from None
            if batch is None:
                return
            if isinstance(batch, _Failed):
                raise batch.exc
            yield from batch
    finally:
        receive.close()
        if proc.is_alive():
            proc.kill()
        proc.join()


class Repeated(Exception):
    """A uid met twice across batches: `record` is the second place; its first is found by
    reading the document again (`name`)."""

    def __init__(self, kind: str, uid: str, record: Rec | tuple):
        super().__init__(kind, uid)
        self.kind, self.uid, self.record = kind, uid, Rec.at(record)

    def name(self, parts: Iterable[Part]):
        first = next(_labels(parts, self.kind, self.uid), "an earlier record")
        return self.record.error("uid", f"repeats the uid of {first}; each record in a file "
                                        "needs its own uid")


def _labels(parts: Iterable[Part], kind: str, uid: str) -> Iterator[str]:
    """Where records of `kind` with `uid` sit in the document, in order."""
    children = {"contact": "interactions", "promise": "promises",
                "status_event": "status_events"}
    for key, n, raw in parts:
        if key != "cases" or n is None or not isinstance(raw, dict):
            continue
        rec = ROOT.child("cases", n, raw)
        if kind == "case" and _uid(raw) == uid:
            yield rec.label
        elif kind != "case":
            for m, child in enumerate(raw.get(children[kind]) or ()):
                if isinstance(child, dict) and _uid(child) == uid:
                    yield rec.child(children[kind], m, child).label


def _uid(raw: dict) -> str | None:
    value = raw.get("uid")
    return value.strip() if isinstance(value, str) else None


class Batch:
    """What one batch of cases writes: new rows per table, updates, and which cases changed."""

    def __init__(self, tables: Iterable[str]):
        self.rows: dict[str, list[tuple]] = {t: [] for t in tables}
        self.updates: list[tuple[str, int, dict]] = []
        self.transcripts: list[tuple[int, str]] = []
        self.case_ids: set[int] = set()
        self.dirty: set[int] = set()        # cases whose index rows and summaries change
        self.held: dict[int, tuple[str, str]] = {}


def written_at(value: Any) -> str | None:
    """When the document was exported, if it says so readably."""
    try:
        return v.parse_when("exported_at", value)
    except (ValidationError, TypeError):
        return None
