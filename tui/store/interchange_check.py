"""Reading and checking a supportlog/1 document before anything is written.

Every error names the record (kind, index and uid) and the field and says what is expected,
so a person can find it in the file: `cases[3] (uid ab12).title: expected text, got a number`.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from . import validate as v
from .cards import has_card
from .cases import normalise_case_fields
from .uids import new_uid
from .errors import ValidationError
from .fields import (CASE_BY_NAME, CASE_EXPORTED, CONTACT, CONTACT_EXPORTED, PROMISE,
                     PROMISE_EXPORTED)
from .interactions import (SETTLED, check_times, normalise_interaction_fields,
                           normalise_promise_fields)
from .records import REF_KINDS, STATUSES

FORMAT = "supportlog/1"
CASE_FIELDS = CASE_EXPORTED
INTERACTION_FIELDS = CONTACT_EXPORTED
# A promise's fields after its uid and its contact's (fields.PROMISE).
PROMISE_FIELDS = PROMISE_EXPORTED
_TIME_KINDS = ("when", "deadline")
CONTACT_TIMES = tuple(f.name for f in CONTACT if f.exported and f.kind in _TIME_KINDS)
CONTACT_SECONDS = tuple(f.name for f in CONTACT if f.exported and f.kind == "seconds")
CONTACT_TEXTS = tuple(n for n in INTERACTION_FIELDS if n not in CONTACT_SECONDS)
# Left out of an exported contact when blank: a file without them means none.
CONTACT_OMITTED = frozenset(f.name for f in CONTACT if f.exported and f.omit_blank)
PROMISE_TIMES = tuple(f.name for f in PROMISE if f.exported and f.kind in _TIME_KINDS)
_PROMISE_STATUS = next(f for f in PROMISE if f.name == "status")
MAX_DEPTH = 100     # a real document nests 5 levels; json itself stops at the recursion limit
MAX_UID = 64
_OWN_UID = re.compile(r"[0-9a-f]{16}")  # what new_uid makes: an id, even when all digits
HINT = "export files come from `supportlog export --format json`"
_STORED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", re.ASCII)
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class DocumentError(ValidationError):
    """A problem in an import document. `field` is its path (cases[3].title); the message
    shows the record with its uid (cases[3] (uid ab12).title)."""

    def __init__(self, field: str, message: str, shown: str | None = None):
        super().__init__(field, message)
        self.shown = shown
        if shown is not None:
            self.args = (f"{shown}: {message}",)

    def __reduce__(self):  # it crosses from the process that checks a document
        return DocumentError, (self.field, self.message, self.shown)


def load_document(raw: bytes | str | Any, name: str) -> Any:
    """Parse a document (bytes, text or a file); a leading UTF-8 byte order mark is allowed.
    Numbers keep their exact decimal text, so an amount of 12.50 stays 12.50."""
    if hasattr(raw, "read"):
        raw = raw.read()
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(name, f"is not UTF-8 text (byte {exc.start + 1}); {HINT}"
                                ) from None
    text = raw.removeprefix("\ufeff")
    try:
        return json.loads(text, parse_float=Decimal, parse_int=number,
                          parse_constant=Decimal)
    except json.JSONDecodeError as exc:
        raise DocumentError(name, f"is not valid JSON (line {exc.lineno}, column {exc.colno}); "
                                  f"{HINT}") from None
    except RecursionError:
        pos = too_deep(text)
        line, col = text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)
        raise DocumentError(name, f"nested too deeply at line {line}, column {col} (more than "
                                  f"{MAX_DEPTH} levels of lists and objects); {HINT}",
                            f"{name} is not a supportlog/1 document") from None


def number(digits: str) -> int | Decimal:
    # Past 18 digits no field wants an int, and int() refuses more than 4,300 digits.
    return int(digits) if len(digits) <= 18 else Decimal(digits)


def too_deep(text: str, start: int = 0, depth: int = 0) -> int:
    """Where in `text` (read from `start`, inside `depth` levels) the first bracket past
    MAX_DEPTH is, or the deepest one."""
    deepest, where = -1, start
    for m in _TOKENS.finditer(text, start):
        ch = m.group()
        if ch in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, m.start()
            if depth > MAX_DEPTH:
                break
        elif ch in "]}":
            depth -= 1
    return where


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float, Decimal)):
        shown = str(value)
        return f"a number ({shown})" if len(shown) <= 20 else "a number"
    if isinstance(value, str):
        return "text"
    return {list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


class Rec:
    """Where a record sits: `where` is its path (cases[3]), `label` adds its uid for people.
    A child's are spelled out only when an error needs them."""

    __slots__ = ("_where", "_label", "_parent", "_key", "_index", "_uid")

    def __init__(self, where: str, label: str):
        self._where, self._label, self._parent = where, label, None

    def child(self, key: str, index: int, raw: Any) -> Rec:
        rec = Rec.__new__(Rec)
        rec._where = rec._label = None
        rec._parent, rec._key, rec._index = self, key, index
        rec._uid = raw.get("uid") if isinstance(raw, dict) else None
        return rec

    @property
    def path(self) -> tuple | None:
        """The place as plain tuples (cheap to send between processes); `Rec.at` reads it."""
        if self._parent is None:
            return None
        return (self._parent.path, self._key, self._index, self._uid)

    @staticmethod
    def at(path: tuple | Rec | None) -> Rec:
        if isinstance(path, Rec):
            return path
        if path is None:
            return Rec("", "")
        parent, key, index, uid = path
        return Rec.at(parent).child(key, index, {"uid": uid})

    @property
    def where(self) -> str:
        if self._where is None:
            parent = self._parent.where
            self._where = f"{parent}{'.' if parent else ''}{self._key}[{self._index}]"
        return self._where

    @property
    def label(self) -> str:
        if self._label is None:
            parent, uid = self._parent.label, self._uid
            label = f"{parent}{'.' if parent else ''}{self._key}[{self._index}]"
            if isinstance(uid, str) and uid.strip() and len(uid) <= MAX_UID and uid.isprintable():
                label += f" (uid {uid.strip()})"
            self._label = label
        return self._label

    def error(self, field: str, message: str) -> DocumentError:
        return DocumentError(f"{self.where}.{field}", message, f"{self.label}.{field}")

    def run(self, fn, *args):
        """Run a store validator, naming this record in its error."""
        try:
            return fn(*args)
        except ValidationError as exc:
            raise self.error(exc.field, exc.message) from None

    def obj(self, value: Any) -> dict:
        if not isinstance(value, dict):
            raise DocumentError(self.where, f"expected an object, got {kind_of(value)}",
                                self.label)
        return value

    def items(self, raw: dict, key: str) -> list:
        value = raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, f"expected a list, got {kind_of(value)}")
        return value

    def texts(self, raw: dict, keys) -> dict:
        """The fields `keys` of `raw`, each text or missing: a number, list or object in a
        text field is refused rather than stored as its Python spelling."""
        out = {}
        for key in keys:
            value = raw.get(key)
            if value is not None and not isinstance(value, str):
                raise self.error(key, f"expected text, got {kind_of(value)}")
            out[key] = value
        return out

    def uid(self, raw: dict, key: str = "uid", *, generate: bool = True) -> str | None:
        """A record's uid (made up when missing) or a link to one (None when missing)."""
        value = raw.get(key)
        if value is None or value == "":
            return new_uid() if generate else None
        if not isinstance(value, str):
            raise self.error(key, f"expected a uid (short text), got {kind_of(value)}")
        value = value.strip()
        if not value:
            raise self.error(key, "is blank; give a uid or leave it out")
        if len(value) > MAX_UID:
            raise self.error(key, f"is {len(value):,} characters; a uid has at most {MAX_UID}")
        if not value.isprintable():
            raise self.error(key, "contains control or invisible characters; a uid is "
                                  "plain letters and digits")
        if not _OWN_UID.fullmatch(value) and has_card(value):  # uids are stored unmasked
            raise self.error(key, "contains a payment-card number; give another uid or "
                                  "leave it out")
        return value


