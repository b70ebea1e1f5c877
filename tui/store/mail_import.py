"""Imported mail linked to cases and written: each message becomes a contact (email, or chat
for a chat transcript) with its headers in `messages`, once, however often it is imported.

Linking order: the case given; the thread (In-Reply-To/References naming a stored
message); a reference the case or its contacts hold, found in the subject or body. The
company by sender domain only proposes: such a message is not imported (NeedsCase).

A message's attachments become evidence files of its case and contact (origin 'mail'), and
with `keep_original` the message's own bytes too (origin 'original'), each by a uid made
from the message's key, so a second import writes nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from .cards import mask_cards
from .errors import ValidationError
from .mail import Message

# Shorter references ("12", "A-1") would match ordinary words and numbers in a message.
MIN_REF_LENGTH = 4


class NeedsCase(ValidationError):
    """A message no thread or reference links to a case: the command names the candidates."""

    def __init__(self, message: Message, candidates: list[tuple[int, str]]):
        what = f"message {message.subject!r}" if message.subject else "its message"
        found = (" cases of the sender's company: " + ", ".join(
            f"{cid} ({title})" for cid, title in candidates) if candidates else
            " no case of the sender's company either")
        ValidationError.__init__(self, message.source, f"{what} matches no case by thread or "
                                 f"reference;{found}; rerun with --case CASE")
        # `message` stays the text (as every ValidationError's); the Message is `mail`.
        self.mail, self.candidates = message, candidates


@dataclass
class Imported:
    message: Message
    case_id: int
    interaction_id: int
    new: bool                      # False: it was imported before and nothing changed
    linked_by: str                 # "case", "thread", "reference" or "before"
    warnings: list[str] = field(default_factory=list)
    attachment_ids: list[int] = field(default_factory=list)   # message.attachments' files
    original_id: int | None = None                            # the message kept as received


@dataclass(frozen=True, slots=True)
class MessageHeaders:
    """The headers that matter of an imported message, as the notebook keeps them."""
    from_addr: str | None
    to_addr: str | None
    date: str | None               # ISO UTC
    subject: str | None
    message_id: str | None         # None: the message had none (it is known by a hash)
    in_reply_to: str | None
    refs: tuple[str, ...] = ()


ORIGINAL_NOTE = ("The message as received (--keep-original): it cannot be masked, so a card "
                 "number in it stays as it was.")


def message_headers(store, interaction_id: int) -> MessageHeaders | None:
    """The headers of the message a contact was imported from; None for any other contact."""
    row = store.conn.execute(
        "SELECT from_addr, to_addr, date, subject, message_id, in_reply_to, refs FROM messages "
        "WHERE interaction_id = ? ORDER BY rowid LIMIT 1", (interaction_id,)).fetchone()
    if row is None:
        return None
    from_addr, to_addr, date, subject, key, in_reply_to, refs = row
    return MessageHeaders(from_addr, to_addr, date, subject,
                          None if key.startswith("sha256:") else key, in_reply_to,
                          tuple((refs or "").split()))


def interaction_uid(key: str) -> str:
    """The contact's uid, from the message's key: the same message is the same contact, so
    a second import (or one cut short before its messages row) finds it."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return next(digest[i:i + 16] for i in range(0, 48, 8) if not digest[i:i + 16].isdigit())


def attachment_uid(key: str, part: int | str) -> str:
    """An evidence file's uid from its message's key and its part ("original": the message
    itself), so importing the message again finds the file it stored."""
    return interaction_uid(f"{key}\x00part:{part}")


def import_messages(store, messages: list[Message], *, case_id: int | None = None,
                    me_emails: list[str] = (), keep_original: bool = False) -> list[Imported]:
    """Link and write every message in order (a reply can link to one imported just
    before it). Every message is linked before any is written: NeedsCase writes nothing.
    `keep_original`: each message's `raw` bytes are kept as an evidence file too."""
    mine = {a.strip().lower() for a in me_emails if a.strip()}
    plan: list[tuple[Message, int, str]] = []
    seen: dict[str, int] = {}
    # Every reference the notebook holds, read once for the batch (none needed with --case).
    references = _references(store) if case_id is None else []
    for m in messages:
        before = _stored_case(store, m.key)
        if before is not None:
            plan.append((m, before, "before"))
        elif case_id is not None:
            plan.append((m, case_id, "case"))
        elif (thread := _thread_case(store, m, seen)) is not None:
            plan.append((m, thread, "thread"))
        elif (by_ref := _reference_case(references, m)) is not None:
            plan.append((m, by_ref, "reference"))
        else:
            raise NeedsCase(m, _domain_candidates(store, m))
        seen[m.key] = plan[-1][1]
    done = []
    for m, case, how in plan:
        try:
            done.append(_write(store, m, case, how, mine, keep_original))
        except ValidationError as exc:   # a date ahead of the clock, text over the limit
            raise ValidationError(m.source, str(exc)) from None
    return done


def _stored_case(store, key: str) -> int | None:
    row = store.conn.execute(
        "SELECT case_id FROM interactions WHERE uid = ?", (interaction_uid(key),)).fetchone()
    return row[0] if row else None


