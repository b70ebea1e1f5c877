"""The dossier: a case's record as Markdown a bank, regulator or ombudsman can read (as plain
text or rendered), and the interactions as CSV for spreadsheets."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Iterable
from urllib.parse import unquote, urlparse

from . import userfiles
from .policies import UNIT_TEXT
from .records import DEAD_END_OUTCOMES, PROGRESS_OUTCOMES, CaseDetail, Interaction
from .validate import format_duration, from_iso, local_time
from .wording import plural

WANT_TEXT = {"refund": "a refund", "replacement": "a replacement", "explanation": "an explanation",
             "change": "a change to the order", "repair": "a repair", "credit": "a credit",
             "other": "a resolution"}
# A relative reference ending like a document names a file (missing or not); other words
# are ticket numbers and message ids ("TCK-1234", "<a1@mail.example>").
FILE_SUFFIXES = frozenset((".txt", ".pdf", ".eml", ".msg", ".mbox", ".htm", ".html", ".md",
                           ".csv", ".json", ".log", ".xml", ".rtf", ".doc", ".docx", ".odt",
                           ".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic", ".mp3", ".m4a",
                           ".wav", ".ogg", ".mp4", ".mov", ".zip"))
CSV_COLUMNS = ("case_id", "case_uid", "company", "case_title", "interaction_uid", "started_at",
               "ended_at", "duration_seconds", "hold_seconds", "channel", "direction", "agent",
               "agent_id", "outcome", "reference", "transcript_ref", "notes", "milestone")
MILESTONE_TEXT = {"formal_complaint": "my formal complaint",
                  "final_response": "their final response"}
ASK_STATE = {"kept": "done", "broken": "not done"}


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


def file_proof(path: Path) -> str:
    """What the dossier says of an evidence file: its size and SHA-256, or why there is
    none (one unreadable file never fails the dossier)."""
    try:
        found = userfiles.digest(path)
    except userfiles.UnreadableFile as exc:
        where = md(str(path))
        if exc.kind == "missing":
            return f"file not found at {where} (hash not taken)"
        if exc.kind == "denied":
            return f"cannot read {where} (permission denied; hash not taken)"
        if exc.kind == "failed":
            return f"cannot read {where} ({md(exc.reason)}; hash not taken)"
        return f"not read: {where} is {md(exc.reason)} (hash not taken)"
    return f"local file, {found.size:,} bytes, SHA-256 `{found.sha256}`"


def seconds_between(start: str, end: str | None) -> int | None:
    return int((from_iso(end) - from_iso(start)).total_seconds()) if end else None


def md(text: str | None) -> str:
    """User text for a Markdown table cell: one line, pipes escaped, nothing interpreted."""
    if not text:
        return ""
    one_line = " / ".join(part.strip() for part in str(text).splitlines() if part.strip())
    out = []
    for ch in one_line:
        if ch in "\\`*_[]<>|~":  # what Markdown reads mid-line; plain text stays readable
            out.append("\\" + ch)
        elif not ch.isprintable():
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def render_markdown(detail: CaseDetail, generated_at: str,
                    clocks: Iterable[tuple[str, str, str, str, str]] = ()) -> str:
    """The dossier; `clocks` are the deadline clocks that applied, as plain rows (name,
    period and start, last day, state, guidance line) worked out by the advice."""
    c = detail.case
    lines = [f"# Case record: {md(c.title)}", ""]
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
    lines += ["| | |", "|---|---|"]
    lines += [f"| {label} | {md(value)} |" for label, value in facts if value]
    if c.notes:
        lines += ["", "## Summary", ""] + [f"> {md(line)}" for line in c.notes.splitlines()]
    lines += _company_section(detail.company)
    lines += ["", f"## Timeline ({plural(len(detail.interactions), 'contact')})", "",
              "| # | When | Channel | Direction | Agent | Agent ID | Duration | Hold | Outcome "
              "| Reference |", "|---|---|---|---|---|---|---|---|---|---|"]
    for n, i in enumerate(detail.interactions, 1):
        length = seconds_between(i.started_at, i.ended_at)
        lines.append(" | ".join([
            f"| {n}", local_time(i.started_at), i.channel.replace("_", " "),
            "I contacted them" if i.direction == "out" else "they contacted me", md(i.agent),
            md(i.agent_id), format_duration(length) if length is not None else "",
            format_duration(i.hold_seconds) if i.hold_seconds else "",
            "; ".join(filter(None, (i.outcome or "in progress",
                                    MILESTONE_TEXT.get(i.milestone)))),
            md(i.reference)]) + " |")
    noted = [(n, i) for n, i in enumerate(detail.interactions, 1) if i.notes]
    if noted:
        lines += ["", "### What was said", ""]
        for n, i in noted:
            lines.append(f"- **#{n}, {local_time(i.started_at)}:** {md(i.notes)}")
    by_id = {i.id: (n, i) for n, i in enumerate(detail.interactions, 1)}
    for party, heading, column in (("company", "Promises", "Promise"),
                                   ("me", "What they asked of me", "They asked me to")):
        listed = [p for p in detail.promises if p.party == party]
        if not listed:
            continue
        lines += ["", f"## {heading}", "", f"| {column} | Made | By | Due | Status |",
                  "|---|---|---|---|---|"]
        for p in listed:
            made, who = "", ""
            if p.interaction_id in by_id:
                n, i = by_id[p.interaction_id]
                made, who = f"#{n} {local_time(i.started_at)}", md(i.agent)
            state = promise_state(p, generated_at)
            lines.append(f"| {md(p.text)} | {made} | {who} | {local_time(p.due_at)} | "
                         f"{ASK_STATE.get(state, state) if party == 'me' else state} |")
    clocks = list(clocks)
    if clocks:
        lines += ["", "## Deadlines that applied", "",
                  "| Clock | Period | Last day | State | Source |", "|---|---|---|---|---|"]
        lines += [f"| {md(name)} | {md(period)} | {last} | {state} | {md(source)} |"
                  for name, period, last, state, source in clocks]
        lines += ["", "Guidance, not legal advice: each clock's source is named beside it."]
    lines += _transcripts_section(detail.interactions)
    lines += ["", "## Totals", ""] + [f"- {t}" for t in _totals(detail, generated_at)]
    lines += ["", "---", f"Generated by supportlog on {local_time(generated_at)}. Times are local "
              "time; durations in hours (h), minutes (m) and seconds (s).", ""]
    return "\n".join(lines)


def _company_section(company) -> list[str]:
    """The company's routes and escalation contacts, and its policy windows with where each
    was read: what the reader needs to check them."""
    if company is None or not (company.routes or company.policies):
        return []
    lines = ["", f"## {md(company.name)}: how to reach them", ""]
    if company.routes:
        lines += ["| Route | For | Value | Hours |", "|---|---|---|---|"]
        for r in company.routes:
            kind = r.kind.replace("_", " ") + (f" ({md(r.label)})" if r.label else "")
            lines.append(f"| {kind} | {r.purpose} | {md(r.value)} | {md(r.hours)} |")
    if company.policies:
        lines += ["", "### Their policy windows", "",
                  "| Policy | Window | From | Source | Read on |", "|---|---|---|---|---|"]
        for p in company.policies:
            lines.append(f"| {md(p.name)} | {plural(p.days, *UNIT_TEXT[p.unit])} | "
                         f"{p.starts.replace('_', ' ')} | {md(p.source)} | {p.read_on or ''} |")
    return lines


def overdue(promise, at: str) -> bool:
    return promise.status == "pending" and bool(promise.due_at) and promise.due_at < at


def promise_state(promise, at: str) -> str:
    """'kept', 'broken', 'pending', or 'overdue since D' (its due date) for a pending one
    whose due time has passed at `at`."""
    if overdue(promise, at):
        return f"overdue since {local_time(promise.due_at)[:10]}"
    return promise.status


def _transcripts_section(interactions: Iterable[Interaction]) -> list[str]:
    rows = []
    for n, i in enumerate(interactions, 1):
        if not i.transcript_ref:
            continue
        path = transcript_file(i.transcript_ref)
        if path:
            proof = file_proof(path)
        else:
            proof = "not a local file (link, message id or ticket)"
        rows.append(f"- #{n} ({local_time(i.started_at)}, {i.channel}): "
                    f"{md(i.transcript_ref)}: {proof}")
        if i.has_transcript:
            rows[-1] += "; transcript text kept in the notebook"
    return ["", "## Transcripts", ""] + rows if rows else []


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


def _cell(value) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; quote those."""
    s = "" if value is None else str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def write_csv(out: IO[str], details: Iterable[CaseDetail]) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for d in details:
        for i in d.interactions:
            writer.writerow([_cell(x) for x in (
                d.case.id, d.case.uid, d.case.company, d.case.title, i.uid, i.started_at,
                i.ended_at, seconds_between(i.started_at, i.ended_at), i.hold_seconds,
                i.channel, i.direction, i.agent, i.agent_id, i.outcome, i.reference,
                i.transcript_ref, i.notes, i.milestone)])
            count += 1
    return count