def _once(seen: dict, key: str, rec: Rec, field: str, what: str = "uid",
          why: str = "each record in a file needs its own uid") -> None:
    """Remember `key`; when an earlier record had it, refuse naming both places."""
    if key in seen:
        raise rec.error(field, f"repeats the {what} of {seen[key].label}; {why}")
    seen[key] = rec


def short(text: str, limit: int = 60) -> str:
    """Text quoted for a one-line message: escapes shown, cut to `limit` characters."""
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


def name_key(name: str) -> str:
    """Company names match as the notebook's NOCASE column does: A-Z fold, nothing else."""
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def new_seen() -> dict[str, dict]:
    """Where each uid (and company name) was first met, per kind of record."""
    return {"company": {}, "company_name": {}, "route": {}, "policy": {}, "case": {},
            "contact": {}, "promise": {}, "status_event": {}}


def check_format(fmt: Any) -> None:
    if fmt != FORMAT:
        shown = short(fmt) if isinstance(fmt, str) else kind_of(fmt)
        raise DocumentError("format", f"is {shown}; this supportlog reads {FORMAT!r}")


def _stamp(rec: Rec, raw: dict) -> dict:
    """When the record was last changed (None in files from before it was kept) and which
    of its fields the file gives: a field left out is no opinion, not a blank."""
    when = raw.get("updated_at")
    if when is not None and not isinstance(when, str):
        raise rec.error("updated_at", f"expected a time like 2026-11-25T14:03:00Z, got "
                                      f"{kind_of(when)}")
    return {"updated_at": _time(rec, "updated_at", when), "given": frozenset(raw)}


def _stored(value: Any) -> bool:
    """A time as the store writes it (2026-11-25T14:03:00Z) on a real date in range: the
    form every exported time has, which parse_when would give back unchanged."""
    if value.__class__ is not str or len(value) != 20 or not _STORED.fullmatch(value):
        return False
    try:
        return v.MIN_YEAR <= datetime.fromisoformat(value[:19]).year <= v.MAX_YEAR
    except ValueError:
        return False


def _time(rec: Rec, field: str, value: Any) -> str | None:
    return value if _stored(value) else rec.run(v.parse_when, field, value)


