"""Issue 14 item 4: the dossier as blocks (Markdown and a printable HTML page), its evidence
files and transcripts in full, and `export CASE --format pack`: a zip that `sha256sum -c`
verifies, opened and checked as a person receiving it would."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tui.exports.document import Pre, to_markdown
from tui.exports.dossier import render_html, render_markdown
from tui.exports.pack import case_transcripts, unique_name
from tui.store.file_names import safe_name

from conftest import NOW_ISO

MAIL = Path(__file__).parent / "fixtures" / "mail"
SCRIPT = "<script>alert(1)</script>"
CHAT = "Agent: Zoë here <b>hi</b>\nMe: my order | A-1\n  ```\nAgent: refund in 5 days\n"
RECEIPT = b"%PDF-1.4 receipt for 129.99\n"
PHOTO = b"\x89PNG\r\n\x1a\n a photo of the damage"


@pytest.fixture
def case12(store):
    """A case with three contacts (one with a transcript kept in the notebook), user text
    that looks like markup, a receipt attached to a contact and a photo on the case."""
    c = store.create_case("Acme", f"Broken kettle {SCRIPT}", want="refund", amount="129.99",
                          opened_at="2026-11-01T09:00:00Z")
    store.log_interaction(c.id, "phone", "no_progress", agent=f"Sam {SCRIPT}",
                          started_at="2026-11-02T10:00:00Z", duration="5m")
    chat = store.log_interaction(c.id, "chat", "promised", agent="Zoë",
                                 started_at="2026-11-03T11:00:00Z", duration="20m",
                                 transcript_text=CHAT, promise="refund in 5 days",
                                 promise_due="2026-11-08")
    store.log_interaction(c.id, "in_person", "info", agent="Ana",
                          started_at="2026-11-04T12:00:00Z")
    store.attach_bytes(c.id, RECEIPT, "receipt.pdf", interaction_id=chat.id, note="paid <b>")
    store.attach_bytes(c.id, PHOTO, "../damage photo.png")
    return c


def export_pack(run, tmp_path, case="1", name="case.zip", *extra) -> Path:
    out = tmp_path / name
    run.ok("export", case, "--format", "pack", "-o", str(out), *extra)
    return out


def unpack(zip_path: Path, into: Path) -> Path:
    with zipfile.ZipFile(zip_path) as zf:
        tops = {n.split("/", 1)[0] for n in zf.namelist()}
        assert len(tops) == 1, tops                             # one top folder
        zf.extractall(into)
    return into / tops.pop()


def sha256sum_check(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=folder,
                          capture_output=True, text=True, timeout=60)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Tables(HTMLParser):
    """Every table of the page, as rows of cell text, under the heading before it; and
    every start tag seen (to prove user text made none)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.heading, self.in_heading, self.cell = "", False, None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("h1", "h2", "h3"):
            self.heading, self.in_heading = "", True
        elif tag == "table":
            self.tables.append((self.heading, []))
        elif tag == "tr":
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3"):
            self.in_heading = False
        elif tag in ("td", "th"):
            self.tables[-1][1][-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.in_heading:
            self.heading += data
        if self.cell is not None:
            self.cell += data


def parse(page: str) -> Tables:
    p = Tables()
    p.feed(page)
    p.close()
    return p


# -- the pack ----------------------------------------------------------------------------------
def test_the_pack_verifies_with_sha256sum_and_fails_on_a_flipped_byte(run, store, case12,
                                                                      tmp_path):
    store.close()
    folder = unpack(export_pack(run, tmp_path), tmp_path / "elsewhere")
    assert folder.name == "case-1"
    done = sha256sum_check(folder)
    assert done.returncode == 0, done.stdout + done.stderr
    listed = [line.split("  ", 1)[1] for line in
              (folder / "MANIFEST.sha256").read_text().splitlines()]
    on_disk = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert sorted(listed + ["MANIFEST.sha256"]) == on_disk       # every other file, once
    assert set(listed) == {"dossier.md", "dossier.html", "transcripts/02-2026-11-03-chat.txt",
                           "evidence/receipt.pdf", "evidence/damage photo.png"}
    assert (folder / "evidence/receipt.pdf").read_bytes() == RECEIPT
    assert (folder / "transcripts/02-2026-11-03-chat.txt").read_text() == CHAT
    victim = folder / "evidence/damage photo.png"
    data = bytearray(victim.read_bytes())
    data[3] ^= 0x01
    victim.write_bytes(bytes(data))
    done = sha256sum_check(folder)
    assert done.returncode != 0
    assert "evidence/damage photo.png: FAILED" in done.stdout


def test_the_pack_is_private_and_the_dossier_lists_every_file_with_its_hash(run, store, case12,
                                                                           tmp_path):
    store.close()
    out = export_pack(run, tmp_path)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    folder = unpack(out, tmp_path / "x")
    text = (folder / "dossier.md").read_text()
    for path, digest in (("transcripts/02-2026-11-03-chat.txt", sha(CHAT.encode())),
                         ("evidence/receipt.pdf", sha(RECEIPT)),
                         ("evidence/damage photo.png", sha(PHOTO))):
        assert f"| {path} |" in text and f"`{digest}` |" in text, path
    # The evidence table: name, size, added, contact #, note, SHA-256.
    assert (f"| receipt.pdf | {len(RECEIPT)} bytes | 2026-11-25 12:00 | #2 | paid \\<b\\> | "
            f"`{sha(RECEIPT)}` |") in text
    assert f"| damage photo.png | {len(PHOTO)} bytes | 2026-11-25 12:00 |  |  | " in text
    # The appendix: the contact's number, date and channel, and the text exactly.
    appendix = text.split("## Appendix: transcripts in full", 1)[1]
    assert "### #2, 2026-11-03 11:00, chat" in appendix
    assert "````text\n" + CHAT + "````\n" in appendix       # a fence longer than "  ```"
    page = (folder / "dossier.html").read_text()
    assert sha(RECEIPT) in page and sha(CHAT.encode()) in page
    assert "<pre>Agent: Zoë here &lt;b&gt;hi&lt;/b&gt;" in page


def test_the_html_dossier_timeline_rows_are_the_contacts_in_order(store, case12):
    detail = store.get_detail(case12.id)
    page = render_html(detail, NOW_ISO, transcripts=case_transcripts(store, detail))
    parsed = parse(page)
    assert "script" not in parsed.tags                          # user text made no tag
    timeline = [rows for heading, rows in parsed.tables if heading.startswith("Timeline")]
    assert len(timeline) == 1
    header, *rows = timeline[0]
    assert header[:5] == ["#", "When", "Channel", "Direction", "Agent"]
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
        ("1", "2026-11-02 10:00", "phone", f"Sam {SCRIPT}"),     # shown as text
        ("2", "2026-11-03 11:00", "chat", "Zoë"),
        ("3", "2026-11-04 12:00", "in person", "Ana")]
    assert "<title>Case record: Broken kettle &lt;script&gt;" in page
    assert "<h1>Case record: Broken kettle &lt;script&gt;alert(1)&lt;/script&gt;</h1>" in page


