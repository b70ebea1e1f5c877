"""The dossier: a case's record a bank, regulator or ombudsman can read, written once as
document blocks and rendered as Markdown or as a printable HTML page; and the interactions as
CSV for spreadsheets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote, urlparse

from ..store import userfiles
from .document import (Block, Bullets, Code, Footer, Heading, Para, Pre, Quote, Raw, Span,
                       Strong, Table, md_text, to_html, to_markdown)
from ..store.policies import UNIT_TEXT
from ..store.records import DEAD_END_OUTCOMES, PROGRESS_OUTCOMES, CaseDetail, Interaction
from ..store.times import format_duration, from_iso, local_time
from ..store.wording import plural

WANT_TEXT = {"refund": "a refund", "replacement": "a replacement", "explanation": "an explanation",
             "change": "a change to the order", "repair": "a repair", "credit": "a credit",
             "other": "a resolution"}
# A relative reference ending like a document names a file (missing or not); other words
# are ticket numbers and message ids ("TCK-1234", "<a1@mail.example>").
FILE_SUFFIXES = frozenset((".txt", ".pdf", ".eml", ".msg", ".mbox", ".htm", ".html", ".md",
                           ".csv", ".json", ".log", ".xml", ".rtf", ".doc", ".docx", ".odt",
                           ".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic", ".mp3", ".m4a",
                           ".wav", ".ogg", ".mp4", ".mov", ".zip"))
MILESTONE_TEXT = {"formal_complaint": "my formal complaint",
                  "final_response": "their final response"}
ASK_STATE = {"kept": "done", "broken": "not done"}
HEADER_FIELDS = (("From", "from_addr"), ("To", "to_addr"), ("Date", "date"),
                 ("Subject", "subject"), ("Message-ID", "message_id"),
                 ("In-Reply-To", "in_reply_to"), ("References", "refs"))

md = md_text  # user text for one Markdown line or table cell (the tests and letters use it)


@dataclass(frozen=True, slots=True)
class Transcript:
    """A contact's transcript text as the notebook keeps it, with its message headers
    (tui.store.mail_import.MessageHeaders) when the contact came from mail."""

    interaction_id: int
    text: str
    headers: object | None = None


@dataclass(frozen=True, slots=True)
class PackFile:
    """A file written into an evidence pack: its path inside the pack's folder, and what it
    holds (a contact's transcript, or the evidence files with these ids)."""

    path: str
    size: int
    sha256: str
    interaction_id: int | None = None
    attachment_ids: tuple[int, ...] = ()


def transcript_file(ref: str | None) -> Path | None:
    """The local path a transcript reference names, whether or not a file is there: a
    file: URL, an absolute or home path (~/...), ./ or ../, a relative path ending like a
    document (FILE_SUFFIXES), or a relative path to a file that exists (other words are
    ticket numbers and message ids, not files). Relative paths are made absolute, so the
    dossier says where it looked."""
    if not ref or not ref.strip():
        return None
    parsed = urlparse(ref)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme and len(parsed.scheme) > 1:
        return None  # http(s), mailto, message ids: not local files
    candidate = userfiles.named_path(ref)
    if ref.startswith(("/", "~", "./", "../")) or len(parsed.scheme) == 1:  # or C:\
        return candidate.absolute()
    looks_like_file = "@" not in ref and candidate.suffix.lower() in FILE_SUFFIXES
    try:
        return candidate.absolute() if looks_like_file or candidate.is_file() else None
    except (OSError, ValueError):
        return None


def proof_spans(path: Path) -> tuple[Span, ...]:
    """What the dossier says of a file a transcript reference names: its size and SHA-256,
    or why there is none (one unreadable file never fails the dossier)."""
    try:
        found = userfiles.digest(path)
    except userfiles.UnreadableFile as exc:
        where = str(path)
        if exc.kind == "missing":
            return (Raw("file not found at "), where, Raw(" (hash not taken)"))
        if exc.kind == "denied":
            return (Raw("cannot read "), where, Raw(" (permission denied; hash not taken)"))
        if exc.kind == "failed":
            return (Raw("cannot read "), where, Raw(" ("), exc.reason,
                    Raw("; hash not taken)"))
        return (Raw("not read: "), where, Raw(" is "), exc.reason, Raw(" (hash not taken)"))
    return (Raw(f"local file, {found.size:,} bytes, SHA-256 "), Code(found.sha256))


def file_proof(path: Path) -> str:
    """proof_spans as one line of Markdown."""
    return to_markdown([Para(proof_spans(path))]).rstrip("\n")


def seconds_between(start: str, end: str | None) -> int | None:
    return int((from_iso(end) - from_iso(start)).total_seconds()) if end else None


def render_markdown(detail: CaseDetail, generated_at: str,
                    clocks: Iterable[tuple[str, str, str, str, str]] = (), *,
                    transcripts: Iterable[Transcript] | None = None,
                    files: Iterable[PackFile] | None = None) -> str:
    """The dossier as Markdown; `clocks` are the deadline clocks that applied, as plain rows
    (name, period and start, last day, state, guidance line) worked out by the advice."""
    return to_markdown(dossier_blocks(detail, generated_at, clocks, transcripts=transcripts,
                                      files=files))


def html_title(detail: CaseDetail) -> str:
    return f"Case record: {detail.case.title}"


def render_html(detail: CaseDetail, generated_at: str,
                clocks: Iterable[tuple[str, str, str, str, str]] = (), *,
                transcripts: Iterable[Transcript] | None = None,
                files: Iterable[PackFile] | None = None) -> str:
    """The dossier as one self-contained page a person can print."""
    return to_html(dossier_blocks(detail, generated_at, clocks, transcripts=transcripts,
                                  files=files), html_title(detail))


def dossier_blocks(detail: CaseDetail, generated_at: str,
                   clocks: Iterable[tuple[str, str, str, str, str]] = (), *,
                   transcripts: Iterable[Transcript] | None = None,
                   files: Iterable[PackFile] | None = None) -> list[Block]:
    """The dossier as blocks. `transcripts` are the contacts' texts the store read (the
    appendix shows them in full); `files` what an evidence pack holds (listed with hashes)."""
    c = detail.case
    blocks: list[Block] = [Heading((Raw("Case record: "), c.title), 1)]
    want = WANT_TEXT.get(c.want, c.want)
    amount = f" of {c.amount} {c.currency or ''}".rstrip() if c.amount else ""
    facts = [("Company", c.company), ("Third-party seller", c.seller),
             ("Category", c.category.replace("_", " ")), ("What I am asking for", want + amount),
             ("Status", c.status), ("Opened", local_time(c.opened_at)),
             ("Closed", local_time(c.closed_at)), ("Purchased", c.purchased_on),
             ("Delivered", c.delivered_on), ("Due", c.due_on),
             ("Card statement", c.statement_on), ("Cancelled", c.cancelled_on),
             ("References", ", ".join(f"{r.kind} {r.value}" for r in detail.refs)),
             ("Record id", c.uid)]
    blocks.append(Table(("", ""), tuple((Raw(label), value) for label, value in facts
                                        if value)))
    if c.notes:
        blocks += [Heading(Raw("Summary")), Quote(tuple(c.notes.splitlines()))]
    blocks += _company_section(detail.company)
    number = {i.id: n for n, i in enumerate(detail.interactions, 1)}
    blocks += _timeline(detail.interactions)
    blocks += _commitments(detail, generated_at, number)
    clocks = list(clocks)
    if clocks:
        blocks += [Heading(Raw("Deadlines that applied")),
                   Table(tuple(map(Raw, ("Clock", "Period", "Last day", "State", "Source"))),
                         tuple((name, period, Raw(last), Raw(state), source)
                               for name, period, last, state, source in clocks)),
                   Para(Raw("Guidance, not legal advice: each clock's source is named "
                            "beside it."))]
    blocks += _transcripts_section(detail.interactions)
    blocks += _evidence_section(detail, number)
    blocks += [Heading(Raw("Totals")), Bullets(tuple(map(Raw, _totals(detail, generated_at))))]
    files = list(files or ())
    blocks += _files_section(detail, files, number)
    blocks += _appendix(detail, list(transcripts or ()), files)
    blocks.append(Footer(Raw(f"Generated by supportlog on {local_time(generated_at)}. Times "
                             "are local time; durations in hours (h), minutes (m) and "
                             "seconds (s).")))
    return blocks


def _timeline(interactions: tuple[Interaction, ...]) -> list[Block]:
    rows = []
    for n, i in enumerate(interactions, 1):
        length = seconds_between(i.started_at, i.ended_at)
        rows.append((
            Raw(str(n)), Raw(local_time(i.started_at)), Raw(i.channel.replace("_", " ")),
            Raw("I contacted them" if i.direction == "out" else "they contacted me"),
            i.agent or "", i.agent_id or "",
            Raw(format_duration(length) if length is not None else ""),
            Raw(format_duration(i.hold_seconds) if i.hold_seconds else ""),
            Raw("; ".join(filter(None, (i.outcome or "in progress",
                                        MILESTONE_TEXT.get(i.milestone))))),
            i.reference or ""))
    blocks: list[Block] = [
        Heading(Raw(f"Timeline ({plural(len(interactions), 'contact')})")),
        Table(tuple(map(Raw, ("#", "When", "Channel", "Direction", "Agent", "Agent ID",
                              "Duration", "Hold", "Outcome", "Reference"))), tuple(rows))]
    noted = [(n, i) for n, i in enumerate(interactions, 1) if i.notes]
    if noted:
        blocks += [Heading(Raw("What was said"), 3),
                   Bullets(tuple((Strong(f"#{n}, {local_time(i.started_at)}:"), Raw(" "),
                                  i.notes) for n, i in noted))]
    return blocks


def _commitments(detail: CaseDetail, generated_at: str, number: dict[int, int]) -> list[Block]:
    """The company's promises, and apart from them what they asked of me."""
    by_id = {i.id: i for i in detail.interactions}
    blocks: list[Block] = []
    for party, heading, column in (("company", "Promises", "Promise"),
                                   ("me", "What they asked of me", "They asked me to")):
        listed = [p for p in detail.promises if p.party == party]
        if not listed:
            continue
        rows = []
        for p in listed:
            made, who = "", ""
            if p.interaction_id in by_id:
                i = by_id[p.interaction_id]
                made, who = f"#{number[i.id]} {local_time(i.started_at)}", i.agent or ""
            state = promise_state(p, generated_at)
            rows.append((p.text, Raw(made), who, Raw(local_time(p.due_at)),
                         Raw(ASK_STATE.get(state, state) if party == "me" else state)))
        blocks += [Heading(Raw(heading)),
                   Table(tuple(map(Raw, (column, "Made", "By", "Due", "Status"))),
                         tuple(rows))]
    return blocks


def _company_section(company) -> list[Block]:
    """The company's routes and escalation contacts, and its policy windows with where each
    was read: what the reader needs to check them."""
    if company is None or not (company.routes or company.policies):
        return []
    blocks: list[Block] = [Heading((company.name, Raw(": how to reach them")))]
    if company.routes:
        rows = []
        for r in company.routes:
            kind = (Raw(r.kind.replace("_", " ")),) + (
                (Raw(" ("), r.label, Raw(")")) if r.label else ())
            rows.append((kind, Raw(r.purpose), r.value, r.hours or ""))
        blocks.append(Table(tuple(map(Raw, ("Route", "For", "Value", "Hours"))), tuple(rows)))
    if company.policies:
        blocks += [Heading(Raw("Their policy windows"), 3),
                   Table(tuple(map(Raw, ("Policy", "Window", "From", "Source", "Read on"))),
                         tuple((p.name, Raw(plural(p.days, *UNIT_TEXT[p.unit])),
                                Raw(p.starts.replace("_", " ")), p.source or "",
                                Raw(p.read_on or ""))
                               for p in company.policies))]
    return blocks


def overdue(promise, at: str) -> bool:
    return promise.status == "pending" and bool(promise.due_at) and promise.due_at < at


def promise_state(promise, at: str) -> str:
    """'kept', 'broken', 'pending', or 'overdue since D' (its due date) for a pending one
    whose due time has passed at `at`."""
    if overdue(promise, at):
        return f"overdue since {local_time(promise.due_at)[:10]}"
    return promise.status


def _transcripts_section(interactions: Iterable[Interaction]) -> list[Block]:
    """Where each contact's transcript was said to be, with a local file's hash."""
    rows = []
    for n, i in enumerate(interactions, 1):
        if not i.transcript_ref:
            continue
        path = transcript_file(i.transcript_ref)
        proof = proof_spans(path) if path else (
            Raw("not a local file (link, message id or ticket)"),)
        kept = (Raw("; transcript text kept in the notebook"),) if i.has_transcript else ()
        rows.append((Raw(f"#{n} ({local_time(i.started_at)}, {i.channel}): "),
                     i.transcript_ref, Raw(": "), *proof, *kept))
    return [Heading(Raw("Transcripts")), Bullets(tuple(rows))] if rows else []


def evidence_rows(detail: CaseDetail) -> list[tuple[str, int, str, str, str | None]]:
    """The case's evidence files as (name, size, sha256, added_at, note), oldest first: what
    the dossier and the letters' "evidence enclosed" list show."""
    return [(a.name, a.size, a.sha256, a.added_at, a.note) for a in detail.attachments]


def size_text(size: int) -> str:
    return f"{size:,} bytes"


def _evidence_section(detail: CaseDetail, number: dict[int, int]) -> list[Block]:
    attachments = detail.attachments
    if not attachments:
        return []
    rows = tuple((a.name, Raw(size_text(a.size)), Raw(local_time(a.added_at)),
                  Raw(f"#{number[a.interaction_id]}" if a.interaction_id in number else ""),
                  a.note or "", Code(a.sha256)) for a in attachments)
    return [Heading(Raw(f"Evidence files ({plural(len(rows), 'file')})")),
            Table(tuple(map(Raw, ("File", "Size", "Added", "Contact", "Note", "SHA-256"))),
                  rows)]


def _files_section(detail: CaseDetail, files: list[PackFile],
                   number: dict[int, int]) -> list[Block]:
    """What the pack holds beside this dossier, each with its hash (MANIFEST.sha256 lists the
    same, for `sha256sum -c`)."""
    if not files:
        return []
    names = {a.id: a.name for a in detail.attachments}
    rows = []
    for f in files:
        if f.interaction_id is not None:
            what: tuple[Span, ...] = (
                Raw(f"transcript of contact #{number.get(f.interaction_id, '?')}"),)
        else:
            what = (Raw("evidence: "), ", ".join(names.get(a, "?") for a in f.attachment_ids))
        rows.append((f.path, what, Raw(size_text(f.size)), Code(f.sha256)))
    return [Heading(Raw("Files in this pack")),
            Para((Raw("Paths are relative to this folder; run "),
                  Code("sha256sum -c MANIFEST.sha256"),
                  Raw(" in it to check every file against its hash."))),
            Table(tuple(map(Raw, ("File", "What", "Size", "SHA-256"))), tuple(rows))]


def _appendix(detail: CaseDetail, transcripts: list[Transcript],
              files: list[PackFile]) -> list[Block]:
    """Each contact's transcript text in full, in timeline order, with its message headers."""
    text_of = {t.interaction_id: t for t in transcripts}
    in_pack = {f.interaction_id: f for f in files if f.interaction_id is not None}
    blocks: list[Block] = []
    for n, i in enumerate(detail.interactions, 1):
        t = text_of.get(i.id)
        if t is None:
            continue
        blocks.append(Heading(Raw(f"#{n}, {local_time(i.started_at)}, "
                                  f"{i.channel.replace('_', ' ')}"), 3))
        if i.id in in_pack:
            f = in_pack[i.id]
            blocks.append(Para((Raw("In this pack: "), f.path, Raw(", SHA-256 "),
                                Code(f.sha256))))
        headers = _header_rows(t.headers)
        if headers:
            blocks.append(Table((Raw("Header"), Raw("Value")), headers))
        blocks.append(Pre(t.text))
    if not blocks:
        return []
    return [Heading(Raw("Appendix: transcripts in full"))] + blocks


def _header_rows(headers) -> tuple:
    if headers is None:
        return ()
    rows = []
    for label, field in HEADER_FIELDS:
        value = getattr(headers, field, None)
        if isinstance(value, (tuple, list)):
            value = " ".join(value)
        if value:
            rows.append((Raw(label), str(value)))
    return tuple(rows)


def _totals(detail: CaseDetail, generated_at: str) -> list[str]:
    inter = detail.interactions
    # A promised contact with no promise recorded made no progress (as in the advice).
    bare = {i.id for i in inter if i.outcome == "promised"} - {
        p.interaction_id for p in detail.promises if p.party == "company"}
    progress = sum(i.outcome in PROGRESS_OUTCOMES and i.id not in bare for i in inter)
    dead = sum(i.outcome in DEAD_END_OUTCOMES or i.id in bare for i in inter)
    on_line = sum(seconds_between(i.started_at, i.ended_at) or 0 for i in inter)
    hold = sum(i.hold_seconds for i in inter)
    end = detail.case.closed_at or generated_at
    days = (from_iso(end) - from_iso(detail.case.opened_at)).days
    theirs = [p for p in detail.promises if p.party == "company"]
    late = sum(overdue(p, generated_at) for p in theirs)
    promises = {s: sum(p.status == s for p in theirs) for s in ("kept", "broken", "pending")}
    totals = [f"Contacts: {len(inter)} ({progress} made progress, {plural(dead, 'dead end')})",
              f"Time in contact: {format_duration(on_line)}; on hold: {format_duration(hold)}",
              f"Days open: {days}" + (" (closed)" if detail.case.closed_at else " (still open)"),
              f"Promises: {len(theirs)} ({promises['kept']} kept, {promises['broken']} "
              f"broken, {promises['pending'] - late} pending, {late} overdue)"]
    asks = [p for p in detail.promises if p.party == "me"]
    if asks:
        asks_late = sum(overdue(p, generated_at) for p in asks)
        done = sum(p.status == "kept" for p in asks)
        missed = sum(p.status == "broken" for p in asks)
        waiting = sum(p.status == "pending" for p in asks) - asks_late
        totals.append(f"Asked of me: {len(asks)} ({done} done, {missed} not done, {waiting} "
                      f"pending, {asks_late} overdue)")
    return totals
