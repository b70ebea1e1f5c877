"""Interactions (contacts) and promises: log, live contacts, edit, delete, promise ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from . import live_hold, timeline
from . import validate as v
from . import times
from .uids import new_uid
from .errors import NotFound, ValidationError
from .fields import CONTACT_BY_NAME, INTERACTION_SELECT, PROMISE_BY_NAME, PROMISE_SELECT
from .records import (PARTIES, PROMISE_STATUSES, Interaction, Promise, interaction_from_row,
                      promise_from_row)

PROMISED_NEEDS = "outcome promised needs the promise: say what they promised (and by when)"
ASKED_NEEDS = "a due date needs what they asked you for (--asked)"
SETTLED = frozenset(("kept", "broken"))
KEEP: Any = object()   # a field left out of an edit keeps its value


def normalise_interaction_fields(fields: dict[str, Any],
                                 now: datetime | None = None) -> dict[str, Any]:
    """Validate the interaction fields present in `fields` (shared by log, edit, import).
    `now` (the store's clock) lets typed times be relative ("yesterday 14:30")."""
    return _normalise(fields, CONTACT_BY_NAME, "is not an interaction field", now)


def normalise_promise_fields(fields: dict[str, Any],
                             now: datetime | None = None) -> dict[str, Any]:
    """Validate the promise fields present in `fields` (the import's; the store's calls
    name the text after the party: promise or asked)."""
    return _normalise(fields, PROMISE_BY_NAME, "is not a promise field", now)


def _normalise(fields: dict[str, Any], registry: dict, unknown: str,
               now: datetime | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in fields.items():
        field = registry.get(key)
        if field is None:
            raise ValidationError(key, unknown)
        out[key] = field.parse(value, now)
    return out


def check_times(started_at: str | None, ended_at: str | None, hold: int) -> None:
    if started_at and ended_at:
        if ended_at < started_at:
            raise ValidationError("end", "is before the start; check the times")
        length = (times.from_iso(ended_at) - times.from_iso(started_at)).total_seconds()
        if hold > length:
            raise ValidationError("hold", f"({times.format_duration(hold)}) is longer than the "
                                          f"contact itself ({times.format_duration(int(length))})")


class InteractionOps:
    """Mixed into Store; relies on Connection and CaseOps."""

    def _follow_timeline(self, case_ids: Iterable[int]) -> None:
        """Status and dates follow the timeline (timeline.py); inside the write unit. An
        opened date that moved back to an earlier contact is accepted and said."""
        for m in timeline.rederive(self.conn, case_ids):
            self.__dict__.setdefault("_warnings", []).append(
                f"case {m.case_id}: opened date moved from {times.local_time(m.before)} to "
                f"{times.local_time(m.after)}, its earliest contact")

    def take_warnings(self) -> list[str]:
        """What the writes since the last call accepted but want said; emptied."""
        return self.__dict__.pop("_warnings", [])

    def log_interaction(self, case_id: int, channel: str, outcome: str | None, *,
                        started_at: str | None = None, ended_at: str | None = None,
                        duration: str | int | None = None, hold: str | int | None = None,
                        promise: str | None = None, promise_due: str | None = None,
                        asked: str | None = None, asked_due: str | None = None,
                        milestone: str | None = None,
                        transcript_text: str | None = None, uid: str | None = None,
                        **fields: Any) -> Interaction:
        """Log one contact. Without a start time it is taken to have just ended, so
        `duration` reaches back from now. `outcome=None` starts a live contact. `promise`
        is what they promised, `asked` what they asked of you (each by its `_due`)."""
        clean = normalise_interaction_fields({"channel": channel, "outcome": outcome,
                                              "milestone": milestone, **fields})
        seconds = v.parse_duration("duration", duration) if duration not in (None, "") else None
        given_hold = clean.pop("hold_seconds", 0)   # the field, as the form and `log` give it
        hold_seconds = given_hold if hold is None else v.parse_duration("hold", hold)
        start = v.parse_when("at", started_at, now=self.clock())
        end = v.parse_when("end", ended_at, now=self.clock())
        live = outcome is None
        if start is None:
            # Logged after the fact with no start: it ended now (or at `end`).
            if end is None and seconds is not None and not live:
                end = self.now()
            start = times.add(end, -(seconds or 0)) if end else self.now()
        elif end is None and seconds is not None and not live:
            end = times.add(start, seconds)
        now = self.now()
        check_times(start, end, hold_seconds)
        timeline.check_not_ahead("at", start, self.clock())
        transcript = v.text("transcript", transcript_text)
        made = self._commitments(promise, promise_due, asked, asked_due, start)
        if clean.get("outcome") == "promised" and made[0] is None:
            raise ValidationError("promise", PROMISED_NEEDS)
        self.get_case(case_id)
        with self.write():
            cols = {"uid": uid or new_uid(), "case_id": case_id, **clean, "started_at": start,
                    "ended_at": end, "hold_seconds": hold_seconds, "created_at": now,
                    "updated_at": now}
            cur = self.conn.execute(
                f"INSERT INTO interactions ({', '.join(cols)}) "
                f"VALUES ({', '.join('?' * len(cols))})", tuple(cols.values()))
            iid = cur.lastrowid
            if transcript:
                self.conn.execute("INSERT INTO transcripts (interaction_id, text) VALUES (?, ?)",
                                  (iid, transcript))
            self._insert_commitments(case_id, iid, made)
            self._follow_timeline([case_id])
        return self.get_interaction(iid)

    def _commitments(self, promise: str | None, promise_due: str | None, asked: str | None,
                     asked_due: str | None, start: str) -> tuple:
        """A contact's promise and ask, checked: (promise, its due, ask, its due)."""
        promise_text = v.text("promise", promise)
        due = v.parse_when("due", promise_due, end_of_day=True, now=self.clock())
        if promise_text is None and due is not None:
            raise ValidationError("promise", "a due date needs the promise itself (--promise)")
        asked_text = v.text("asked", asked)
        asked_at = v.parse_when("asked-due", asked_due, end_of_day=True, now=self.clock())
        if asked_text is None and asked_at is not None:
            raise ValidationError("asked-due", ASKED_NEEDS)
        timeline.check_due(due, start, True)
        try:
            timeline.check_due(asked_at, start, True)
        except ValidationError as exc:
            raise ValidationError("asked-due", exc.message) from None
        return promise_text, due, asked_text, asked_at

    def _insert_commitments(self, case_id: int, interaction_id: int, made: tuple) -> None:
        promise_text, due, asked_text, asked_at = made
        if promise_text:
            self._insert_promise(case_id, promise_text, due, interaction_id)
        if asked_text:
            self._insert_promise(case_id, asked_text, asked_at, interaction_id, party="me")

    # -- live contacts ---------------------------------------------------------------------
    def start_contact(self, case_id: int, channel: str, **fields: Any) -> Interaction:
        """A live contact: saved at once with no outcome, updated as it goes."""
        return self.log_interaction(case_id, channel, None, **fields)

    def live_contacts(self) -> list[Interaction]:
        """Contacts left live (the app or terminal died mid-call), to resume or finish."""
        return [interaction_from_row(r) for r in self.conn.execute(
            f"SELECT {INTERACTION_SELECT} FROM interactions i WHERE i.outcome IS NULL "
            "ORDER BY i.started_at")]

    def finish_contact(self, interaction_id: int, outcome: str, *, ended_at: str | None = None,
                       promise: str | None = None, promise_due: str | None = None,
                       asked: str | None = None, asked_due: str | None = None,
                       milestone: Any = KEEP, **fields: Any) -> Interaction:
        """End a live contact with its outcome (and the promise or the ask, when one was
        made; the milestone when given)."""
        fields = {**fields, "outcome": outcome, "ended_at": ended_at or self.now()}
        return self.edit_interaction(interaction_id, promise=promise, promise_due=promise_due,
                                     asked=asked, asked_due=asked_due, milestone=milestone,
                                     **fields)

    # -- edit / delete -----------------------------------------------------------------------
    def edit_interaction(self, interaction_id: int, *, promise: str | None = None,
                         promise_due: str | None = None, asked: str | None = None,
                         asked_due: str | None = None, milestone: Any = KEEP,
                         transcript_text: str | None = None,
                         hold: str | int | None = None,
                         running_hold: live_hold.RunningHold | None = None,
                         **fields: Any) -> Interaction:
        """Change a contact; `running_hold` is the live screen's hold still running (its
        autosave), kept with the contact in the same write unit (see live_hold). A
        `promise` or an `asked` adds one; `milestone=None` clears it, left out keeps it."""
        current = self.get_interaction(interaction_id)
        if hold is not None:
            fields["hold_seconds"] = hold
        if milestone is not KEEP:
            fields["milestone"] = milestone
        clean = normalise_interaction_fields(fields, self.clock())
        start = clean.get("started_at") or current.started_at
        check_times(start, clean.get("ended_at", current.ended_at),
                    clean.get("hold_seconds", current.hold_seconds))
        moved = start != current.started_at   # a form resends what it showed
        if moved:
            timeline.check_not_ahead("at", start, self.clock())
        made_now = self._commitments(promise, promise_due, asked, asked_due, start)
        promise_text = made_now[0]
        transcript = v.text("transcript", transcript_text)
        becomes_promised = clean.get("outcome") == "promised" and current.outcome != "promised"
        if moved or becomes_promised:  # not on an autosave, which changes neither
            made = self.conn.execute("SELECT min(due_at), total(party = 'company') "
                                     "FROM promises WHERE interaction_id = ?",
                                     (interaction_id,)).fetchone()
            if moved and made[0] and made[0] < start:
                raise ValidationError("at", f"({times.local_time(start)}) is after the due date of "
                                            f"the promise made in this contact "
                                            f"({times.local_time(made[0])})")
            if becomes_promised and promise_text is None and not made[1]:
                raise ValidationError("promise", PROMISED_NEEDS)
        with self.write():
            if clean or transcript is not None:  # a new transcript is a change of the contact
                sets = "".join(f"{k} = ?, " for k in clean)
                self.conn.execute(f"UPDATE interactions SET {sets}updated_at = ? WHERE id = ?",
                                  (*clean.values(), self.now(), interaction_id))
            if transcript is not None:
                self.conn.execute("INSERT INTO transcripts (interaction_id, text) VALUES (?, ?) "
                                  "ON CONFLICT(interaction_id) DO UPDATE SET text = excluded.text",
                                  (interaction_id, transcript))
            self._insert_commitments(current.case_id, interaction_id, made_now)
            if current.live:
                live_hold.follow(self.conn, current.uid, running_hold,
                                 hold_set="hold_seconds" in fields,
                                 ended=clean.get("outcome") is not None)
            self._follow_timeline([current.case_id])
        return self.get_interaction(interaction_id)

    def delete_interaction(self, interaction_id: int) -> None:
        contact = self.get_interaction(interaction_id)
        with self.write():
            self.conn.execute("DELETE FROM interactions WHERE id = ?", (interaction_id,))
            live_hold.forget(self.conn, contact.uid)
            self._follow_timeline([contact.case_id])

    def get_interaction(self, interaction_id: int) -> Interaction:
        row = self.conn.execute(f"SELECT {INTERACTION_SELECT} FROM interactions i "
                                "WHERE i.id = ?", (interaction_id,)).fetchone()
        if not row:
            raise NotFound(f"no interaction {interaction_id}")
        return interaction_from_row(row)

    def transcript(self, interaction_id: int) -> str | None:
        row = self.conn.execute("SELECT text FROM transcripts WHERE interaction_id = ?",
                                (interaction_id,)).fetchone()
        return row[0] if row else None

    # -- promises ----------------------------------------------------------------------------
    def _insert_promise(self, case_id: int, text: str, due: str | None,
                        interaction_id: int | None, uid: str | None = None,
                        status: str = "pending", created_at: str | None = None,
                        party: str = "company") -> int:
        now = self.now()
        cur = self.conn.execute(
            "INSERT INTO promises (uid, case_id, interaction_id, text, due_at, status, party, "
            "settled_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (uid or new_uid(), case_id, interaction_id, text, due, status, party,
             now if status in SETTLED else None, created_at or now, now))
        return cur.lastrowid

    def add_promise(self, case_id: int, text: str, due: str | None = None,
                    interaction_id: int | None = None, party: str = "company") -> Promise:
        """Record what the company promised, or (`party="me"`) what it asked of you."""
        party = v.choice("party", party, PARTIES)
        text = v.text("asked" if party == "me" else "promise", text, required=True)
        due_at = v.parse_when("due", due, end_of_day=True, now=self.clock())
        case = self.get_case(case_id)
        if interaction_id is not None:
            timeline.check_due(due_at, self.get_interaction(interaction_id).started_at, True)
        else:
            timeline.check_due(due_at, case.opened_at, False)
        with self.write():
            pid = self._insert_promise(case_id, text, due_at, interaction_id, party=party)
            self._follow_timeline([case_id])
        return self.get_promise(pid)

    def set_promise_status(self, promise_id: int, status: str) -> Promise:
        """Mark a promise (or an ask) kept, broken or back to pending; `settled_at` says
        since when it is settled (kept again as kept keeps the first time)."""
        status = v.choice("promise status", status, PROMISE_STATUSES)
        promise = self.get_promise(promise_id)
        now = self.now()
        with self.write():
            self.conn.execute(
                "UPDATE promises SET settled_at = CASE WHEN ?1 = 'pending' THEN NULL "
                "WHEN status = ?1 THEN coalesce(settled_at, ?2) ELSE ?2 END, "
                "status = ?1, updated_at = ?2 WHERE id = ?3", (status, now, promise_id))
            # Nothing else pending puts a waiting case back in your hands.
            self._follow_timeline([promise.case_id])
        return self.get_promise(promise_id)

    def resolve_promise(self, ref: str | int) -> int:
        s = str(ref).strip()
        col = "id" if s.isdigit() else "uid"
        row = self.conn.execute(f"SELECT id FROM promises WHERE {col} = ?",
                                (int(s) if s.isdigit() else s,)).fetchone()
        if not row:
            raise NotFound(f"no promise {s!r}; `supportlog show CASE` lists a case's promises")
        return row[0]

    def get_promise(self, promise_id: int) -> Promise:
        row = self.conn.execute(f"SELECT {PROMISE_SELECT} FROM promises p WHERE p.id = ?",
                                (promise_id,)).fetchone()
        if not row:
            raise NotFound(f"no promise {promise_id}")
        return promise_from_row(row)
