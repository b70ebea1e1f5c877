"""Opening a notebook safely (issue 10: D2's read side, D9, D10's open side, D13, D14, D16 and
item 5: errors diagnosed by code).

Each test is a defect's repro. Root bypasses file permissions, so the read-only-folder and
leftover-0400 cases run the CLI as `nobody` through setpriv, and read-only media is a
read-only bind mount made in a private mount namespace (unshare -m) that vanishes with the
command; each is skipped where the machine cannot do it.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from tui.store import Store, StoreError
from tui.store.db import translate
from tui.store.wal import live_wal
from file_helpers import digest, mode
from conftest import NOW_ISO

SUPPORTLOG = str(Path(sys.executable).with_name("supportlog"))
NOBODY = 65534
READ_COMMANDS = [["list"], ["show", "1"], ["search", "parcel"], ["advice"], ["stats"],
                 ["export"], ["doctor"]]
WRITE_COMMANDS = [["new", "--company", "A", "--title", "t"],
                  ["log", "1", "--channel", "chat", "--outcome", "info"],
                  ["status", "1", "resolved"]]


def notebook(path: Path, title: str = "Lost parcel") -> None:
    with Store(path) as s:
        s.create_case("Amazon", title)


def cli(args, *, db, timeout=60, env=None, user=None, umask=None, cwd=None):
    """The real CLI in a subprocess: a hang is a failure, not a stuck test run."""
    full_env = {**os.environ, "SUPPORTLOG_NOW": NOW_ISO, "PYTHONDONTWRITEBYTECODE": "1",
                **(env or {})}
    cmd = [SUPPORTLOG, "--db", str(db), *args]
    if user is not None and os.geteuid() == 0:
        cmd = [shutil.which("setpriv"), f"--reuid={user}", f"--regid={user}",
               "--clear-groups", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full_env,
                          umask=-1 if umask is None else umask, cwd=cwd)


def cli_here(run, args, *, db):
    """The same CLI in this process, where no hang, other user, umask or environment is in
    question; shaped as `cli`'s result."""
    result = run("--db", str(db), *args)
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout,
                           stderr=result.stderr)


def one_line_error(result, code: int = 3) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("supportlog: ")
    return result.stderr[len("supportlog: "):].strip()


@pytest.fixture
def shared_dir():
    """A folder another user can reach (pytest's own tmp folders are root's alone), whose
    files belong to `nobody` when the tests run as root."""
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot drop to another user")
    top = Path(tempfile.mkdtemp(prefix="supportlog-opening-", dir="/tmp"))
    top.chmod(0o755)
    env = {"XDG_DATA_HOME": str(top / "xdg-data"), "XDG_CONFIG_HOME": str(top / "xdg-config"),
           "HOME": str(top)}
    yield top, env
    for dirpath, dirnames, _ in os.walk(top):
        for d in dirnames:
            os.chmod(os.path.join(dirpath, d), 0o755)
    shutil.rmtree(top, ignore_errors=True)


def give_to_nobody(top: Path) -> int | None:
    if os.geteuid() != 0:
        return None
    for dirpath, dirnames, filenames in os.walk(top):
        for name in [*dirnames, *filenames]:
            os.lchown(os.path.join(dirpath, name), NOBODY, NOBODY)
    os.lchown(top, NOBODY, NOBODY)
    return NOBODY


# -- D2 (read side) and D10 (open side): an empty file is never made a notebook -----------

