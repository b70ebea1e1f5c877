"""Import-cost guards for the commands' fast paths: on a notebook whose kept advice is
fresh, `advice --fail-on-stall` reads the kept rows alone (no playbook, no engine, none of the
store's other operations, no Textual), and `list --stalled` reads no playbook; `list` and
`show` read on a bare connection (tui.store.reader), without the Store, and print what the
full path prints, with its errors."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from advice_helpers import ago, contacts, new_case
from conftest import NOW, NOW_ISO, Cli
from tui.commands.shapes import case_row
from tui.store import Store, StoreError
from tui.store import schema
from tui.store.reader import open_reader

FIXTURES = Path(__file__).parent / "fixtures"

PROBE = ("import atexit, json, sys\n"
         "out = sys.argv[1]\n"
         "atexit.register(lambda: open(out, 'w').write(json.dumps(sorted(sys.modules))))\n"
         "from tui.cli import main\n"
         "sys.argv = ['supportlog', *sys.argv[2:]]\n"
         "main()\n")


def modules_of(tmp_path, db_path, *args: str) -> tuple[int, set[str]]:
    out = tmp_path / "modules.json"
    env = {**os.environ, "SUPPORTLOG_DB": str(db_path), "SUPPORTLOG_NOW": NOW_ISO,
           "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-c", PROBE, str(out), *args], env=env,
                          capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, set(json.loads(out.read_text()))


@pytest.fixture
def warm(store, db_path, tmp_path):
    case = new_case(store, "Acme", "Router keeps dropping", opened=ago(days=4))
    contacts(store, case.id, ["transferred", "disconnected"], start_days_ago=2)
    store.close()
    code, _ = modules_of(tmp_path, db_path, "advice", "--fail-on-stall")   # keeps the rows
    assert code == 1
    return db_path


NOT_ON_THE_FAST_PATH = ("textual", "tui.store.interchange", "tui.store.cases",
                        "tui.store.facts", "tui.advice.playbook", "tui.advice.engine",
                        "tomllib")


def test_fail_on_stall_on_a_warm_notebook_reads_the_kept_rows_alone(warm, tmp_path):
    code, loaded = modules_of(tmp_path, warm, "advice", "--fail-on-stall")
    assert code == 1
    assert not loaded & set(NOT_ON_THE_FAST_PATH), sorted(loaded & set(NOT_ON_THE_FAST_PATH))


def test_a_changed_config_is_read_again(warm, tmp_path):
    """The kept rows are fresh only for the config file they were made under."""
    config = tmp_path / "xdg-config" / "supportlog" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[thresholds]\nquiet_days = 99\n", encoding="utf-8")
    _, loaded = modules_of(tmp_path, warm, "advice", "--fail-on-stall")
    assert "tui.advice.playbook" in loaded
    _, loaded = modules_of(tmp_path, warm, "advice", "--fail-on-stall")
    assert "tui.advice.playbook" not in loaded    # kept again, under the new config


def test_list_stalled_on_a_warm_notebook_reads_no_playbook(warm, tmp_path):
    _, loaded = modules_of(tmp_path, warm, "list", "--stalled")
    assert not loaded & {"textual", "tui.advice.playbook", "tomllib", "tui.advice.engine"}


def test_top_20_on_a_warm_notebook_words_nothing_again(warm, tmp_path):
    modules_of(tmp_path, warm, "advice")                 # words the case and keeps it
    _, loaded = modules_of(tmp_path, warm, "advice")
    assert not loaded & {"textual", "tui.advice.playbook", "tui.advice.engine"}


# What reading a case or a listing needs none of: the Store and its operation modules, the
# records, the import and export machinery, the write units.
NOT_FOR_A_READER = ("tui.store.store", "tui.store.db", "tui.store.records", "tui.store.cases",
                    "tui.store.lists", "tui.store.attachments", "tui.store.interchange",
                    "tui.store.importer", "tui.store.mail", "tui.store.schema", "tui.store.wal",
                    "textual", "tui.advice")
# ... and what the listing for people needs neither (show's field labels bring the parsers).
NOT_FOR_A_LISTING = ("tui.store.fields", "tui.store.validate", "pathlib", "dataclasses",
                     "decimal")


def probe(tmp_path, db, *args: str) -> tuple[str, set[str]]:
    """What `supportlog --db DB ARGS` prints and the modules it loaded."""
    out = tmp_path / "modules.json"
    env = {**os.environ, "SUPPORTLOG_NOW": NOW_ISO, "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-c", PROBE, str(out), "--db", str(db), *args],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout, set(json.loads(out.read_text()))


@pytest.fixture
def demo(tmp_path, run):
    path = tmp_path / "demo.db"
    run.ok("demo", "--db", str(path), "--no-ui")
    return path


@pytest.mark.parametrize("args", [["list", "--limit", "1"], ["list"], ["list", "--json"],
                                  ["show", "1"], ["show", "abc12"]])
def test_list_and_show_read_without_the_store(demo, tmp_path, args):
    if args[-1] == "abc12":   # a case named by its uid
        args = ["show", json.loads(probe(tmp_path, demo, "list", "--json")[0])["cases"][0]["uid"]]
    _, loaded = probe(tmp_path, demo, *args)
    assert "tui.store.reader" in loaded and "sqlite3" in loaded   # it did read the notebook
    assert not loaded & set(NOT_FOR_A_READER), sorted(loaded & set(NOT_FOR_A_READER))
    if args[0] == "list" and "--json" not in args:
        assert not loaded & set(NOT_FOR_A_LISTING), sorted(loaded & set(NOT_FOR_A_LISTING))


def full_opening(tmp_path, demo, name: str) -> Path:
    """A copy of the demo that only the full opening may open (a rollback journal, which it
    switches to WAL), so a command on it reads through the Store's connection."""
    copy = tmp_path / name
    shutil.copy(demo, copy)
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    conn.close()
    return copy


