"""The dossier (Markdown, CSV) and the statistics, through the store and the CLI."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import stat

import pytest

from tui.exports.contacts_csv import write_csv
from tui.exports.dossier import md, render_markdown


@pytest.fixture
def case(store, tmp_path):
    transcript = tmp_path / "chat.txt"
    transcript.write_bytes(b"Agent: refund approved\n")
    c = store.create_case("Amazon", "Lost | parcel [/]", refs=[("order", "112-1")],
                          want="refund", amount="49.90", currency="EUR",
                          opened_at="2026-11-01T09:00:00Z")
    store.log_interaction(c.id, "phone", "transferred", agent="Priya", agent_id="A7",
                          started_at="2026-11-02T10:00:00Z", duration="25m", hold="12m",
                          reference="R-1", notes="=HYPERLINK(\"x\")\nsecond line")
    store.log_interaction(c.id, "chat", "promised", agent="Sam", started_at="2026-11-03T10:00Z",
                          duration="10m", transcript_ref=str(transcript),
                          promise="refund in 3 days", promise_due="2026-11-06")
    store.log_interaction(c.id, "email", "info", started_at="2026-11-04T10:00Z",
                          transcript_ref="https://example.com/ticket/9")
    return c, transcript


def test_markdown_dossier(store, case):
    c, transcript = case
    text = render_markdown(store.get_detail(c.id), store.now())
    digest = hashlib.sha256(transcript.read_bytes()).hexdigest()
    for expected in (
        "# Case record: Lost \\| parcel \\[/\\]",
        "| What I am asking for | a refund of 49.90 EUR |",
        "| References | order 112-1 |",
        "| 1 | 2026-11-02 10:00 | phone | I contacted them | Priya | A7 | 25m | 12m | "
        "transferred | R-1 |",
        "- **#1, 2026-11-02 10:00:** =HYPERLINK(\"x\") / second line",
        "| refund in 3 days | #2 2026-11-03 10:00 | Sam | 2026-11-06 23:59 | overdue since "
        "2026-11-06 |",
        f"local file, 23 bytes, SHA-256 `{digest}`",
        "https://example.com/ticket/9: not a local file",
        "- Contacts: 3 (2 made progress, 1 dead end)",
        "- Time in contact: 35m; on hold: 12m",
        "- Days open: 24 (still open)",
        "- Promises: 1 (0 kept, 0 broken, 0 pending, 1 overdue)",
    ):
        assert expected in text, expected


def test_md_cells_are_literal():
    assert md("a|b\nc") == "a\\|b / c"
    assert md("[link](x) *y* <b>") == "\\[link\\](x) \\*y\\* \\<b\\>"
    assert md("\x1b[31m") == " \\[31m"


def test_csv_quotes_formulas(store, case):
    c, _ = case
    out = io.StringIO()
    assert write_csv(out, [store.get_detail(c.id)]) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["notes"] == "'=HYPERLINK(\"x\")\nsecond line"
    assert rows[0]["duration_seconds"] == "1500" and rows[0]["hold_seconds"] == "720"
    assert [r["channel"] for r in rows] == ["phone", "chat", "email"]


def test_export_formats_through_the_cli(run, store, case, tmp_path):
    store.close()
    out = tmp_path / "dossier.md"
    run.ok("export", "1", "--format", "md", "-o", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text().startswith("# Case record: Lost")
    rows = list(csv.reader(io.StringIO(run.ok("export", "--format", "csv"))))
    assert len(rows) == 4 and rows[0][0] == "case_id"


def test_stats(store, case, run):
    c, _ = case
    other = store.create_case("Comcast", "slow", opened_at="2026-11-01T09:00:00Z")
    store.log_interaction(other.id, "phone", "resolved", started_at="2026-11-05T09:00Z",
                          hold="30m", duration="40m")
    amazon, comcast = sorted(store.company_stats(), key=lambda r: r.name)
    assert (amazon.contacts, amazon.progress, amazon.hold_total, amazon.cases) == (3, 2, 720, 1)
    assert (amazon.promises_pending, amazon.resolved_cases) == (1, 0)
    assert (comcast.resolved_cases, comcast.contacts_per_resolved) == (1, 1.0)
    # opened 11-01 09:00, closed when the resolving contact ended (11-05 09:40), not now
    assert comcast.days_to_resolution == pytest.approx(4 + 40 / 1440)
    channels = {r.name: r for r in store.channel_stats_all()}
    assert channels["phone"].contacts == 2 and channels["phone"].progress_share == 0.5
    assert channels["phone"].hold_total == 720 + 1800
    assert channels["chat"].promises_pending == 1
    assert [r.name for r in store.company_stats("Comcast")] == ["Comcast"]
    store.close()
    data = json.loads(run.ok("stats", "--json"))
    assert {r["name"] for r in data["companies"]} == {"Amazon", "Comcast"}
    assert "PROGRESS" in run.ok("stats")
    assert "no cases with 'X'" in run.ok("stats", "--company", "X")