@pytest.mark.parametrize("args", [(), ("1", "2")])
def test_a_pack_holds_exactly_one_case(run, store, case12, tmp_path, args):
    store.create_case("Acme", "another")
    store.close()
    out = tmp_path / "p.zip"
    result = run("export", *args, "--format", "pack", "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "exactly one case" in result.stderr
    assert "Traceback" not in result.output and not out.exists()


@pytest.mark.parametrize("args", [(), ("-o", "-")])
def test_a_pack_needs_an_output_file(run, store, case12, args):
    store.close()
    result = run("export", "1", "--format", "pack", *args)
    assert result.exit_code == 2 and result.stdout == ""         # no zip on a terminal
    assert result.stderr.count("\n") == 1 and "-o case-1.zip" in result.stderr


def test_a_pack_is_never_written_over_a_file_without_force(run, store, case12, tmp_path):
    store.close()
    out = tmp_path / "case.zip"
    out.write_bytes(b"an older pack")
    result = run("export", "1", "--format", "pack", "-o", str(out))
    assert result.exit_code != 0 and "--force" in result.stderr
    assert out.read_bytes() == b"an older pack"
    export_pack(run, tmp_path, "1", "case.zip", "--force")
    assert zipfile.is_zipfile(out) and stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_missing_or_damaged_evidence_file_fails_the_pack_in_one_line(run, store, case12,
                                                                       tmp_path):
    stored = store.evidence_path(sha(PHOTO))
    store.close()
    original = stored.read_bytes()
    stored.write_bytes(original[:-1] + b"X")                    # damaged
    out = tmp_path / "case.zip"
    result = run("export", "1", "--format", "pack", "-o", str(out))
    assert result.exit_code != 0 and "no longer matches its SHA-256" in result.stderr
    assert result.stderr.count("\n") == 1 and not out.exists()
    stored.unlink()                                              # missing
    result = run("export", "1", "--format", "pack", "-o", str(out))
    assert result.exit_code != 0 and "'damage photo.png' is missing" in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".case.zip*"))   # no temp left


def test_the_same_bytes_go_in_once_and_names_are_unique(run, store, tmp_path):
    c = store.create_case("Acme", "two receipts")
    store.attach_bytes(c.id, b"first", "Receipt.pdf")
    store.attach_bytes(c.id, b"second", "receipt.pdf")
    # The same message imported as two attachments (each with its uid): two rows, one file.
    store.attach_bytes(c.id, b"same", "a.txt", uid="u1", origin="mail")
    store.attach_bytes(c.id, b"same", "b.txt", uid="u2", origin="mail")
    store.close()
    folder = unpack(export_pack(run, tmp_path, str(c.id)), tmp_path / "x")
    names = sorted(p.name for p in (folder / "evidence").iterdir())
    assert names == ["Receipt.pdf", "a.txt", "receipt (2).pdf"]
    assert sha256sum_check(folder).returncode == 0
    assert "| evidence/a.txt | evidence: a.txt, b.txt |" in (folder / "dossier.md").read_text()


