"""A live contact's running hold, kept in the meta table beside the contact, so that an app
that dies mid-hold can resume it.

While a hold runs, the live screen saves the contact at least every AUTOSAVE_SECONDS: the
contact's hold_seconds then counts the running hold up to that save, and the meta row
`live_hold:<contact uid>` says since when the hold runs and when that save was. Both are
written in one write unit (edit_interaction), so they always agree. On resume:
- within RESUME_WITHIN of that save, the hold is taken to be still running (a restarted
  app, the caller still on hold): it runs on from its start;
- later than that, nobody can say when it ended: it is closed at the last save, with the
  seconds counted up to then and none made up.
Either way the screen says which."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from .times import from_iso, local_time, to_iso

PREFIX = "live_hold:"
AUTOSAVE_SECONDS = 30
RESUME_WITHIN = timedelta(minutes=10)


@dataclass(frozen=True)
class RunningHold:
    since: str      # when the hold began (ISO UTC)
    saved: str      # the save whose hold_seconds counted it up to then


@dataclass(frozen=True)
class Resumed:
    closed: int                 # seconds of the holds that ended (a running one not counted)
    since: datetime | None      # when the hold still running began, or None
    note: str                   # what the screen says; "" when no hold was running


def key(uid: str) -> str:
    return PREFIX + uid


def running_at(since: datetime, saved: datetime) -> RunningHold:
    return RunningHold(to_iso(since), to_iso(saved))


def parse(value: str | None) -> RunningHold | None:
    """The meta row's value; None when there is none (or it is not ours to read)."""
    try:
        data = json.loads(value) if value else None
        return RunningHold(str(data["since"]), str(data["saved"])) if data else None
    except (ValueError, TypeError, KeyError):
        return None


def follow(conn: sqlite3.Connection, uid: str, running: RunningHold | None, *, ended: bool,
           hold_set: bool) -> None:
    """After an edit of a live contact, inside its write unit: record the hold the live
    screen says is running; the contact's end, or its hold set without one running, ends
    the record. Other edits (notes from the CLI) leave it."""
    if running is not None and not ended:
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                     "SET value = excluded.value",
                     (key(uid), json.dumps({"since": running.since, "saved": running.saved})))
    elif ended or hold_set:
        forget(conn, uid)


def forget(conn: sqlite3.Connection, uid: str) -> None:
    conn.execute("DELETE FROM meta WHERE key = ?", (key(uid),))


def resume(hold_seconds: int, running: RunningHold | None, now: datetime) -> Resumed:
    """Where a live contact's hold stands when its screen opens again at `now`, from the
    contact's saved hold_seconds and the running hold recorded with it."""
    if running is None:
        return Resumed(hold_seconds, None, "")
    since, saved = from_iso(running.since), from_iso(running.saved)
    counted = max(0, int((saved - since).total_seconds()))
    if now - saved <= RESUME_WITHIN:
        return Resumed(max(0, hold_seconds - counted), since,
                       f"hold resumed: running since {_clock(since, now)}")
    away = int((now - saved).total_seconds() // 60)
    return Resumed(hold_seconds, None,
                   f"hold closed at the last autosave, {_clock(saved, now)}: the app was gone "
                   f"{away} min, too long to tell when the hold ended")


def _clock(moment: datetime, now: datetime) -> str:
    """'14:03' on the same local day as `now`, else '2026-11-24 14:03'."""
    shown, today = local_time(to_iso(moment)), local_time(to_iso(now))
    return shown[11:] if shown[:10] == today[:10] else shown
