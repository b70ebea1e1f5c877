"""Evidence files (issue 14 item 3): kept once by SHA-256 beside the notebook, 0700/0600,
attached and detached from the CLI, kept through a deleted case's undo, copied by `backup`
and checked by `doctor` (hashes, leftovers, modes, card numbers)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tui.commands.json_schema import load_schema
from tui.store.schema import schema_version
from tui.store import Store, ValidationError
from tui.store.attachments import MAX_FILE, evidence_dir, file_size
from tui.store.userfiles import UnreadableFile

from conftest import NOW, Cli
from file_helpers import mode

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = load_schema()
RECEIPT = b"%PDF-1.4 receipt for order 112-1, EUR 129.99\n"
PHOTO = b"\x89PNG\r\n\x1a\n a photo of the damage"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_files(db: Path) -> list[Path]:
    folder = evidence_dir(db)
    return sorted(p for p in folder.glob("*/*")) if folder.exists() else []


def assert_valid(name: str, data) -> None:
    validator = Draft202012Validator({**SCHEMA, "$ref": f"#/$defs/{name}"})
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, errors


@contextmanager
def umask(value: int):
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    folder = tmp_path / "mine"
    folder.mkdir()
    out = {"receipt": folder / "receipt.pdf", "photo": folder / "damage.png",
           "chat": folder / "chat.txt"}
    out["receipt"].write_bytes(RECEIPT)
    out["photo"].write_bytes(PHOTO)
    out["chat"].write_text("Agent: give me the card 4111 1111 1111 1111 please\n",
                           encoding="utf-8")
    return out


@pytest.fixture
def case(run) -> Cli:
    """Two cases; case 1 has a contact (1), case 2 another (2)."""
    run.ok("new", "--company", "Acme", "--title", "Parcel never arrived")
    run.ok("log", "1", "--channel", "chat", "--outcome", "info", "--at", "2026-11-20T10:00")
    run.ok("new", "--company", "Globex", "--title", "Router")
    run.ok("log", "2", "--channel", "phone", "--outcome", "info", "--at", "2026-11-21T10:00")
    return run


# -- attach -----------------------------------------------------------------------------------
def test_attach_two_files_and_the_same_file_again(case, files, db_path):
    out = case.ok("attach", "1", str(files["receipt"]), str(files["photo"]))
    assert out.splitlines() == [f"1  receipt.pdf  {file_size(len(RECEIPT))}  stored",
                                f"2  damage.png  {file_size(len(PHOTO))}  stored"]
    again = case.ok("attach", "1", str(files["receipt"]), "--note", "second time")
    assert again.splitlines() == [f"1  receipt.pdf  {file_size(len(RECEIPT))}  already stored"]
    with Store(db_path, clock=lambda: NOW) as store:
        rows = store.attachments(1)
        assert [(a.id, a.name, a.type, a.size, a.note) for a in rows] == [
            (1, "receipt.pdf", "application/pdf", len(RECEIPT), None),
            (2, "damage.png", "image/png", len(PHOTO), None)]
        assert store.get_detail(1).attachments == tuple(rows)
        assert store.evidence_path(sha(RECEIPT)).read_bytes() == RECEIPT
    assert [p.name for p in stored_files(db_path)] == sorted([sha(RECEIPT), sha(PHOTO)])
    assert all(p.parent.name == p.name[:2] for p in stored_files(db_path))


def test_the_same_file_on_two_cases_is_stored_once_and_detach_removes_it_last(case, files,
                                                                            db_path):
    case.ok("attach", "1", str(files["receipt"]))
    case.ok("attach", "2", str(files["receipt"]), "--contact", "2")
    [stored] = stored_files(db_path)
    assert case.ok("detach", "1").strip() == ("removed 1 receipt.pdf from case 1; its stored "
                                              "copy stays: another attachment uses it")
    assert stored.read_bytes() == RECEIPT
    gone = json.loads(case.ok("detach", "2", "--json"))
    assert_valid("detach", gone)
    assert (gone["id"], gone["interaction_id"], gone["file_removed"]) == (2, 2, True)
    assert not stored.exists() and stored_files(db_path) == []
    missing = case("detach", "2")
    assert missing.exit_code == 2 and "no attachment 2" in missing.stderr


def test_folders_are_0700_and_files_0600_under_umask_000(case, files, db_path):
    with umask(0):
        case.ok("attach", "1", str(files["receipt"]))
        case.ok("backup", "-o", str(db_path.parent / "copy.db"))
    for db in (db_path, db_path.parent / "copy.db"):
        [stored] = stored_files(db)
        assert mode(evidence_dir(db)) == 0o700 and mode(stored.parent) == 0o700
        assert mode(stored) == 0o600
        assert not [p for p in evidence_dir(db).rglob(".*")]   # no temp file left


def test_the_note_is_masked_and_the_contact_must_be_the_cases(case, files, db_path):
    out = json.loads(case.ok("attach", "1", str(files["receipt"]), "--contact", "1", "--note",
                             "paid with 4111 1111 1111 1111", "--json"))
    assert_valid("attach", out)
    [row] = out["attachments"]
    assert row["note"] == "paid with •••• 1111" and row["interaction_id"] == 1 and row["new"]
    other = case("attach", "1", str(files["photo"]), "--contact", "2")
    assert other.exit_code == 2
    assert other.stderr.strip() == "supportlog: contact: contact 2 is on case 2, not case 1"
    with Store(db_path, clock=lambda: NOW) as store:
        assert len(store.attachments(1)) == 1
    assert len(stored_files(db_path)) == 1


def test_files_that_cannot_be_attached_are_named_and_nothing_is_kept(case, files, tmp_path,
                                                                    db_path):
    big = tmp_path / "huge.bin"
    with open(big, "wb") as fh:
        fh.truncate(MAX_FILE + 1)       # sparse: its size says it all
    cases = {str(tmp_path / "nope.pdf"): "nope.pdf: file not found",
             str(tmp_path): "is a folder",
             str(big): f"huge.bin is {MAX_FILE + 1:,} bytes; an evidence file may be at most "
                       "100 MB"}
    for path, words in cases.items():
        # The good file first: a bad one later in the list still keeps every file out.
        result = case("attach", "1", str(files["receipt"]), path)
        assert result.exit_code == 2, result.output
        assert words in result.stderr and len(result.stderr.splitlines()) == 1
        assert "Traceback" not in result.output
    assert stored_files(db_path) == []
    unknown = case("attach", "99", str(files["receipt"]))
    assert unknown.exit_code == 2 and "no case '99'" in unknown.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="needs root to give a file to another user")
def test_a_file_that_is_not_yours_is_refused_by_the_file_rules(case, files, db_path):
    os.chown(files["photo"], 12345, 12345)
    result = case("attach", "1", str(files["photo"]))
    assert result.exit_code == 2
    assert "damage.png: owned by another user" in result.stderr
    assert stored_files(db_path) == []


def test_the_store_api(store, tmp_path):
    case = store.create_case("Acme", "t")
    chat = store.log_interaction(case.id, "chat", "info")
    first = store.attach_bytes(case.id, PHOTO, "mail/parts/photo.JPG", interaction_id=chat.id,
                               origin="mail", uid="msg-1-part-2")
    assert (first.name, first.type, first.origin, first.sha256) == (
        "photo.JPG", "image/jpeg", "mail", sha(PHOTO))
    # A re-import with the uid returns the row and writes nothing, whatever else it says.
    again = store.attach_bytes(case.id, b"other bytes", "x.txt", uid="msg-1-part-2")
    assert again == first and store.count_attachments() == 1
    assert store.attach_bytes(case.id, b"<p>hi</p>", "page", type="Text/HTML").type == "text/html"
    assert store.attach_bytes(case.id, b"\x00\x01", "blob").type == "application/octet-stream"
    with pytest.raises(ValidationError, match="origin"):
        store.attach_bytes(case.id, b"x", "a.txt", origin="stolen")
    with pytest.raises(ValidationError, match="name"):
        store.attach_bytes(case.id, b"x", "../")
    with pytest.raises(ValidationError, match="sha256"):
        store.evidence_path("../../etc/passwd")
    with pytest.raises(UnreadableFile, match="file not found"):
        store.attach_file(case.id, tmp_path / "missing.pdf")
    assert store.attachment(first.id) == first
    assert [file_size(n) for n in (812, 12_400, 999_999, 3_100_000)] == [
        "812 B", "12.4 kB", "1.0 MB", "3.1 MB"]
    assert [a.id for a in store.attachments(case.id)] == [1, 2, 3]


def test_a_damaged_stored_file_is_written_again_when_the_file_is_attached_again(store, files):
    """The same bytes attached again are checked against the stored copy, not trusted."""
    case = store.create_case("Acme", "t")
    other = store.create_case("Acme", "u")
    store.attach_file(case.id, files["receipt"])
    stored = store.evidence_path(sha(RECEIPT))
    stored.write_bytes(b"damaged")
    assert store.verify_evidence().corrupt
    store.attach_file(other.id, files["receipt"])
    assert stored.read_bytes() == RECEIPT and mode(stored) == 0o600
    check = store.verify_evidence()
    assert (check.ok, check.corrupt, check.missing) == (2, (), ())


# -- a deleted case and its undo ---------------------------------------------------------------
def test_a_deleted_case_keeps_its_files_for_the_undo_and_the_sweep_removes_them(store, files):
    case = store.create_case("Acme", "t")
    chat = store.log_interaction(case.id, "chat", "info")
    keep = store.attach_file(case.id, files["receipt"], interaction_id=chat.id, note="paid")
    store.attach_file(case.id, files["photo"])
    rows = store.attachments(case.id)
    deleted = store.delete_case(case.id)
    assert store.count_attachments() == 0
    assert store.evidence_path(keep.sha256).read_bytes() == RECEIPT   # kept for the undo
    assert store.restore_case(deleted) == case.id
    assert store.attachments(case.id) == rows
    assert store.sweep_evidence() == 0                  # the rows are back: nothing to remove
    assert store.verify_evidence().ok == 2
    store.delete_case(case.id)                          # this time the undo is dropped
    assert len(store.verify_evidence().orphans) == 2
    assert store.sweep_evidence() == 2
    assert stored_files(store.path) == []


# -- backup ------------------------------------------------------------------------------------
def test_backup_copies_the_evidence_beside_the_copy(case, files, tmp_path, db_path):
    case.ok("attach", "1", str(files["receipt"]), str(files["photo"]))
    case.ok("attach", "2", str(files["receipt"]))
    dest = tmp_path / "copies" / "copy.db"
    dest.parent.mkdir()
    report = json.loads(case.ok("backup", "-o", str(dest), "--json"))
    assert_valid("backup", report)
    assert report["evidence"] == {"path": str(evidence_dir(dest)), "files": 2, "missing": []}
    assert [p.relative_to(evidence_dir(dest)) for p in stored_files(dest)] == \
        [p.relative_to(evidence_dir(db_path)) for p in stored_files(db_path)]
    copy = Cli(dest)
    doctor = json.loads(copy.ok("doctor", "--json"))
    assert doctor["evidence"]["verified"] == 3 and doctor["ok"]
    assert json.loads(copy.ok("evidence", "1", "--json"))["attachments"][1]["name"] == \
        "damage.png"
    # Without evidence files a backup is the notebook alone, as before.
    bare = Cli(tmp_path / "bare.db")
    bare.ok("new", "--company", "A", "--title", "t")
    plain = json.loads(bare.ok("backup", "-o", str(tmp_path / "bare-copy.db"), "--json"))
    assert set(plain) == {"path", "size_bytes"}
    assert not evidence_dir(tmp_path / "bare-copy.db").exists()


def test_backup_never_writes_evidence_through_a_link(case, files, tmp_path):
    case.ok("attach", "1", str(files["receipt"]))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    dest = tmp_path / "copy.db"
    evidence_dir(dest).symlink_to(elsewhere)
    result = case("backup", "-o", str(dest))
    assert result.exit_code == 3 and "is in the way of the copy's evidence folder" in \
        result.stderr
    assert not dest.exists() and list(elsewhere.iterdir()) == []


def test_backup_to_standard_output_says_the_files_are_not_in_it(case, files):
    plain = case("backup", "-o", "-")
    assert plain.exit_code == 0 and plain.stderr == ""
    case.ok("attach", "1", str(files["receipt"]))
    result = case("backup", "-o", "-")
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"SQLite format 3\x00")
    assert result.stderr.startswith("supportlog: note: evidence files are not in the stream")
    assert "-o FILE" in result.stderr and len(result.stderr.splitlines()) == 1


# -- doctor ------------------------------------------------------------------------------------
def test_doctor_finds_a_damaged_and_a_missing_file(case, files, db_path):
    case.ok("attach", "1", str(files["receipt"]), str(files["photo"]))
    assert json.loads(case.ok("doctor", "--json"))["evidence"]["verified"] == 2
    receipt = evidence_dir(db_path) / sha(RECEIPT)[:2] / sha(RECEIPT)
    data = bytearray(receipt.read_bytes())
    data[3] ^= 0x01                                     # one bit flipped
    receipt.write_bytes(bytes(data))
    (evidence_dir(db_path) / sha(PHOTO)[:2] / sha(PHOTO)).unlink()
    result = case("doctor")
    assert result.exit_code == 3
    problems = [line for line in result.stdout.splitlines() if line.startswith("problem:")]
    assert len(problems) == 2
    assert "attachment 1 “receipt.pdf” (case 1)" in problems[0]
    assert "does not match its SHA-256" in problems[0] and "attach" in problems[0]
    assert "attachment 2 “damage.png” (case 1)" in problems[1] and "is missing" in problems[1]
    report = json.loads(case("doctor", "--json").stdout)
    assert_valid("doctor", report)
    assert [a["id"] for a in report["evidence"]["corrupt"]] == [1]
    assert [a["id"] for a in report["evidence"]["missing"]] == [2]


def test_doctor_reports_files_no_row_refers_to_and_sweep_removes_them(case, files, db_path):
    case.ok("attach", "1", str(files["receipt"]), str(files["photo"]))
    with Store(db_path, clock=lambda: NOW) as store:
        store.delete_case(1)                            # an undo that was never done
    leftover = evidence_dir(db_path) / "ab" / ".abc.tmp-1234"
    leftover.parent.mkdir(mode=0o700)
    leftover.write_bytes(b"half a copy")
    os.chmod(leftover, 0o600)
    result = case("doctor")
    assert result.exit_code == 0, result.output        # notes, not problems
    assert "2 evidence files in" in result.stdout and "doctor --sweep" in result.stdout
    assert "1 temp file in" in result.stdout
    swept = json.loads(case.ok("doctor", "--sweep", "--json"))
    assert_valid("doctor", swept)
    assert swept["evidence"]["swept"] == 3 and swept["evidence"]["orphans"] == []
    assert stored_files(db_path) == [] and evidence_dir(db_path).is_dir()


def test_doctor_reports_loose_modes(case, files, db_path):
    case.ok("attach", "1", str(files["receipt"]))
    [stored] = stored_files(db_path)
    os.chmod(stored, 0o644)
    os.chmod(evidence_dir(db_path), 0o755)
    result = case("doctor")
    assert result.exit_code == 3
    assert f"problem: {stored} is 0o644, should be 0o600 (chmod 600 {stored})" in result.stdout
    assert f"should be 0o700 (chmod 700 {evidence_dir(db_path)})" in result.stdout


def test_doctor_scan_finds_a_card_number_in_a_text_evidence_file(case, files, db_path):
    case.ok("attach", "1", str(files["chat"]), str(files["photo"]))
    photo_with_digits = files["photo"].with_name("card.png")
    photo_with_digits.write_bytes(b"\x89PNG 4111 1111 1111 1111")
    case.ok("attach", "1", str(photo_with_digits))
    assert case("doctor").exit_code == 0                # without --scan the files are not read
    result = case("doctor", "--scan")
    assert result.exit_code == 3
    problems = [line for line in result.stdout.splitlines() if line.startswith("problem:")]
    assert problems == ["problem: card number ending 1111 in evidence file 1 “chat.txt” at "
                        "byte 24; it cannot be masked in place: detach it (supportlog detach "
                        "1) and attach a copy with the number removed"]
    report = json.loads(case("doctor", "--scan", "--json").stdout)
    assert_valid("doctor", report)
    assert [(c["where"], c["attachment_id"], c["last4"]) for c in report["cards"]] == [
        ("evidence", 1, "1111")]
    # A message file kept whole is read whatever its type.
    with Store(db_path, clock=lambda: NOW) as store:
        store.attach_bytes(2, b"From: a\n\nmy card 5555 5555 5555 4444", "message.eml",
                           type="message/rfc822", origin="original")
    report = json.loads(case("doctor", "--scan", "--json").stdout)
    assert [(c["attachment_id"], c["last4"]) for c in report["cards"]] == [(1, "1111"),
                                                                          (4, "4444")]


# -- listing and JSON --------------------------------------------------------------------------
def test_evidence_lists_a_cases_files(case, files):
    assert case("evidence", "1").stderr.startswith("case 1 has no evidence files")
    case.ok("attach", "1", str(files["receipt"]), "--contact", "1", "--note", "the receipt")
    lines = case.ok("evidence", "1").splitlines()
    assert lines[0].split() == ["id", "name", "size", "added", "contact", "sha256", "note"]
    assert lines[1].split() == ["1", "receipt.pdf", *file_size(len(RECEIPT)).split(),
                                "2026-11-25", "12:00", "1", sha(RECEIPT)[:12], "the",
                                "receipt"]
    listed = json.loads(case.ok("evidence", "1", "--json"))
    assert_valid("evidence", listed)
    assert listed["attachments"][0]["sha256"] == sha(RECEIPT)
    assert listed["attachments"][0]["added_at"] == "2026-11-25T12:00:00Z"
    assert json.loads(case.ok("evidence", "2", "--json")) == {"case_id": 2, "attachments": []}


# -- the upgrade -------------------------------------------------------------------------------
def test_the_v6_notebook_upgrades_to_v7_keeping_its_data(tmp_path, files):
    copy = tmp_path / "old.db"
    shutil.copy(FIXTURES / "notebook-v6.db", copy)
    before = sqlite3.connect(copy)
    counts = {t: before.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("companies", "cases", "interactions", "promises", "case_refs")}
    assert before.execute("PRAGMA user_version").fetchone()[0] == 6
    before.close()
    with Store(copy, clock=lambda: NOW) as store:
        conn = store.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        assert {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in counts} == counts and counts["cases"] == 3
        assert "account" in {r[1] for r in conn.execute("PRAGMA table_info(companies)")}
        assert [r[1] for r in conn.execute("PRAGMA table_info(attachments)")] == [
            "id", "uid", "case_id", "interaction_id", "sha256", "name", "size", "type", "note",
            "origin", "added_at"]
        assert store.get_detail(1).case.title == "Package [/] never arrived"
        added = store.attach_file(1, files["receipt"])
        assert store.get_detail(1).attachments == (added,)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert list(tmp_path.glob("old.db.v6-*.bak"))      # the upgrade's own backup