@pytest.mark.parametrize("name, safe", [
    ("receipt.pdf", "receipt.pdf"), ("../../etc/passwd", "_._etc_passwd"), ("..", "file"),
    ("a\\b/c.txt", "a_b_c.txt"), ("bill\x00\x1b[31m.pdf", "bill__[31m.pdf"),
    ('what? "now": <x>|y*.png', "what_ _now__ _x__y_.png"), ("CON.txt", "_CON.txt"),
    ("nul", "_nul"), ("lpt1.tar.gz", "_lpt1.tar.gz"), (" trailing dot. ", "trailing dot"),
    ("e\u0301t\u00e9.jpg", "\u00e9t\u00e9.jpg"), ("x\u202egpj.exe", "x_gpj.exe"),
    ("", "file"), ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
])
def test_evidence_names_are_safe_on_any_system(name, safe):
    assert safe_name(name) == safe


def test_unique_names_ignore_case():
    taken: set[str] = set()
    assert [unique_name(n, taken) for n in ("a.pdf", "A.PDF", "a.pdf", "notes")] == [
        "a.pdf", "A (2).PDF", "a (3).pdf", "notes"]


def test_the_pack_of_a_mail_contact_shows_its_headers(run, store, tmp_path):
    c = store.create_case("Acme", "mail")
    store.close()
    run.ok("import-mail", str(MAIL / "thread-1.eml"), "--case", str(c.id))
    folder = unpack(export_pack(run, tmp_path, str(c.id)), tmp_path / "x")
    text = (folder / "dossier.md").read_text()
    appendix = text.split("## Appendix: transcripts in full", 1)[1]
    assert "| Message-ID |" in appendix and "| From |" in appendix and "| Subject |" in appendix
    assert sha256sum_check(folder).returncode == 0


# -- the dossier -------------------------------------------------------------------------------
def test_the_markdown_dossier_is_unchanged_where_nothing_new_applies(store):
    """Without evidence or transcripts the blocks render what the line-by-line dossier did."""
    c = store.create_case("Acme", "plain [case]", opened_at="2026-11-01T09:00:00Z")
    store.log_interaction(c.id, "phone", "no_progress", agent="Sam",
                          started_at="2026-11-02T10:00:00Z", duration="5m", notes="x|y")
    text = render_markdown(store.get_detail(c.id), NOW_ISO,
                           transcripts=case_transcripts(store, store.get_detail(c.id)))
    assert "## Evidence files" not in text and "## Appendix" not in text
    assert "## Files in this pack" not in text
    assert text.endswith("\n---\nGenerated by supportlog on 2026-11-25 12:00. Times are "
                         "local time; durations in hours (h), minutes (m) and seconds (s).\n")
    assert "| 1 | 2026-11-02 10:00 | phone | I contacted them | Sam |  | 5m |  | no_progress |" \
           "  |" in text
    assert "- **#1, 2026-11-02 10:00:** x\\|y" in text


def test_export_md_includes_evidence_and_transcripts(run, store, case12):
    store.close()
    text = run.ok("export", "1", "--format", "md")
    assert f"`{sha(PHOTO)}`" in text and "## Appendix: transcripts in full" in text
    assert "## Files in this pack" not in text                 # only a pack holds files


def test_export_html_puts_several_cases_on_one_page(run, store, case12, tmp_path):
    store.create_case("Bolt", "second case")
    store.close()
    out = tmp_path / "cases.html"
    run.ok("export", "--format", "html", "-o", str(out))
    page = out.read_text()
    assert page.count("<html") == 1 and page.count("<h1>") == 2
    assert "<title>Case records: 2 cases</title>" in page
    assert "script" not in parse(page).tags
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    one = run.ok("export", "2", "--format", "html")
    assert "<title>Case record: second case</title>" in one and one.count("<h1>") == 1


def test_a_transcript_cannot_close_its_markdown_fence():
    """Before: a line of backticks indented or followed by spaces (which CommonMark reads as
    the closing fence) kept the fence at three, so what followed was read as Markdown."""
    for line in ("  ```", "```   ", "\t````", "x\r```"):
        text = f"before\n{line}\n{SCRIPT}\n"
        rendered = to_markdown([Pre(text)])
        fence = rendered.split("text\n", 1)[0]
        assert len(fence) > len(line.strip().split("\r")[-1]), (line, rendered)
        assert rendered.endswith("\n" + fence + "\n")


@pytest.mark.skipif(shutil.which("unzip") is None, reason="no unzip")
def test_the_pack_opens_with_unzip(run, store, case12, tmp_path):
    """The zip as another machine's tool reads it: one folder, files private to the owner."""
    store.close()
    out = export_pack(run, tmp_path)
    into = tmp_path / "unzipped"
    into.mkdir()
    done = subprocess.run(["unzip", "-q", str(out)], cwd=into, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert os.listdir(into) == ["case-1"]
    assert stat.S_IMODE((into / "case-1/evidence/receipt.pdf").stat().st_mode) == 0o600
    assert sha256sum_check(into / "case-1").returncode == 0