@pytest.mark.parametrize("args", READ_COMMANDS)
def test_an_empty_file_is_refused_by_read_commands(tmp_path, run, args):
    path = tmp_path / "notebook.db"  # what `export -o notebook.db` used to leave (D2)
    path.touch()
    result = cli_here(run, args, db=path)
    if args == ["doctor"]:
        assert result.returncode == 3
        assert f"problem: {path} is empty: not a notebook; it may be a backup that was " \
               "interrupted. Delete it or pass --db with another path" in result.stdout
        assert "\nok\n" not in result.stdout
    else:
        assert one_line_error(result) == (
            f"{path} is empty: not a notebook; it may be a backup that was interrupted. "
            "Delete it or pass --db with another path")
    assert path.read_bytes() == b"" and sorted(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize("args", WRITE_COMMANDS)
def test_an_empty_file_is_refused_by_write_commands(tmp_path, run, args):
    path = tmp_path / "notebook.db.v1-20261125T120000Z.bak"  # a killed backup's leftover (D10)
    path.touch()
    assert "is empty: not a notebook" in one_line_error(cli_here(run, args, db=path))
    assert path.read_bytes() == b"" and sorted(tmp_path.iterdir()) == [path]


def test_a_truncated_notebook_stays_a_visible_loss(run, db_path):
    notebook(db_path)
    db_path.write_bytes(b"")  # the notebook truncated in place, as export -o once did (D2)
    assert run("list").exit_code == 3
    report = run("doctor")
    assert report.exit_code == 3 and "is empty: not a notebook" in report.stdout
    assert db_path.read_bytes() == b""


@pytest.mark.parametrize("args", [["list"], ["new", "--company", "A", "--title", "t"]])
def test_a_sqlite_file_without_tables_is_refused_untouched(tmp_path, run, args):
    path = tmp_path / "half.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")  # a valid, schema-less database file
    conn.close()
    path.chmod(0o644)
    before = digest(path)
    assert one_line_error(cli_here(run, args, db=path)) == (
        f"{path} is an empty SQLite database (no tables): not a notebook; it may be a backup "
        "that was interrupted. Delete it or pass --db with another path")
    assert digest(path) == before and mode(path) == 0o644


def test_a_new_notebook_is_complete_and_private_the_moment_it_has_its_name(tmp_path):
    path = tmp_path / "n.db"
    Store(path, create=True).close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.db"]  # no temp left behind
    assert mode(path) == 0o600
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)  # the file alone
    assert conn.execute("SELECT value FROM meta WHERE key = 'created_at'").fetchone()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] in ("wal", "delete")


# -- item 5: the diagnosis follows the error code, never the words of the path -----------

HOSTILE = ["locked", "readonly", "read-only", "full", "busy", "malformed", "not a database",
           "unable to open", "corrupt"]


def real_errors(folder: Path) -> list[BaseException]:
    """Real OS and SQLite errors about a notebook inside `folder`."""
    folder.mkdir()
    errors: list[BaseException] = []
    for attempt in (lambda: os.stat(folder / "missing" / "n.db"),
                    lambda: os.open(folder / "missing" / "n.db", os.O_RDONLY),
                    lambda: os.open(folder, os.O_WRONLY)):
        try:
            attempt()
        except OSError as exc:
            errors.append(exc)
    garbage = folder / "garbage.db"
    garbage.write_bytes(b"\x01" * 8192)
    try:
        sqlite3.connect(garbage).execute("SELECT 1 FROM sqlite_master").fetchall()
    except sqlite3.Error as exc:
        errors.append(exc)
    assert len(errors) == 4
    return errors


@pytest.mark.parametrize("word", HOSTILE)
def test_a_word_in_the_path_never_changes_the_diagnosis(tmp_path, word):
    plain = real_errors(tmp_path / "plain")
    hostile = real_errors(tmp_path / word)
    for a, b in zip(plain, hostile):
        said_plain = str(translate(a, tmp_path / "plain" / "n.db"))
        said_hostile = str(translate(b, tmp_path / word / "n.db"))
        assert said_hostile.replace(f"/{word}", "/plain") == said_plain, (word, said_hostile)


def test_a_permission_problem_in_a_folder_named_locked_is_not_a_lock(shared_dir):
    top, env = shared_dir
    locked = top / "locked"
    locked.mkdir()
    notebook(locked / "n.db")
    give_to_nobody(top)
    locked.chmod(0o700)
    if os.geteuid() == 0:
        os.chown(locked, 0, 0)  # root's folder: nobody may not look inside
    else:
        locked.chmod(0o000)
    said = one_line_error(cli(["list"], db=locked / "n.db", env=env, user=NOBODY))
    assert "permission denied" in said and "locked by another program" not in said, said


