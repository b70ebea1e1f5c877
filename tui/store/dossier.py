"""The dossier: a case's record as Markdown a bank, regulator or ombudsman can read (as plain
text or rendered), and the interactions as CSV for spreadsheets."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import IO, Iterable
from urllib.parse import urlparse

from .records import DEAD_END_OUTCOMES, PROGRESS_OUTCOMES, CaseDetail, Interaction
from .validate import format_duration, from_iso, local_time

WANT_TEXT = {"refund": "a refund", "replacement": "a replacement", "explanation": "an explanation",
             "change": "a change to the order", "repair": "a repair", "credit": "a credit",
             "other": "a resolution"}
CSV_COLUMNS = ("case_id", "case_uid", "company", "case_title", "interaction_uid", "started_at",
               "ended_at", "duration_seconds", "hold_seconds", "channel", "direction", "agent",
               "agent_id", "outcome", "reference", "transcript_ref", "notes")


def transcript_file(ref: str | None) -> Path | None:
    """The local file a transcript reference names, if it is one that exists."""
    if not ref:
        return None
    parsed = urlparse(ref)
    if parsed.scheme == "file":
        candidate = Path(parsed.path)
    elif parsed.scheme and len(parsed.scheme) > 1:
        return None  # http(s), mailto, message ids: not local files
    else:
        candidate = Path(ref).expanduser()
    try:
        return candidate if candidate.is_file() else None
    except OSError:
        return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def render_markdown(detail: CaseDetail, generated_at: str) -> str:
    c = detail.case
    lines = [f"# Case record: {md(c.title)}", ""]
    want = WANT_TEXT.get(c.want, c.want)
    amount = f" of {c.amount} {c.currency or ''}".rstrip() if c.amount else ""
    facts = [("Company", c.company), ("Third-party seller", c.seller),
             ("Category", c.category.replace("_", " ")), ("What I am asking for", want + amount),
             ("Status", c.status), ("Opened", local_time(c.opened_at)),
             ("Closed", local_time(c.closed_at)), ("Purchased", c.purchased_on),
             ("Delivered", c.delivered_on), ("Due", c.due_on),
             ("References", ", ".join(f"{r.kind} {r.value}" for r in detail.refs)),
             ("Record id", c.uid)]
    lines += ["| | |", "|---|---|"]
    lines += [f"| {label} | {md(value)} |" for label, value in facts if value]
    if c.notes:
        lines += ["", "## Summary", ""] + [f"> {md(line)}" for line in c.notes.splitlines()]
    lines += ["", f"## Timeline ({len(detail.interactions)} contacts)", "",
              "| # | When | Channel | Direction | Agent | Agent ID | Duration | Hold | Outcome "
              "| Reference |", "|---|---|---|---|---|---|---|---|---|---|"]
    for n, i in enumerate(detail.interactions, 1):
        length = seconds_between(i.started_at, i.ended_at)
        lines.append(" | ".join([
            f"| {n}", local_time(i.started_at), i.channel.replace("_", " "),
            "I contacted them" if i.direction == "out" else "they contacted me", md(i.agent),
            md(i.agent_id), format_duration(length) if length is not None else "",
            format_duration(i.hold_seconds) if i.hold_seconds else "", i.outcome or "in progress",
            md(i.reference)]) + " |")
    noted = [(n, i) for n, i in enumerate(detail.interactions, 1) if i.notes]
    if noted:
        lines += ["", "### What was said", ""]
        for n, i in noted:
            lines.append(f"- **#{n}, {local_time(i.started_at)}:** {md(i.notes)}")
    if detail.promises:
        by_id = {i.id: (n, i) for n, i in enumerate(detail.interactions, 1)}
        lines += ["", "## Promises", "", "| Promise | Made | By | Due | Status |",
                  "|---|---|---|---|---|"]
        for p in detail.promises:
            made, who = "", ""
            if p.interaction_id in by_id:
                n, i = by_id[p.interaction_id]
                made, who = f"#{n} {local_time(i.started_at)}", md(i.agent)
            lines.append(f"| {md(p.text)} | {made} | {who} | {local_time(p.due_at)} | "
                         f"{p.status} |")
    lines += _transcripts_section(detail.interactions)
    lines += ["", "## Totals", ""] + [f"- {t}" for t in _totals(detail, generated_at)]
    lines += ["", "---", f"Generated by supportlog on {local_time(generated_at)}. Times are local "
              "time; durations in hours (h), minutes (m) and seconds (s).", ""]
    return "\n".join(lines)


def _transcripts_section(interactions: Iterable[Interaction]) -> list[str]:
    rows = []
    for n, i in enumerate(interactions, 1):
        if not i.transcript_ref:
            continue
        path = transcript_file(i.transcript_ref)
        if path:
            size = path.stat().st_size
            proof = f"local file, {size:,} bytes, SHA-256 `{sha256_of(path)}`"
        else:
            proof = "not a local file (link, message id or ticket)"
        rows.append(f"- #{n} ({local_time(i.started_at)}, {i.channel}): "
                    f"{md(i.transcript_ref)}: {proof}")
        if i.has_transcript:
            rows[-1] += "; transcript text kept in the notebook"
    return ["", "## Transcripts", ""] + rows if rows else []


def _totals(detail: CaseDetail, generated_at: str) -> list[str]:
    inter = detail.interactions
    progress = sum(i.outcome in PROGRESS_OUTCOMES for i in inter)
    dead = sum(i.outcome in DEAD_END_OUTCOMES for i in inter)
    on_line = sum(seconds_between(i.started_at, i.ended_at) or 0 for i in inter)
    hold = sum(i.hold_seconds for i in inter)
    end = detail.case.closed_at or generated_at
    days = (from_iso(end) - from_iso(detail.case.opened_at)).days
    promises = {s: sum(p.status == s for p in detail.promises) for s in ("kept", "broken",
                                                                          "pending")}
    return [f"Contacts: {len(inter)} ({progress} made progress, {dead} dead ends)",
            f"Time in contact: {format_duration(on_line)}; on hold: {format_duration(hold)}",
            f"Days open: {days}" + (" (closed)" if detail.case.closed_at else " (still open)"),
            f"Promises: {promises['kept']} kept, {promises['broken']} broken, "
            f"{promises['pending']} pending"]


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
                i.transcript_ref, i.notes)])
            count += 1
    return count
