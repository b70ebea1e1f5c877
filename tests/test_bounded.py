"""Bounded work on any input (issue 10, D4, D7, D12): search snippets on huge notes, the
dossier's transcript files, and transcript files read into the notebook."""

from __future__ import annotations

import codecs
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tui.store import MARK_END, MARK_START, Store, search_words, userfiles
from tui.exports.dossier import file_proof, md
from tui.store.search import fts_query
from tui.screens.transcript import read_transcript

ROOT = Path(__file__).resolve().parents[1]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
# Root reads a mode-000 file anyway; without these two capabilities it is refused like anyone.
NO_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
          "--inh-caps=-dac_override,-dac_read_search"]


def cli(db: Path, *args: str, timeout: float = 30, prefix: list[str] | None = None,
        stdin=None) -> subprocess.CompletedProcess:
    """The real CLI in its own process: a hang is a timeout, not a stuck test run."""
    return subprocess.run([*(prefix or []), sys.executable, "-m", "tui.cli", "--db", str(db),
                           *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          stdin=stdin if stdin is not None else subprocess.DEVNULL)


# -- D4: snippets on huge notes --------------------------------------------------------------

def test_search_on_a_note_of_200k_occurrences_finishes_in_seconds(tmp_path):
    # Before: snippet() compared every occurrence with every other (7,226 took 0.82 s,
    # about 70,000 took 45-58 s): this one ran for minutes.
    path = tmp_path / "big.db"
    with Store(path) as store:
        for n in range(5):
            store.create_case("Bank", f"refund {n}", notes="asked for the refund again")
        big = store.create_case("Bank", "statement", notes="refund " * 200_000)
    probe = ("import sys; from tui.store import Store; s = Store(sys.argv[1], create=False); "
             f"hits = s.search('refund'); print([h.snippet for h in hits if h.case_id == "
             f"{big.id}])")
    done = subprocess.run([sys.executable, "-c", probe, str(path)], cwd=ROOT, timeout=15,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    shown = eval(done.stdout)   # noqa: S307 - our own probe's repr of a list of str
    assert len(shown) == 1 and shown[0].count(MARK_START) == search_words.WORDS


def _sql_snippet(text: str, query: str) -> str:
    """What FTS5's snippet() makes of the whole text, as search asks for it."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(title, refs, people, body, tokenize = "
                 "'porter unicode61 remove_diacritics 2')")
    conn.execute("INSERT INTO t VALUES ('x', '', '', ?)", (text,))
    return conn.execute(f"SELECT snippet(t, -1, '{MARK_START}', '{MARK_END}', '…', 12) FROM t "
                        "WHERE t MATCH ?", (fts_query(query),)).fetchone()[0]


FILLER = "The agent said the parcel was on its way and asked me to wait a few more days. "


def test_short_notes_keep_the_snippet_fts5_gives_them(store):
    case = store.create_case("Bank", "x")
    text = (FILLER * 30)[:search_words.PIECE - 40] + " walrus spotted at the depot"
    assert len(text) + len("x Bank ") <= search_words.PIECE   # the whole row is short
    store.log_interaction(case.id, "email", "info", notes=text)
    assert store.search("walrus")[0].snippet == _sql_snippet(text, "walrus")


def test_a_long_note_gets_its_snippet_from_the_piece_holding_the_word(store):
    case = store.create_case("Bank", "x")
    text = FILLER * 70 + "the walrus was seen at the depot. " + FILLER * 70   # 11 KB
    store.log_interaction(case.id, "email", "info", notes=text)
    snippet = store.search("walrus")[0].snippet
    assert f"{MARK_START}walrus{MARK_END}" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert snippet == _sql_snippet(text, "walrus")  # the same window as the whole-row one


def test_the_piece_with_most_query_words_is_shown(store):
    case = store.create_case("Bank", "walrus")
    text = FILLER * 40 + "a walrus here. " + FILLER * 40 + "the walrus met a zebra. " + FILLER
    store.log_interaction(case.id, "email", "info", notes=text)
    hit = next(h for h in store.search("walrus zebra") if h.interaction_id)
    assert f"{MARK_START}walrus{MARK_END} met a {MARK_START}zebra{MARK_END}" in hit.snippet


def test_words_past_the_scanned_text_still_find_the_note(store):
    case = store.create_case("Bank", "x")
    text = "opening words of a very long transcript " + "blah " * (search_words.SCAN // 5) + \
        "walrus"
    store.log_interaction(case.id, "email", "info", notes=text)
    hits = store.search("walrus")
    assert len(hits) == 1                               # found and ranked on all its text
    assert hits[0].snippet.startswith("opening words") and MARK_START not in hits[0].snippet


def test_a_word_said_twice_is_searched_once():
    assert fts_query("refund refund REFUND") == '"refund"'
    assert fts_query("refund* Refund*") == '"refund"*'
    assert fts_query("a a a a a a a a") == '"a"'


# -- D7: the dossier's transcript files ------------------------------------------------------

@pytest.fixture
def notebook(tmp_path):
    """A case whose contacts name transcript files; returns (db, log(ref))."""
    db = tmp_path / "n.db"
    store = Store(db)
    case = store.create_case("Bank", "lost card")
    good = tmp_path / "good.txt"
    good.write_text("Agent: refund approved\n")
    store.log_interaction(case.id, "chat", "info", transcript_ref=str(good))

    def log(ref: str) -> None:
        store.log_interaction(case.id, "chat", "info", transcript_ref=ref)
    yield db, log
    store.close()


def dossier(db: Path, **kw) -> str:
    done = cli(db, "export", "--format", "md", "1", **kw)
    assert done.returncode == 0, done.stderr
    assert "local file, 23 bytes, SHA-256 `" in done.stdout   # the readable one still is
    return done.stdout


def dossier_here(run, db: Path) -> str:
    """`dossier` through the same CLI in this process, for files that cannot hang a read."""
    done = run("--db", str(db), "export", "--format", "md", "1")
    assert done.exit_code == 0, done.stderr
    assert "local file, 23 bytes, SHA-256 `" in done.stdout   # the readable one still is
    return done.stdout


def line_for(text: str, ref: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("- #")
                and f"): {ref}:" in line.replace("\\", ""))


def test_dossier_says_a_transcript_file_is_missing(notebook, tmp_path, run):
    db, log = notebook
    log(str(tmp_path / "gone.txt"))
    text = dossier_here(run, db)
    assert f"file not found at {tmp_path / 'gone.txt'} (hash not taken)" in \
        line_for(text, str(tmp_path / "gone.txt")).replace("\\", "")


@pytest.mark.skipif(IS_ROOT and not shutil.which("setpriv"), reason="root reads mode 000")
def test_dossier_says_a_transcript_file_cannot_be_read(notebook, tmp_path):
    # Before: the export failed as a whole, blaming the notebook ("is read-only").
    db, log = notebook
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")
    locked.chmod(0o000)
    log(str(locked))
    text = dossier(db, prefix=NO_DAC if IS_ROOT else None)   # root: run without DAC bypass
    assert f"cannot read {locked} (permission denied; hash not taken)" in \
        line_for(text, str(locked)).replace("\\", "")


def test_dossier_refuses_proc_files_and_pipes_without_hanging(notebook, tmp_path):
    # Before: `export --format md` hung on /proc/kmsg (and on a named pipe).
    db, log = notebook
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    for ref in ("/proc/kmsg", str(pipe), "/dev/zero", str(tmp_path)):
        log(ref)
    text = dossier(db)           # within cli()'s timeout
    for ref, kind in (("/proc/kmsg", "a kernel interface under /proc"),
                      (str(pipe), "a named pipe"), ("/dev/zero", "a device"),
                      (str(tmp_path), "a folder")):
        line = line_for(text, ref).replace("\\", "")
        assert f"not read: {ref} is not a regular file ({kind}) (hash not taken)" in line


def test_dossier_takes_no_hash_of_system_files(notebook, tmp_path, run):
    # Before: /etc/shadow's size and SHA-256 went into the dossier.
    db, log = notebook
    link = tmp_path / "innocent.txt"
    link.symlink_to("/etc/passwd")
    for ref in ("/etc/shadow", "/etc/passwd", str(link)):
        log(ref)
    text = dossier_here(run, db)
    for ref in ("/etc/shadow", "/etc/passwd", str(link)):
        line = line_for(text, ref)
        assert "SHA-256" not in line and "bytes" not in line
    assert "is a system file (under /etc), not a transcript (hash not taken)" in \
        line_for(text, "/etc/passwd")
    assert "a system file (under /etc)" in line_for(text, str(link))   # the link's target


@pytest.mark.skipif(not IS_ROOT, reason="giving a file away needs root")
def test_dossier_takes_no_hash_of_another_users_file(notebook, tmp_path, run):
    db, log = notebook
    theirs = tmp_path / "theirs.txt"
    theirs.write_text("not mine")
    os.chown(theirs, 65534, 65534)
    log(str(theirs))
    assert "owned by another user (uid 65534)" in line_for(dossier_here(run, db), str(theirs))


def test_dossier_bounds_size_and_time(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2_000_001)
    monkeypatch.setattr(userfiles, "HASH_BYTES", 2_000_000)
    assert file_proof(big) == f"not read: {md(str(big))} is larger than 2 MB (2,000,001 " \
        "bytes) (hash not taken)"
    (tmp_path / "good.txt").write_text("x")
    # A read that never returns (a hung network share) is given up after READ_SECONDS.
    release = threading.Event()
    monkeypatch.setattr(userfiles, "READ_SECONDS", 0.2)
    monkeypatch.setattr(userfiles, "_read", lambda *a: release.wait(30))
    try:
        with pytest.raises(userfiles.UnreadableFile, match="too slow to read"):
            userfiles.digest(tmp_path / "good.txt")
    finally:
        release.set()


def test_the_transcript_viewer_reads_through_the_same_rules(tmp_path):
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    probe = ("import sys; from pathlib import Path; from tui.screens.transcript import "
             "read_transcript; from tui.store.userfiles import UnreadableFile\n"
             "for p in sys.argv[1:]:\n"
             "    try: read_transcript(Path(p))\n"
             "    except UnreadableFile as e: print(e.reason)\n")
    done = subprocess.run([sys.executable, "-c", probe, "/proc/kmsg", str(pipe), "/etc/shadow"],
                          cwd=ROOT, timeout=15, capture_output=True, text=True)
    assert done.stdout.splitlines() == [
        "not a regular file (a kernel interface under /proc)", "not a regular file (a named pipe)",
        "a system file (under /etc), not a transcript"], done.stderr
    pdf = tmp_path / "chat.pdf"
    pdf.write_bytes(b"%PDF-1.4\n\x00\x01\x02")
    with pytest.raises(userfiles.UnreadableFile, match="binary"):
        read_transcript(pdf)
    cut = tmp_path / "long.txt"
    cut.write_bytes(b"a" + "é".encode() * 3_000_000)   # the viewer's 5 MB end mid-character
    heading, text = read_transcript(cut)
    assert heading == str(cut)                            # still UTF-8, not a guess
    assert text.startswith("a" + "é" * 2_499_999 + "\n\n[… only the first 5 MB are shown]")


# -- D12: transcript files read into the notebook --------------------------------------------

@pytest.mark.parametrize("data, text, warning", [
    ("café – 5 €".encode("cp1252"), "café – 5 €", "read it as Windows-1252"),
    (b"caf\xe9 \x81 r\xe9sum\xe9", "café \x81 résumé", "read it as Latin-1"),  # 0x81: no cp1252
    ("Agent: здравствуйте".encode("utf-16"), "Agent: здравствуйте", None),
    (codecs.BOM_UTF16_BE + "Agent: 你好".encode("utf-16-be"), "Agent: 你好", None),
    ("\ufeffAgent: héllo".encode("utf-8"), "Agent: héllo", None),
    ("Agent: héllo".encode(), "Agent: héllo", None),
])
def test_log_decodes_transcript_files(run, tmp_path, data, text, warning):
    # Before: anything not UTF-8 was "internal error (UnicodeDecodeError)".
    run.ok("new", "--company", "Bank", "--title", "x")
    f = tmp_path / "chat.txt"
    f.write_bytes(data)
    result = run("log", "1", "--channel", "chat", "--outcome", "info", "--transcript-file",
                 str(f))
    assert result.exit_code == 0, result.output
    iid = int(result.stdout)
    with Store(run.db_path, create=False) as store:
        assert store.transcript(iid) == text
    if warning:
        assert result.stderr.count("\n") == 1 and f"{f} is not UTF-8; {warning}" in \
            result.stderr
    else:
        assert result.stderr == ""


def test_log_refuses_a_binary_transcript_naming_it(run, tmp_path):
    run.ok("new", "--company", "Bank", "--title", "x")
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 0 >>\x00stream")
    result = run("log", "1", "--channel", "chat", "--outcome", "info", "--transcript-file",
                 str(pdf))
    assert result.exit_code == 2
    assert f"cannot read {pdf}: it is binary, not text" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.output


def test_log_refuses_devices_pipes_and_huge_input_in_bounded_time(tmp_path):
    db = tmp_path / "n.db"
    with Store(db) as store:
        store.create_case("Bank", "x")
    base = ["log", "1", "--channel", "chat", "--outcome", "info", "--transcript-file"]
    done = cli(db, *base, "/dev/zero", timeout=15)     # before: read until memory ran out
    assert done.returncode == 2
    assert "cannot read /dev/zero: not a regular file (a device)" in done.stderr
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    done = cli(db, *base, str(pipe), timeout=15)
    assert done.returncode == 2 and "not a regular file (a named pipe)" in done.stderr
    with open("/dev/zero", "rb") as zero:               # standard input is capped as well
        done = cli(db, *base, "-", timeout=30, stdin=zero)
    assert done.returncode == 2 and "cannot read standard input: larger than 20 MB" in \
        done.stderr


def test_log_caps_transcript_file_size(run, tmp_path, monkeypatch):
    run.ok("new", "--company", "Bank", "--title", "x")
    monkeypatch.setattr(userfiles, "TEXT_BYTES", 1_000_000)
    f = tmp_path / "huge.txt"
    f.write_bytes(b"a" * 1_000_001)
    result = run("log", "1", "--channel", "chat", "--outcome", "info", "--transcript-file",
                 str(f))
    assert result.exit_code == 2 and "larger than 1 MB (1,000,001 bytes)" in result.stderr


def test_long_snippets_on_a_read_only_notebook(tmp_path):
    path = tmp_path / "ro.db"
    with Store(path) as store:
        case = store.create_case("Bank", "x")
        store.log_interaction(case.id, "email", "info", notes=FILLER * 50 + "walrus")
    conn = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)   # scratch tables are temp
    text = conn.execute("SELECT body FROM search_index WHERE rowid > 0").fetchone()[0]
    snippet = search_words.LongSnippets(conn).snippet('"walrus"', ["", "", "", text], "[", "]")
    assert snippet.endswith("[walrus]") and snippet.startswith("…")


@pytest.mark.skipif(not os.access("/dev/shm", os.W_OK), reason="no /dev/shm on this machine")
def test_a_file_in_dev_shm_is_read_but_the_rest_of_dev_is_not():
    """/dev/shm holds ordinary files in memory (the suite's own folders are there when it
    can): they read as any file does, while /dev's interfaces stay refused."""
    import tempfile

    from tui.store.userfiles import UnreadableFile, read_text
    with tempfile.NamedTemporaryFile("w", dir="/dev/shm", suffix=".txt") as f:
        f.write("a chat log")
        f.flush()
        assert read_text(f.name)[0] == "a chat log"
    with pytest.raises(UnreadableFile, match="a device"):
        read_text("/dev/zero")
    with pytest.raises(UnreadableFile, match="a kernel interface under /proc"):
        read_text("/proc/self/status")
    with tempfile.TemporaryDirectory(dir="/dev/shm") as folder:   # judged by what it reaches
        link = os.path.join(folder, "innocent.txt")
        os.symlink("/proc/self/status", link)
        with pytest.raises(UnreadableFile, match="a kernel interface under /proc"):
            read_text(link)
        with pytest.raises(UnreadableFile, match="a device"):
            read_text(os.path.join(folder, "..", "..", "zero"))