def test_a_lock_and_a_full_disk_are_diagnosed_by_their_codes(tmp_path):
    folder = tmp_path / "full" / "readonly"
    folder.mkdir(parents=True)
    path = folder / "n.db"
    notebook(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as busy:
        other.execute("BEGIN IMMEDIATE")  # a real SQLITE_BUSY
    holder.rollback()
    assert str(translate(busy.value, path)).startswith(f"{path} is locked by another program")
    locked = tmp_path / "locked"
    locked.mkdir()
    with Store(locked / "n.db") as s:
        pages = s.conn.execute("PRAGMA page_count").fetchone()[0]
        s.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(StoreError) as full:  # a real SQLITE_FULL
            s.create_case("Amazon", "big", notes="z" * 1_000_000)
    assert str(full.value).startswith(f"the disk holding {locked / 'n.db'} is full")


# -- D9: read-only folders and media ------------------------------------------------------

def test_a_writable_notebook_in_a_read_only_folder(shared_dir):
    top, env = shared_dir
    folder = top / "notes"
    folder.mkdir()
    notebook(folder / "n.db")  # cleanly closed: no -wal beside it
    uid = give_to_nobody(top)
    folder.chmod(0o555)
    before = digest(folder / "n.db")
    for args in (["list"], ["show", "1"], ["search", "parcel"], ["export"], ["stats"]):
        result = cli(args, db=folder / "n.db", env=env, user=uid)
        assert result.returncode == 0, (args, result.stderr)
    assert "Lost parcel" in cli(["list"], db=folder / "n.db", env=env, user=uid).stdout
    said = one_line_error(cli(WRITE_COMMANDS[1], db=folder / "n.db", env=env, user=uid))
    assert said == (f"the folder {folder} is read-only; SQLite needs to create n.db-wal "
                    "beside the notebook: make the folder writable or move the notebook")
    report = cli(["doctor"], db=folder / "n.db", env=env, user=uid)
    assert report.returncode == 3 and f"problem: {said}" in report.stdout
    assert digest(folder / "n.db") == before and sorted(folder.iterdir()) == [folder / "n.db"]


def read_only_mount_works() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind -o ro /tmp /tmp"],
                           capture_output=True)
    return probe.returncode == 0


def on_read_only_media(folder: Path, args, db: Path, env=None):
    """The CLI with `folder` bind-mounted read-only in a private mount namespace."""
    script = 'mount --bind -o ro "$1" "$1" && shift && exec "$@"'
    full_env = {**os.environ, "SUPPORTLOG_NOW": NOW_ISO, "PYTHONDONTWRITEBYTECODE": "1",
                **(env or {})}
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(folder), SUPPORTLOG,
                           "--db", str(db), *args], capture_output=True, text=True,
                          timeout=60, env=full_env)


