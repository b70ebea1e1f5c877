"""The JSON shape of every record the commands print, one function per kind, so that every
command names the same thing the same way. The shapes are described, one `$defs` entry per
command, by tui/schema/supportlog.schema.json (`supportlog schema` prints it).

The names: `id` and `uid` are a record's own; a record pointing at another names it by kind
(`case_id`, `case_uid`, `interaction_id`, `interaction_uid`). Contacts are `interactions`
as in the interchange format (supportlog/1); `contacts` is only ever a count.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from ..store import MARK_END, MARK_START
from ..store.fields import CASE_ROW_NAMES
from ..store.records import Case, SearchHit

_LISTS = ("refs", "interactions", "promises", "status_events")


def case_row(case: Case, score: float | None = None) -> dict:
    """A case in a listing: its own fields, its last activity and its number of contacts
    (`score`, the advice's, when the listing is by attention)."""
    d = {name: getattr(case, name) for name in CASE_ROW_NAMES}  # asdict would deep-copy each value
    if score is not None:
        d["score"] = score
    return d


@contextmanager
def _snapshot(store) -> Iterator[None]:
    """One read transaction, so the records read one after another agree with each other
    even while another process writes."""
    conn = store.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def case_record(store, case_id: int) -> dict:
    """The case as `show --json` prints it (and every command that changes a case): the
    interchange record, plus the ids `show` prints (the case's, each contact's, each
    promise's and its `p1` label), its last activity and its number of contacts."""
    with _snapshot(store):
        record = store.case_record(case_id)
        detail = store.get_detail(case_id)
    case = detail.case
    contact_ids = {i.uid: i.id for i in detail.interactions}
    promises = {p.uid: p for p in detail.promises}
    out = {"id": case.id, **{k: v for k, v in record.items() if k not in _LISTS},
           "last_activity_at": case.last_activity_at, "contacts": case.contacts,
           "refs": record["refs"]}
    # One snapshot: every uid in the record is in the detail.
    out["interactions"] = [{"id": contact_ids[i["uid"]], "uid": i["uid"], "case_id": case.id,
                            **{k: v for k, v in i.items() if k != "uid"}}
                           for i in record["interactions"]]
    out["promises"] = [_promise(p, promises[p["uid"]].id, promises[p["uid"]].interaction_id,
                                case.id) for p in record["promises"]]
    out["status_events"] = record["status_events"]
    return out


def _promise(p: dict, pid: int, interaction_id: int | None, case_id: int) -> dict:
    return {"id": pid, "label": f"p{pid}", "uid": p["uid"], "case_id": case_id,
            "interaction_id": interaction_id, **{k: v for k, v in p.items() if k != "uid"}}


def contact_record(store, case_id: int, interaction_id: int) -> dict:
    """A contact as `log --json` prints it: as in `show`, with the promise it recorded and
    what they asked of you in it (each null when none)."""
    record = case_record(store, case_id)
    contact = next(i for i in record["interactions"] if i["id"] == interaction_id)
    made = [p for p in record["promises"] if p["interaction_id"] == interaction_id]
    promised = [p for p in made if p["party"] == "company"]
    asked = [p for p in made if p["party"] == "me"]
    return {**contact, "promise": promised[-1] if promised else None,
            "asked": asked[-1] if asked else None}


def promise_record(store, case_id: int, promise_id: int) -> dict:
    """A promise as `show` lists it."""
    return next(p for p in case_record(store, case_id)["promises"] if p["id"] == promise_id)


def search_hit(hit: SearchHit, case_uid: str | None) -> dict:
    """A search hit points at a case (and at one of its contacts when the words were there)."""
    return {"case_id": hit.case_id, "case_uid": case_uid, "title": hit.case_title,
            "company": hit.company, "status": hit.status, "interaction_id": hit.interaction_id,
            "when": hit.when,
            "snippet": hit.snippet.replace(MARK_START, "").replace(MARK_END, ""),
            "rank": hit.rank}
