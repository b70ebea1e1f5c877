"""The contacts as CSV for spreadsheets: one row per contact, cells a spreadsheet would run
as formulas quoted."""

from __future__ import annotations

import csv
from typing import IO, Iterable

from .dossier import seconds_between
from ..store.records import CaseDetail

CSV_COLUMNS = ("case_id", "case_uid", "company", "case_title", "interaction_uid", "started_at",
               "ended_at", "duration_seconds", "hold_seconds", "channel", "direction", "agent",
               "agent_id", "outcome", "reference", "transcript_ref", "notes", "milestone")

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