@pytest.mark.skipif(not read_only_mount_works(), reason="needs root and unshare -m")
def test_a_cleanly_closed_notebook_on_read_only_media(tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    notebook(folder / "n.db")
    before = digest(folder / "n.db")
    result = on_read_only_media(folder, ["list"], folder / "n.db")
    assert result.returncode == 0 and "Lost parcel" in result.stdout, result.stderr
    assert on_read_only_media(folder, ["search", "parcel"], folder / "n.db").returncode == 0
    said = one_line_error(on_read_only_media(folder, WRITE_COMMANDS[1], folder / "n.db"))
    assert said == (f"{folder / 'n.db'} is on a read-only disk; copy it to a writable one to "
                    "change it and pass --db with the copy")
    assert digest(folder / "n.db") == before


CRASH = textwrap.dedent("""
    import os, sys
    from tui.store import Store
    s = Store(sys.argv[1])
    for n in range(int(sys.argv[2])):
        s.log_interaction(1, "chat", "info", notes=f"row {n}")
    os._exit(0)   # killed: the -wal and -shm stay, holding the rows
""")


def crash_after_writes(path: Path, rows: int = 3) -> None:
    subprocess.run([sys.executable, "-c", CRASH, str(path), str(rows)], check=True, timeout=60)
    assert live_wal(path) and Path(f"{path}-shm").exists()


def crashed_notebook(top: Path, rows: int = 3) -> tuple[Path, Path]:
    """notes/n.db under `top`, its last `rows` writes still in the WAL."""
    folder = top / "notes"
    folder.mkdir()
    path = folder / "n.db"
    notebook(path)
    crash_after_writes(path, rows)
    return folder, path


def test_leftover_0400_wal_and_shm_do_not_fail_the_first_write(shared_dir):
    top, env = shared_dir
    folder, path = crashed_notebook(top)
    uid = give_to_nobody(top)
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.chmod(0o400)  # made read-only while open, then the program died
    path.chmod(0o600)  # the owner makes the notebook writable again
    result = cli(WRITE_COMMANDS[1], db=path, env=env, user=uid)
    assert result.returncode == 0, result.stderr
    with Store(path, create=False) as s:
        assert s.get_case(1).contacts == 4  # the three left in the WAL and the new one
    for p in folder.iterdir():
        assert mode(p) == 0o600, p


def test_a_read_only_notebook_with_changes_in_its_wal_reads_them(shared_dir):
    top, env = shared_dir
    folder, path = crashed_notebook(top, rows=2)
    uid = give_to_nobody(top)
    folder.chmod(0o555)
    result = cli(["show", "1"], db=path, env=env, user=uid)
    assert result.returncode == 0 and "row 1" in result.stdout, result.stderr


def test_a_wal_that_cannot_be_read_in_a_read_only_folder_is_explained(shared_dir):
    top, env = shared_dir
    folder, path = crashed_notebook(top)
    os.unlink(f"{path}-shm")  # SQLite needs one to read the WAL, and cannot make it here
    uid = give_to_nobody(top)
    folder.chmod(0o555)
    said = one_line_error(cli(["list"], db=path, env=env, user=uid))
    assert said == (f"{path}-wal holds changes not yet in {path}, and SQLite cannot create "
                    f"n.db-shm in the read-only folder {folder} to read them: make the folder "
                    "writable once, or copy the notebook with its -wal elsewhere")


# -- D13: links to nothing, FIFOs, devices --------------------------------------------------

@pytest.mark.parametrize("args", [["list"], WRITE_COMMANDS[0]])
def test_a_dangling_link(tmp_path, run, args):
    link = tmp_path / "n.db"
    link.symlink_to(tmp_path / "gone.db")
    assert one_line_error(cli_here(run, args, db=link)) == (
        f"{link} is a link to {tmp_path / 'gone.db'}, which does not exist; point the link at "
        "your notebook or pass --db with another path")
    assert not (tmp_path / "gone.db").exists() and link.is_symlink()


@pytest.mark.parametrize("args", [["list"], WRITE_COMMANDS[0], ["doctor"]])
def test_a_fifo_is_refused_without_being_opened(tmp_path, args):
    fifo = tmp_path / "n.db"
    os.mkfifo(fifo)
    result = cli(args, db=fifo, timeout=30)  # opening a FIFO would block: a hang fails here
    said = f"{fifo} is not a regular file (a FIFO); pass --db with a notebook file"
    if args == ["doctor"]:
        assert result.returncode == 3 and f"problem: {said}" in result.stdout
    else:
        assert one_line_error(result) == said
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_device_is_refused(run):
    said = one_line_error(cli_here(run, ["list"], db="/dev/null"))
    assert said == "/dev/null is not a regular file (a character device); pass --db with a " \
                   "notebook file"


# -- D14: folders the product makes are 0700 whatever the umask ---------------------------

def test_every_folder_made_for_the_notebook_is_private_under_umask_000(tmp_path):
    data_home = tmp_path / "deep" / "er"
    env = {"XDG_DATA_HOME": str(data_home), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    result = subprocess.run([SUPPORTLOG, "new", "--company", "A", "--title", "t"], env={
        **os.environ, **env}, capture_output=True, text=True, timeout=60, umask=0)
    assert result.returncode == 0, result.stderr
    for folder in (tmp_path / "deep", data_home, data_home / "supportlog"):
        assert mode(folder) == 0o700, (folder, oct(mode(folder)))
    assert mode(data_home / "supportlog" / "supportlog.db") == 0o600


# -- D16: a -wal another database wrote ---------------------------------------------------

def foreign_wal_beside(path: Path, tmp_path: Path, *, page_size: int | None = None,
                       age: float = 3600) -> Path:
    """A valid WAL left by another database (killed mid-session), last written `age`
    seconds ago, moved beside the notebook at `path` (mv keeps its time)."""
    other = tmp_path / "other.db"
    if page_size:
        conn = sqlite3.connect(other, isolation_level=None)
        conn.execute(f"PRAGMA page_size = {page_size}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.close()
        script = ("import sqlite3, os, sys; c = sqlite3.connect(sys.argv[1], isolation_level="
                  "None); c.execute('INSERT INTO t VALUES (1)'); os._exit(0)")
        subprocess.run([sys.executable, "-c", script, str(other)], check=True, timeout=60)
    else:
        notebook(other, "from the other notebook")
        crash_after_writes(other)
    wal = Path(f"{path}-wal")
    os.replace(f"{other}-wal", wal)
    os.unlink(f"{other}-shm")
    then = time.time() - age
    os.utime(wal, (then, then))
    return wal


def test_a_wal_older_than_the_notebook_is_refused_and_doctor_says_so(tmp_path, db_path, run):
    notebook(db_path, "mine")
    wal = foreign_wal_beside(db_path, tmp_path)
    before = digest(db_path)
    for args in (["list"], WRITE_COMMANDS[1]):
        said = one_line_error(cli_here(run, args, db=db_path))
        stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"
        assert re.fullmatch(
            re.escape(f"{wal} does not belong to {db_path}: it was last written ") + stamp
            + re.escape(", before the notebook was created (") + stamp
            + re.escape(f"), so another database wrote it; move it away (mv {wal} elsewhere) "
                        "and try again"), said), said
    report = cli_here(run, ["doctor"], db=db_path)
    assert report.returncode == 3
    assert "wal:                      written by another database" in report.stdout
    assert f"problem: {wal} does not belong to {db_path}" in report.stdout
    assert digest(db_path) == before  # nothing replayed
    os.replace(wal, tmp_path / "aside.wal")
    assert "mine" in cli_here(run, ["list"], db=db_path).stdout


def test_a_wal_with_another_page_size_is_refused(tmp_path, db_path, run):
    notebook(db_path, "mine")
    wal = foreign_wal_beside(db_path, tmp_path, page_size=1024, age=0)  # written just now
    said = one_line_error(cli_here(run, ["list"], db=db_path))
    assert said == (f"{wal} does not belong to {db_path}: its pages are 1024 bytes and the "
                    "notebook's 4096, so another database wrote it; move it away (mv "
                    f"{wal} elsewhere) and try again")


def test_the_notebooks_own_wal_after_a_crash_is_replayed(db_path, run):
    notebook(db_path)
    crash_after_writes(db_path, rows=5)
    assert cli_here(run, ["doctor"], db=db_path).returncode == 0
    result = cli_here(run, ["show", "1"], db=db_path)
    assert result.returncode == 0 and "row 4" in result.stdout


def test_a_wal_that_sqlite_ignores_is_no_problem(db_path, run):
    notebook(db_path)
    Path(f"{db_path}-wal").write_bytes(os.urandom(5000))
    assert cli_here(run, ["list"], db=db_path).returncode == 0


def test_a_new_notebook_is_not_made_where_a_live_wal_remains(tmp_path, db_path, run):
    wal = foreign_wal_beside(db_path, tmp_path, age=0)  # the notebook was deleted, not its WAL
    said = one_line_error(cli_here(run, WRITE_COMMANDS[0], db=db_path))
    assert said == (f"{wal} is left from a notebook that is gone; move it away (mv {wal} "
                    f"elsewhere) before making a new notebook at {db_path}")
    assert not db_path.exists()


def test_the_wal_checks_follow_sqlites_header_and_frame_checksums(tmp_path, db_path):
    notebook(db_path)
    crash_after_writes(db_path)
    wal = Path(f"{db_path}-wal")
    good = wal.read_bytes()
    assert live_wal(db_path).page_size == 4096
    for offset in (0, 8, 20, 24, 32 + 8, 32 + 24 + 100):  # magic, page size, salt, header
        bad = bytearray(good)                              # checksum, frame salt, page data
        bad[offset] ^= 0x01
        wal.write_bytes(bytes(bad))
        assert live_wal(db_path) is None, offset
    wal.write_bytes(good)
    assert live_wal(db_path) is not None


# -- doctor --------------------------------------------------------------------------------

def test_doctor_says_when_a_notebook_holds_no_cases(run, db_path):
    Store(db_path).close()
    out = run.ok("doctor")
    assert f"note: {db_path} holds no cases" in out and out.rstrip().endswith("ok")
    notebook(db_path)
    assert "holds no cases" not in run.ok("doctor")