def _take_stored(values: dict, keys: tuple[str, ...]) -> dict:
    """Take out of `values` the times in stored form, so only the others are parsed."""
    return {k: values.pop(k) for k in keys if _stored(values.get(k))}


def case(rec: Rec, raw: Any, seen: dict) -> dict:
    """One case record with its refs, contacts, promises and status events, checked and
    normalised; `seen` catches a uid met twice."""
    raw = rec.obj(raw)
    given = rec.texts(raw, ("company", *(k for k in CASE_FIELDS
                                        if CASE_BY_NAME[k].kind != "amount")))
    amount = raw.get("amount")
    if amount is not None and (isinstance(amount, bool)
                               or not isinstance(amount, (str, int, float, Decimal))):
        raise rec.error("amount", f"expected an amount (a number or text like 129.99), got "
                                  f"{kind_of(amount)}")
    company_name = rec.run(v.text, "company", given.pop("company"), True).strip()
    times = _take_stored(given, tuple(k for k in CASE_FIELDS if CASE_BY_NAME[k].kind == "when"))
    fields = rec.run(normalise_case_fields, {**given, "amount": amount})
    fields.update(times)
    if not fields.get("opened_at"):
        raise rec.error("opened_at", "is required (when the case began, e.g. 2026-11-25)")
    uid = rec.uid(raw)
    _once(seen["case"], uid, rec, "uid")
    refs = []
    for m, ref in enumerate(rec.items(raw, "refs")):
        r = rec.child("refs", m, ref)
        given_ref = r.texts(r.obj(ref), ("kind", "value"))
        refs.append({"kind": r.run(v.choice, "kind", given_ref["kind"], REF_KINDS),
                     "value": r.run(v.text, "value", given_ref["value"], True)})
    inters = [_interaction(rec.child("interactions", m, inter), inter, seen)
              for m, inter in enumerate(rec.items(raw, "interactions"))]
    promises = []
    for m, prom in enumerate(rec.items(raw, "promises")):
        p = rec.child("promises", m, prom)
        prom = p.obj(prom)
        given_p = p.texts(prom, PROMISE_FIELDS)
        puid = p.uid(prom)
        _once(seen["promise"], puid, p, "uid")
        # A pending promise is not settled, whatever the file says.
        if p.run(_PROMISE_STATUS.parse, given_p["status"]) not in SETTLED:
            given_p["settled_at"] = None
        times = _take_stored(given_p, PROMISE_TIMES)
        clean = p.run(normalise_promise_fields, given_p)
        clean.update(times)
        promises.append({
            "uid": puid,
            "interaction_uid": p.uid(prom, "interaction_uid", generate=False), **clean,
            **_stamp(p, prom), "rec": p})
    return {"uid": uid, "company": company_name, **fields, "refs": refs, "interactions": inters,
            "promises": promises, "status_events": _status_events(rec, raw, seen),
            **_stamp(rec, raw), "rec": rec}


def _status_events(rec: Rec, raw: dict, seen: dict) -> list[dict] | None:
    """The statuses set by hand; None for a file written before they were kept (its
    `status` then stands for them)."""
    if raw.get("status_events") is None:
        return None
    events = []
    for m, event in enumerate(rec.items(raw, "status_events")):
        e = rec.child("status_events", m, event)
        event = e.obj(event)
        given = e.texts(event, ("status", "at", "note", "created_at"))
        uid = e.uid(event)
        _once(seen["status_event"], uid, e, "uid")
        at = _time(e, "at", given["at"])
        if not at:
            raise e.error("at", "is required (when the status was set)")
        events.append({"uid": uid, "status": e.run(v.choice, "status", given["status"], STATUSES),
                       "at": at, "note": e.run(v.text, "note", given["note"]),
                       "created_at": _time(e, "created_at", given["created_at"]) or at,
                       "rec": e})
    return events


def _interaction(rec: Rec, raw: Any, seen: dict) -> dict:
    raw = rec.obj(raw)
    values = rec.texts(raw, (*CONTACT_TEXTS, "transcript_text"))
    transcript = values.pop("transcript_text")
    times = _take_stored(values, CONTACT_TIMES)
    clean = rec.run(normalise_interaction_fields, values)
    clean.update(times)
    for name in CONTACT_SECONDS:
        seconds = raw.get(name)
        if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int)):
            raise rec.error(name, f"expected a whole number of seconds, got {kind_of(seconds)}")
        clean[name] = rec.run(v.parse_duration, name, seconds or 0)
    if not clean.get("started_at"):
        raise rec.error("started_at", "is required (when the contact began)")
    rec.run(check_times, clean["started_at"], clean.get("ended_at"), clean["hold_seconds"])
    uid = rec.uid(raw)
    _once(seen["contact"], uid, rec, "uid")
    stamp = _stamp(rec, raw)
    # A contact without `milestone` is none (export writes it only where there is one).
    stamp["given"] = stamp["given"] | CONTACT_OMITTED
    return {"uid": uid, **clean, "transcript_text": rec.run(v.text, "transcript_text",
                                                             transcript),
            **stamp, "rec": rec}