def test_the_reader_prints_what_the_full_opening_prints(demo, tmp_path, monkeypatch):
    """Every listing and every case, read both ways in this process (which modules each way
    loads is the subprocess tests' question above)."""
    from tui.commands.env import Env
    from tui.store import reader
    real_reader, real_store, opened = reader.open_reader, Env.store, []

    def spied(db_name):
        conn = real_reader(db_name)
        opened.append(conn is not None)
        return conn

    def store(env, *args, **kwargs):
        opened.append("store")
        return real_store(env, *args, **kwargs)
    monkeypatch.setattr(reader, "open_reader", spied)
    monkeypatch.setattr(Env, "store", store)
    commands = [["list"], ["list", "--all", "--sort", "quiet"], ["list", "--json"],
                ["list", "--status", "open", "--channel", "chat", "--json"],
                ["list", "--company", "Amazon", "--sort", "opened"],
                *(["show", str(n)] for n in range(1, 32))]
    for n, args in enumerate(commands):
        opened.clear()
        light = Cli(demo).ok(*args)
        assert opened == [True], args              # the bare connection alone read it
        # the full opening switches the copy to WAL, so each command gets a fresh one
        opened.clear()
        heavy = Cli(full_opening(tmp_path, demo, f"full-{n}.db")).ok(*args)
        assert opened == [False, "store"], args    # the fallback really was taken
        assert light == heavy and light.strip(), args


def test_a_listing_record_is_the_stores_case_row(demo, tmp_path):
    """`list --json` on the reader gives each case as shapes.case_row gives the Store's Case."""
    listed = json.loads(probe(tmp_path, demo, "list", "--json", "--all")[0])["cases"]
    with Store(demo, create=False, clock=lambda: NOW) as store:
        expected = [case_row(c) for c in store.iter_cases()]
    assert listed == expected and len(listed) > 20
    assert [list(r) for r in listed] == [list(r) for r in expected]   # the keys' order too


