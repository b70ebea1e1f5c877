"""No command destroys a notebook or a file (issue 10: D1, D2, D8, D10, D14).

Each test is the repro of a defect: `demo --reset` on a real notebook, `export -o` pointed at
the notebook, a link or an existing file, a full disk mid-export, a killed backup or upgrade,
folders made under umask 000.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.store import Store, StoreError
from tui.store.atomic import atomic_write, is_temp
from tui.demo.notebook import is_demo_file
from file_helpers import digest, mode
from conftest import NOW

FIXTURES = Path(__file__).parent / "fixtures"
SUPPORTLOG = [sys.executable, "-c", "from tui.cli import main; main()"]


def temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if is_temp(p)]


def real_notebook(run) -> None:
    run.ok("new", "--company", "Acme", "--title", "My real case", "--note", "irreplaceable")


# -- D1: demo --reset ---------------------------------------------------------------------

def test_demo_reset_refuses_a_real_notebook(run, db_path):
    real_notebook(run)
    before = digest(db_path)
    result = run("demo", "--db", str(db_path), "--reset", "--no-ui")
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"supportlog: {db_path} is not a demo notebook, so the "
                                     "demo leaves it alone; pass --db with a new file name")
    assert digest(db_path) == before
    assert "My real case" in run.ok("list")


def test_demo_never_fills_an_existing_notebook(run, db_path, tmp_path):
    empty = tmp_path / "empty.db"
    Store(empty).close()  # a real notebook with no cases yet
    before = digest(empty)
    result = run("demo", "--db", str(empty), "--no-ui")
    assert result.exit_code == 2 and str(empty) in result.stderr
    assert digest(empty) == before
    with Store(empty) as s:
        assert s.count_cases() == 0
    real_notebook(run)
    result = run("demo", "--db", str(db_path), "--no-ui")
    assert result.exit_code == 2 and str(db_path) in result.stderr


def test_demo_refuses_other_files_untouched(run, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a notebook")
    link = tmp_path / "link.db"
    link.symlink_to(text)
    for target in (text, link):
        result = run("demo", "--db", str(target), "--reset", "--no-ui")
        assert result.exit_code == 2 and str(target) in result.stderr
    assert text.read_text() == "not a notebook" and link.is_symlink()


def test_an_unmarked_default_demo_from_an_older_version_is_still_the_demo(run):
    from tui.store.paths import demo_db_path
    demo = demo_db_path()
    demo.parent.mkdir(parents=True, mode=0o700)
    with Store(demo, clock=lambda: NOW) as s:  # what an older `demo` left: no mark
        s.create_case("Acme", "made by an older demo")
    assert not is_demo_file(demo)
    assert run.ok("demo", "--no-ui").strip() == str(demo)
    assert run.ok("demo", "--reset", "--no-ui").strip() == str(demo)
    assert is_demo_file(demo)


def test_demo_reset_rebuilds_a_demo_file(run, tmp_path):
    demo = tmp_path / "demo.db"
    run.ok("demo", "--db", str(demo), "--no-ui")
    assert is_demo_file(demo)
    with Store(demo, clock=lambda: NOW) as s:
        count = s.count_cases()
        s.create_case("Acme", "added while playing")
    assert run.ok("demo", "--db", str(demo), "--no-ui").strip() == str(demo)  # kept as is
    with Store(demo) as s:
        assert s.count_cases() == count + 1
    assert run.ok("demo", "--db", str(demo), "--reset", "--no-ui").strip() == str(demo)
    with Store(demo) as s:
        assert s.count_cases() == count
        assert not s.search("playing")
    assert is_demo_file(demo) and mode(demo) == 0o600
    assert not temps(tmp_path)
    assert not run.db_path.exists()  # the user's notebook was never made


# -- D2: export -o over the notebook, a link, an existing file -----------------------------

def test_export_refuses_the_notebook_itself(run, db_path):
    real_notebook(run)
    before = digest(db_path)
    for fmt in ("json", "md", "csv"):
        result = run("export", "--format", fmt, "-o", str(db_path))
        assert result.exit_code == 3
        assert result.stderr.strip() == (f"supportlog: {db_path} is the notebook {db_path}; "
                                         "write the output to another file")
        result = run("export", "--force", "-o", str(db_path))
        assert result.exit_code == 3
    assert digest(db_path) == before
    assert "My real case" in run.ok("list")
    assert not temps(db_path.parent)


def test_export_refuses_a_link_or_hard_link_to_the_notebook(run, db_path, tmp_path):
    real_notebook(run)
    before = digest(db_path)
    link = tmp_path / "elsewhere" / "link.json"
    link.parent.mkdir()
    link.symlink_to(db_path)
    hard = tmp_path / "hard.json"
    os.link(db_path, hard)
    relative = tmp_path / "elsewhere" / ".." / db_path.name
    for target in (link, hard, relative):
        result = run("export", "--force", "-o", str(target))
        assert result.exit_code == 3, target
        assert "is the notebook" in result.stderr and str(target) in result.stderr
    assert digest(db_path) == before and link.is_symlink()


def test_export_refuses_the_notebooks_wal_and_shm(run, db_path):
    real_notebook(run)
    with Store(db_path) as held:  # an open connection keeps the -wal and -shm in place
        held.count_cases()
        before = digest(db_path)
        assert before["-wal"] and before["-shm"]
        for suffix in ("-wal", "-shm"):
            result = run("export", "--force", "-o", f"{db_path}{suffix}")
            assert result.exit_code == 3
            assert f"is the notebook's {suffix[1:]} file" in result.stderr
        assert digest(db_path) == before
    # And when they are absent: the name alone is enough.
    assert not Path(f"{db_path}-wal").exists()
    assert run("export", "-o", f"{db_path}-wal").exit_code == 3
    assert not Path(f"{db_path}-wal").exists()


def test_export_refuses_the_wal_of_a_notebook_opened_through_a_link(tmp_path):
    from click.testing import CliRunner
    from tui.cli import cli
    real = tmp_path / "real" / "notebook.db"
    real.parent.mkdir()
    with Store(real) as s:
        s.create_case("Acme", "t")
    link = tmp_path / "link.db"
    link.symlink_to(real)
    before = digest(real)
    result = CliRunner().invoke(cli, ["--db", str(link), "export", "-o", f"{real}-wal"])
    assert result.exit_code == 3 and "is the notebook's wal file" in result.stderr
    assert digest(real) == before


def test_export_never_overwrites_without_force(run, tmp_path):
    real_notebook(run)
    out = tmp_path / "out.json"
    out.write_text("an older export I want to keep")
    out.chmod(0o644)
    result = run("export", "-o", str(out))
    assert result.exit_code == 3
    assert result.stderr.strip() == (f"supportlog: {out} already exists; pass --force to "
                                     "overwrite it or choose another name")
    assert out.read_text() == "an older export I want to keep" and mode(out) == 0o644
    run.ok("export", "--force", "-o", str(out))
    assert json.loads(out.read_text())["cases"][0]["title"] == "My real case"
    assert mode(out) == 0o600
    assert not temps(tmp_path)


def test_export_never_follows_a_link(run, tmp_path):
    real_notebook(run)
    other = tmp_path / "other.txt"
    other.write_text("someone else's file")
    other.chmod(0o644)
    link = tmp_path / "out.json"
    link.symlink_to(other)
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere.json")
    for target, force in ((link, False), (link, True), (dangling, False), (dangling, True)):
        result = run("export", *(["--force"] if force else []), "-o", str(target))
        assert result.exit_code == 3
        assert result.stderr.strip() == (f"supportlog: {target} is a symbolic link; outputs "
                                         "never follow links: give the real path or a new "
                                         "file name")
    assert other.read_text() == "someone else's file" and mode(other) == 0o644
    assert link.is_symlink() and not (tmp_path / "nowhere.json").exists()


def test_export_refuses_a_fifo_without_opening_it(run, db_path, tmp_path):
    real_notebook(run)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # A subprocess with a timeout: opening a FIFO without a reader would block forever.
    done = subprocess.run([*SUPPORTLOG, "--db", str(db_path), "export", "-o", str(fifo)],
                          capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).parents[1])
    assert done.returncode == 3
    assert done.stderr.strip() == (f"supportlog: {fifo} is not a regular file; choose "
                                   "another path")


def test_export_dash_is_standard_output(run, tmp_path, monkeypatch):
    real_notebook(run)
    monkeypatch.chdir(tmp_path)
    doc = json.loads(run.ok("export", "-o", "-"))
    assert doc["cases"][0]["title"] == "My real case"
    assert not (tmp_path / "-").exists()
    assert "My real case" in run.ok("export", "--format", "md", "-o", "-")


def test_export_into_a_missing_folder_says_so(run, tmp_path):
    real_notebook(run)
    out = tmp_path / "typo" / "out.json"
    result = run("export", "-o", str(out))
    assert result.exit_code == 3
    assert f"the folder {out.parent} does not exist" in result.stderr
    assert not out.parent.exists()


# -- D8: a full disk mid-export ------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A real 128 KiB file system (a tmpfs; needs root), for full-disk repros."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k,mode=0700", "tmpfs",
                           str(mount)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("fmt", ["json", "md", "csv"])
def test_full_disk_keeps_the_previous_export(run, db_path, small_disk, fmt):
    real_notebook(run)
    run.ok("log", "1", "--channel", "chat", "--outcome", "info", "--note", "first contact")
    out = small_disk / f"export.{fmt}"
    run.ok("export", "--format", fmt, "-o", str(out))
    previous = out.read_bytes()
    big = " ".join(f"word{i}" for i in range(40_000))  # about 300 KB: more than the disk
    run.ok("log", "1", "--channel", "chat", "--outcome", "info", "--note", big)
    result = run("export", "--format", fmt, "--force", "-o", str(out))
    assert result.exit_code == 3
    assert result.stderr.strip() == (f"supportlog: the disk holding {out} is full; free some "
                                     f"space there or choose another folder ({out} was left "
                                     "as it was)")
    assert str(db_path) not in result.stderr
    assert out.read_bytes() == previous
    if fmt == "json":
        assert json.loads(previous)["cases"][0]["title"] == "My real case"
    assert sorted(p.name for p in small_disk.iterdir()) == [out.name]  # no temp file left


def test_full_disk_backup_leaves_no_file(run, db_path, small_disk):
    real_notebook(run)  # an empty notebook is already larger than the small disk
    dest = small_disk / "b.db"
    result = run("backup", "-o", str(dest))
    assert result.exit_code == 3
    assert f"the disk holding {dest} is full" in result.stderr
    assert list(small_disk.iterdir()) == []


def test_a_failing_writer_leaves_the_old_file_and_no_temp(tmp_path):
    """The cleanup path alone, with the error raised from inside the rendering."""
    out = tmp_path / "out.json"
    out.write_text("old and whole")
    with pytest.raises(OSError) as caught:
        with atomic_write(out, force=True) as fh:
            fh.write("{" + "x" * 100_000)
            raise OSError(errno.ENOSPC, "No space left on device")
    assert caught.value.errno == errno.ENOSPC
    assert out.read_text() == "old and whole"
    assert not temps(tmp_path)
    with atomic_write(tmp_path / "new.bin", binary=True) as fh:
        fh.write(b"\x00\x01")
    assert (tmp_path / "new.bin").read_bytes() == b"\x00\x01"
    assert mode(tmp_path / "new.bin") == 0o600


def test_a_file_that_appears_meanwhile_is_not_replaced(tmp_path):
    out = tmp_path / "out.json"
    with pytest.raises(StoreError, match="already exists"):
        with atomic_write(out) as fh:
            fh.write("mine")
            out.write_text("theirs")  # another program made it while we were writing
    assert out.read_text() == "theirs" and not temps(tmp_path)


# -- D10: a killed backup or upgrade -------------------------------------------------------

def padded_notebook(path: Path, megabytes: int = 40) -> int:
    """A notebook of about `megabytes` MB (one case and large meta rows), so a backup takes
    long enough to be killed halfway. Returns its case count."""
    with Store(path, clock=lambda: NOW) as s:
        s.create_case("Acme", "big notebook")
        with s.write():
            s.conn.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                "INSERT INTO meta (key, value) SELECT 'pad-' || i, hex(randomblob(500000)) "
                "FROM n", (megabytes,))
        return s.count_cases()


def kill_when_started(argv: list[str], folder: Path, pattern: str, rng: random.Random,
                      spread: float = 0.15) -> None:
    """Run argv and SIGKILL it a random moment (up to `spread` s) after a new file matching
    `pattern` shows up in `folder` (its write has begun), unless it has finished by then."""
    seen = set(folder.glob(pattern)) if folder.exists() else set()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=Path(__file__).parents[1])
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if folder.exists() and set(folder.glob(pattern)) - seen:
            time.sleep(rng.uniform(0, spread))
            break
        time.sleep(0.0005)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def left_behind(folder: Path) -> set[str]:
    """The temp files killed writers left (not counting SQLite's journals beside them)."""
    if not folder.exists():
        return set()
    return {p.name for p in temps(folder) if not p.name.endswith("-journal")}


def assert_complete(backup: Path, cases: int) -> None:
    # immutable: reading a backup must not leave a -wal/-shm beside it
    conn = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",), backup
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == cases, backup
    finally:
        conn.close()


def test_a_killed_backup_leaves_no_file_named_like_a_backup(tmp_path):
    db = tmp_path / "notebook.db"
    cases = padded_notebook(db)
    backups = tmp_path / "backups"
    rng = random.Random(10)
    midway = 0
    # Until three kills have landed mid-write (a quiet machine copies 40 MB fast).
    for n in range(20):
        now = f"2026-11-25T12:00:{n:02d}Z"
        left = left_behind(backups)
        kill_when_started([*SUPPORTLOG, "--db", str(db), "--now", now, "backup"], backups,
                          "*", rng, spread=0.15 if n < 5 else 0.02)
        midway += len(left_behind(backups) - left)  # a kill mid-write leaves a hidden temp
        for f in backups.iterdir():
            if not is_temp(f):  # anything with a backup's name is a whole backup
                assert_complete(f, cases)
        if midway >= 3 and n >= 4:
            break
    assert midway >= 3, "the kills should land while the backup is being written"
    whole = subprocess.run([*SUPPORTLOG, "--db", str(db), "backup"], capture_output=True,
                           text=True, cwd=Path(__file__).parents[1], check=True)
    assert_complete(Path(whole.stdout.strip()), cases)  # the temps left do not get in the way
    with Store(db) as s:
        assert s.count_cases() == cases
    # And the same for -o FILE.
    dest = tmp_path / "chosen.db"
    for _ in range(3):
        kill_when_started([*SUPPORTLOG, "--db", str(db), "backup", "-o", str(dest)],
                          tmp_path, "*chosen.db*", rng)
        if dest.exists():
            assert_complete(dest, cases)
            dest.unlink()


UPGRADER = "import sys\nfrom tui.store import Store\nStore(sys.argv[1]).close()\n"


def test_a_killed_upgrade_backup_leaves_no_file_named_like_a_backup(tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(FIXTURES / "notebook-v1.db", old)
    conn = sqlite3.connect(old)
    conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) "
                 "INSERT INTO meta (key, value) SELECT 'pad-' || i, hex(randomblob(500000)) "
                 "FROM n")
    conn.commit()
    conn.close()
    rng = random.Random(11)
    midway = 0
    for _ in range(3):
        left = left_behind(tmp_path)
        kill_when_started([sys.executable, "-c", UPGRADER, str(old)], tmp_path,
                          "*old.db.v1-*", rng, spread=0.02)
        killed = left_behind(tmp_path) - left
        midway += len(killed)
        for f in tmp_path.glob("old.db.v1-*.bak*"):  # the real names, never the temp ones
            assert_complete(f, 3)
        assert_complete(old, 3)
        if not killed:
            break
    assert midway >= 1, "a kill should land while the upgrade's backup is being written"
    with Store(old) as s:  # the next open finishes the upgrade
        assert s.count_cases() == 3
    assert list(tmp_path.glob("old.db.v1-*.bak*"))
    for f in tmp_path.glob("old.db.v1-*.bak*"):
        assert_complete(f, 3)


