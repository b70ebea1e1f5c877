"""The notebook file: created from schema.sql, pragmas, refusing files that are not ours,
never created by a read-only command, private permissions, upgrades."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from tui.store import Store, StoreError, schema
from tui.store.db import split_sql
from conftest import NOW


def mode(p):
    return stat.S_IMODE(p.stat().st_mode)


def test_created_from_schema_sql(db_path):
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.schema_version() == 11
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    expected = {s.split()[2] for s in split_sql(schema.schema_sql()) if s.startswith("CREATE")
                and "VIRTUAL" not in s} | {"search_index"}
    assert expected <= names


def test_every_connection_sets_its_pragmas(store):
    c = store.conn
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_files_are_private(db_path):
    s = Store(db_path)
    s.create_case("A", "t")
    for p in (db_path, db_path.with_name(db_path.name + "-wal"),
              db_path.with_name(db_path.name + "-shm")):
        assert mode(p) == 0o600, p
    backup = s.backup(db_path.parent / "b.db")
    assert mode(backup) == 0o600
    s.close()


def test_default_data_dir_is_made_private(tmp_path):
    from tui.store.paths import default_db_path
    path = default_db_path()  # under the test's XDG_DATA_HOME
    assert str(path).startswith(str(tmp_path)) and not path.parent.exists()
    Store(path).close()
    assert mode(path.parent) == 0o700


@pytest.mark.parametrize("xdg", [None, "", "   ", "relative/dir", "/abs/xdg", "/abs/xdg/"])
@pytest.mark.parametrize("home", ["/home/ann", "/home/ann/", "/", "relative", None])
def test_the_folders_are_platformdirs_own_without_importing_it(monkeypatch, xdg, home):
    """paths works the Linux folders out by hand (platformdirs' import is most of a cron
    check's start): the same answer as platformdirs wherever it does not ask it."""
    import platformdirs

    from tui.store import paths
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        if xdg is None:
            monkeypatch.delenv(var, raising=False)
        else:
            monkeypatch.setenv(var, xdg)
    if home is None:
        monkeypatch.delenv("HOME", raising=False)
    else:
        monkeypatch.setenv("HOME", home)
    assert paths.config_name() == str(
        platformdirs.user_config_path("supportlog", appauthor=False) / "config.toml")
    assert paths.data_dir_name() == platformdirs.user_data_dir("supportlog", appauthor=False)
    assert str(paths.config_path()) == paths.config_name()
    assert paths.resolve_db_name() == str(paths.default_db_path())


def test_missing_folder_is_an_error_not_a_new_notebook(tmp_path):
    path = tmp_path / "typo" / "n.db"
    with pytest.raises(StoreError, match="does not exist"):
        Store(path)
    assert not path.parent.exists()


def test_read_only_open_never_creates(tmp_path):
    path = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="no notebook at"):
        Store(path, create=False)
    assert not path.exists()


def test_refuses_a_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("hello, this is not a database at all")
    with pytest.raises(StoreError, match="not a SQLite database"):
        Store(path)
    assert path.read_text().startswith("hello")  # untouched


def test_refuses_a_foreign_sqlite_file(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a supportlog notebook"):
        Store(path)


def test_refuses_a_newer_schema(db_path):
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer supportlog"):
        Store(db_path)


def test_empty_file_is_refused_not_made_a_notebook(tmp_path):
    path = tmp_path / "empty.db"  # what a killed backup or export leaves (issue 10, D10)
    path.touch()
    with pytest.raises(StoreError, match="is empty: not a notebook"):
        Store(path).close()
    assert path.read_bytes() == b""


def test_folder_is_not_a_notebook(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        Store(tmp_path)


def test_read_only_file_reads_but_refuses_writes(db_path):
    s = Store(db_path)
    s.create_case("A", "t")
    s.close()
    db_path.chmod(0o400)
    try:
        s = Store(db_path)
        assert s.count_cases() == 1
        with pytest.raises(StoreError, match="read-only"):
            s.create_case("A", "u")
        s.close()
    finally:
        db_path.chmod(0o600)


def test_upgrade_runs_one_step_per_version_after_a_backup(db_path, monkeypatch):
    s = Store(db_path, clock=lambda: NOW)
    s.create_case("Amazon", "kept across upgrades")
    s.close()
    # Pretend the code knows a next version that adds a column.
    now = schema.schema_version()
    monkeypatch.setitem(schema.UPGRADES, now, "ALTER TABLE cases ADD COLUMN priority INTEGER;")
    monkeypatch.setattr(schema, "schema_version", lambda: now + 1)
    s = Store(db_path, clock=lambda: NOW)
    assert s.conn.execute("PRAGMA user_version").fetchone()[0] == now + 1
    assert s.conn.execute("SELECT title, priority FROM cases").fetchall() == [
        ("kept across upgrades", None)]
    s.close()
    backups = list(db_path.parent.glob(f"notebook.db.v{now}-*.bak"))
    assert backups[0].name == f"notebook.db.v{now}-20261125T120000Z.bak"
    assert len(backups) == 1 and mode(backups[0]) == 0o600
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == now
    assert old.execute("SELECT title FROM cases").fetchall() == [("kept across upgrades",)]


def test_statistics_are_refreshed_only_when_the_notebook_has_grown(db_path):
    s = Store(db_path, clock=lambda: NOW)
    s.conn.executemany("INSERT INTO companies (uid, name, created_at, updated_at) "
                       "VALUES (?, ?, '', '')", [("c1", "A")])
    with s.write():
        s.conn.executemany(
            "INSERT INTO cases (uid, company_id, title, opened_at, last_activity_at, created_at, "
            "updated_at, status) VALUES (?, 1, 't', '2026-01-01', '2026-01-01', '', '', ?)",
            [(f"u{n}", "open" if n % 4 == 0 else "resolved") for n in range(3000)])
    s.close()

    def analyzed() -> int:
        conn = sqlite3.connect(db_path)
        try:
            return conn.execute("SELECT max(CAST(stat AS INTEGER)) FROM sqlite_stat1 "
                                "WHERE tbl = 'cases'").fetchone()[0]
        except sqlite3.OperationalError:
            return 0
        finally:
            conn.close()

    Store(db_path).close()
    assert analyzed() == 3000
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE sqlite_stat1 SET stat = '1 1' WHERE tbl = 'cases' "
                  "AND idx = 'cases_active_activity'")  # a partial index counts fewer rows
    conn.commit()
    conn.close()
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    kept = conn.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'cases_active_activity'"
                        ).fetchone()[0]
    conn.close()
    assert kept == "1 1"  # not re-analyzed: the table's count is its largest row


@pytest.mark.parametrize("content", [b"x", b"junk\n", b"A" * 511, b"B" * 4096])
def test_small_or_garbage_files_are_refused_untouched(tmp_path, content):
    path = tmp_path / "file.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not a SQLite database"):
        Store(path)
    assert path.read_bytes() == content