def test_pages_of_a_long_listing_join_up(store, db_path, tmp_path):
    """Past one keyset page of the reader's listing, every case comes once, in order."""
    with store.write():
        for n in range(1234):
            store.create_case(f"Company {n % 7}", f"case {n}", opened_at=ago(days=n % 400))
    expected = [c.id for c in store.iter_cases(sort="quiet")]
    store.close()
    listed = json.loads(probe(tmp_path, db_path, "list", "--json", "--all", "--sort",
                              "quiet")[0])["cases"]
    assert [r["id"] for r in listed] == expected and len(expected) == 1234
    limited = json.loads(probe(tmp_path, db_path, "list", "--json", "--limit", "1000",
                               "--sort", "quiet")[0])
    assert [r["id"] for r in limited["cases"]] == expected[:1000] and limited["truncated"]


def test_an_old_notebook_is_upgraded_by_the_full_opening_then_read(tmp_path):
    path = tmp_path / "v8.db"
    shutil.copy(FIXTURES / "notebook-v8.db", path)
    first, loaded = probe(tmp_path, path, "list", "--all")
    assert "tui.store.store" in loaded
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] \
        == schema.schema_version()
    again, loaded = probe(tmp_path, path, "list", "--all")
    assert "tui.store.store" not in loaded and again == first and first.count("\n") > 1


def refusal(path: Path) -> str:
    with pytest.raises(StoreError) as caught:
        Store(path, create=False)
    return f"supportlog: {caught.value}"


@pytest.mark.parametrize("kind", ["missing", "folder", "not ours", "newer", "empty",
                                  "a link to nothing"])
def test_a_reader_refuses_as_the_full_opening_does(tmp_path, run, kind):
    path = tmp_path / "nb.db"
    if kind == "folder":
        path.mkdir()
    elif kind == "not ours":
        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    elif kind == "newer":
        run.ok("new", "--company", "Acme", "--title", "t")
        shutil.copy(run.db_path, path)
        sqlite3.connect(path).execute(f"PRAGMA user_version = {schema.schema_version() + 1}"
                                      ).connection.close()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "a link to nothing":
        path.symlink_to(tmp_path / "gone.db")
    expected = refusal(path)
    for args in (["list"], ["show", "1"], ["list", "--json"], ["stats"], ["stats", "--json"],
                 ["company", "list"]):
        result = run("--db", str(path), *args)
        assert result.exit_code == 3 and result.stderr.strip() == expected, (args, kind)
        assert result.stdout == ""
    assert not (tmp_path / "nb.db-wal").exists()   # nothing left behind


def test_the_reader_never_writes(store, db_path):
    case = new_case(store, "Acme", "Router keeps dropping")
    store.close()
    conn = open_reader(str(db_path))
    try:
        assert conn.execute("SELECT title FROM cases WHERE id = ?", (case.id,)).fetchone() \
            == ("Router keeps dropping",)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("UPDATE cases SET title = 'x'")
    finally:
        conn.close()


# `stats`, `company list`, `show` and `list --json` read the notebook on the bare connection.
LIGHT = [["stats"], ["stats", "--company", "Amazon"], ["stats", "--json"],
         ["company", "list"], ["company", "list", "A"], ["show", "1"],
         ["list", "--json", "--limit", "1"]]


@pytest.mark.parametrize("args", LIGHT)
def test_stats_and_company_list_read_without_the_store(demo, tmp_path, args):
    _, loaded = probe(tmp_path, demo, *args)
    assert "tui.store.reader" in loaded and "sqlite3" in loaded   # it did read the notebook
    assert not loaded & set(NOT_FOR_A_READER), sorted(loaded & set(NOT_FOR_A_READER))
    if "--json" not in args:
        assert "tui.commands.json_out" not in loaded   # the text for people loads no json


def test_stats_and_company_list_print_what_the_full_opening_prints(demo, tmp_path):
    commands = [["stats"], ["stats", "--json"], ["stats", "--company", "Amazon"],
                ["stats", "--company", "Nobody"], ["company", "list"], ["company", "list", "A"],
                ["company", "list", "Zz"], ["company", "list", "--json"]]
    for n, args in enumerate(commands):
        light, _ = probe(tmp_path, demo, *args)
        full, loaded = probe(tmp_path, full_opening(tmp_path, demo, f"full-{n}.db"), *args)
        assert "tui.store.store" in loaded, args   # the fallback really was taken
        assert light == full and light.strip(), args