def _thread_case(store, m: Message, seen: dict[str, int]) -> int | None:
    ids = [i for i in (m.in_reply_to, *reversed(m.refs)) if i]   # the nearest parent first
    for i in ids:
        if i in seen:
            return seen[i]
        row = store.conn.execute(
            "SELECT i.case_id FROM messages m JOIN interactions i ON i.id = m.interaction_id "
            "WHERE m.message_id = ?", (i,)).fetchone()
        if row:
            return row[0]
    return None


def _references(store) -> list[tuple[int, str]]:
    return store.conn.execute(
        "SELECT case_id, value FROM case_refs WHERE length(value) >= ? UNION "
        "SELECT case_id, reference FROM interactions WHERE length(reference) >= ?",
        (MIN_REF_LENGTH, MIN_REF_LENGTH)).fetchall()


def _found(value: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text, re.IGNORECASE) is not None


def _reference_case(references: list[tuple[int, str]], m: Message) -> int | None:
    """The one case whose reference (of `references`: case id, value) the message names;
    none when it names several cases'."""
    text = f"{m.subject or ''}\n{m.text}"
    cases = {cid for cid, value in references if _found(value, text)}
    return cases.pop() if len(cases) == 1 else None


def _subject_reference(store, case_id: int, subject: str | None) -> str | None:
    if not subject:
        return None
    for _, value in store.conn.execute(
            "SELECT id, value FROM case_refs WHERE case_id = ? ORDER BY id", (case_id,)):
        if _found(value, subject):
            return value
    return None


def _domain_candidates(store, m: Message) -> list[tuple[int, str]]:
    """The active cases of the companies whose e-mail routes share the sender's domain."""
    domain = (m.from_addr or "").rpartition("@")[2]
    if not domain:
        return []
    return store.conn.execute(
        "SELECT c.id, c.title FROM cases c WHERE c.status IN ('open', 'waiting') AND "
        "c.company_id IN (SELECT company_id FROM company_routes WHERE kind = 'email' AND "
        "(lower(value) LIKE '%@' || ? OR lower(value) LIKE '%.' || ?)) ORDER BY c.id LIMIT 20",
        (domain, domain)).fetchall()


def _write(store, m: Message, case_id: int, how: str, mine: set[str],
           keep_original: bool) -> Imported:
    uid = interaction_uid(m.key)
    row = store.conn.execute("SELECT id, case_id FROM interactions WHERE uid = ?",
                             (uid,)).fetchone()
    if row is None:
        store.get_case(case_id)
        interaction = store.log_interaction(
            case_id, m.kind, "info", uid=uid, started_at=m.date,
            direction="out" if m.from_addr and m.from_addr in mine else "in",
            agent=None if m.from_addr in mine else m.agent,
            reference=_subject_reference(store, case_id, m.subject),
            transcript_ref=m.message_id, notes=_note(m), transcript_text=m.transcript())
        row = (interaction.id, case_id)
    new = _record(store, row[0], m)
    files = [(attachment_uid(m.key, a.part), a.data, a.name, a.type, "mail", None)
             for a in m.attachments]
    if keep_original:
        files.append((attachment_uid(m.key, "original"), m.raw, m.raw_name or "message.eml",
                      m.raw_type, "original", ORIGINAL_NOTE))
    ids, added = _evidence(store, row[1], row[0], files)
    done = Imported(m, row[1], row[0], new or added or how != "before", how,
                    [*m.guesses, *store.take_warnings()])
    done.attachment_ids = ids[:len(m.attachments)]
    done.original_id = ids[-1] if keep_original else None
    return done


def _evidence(store, case_id: int, interaction_id: int, files: list[tuple]
              ) -> tuple[list[int], bool]:
    """Each (uid, bytes, name, type, origin, note) as an evidence file of the case and the
    contact: their ids, and whether any was new (one stored before is left as it is)."""
    ids, added = [], False
    for uid, data, name, kind, origin, note in files:
        added = added or store.conn.execute(
            "SELECT 1 FROM attachments WHERE uid = ?", (uid,)).fetchone() is None
        ids.append(store.attach_bytes(case_id, data, name, type=kind,
                                      interaction_id=interaction_id, note=note,
                                      origin=origin, uid=uid).id)
    return ids, added


def _note(m: Message) -> str:
    kind = "Chat transcript" if m.kind == "chat" else "E-mail"
    return f"{kind}: {m.subject}" if m.subject else f"{kind} imported"


def _record(store, interaction_id: int, m: Message) -> bool:
    """The message's headers, once (kept apart from the contact's own write so an import
    cut short between the two is completed by the next)."""
    with store.write() as conn:
        cur = conn.execute(
            "INSERT OR IGNORE INTO messages (interaction_id, message_id, in_reply_to, refs, "
            "subject, from_addr, to_addr, date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (interaction_id, m.key, m.in_reply_to, " ".join(m.refs) or None,
             mask_cards(m.subject) if m.subject else None, m.from_addr, m.to_addr or None,
             m.date))
    return cur.rowcount > 0