# -- D14: folders made under umask 000 -----------------------------------------------------

@pytest.fixture
def umask_000():
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_backup_folders_are_private_under_umask_000(run, db_path, tmp_path, umask_000):
    real_notebook(run)
    dest = Path(run.ok("backup").strip())
    assert dest.parent == db_path.parent / "backups"
    assert mode(dest.parent) == 0o700 and mode(dest) == 0o600
    nested = tmp_path / "a" / "b" / "c" / "b.db"
    assert run.ok("backup", "-o", str(nested)).strip() == str(nested)
    for level in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert mode(level) == 0o700, level
    assert mode(nested) == 0o600
    out = tmp_path / "export.json"
    run.ok("export", "-o", str(out))
    assert mode(out) == 0o600
    demo = Path(run.ok("demo", "--no-ui").strip())  # the default demo, in the data folder
    assert demo.parent == tmp_path / "xdg-data" / "supportlog"
    assert mode(demo.parent) == mode(demo.parent.parent) == 0o700 and mode(demo) == 0o600


def test_backup_refuses_the_notebook_and_existing_files(run, db_path, tmp_path):
    real_notebook(run)
    before = digest(db_path)
    for target in (db_path, Path(f"{db_path}-wal")):
        result = run("backup", "--force", "-o", str(target))
        assert result.exit_code == 3 and "is the notebook" in result.stderr
    assert digest(db_path) == before
    dest = tmp_path / "b.db"
    dest.write_text("an older file")
    result = run("backup", "-o", str(dest))
    assert result.exit_code == 3 and "pass --force" in result.stderr
    assert dest.read_text() == "an older file"
    run.ok("backup", "--force", "-o", str(dest))
    assert_complete(dest, 1)
    # Two backups in the same second both succeed, under different names.
    first, second = run.ok("backup").strip(), run.ok("backup").strip()
    assert first != second and second == f"{first}.2"
    assert not temps(tmp_path) and not temps(db_path.parent / "backups")


def test_doctor_names_temp_files_an_interrupted_write_left(run, db_path):
    run.ok("new", "--company", "Acme", "--title", "t1")
    (db_path.parent / "backups").mkdir(mode=0o700)
    left = db_path.parent / "backups" / ".notebook-x.db.tmp-1a2b3c4d"
    left.write_bytes(b"half a backup")
    other = db_path.parent / ".hidden-but-mine"
    other.write_text("not ours")
    result = run("doctor")
    assert result.exit_code == 0, result.output  # a note, not a problem
    assert f"note: {left} was left by an interrupted write" in result.stdout
    assert str(other) not in result.stdout
