"""The reliability contract, tried the hard way: crashes, locks, bad files, full disks,
hostile text, old notebooks."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tui.store import Store, StoreError, ValidationError
from conftest import NOW

FIXTURES = Path(__file__).parent / "fixtures"

LOGGER = textwrap.dedent("""
    import sys
    from tui.store import Store
    store = Store(sys.argv[1])
    n = 0
    while True:
        i = store.log_interaction(1, "phone", "info", notes=f"row {n}")
        print(i.id, flush=True)   # acknowledged: committed before it is printed
        n += 1
""")

IMPORTER = textwrap.dedent("""
    import json, sys
    from tui.store import Store
    store = Store(sys.argv[1])
    doc = json.load(open(sys.argv[2]))
    print("start", flush=True)
    store.import_records(doc)
    print("done", flush=True)
""")


def fresh(db_path: Path) -> Store:
    store = Store(db_path, clock=lambda: NOW)
    store.create_case("Amazon", "crash test")
    return store


def test_sigkill_in_a_stream_of_logs_loses_nothing_acknowledged(db_path):
    fresh(db_path).close()
    proc = subprocess.Popen([sys.executable, "-c", LOGGER, str(db_path)],
                            stdout=subprocess.PIPE, text=True)
    acked = []
    while len(acked) < 60:
        acked.append(int(proc.stdout.readline()))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    store = Store(db_path)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    present = {r[0] for r in store.conn.execute("SELECT id FROM interactions")}
    assert set(acked) <= present
    assert store.get_case(1).contacts == len(present)  # the counters agree with the rows


@pytest.mark.slow   # a 4,000-case import written by a child process, then killed mid-write
def test_sigkill_during_an_import_leaves_nothing_half_done(db_path, tmp_path):
    fresh(db_path).close()
    doc = {"format": "supportlog/1", "cases": [
        {"company": f"Co {n % 50}", "title": f"case {n}", "opened_at": "2026-11-01T10:00:00Z",
         "notes": "x" * 2000,
         "interactions": [{"channel": "chat", "outcome": "info", "notes": "y" * 500,
                           "started_at": "2026-11-02T10:00:00Z"}] * 3}
        for n in range(4000)]}
    doc_path = tmp_path / "big.json"
    doc_path.write_text(json.dumps(doc))
    proc = subprocess.Popen([sys.executable, "-c", IMPORTER, str(db_path), str(doc_path)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "start"
    wal = Path(f"{db_path}-wal")
    deadline = time.monotonic() + 60
    # Kill once the single write transaction has written a few MB: truly half done.
    while (not wal.exists() or wal.stat().st_size < 4_000_000) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert "done" not in proc.stdout.read()  # it died mid-import
    store = Store(db_path)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.count_cases() == 1  # nothing of the half-done import
    assert store.conn.execute("SELECT count(*) FROM search_index").fetchone()[0] == \
        store.count_cases() + store.conn.execute("SELECT count(*) FROM interactions").fetchone()[0]


def test_three_writer_processes_at_once(db_path):
    fresh(db_path).close()
    script = textwrap.dedent("""
        import sys
        from tui.store import Store
        store = Store(sys.argv[1])
        for n in range(120):
            if n % 3 == 0:
                store.add_promise(1, f"{sys.argv[2]} promise {n}")
            store.log_interaction(1, "chat", "info", notes=f"{sys.argv[2]}-{n}")
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(db_path), w],
                              stderr=subprocess.PIPE, text=True) for w in "abc"]
    errors = [p.communicate(timeout=180)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    store = Store(db_path)
    assert store.get_case(1).contacts == 360
    assert store.conn.execute("SELECT count(*) FROM promises").fetchone()[0] == 120


def test_a_long_lock_is_a_clear_message(db_path, monkeypatch):
    fresh(db_path).close()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys
        from tui.store import Store
        s = Store(sys.argv[1])
        with s.write():
            print("locked", flush=True)
            sys.stdin.readline()  # held until the test has seen the CLI give up
    """), str(db_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    env = {**os.environ, "SUPPORTLOG_BUSY_TIMEOUT_MS": "300"}
    try:
        result = subprocess.run([sys.executable, "-m", "tui.cli", "--db", str(db_path), "log",
                                 "1", "--channel", "chat", "--outcome", "info"], env=env,
                                capture_output=True, text=True, timeout=60)
    finally:
        holder.communicate("go\n", timeout=30)
    assert result.returncode == 3
    assert result.stderr.startswith(f"supportlog: {db_path} is locked by another program")
    assert "Traceback" not in result.stderr
    assert Store(db_path).get_case(1).contacts == 0


def test_full_disk_is_a_clear_message_and_loses_nothing(db_path):
    store = fresh(db_path)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(StoreError, match="is full"):
        store.create_case("Amazon", "big", notes="z" * 1_000_000)
    assert store.count_cases() == 1
    store.log_interaction(1, "chat", "info", notes="small")  # still usable
    assert store.get_case(1).contacts == 1


def test_corrupt_pages_are_reported_by_the_cli(run, db_path):
    store = fresh(db_path)
    for n in range(200):
        store.log_interaction(1, "chat", "info", notes=f"filler {n} " * 50)
    store.close()
    data = bytearray(db_path.read_bytes())
    for offset in range(4096 * 3, len(data) - 4096, 4096 * 2):
        data[offset:offset + 200] = b"\xff" * 200
    db_path.write_bytes(bytes(data))
    expected = f"supportlog: {db_path} is damaged (database disk image is malformed); restore"
    for args in (["list"], ["search", "filler"], ["show", "1"], ["export"]):
        r = run(*args)
        assert r.exit_code == 3 and r.stderr.startswith(expected), (args, r.output)
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.output
    report = run("doctor")
    assert report.exit_code == 3 and "problem: " + expected[12:] in report.stdout


def test_read_only_notebook_through_the_cli(run, db_path):
    fresh(db_path).close()
    db_path.chmod(0o400)
    try:
        assert "crash test" in run.ok("list")
        result = run("log", "1", "--channel", "chat", "--outcome", "info")
        assert result.exit_code == 3 and "read-only" in result.stderr
    finally:
        db_path.chmod(0o600)


def test_missing_folder_through_the_cli(run, tmp_path):
    from tui.cli import cli
    target = tmp_path / "nope" / "n.db"
    result = run.runner.invoke(cli, ["--db", str(target), "new", "--company", "A", "--title", "t"])
    assert result.exit_code == 3 and "does not exist" in result.stderr
    assert not target.parent.exists()


# -- hostile text: either a clear validation message or an exact round trip ----------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               min_size=1, max_size=300).filter(lambda s: s.strip())
SAMPLES = st.sampled_from(["[/]", "[bold]", "[link=x]y[/link]", "\\[", '"AND" OR NEAR(a b)',
                           "📦🙂‍↔️", "שלום", "ग्राहक सेवा", "e\u0301", "\x1b[2J\x07\r\n\t",
                           "'; DROP TABLE cases; --"])
ANY_TEXT = st.one_of(TEXT, SAMPLES)


@pytest.fixture(scope="module")
def blank_notebook(tmp_path_factory) -> Path:
    """An empty notebook made by the Store once, copied where a test only needs a new one."""
    path = tmp_path_factory.mktemp("blank") / "notebook.db"
    Store(path, clock=lambda: NOW).close()
    return path


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=ANY_TEXT, notes=ANY_TEXT, agent=ANY_TEXT, ref=ANY_TEXT, transcript=ANY_TEXT)
def test_any_text_round_trips_exactly(tmp_path_factory, blank_notebook, title, notes, agent,
                                      ref, transcript):
    folder = tmp_path_factory.mktemp("rt")
    for name in ("a.db", "b.db"):  # the round trip is the subject, not making notebooks
        shutil.copy(blank_notebook, folder / name)
    a = Store(folder / "a.db", clock=lambda: NOW)
    case = a.create_case(agent, title, notes=notes, refs=[("other", ref)], seller=notes)
    a.log_interaction(case.id, "chat", "info", agent=agent, agent_id=ref, reference=ref,
                      notes=notes, transcript_ref=title, transcript_text=transcript)
    first = io.StringIO()
    a.export_json(first)
    b = Store(folder / "b.db", clock=lambda: NOW)
    b.import_records(json.loads(first.getvalue()))
    second = io.StringIO()
    b.export_json(second)
    assert first.getvalue() == second.getvalue()
    rec = json.loads(second.getvalue())["cases"][0]
    from tui.store.validate import mask_cards
    assert rec["title"] == mask_cards(title) and rec["notes"] == mask_cards(notes)
    assert rec["interactions"][0]["transcript_text"] == mask_cards(transcript)
    a.close(), b.close()


def test_megabyte_note_round_trips(store):
    note = ("ग्राहक [b] " * 120_000)[:1_000_000]
    case = store.create_case("A", "big", notes=note)
    assert store.get_case(case.id).notes == note
    assert store.search("ग्राहक")[0].case_id == case.id


@pytest.mark.parametrize("call", [
    lambda s: s.create_case("A", "t", notes="bad \ud800 surrogate"),
    lambda s: s.create_case("A", "t", amount="9" * 30),
    lambda s: s.create_case("A", "t", purchased_on="99999-01-01"),
    lambda s: s.create_case("A", "t", opened_at="1900-01-01"),
    lambda s: s.log_interaction(s.create_case("A", "t").id, "chat", "info", notes="a\x00b"),
])
def test_bad_values_are_validation_errors(store, call):
    with pytest.raises(ValidationError):
        call(store)


# -- old notebooks ---------------------------------------------------------------------------

def as_version_3(doc: dict) -> dict:
    """What a fixture from before schema 3 exports once upgraded: each case's statuses set by
    hand (none here: every status is what its contacts give), when each promise was recorded,
    and closed_at from the timeline (the router case closed at its resolving contact)."""
    for case in doc["cases"]:
        case["status_events"] = []
        for promise in case["promises"]:
            promise["created_at"] = "2026-11-25T12:00:00Z"
        if case["title"] == "Router keeps dropping":
            case["closed_at"] = "2026-09-03T15:00:00Z"
    return doc


def as_version_4(doc: dict) -> dict:
    """What a fixture from before schema 4 exports once upgraded: every promise is the
    company's, and none of these was settled (the upgrade dates settled ones by their last
    change)."""
    for case in doc["cases"]:
        for promise in case["promises"]:
            promise.update(party="company", settled_at=None)
    return doc


def as_version_7(doc: dict) -> dict:
    """What a fixture from before schema 7 exports once upgraded: its companies hold no
    account number."""
    for company in doc["companies"]:
        company.setdefault("account", None)
    return doc


def as_version_5(doc: dict) -> dict:
    """What a fixture from before schema 5 exports once upgraded: a company's phone, chat_url,
    email and hours are its routes (these fixtures have none), and cases carry the statement
    and cancellation dates."""
    for company in doc["companies"]:
        assert not any(company.pop(k) for k in ("phone", "chat_url", "email", "hours"))
        notes = company.pop("notes")
        updated = company.pop("updated_at", None)
        company.update(notes=notes, routes=[], policies=[])
        if updated is not None:
            company["updated_at"] = updated
    for case in doc["cases"]:
        at = {k: case.pop(k) for k in ("updated_at", "refs", "interactions", "promises",
                                       "status_events") if k in case}
        case.update(statement_on=None, cancelled_on=None, **at)
    return doc


def without_updated_at(doc: dict) -> dict:
    """An export as the fixtures were written, before records carried updated_at (each
    record has one; the upgrade kept the rows' own)."""
    records = [*doc["companies"], *doc["cases"]]
    records += [r for c in doc["companies"] for r in (*c.get("routes", ()), *c.get("policies", ()))]
    records += [r for c in doc["cases"] for r in (*c["interactions"], *c["promises"])]
    for record in records:
        assert record.pop("updated_at")
    return doc


def test_fixture_notebooks_open_with_every_row(tmp_path):
    fixtures = sorted(FIXTURES.glob("notebook-v*.db"), key=lambda f: int(f.stem.split("-v")[1]))
    from tui.store.schema import schema_version
    assert [f.name for f in fixtures][-1] == f"notebook-v{schema_version()}.db"  # one per version
    for fixture in fixtures:
        copy = tmp_path / fixture.name
        shutil.copy(fixture, copy)
        store = Store(copy, clock=lambda: NOW)
        out = io.StringIO()
        store.export_json(out)
        expected = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
        if int(fixture.stem.rsplit("v", 1)[1]) < 3:
            expected = as_version_3(expected)
        if int(fixture.stem.rsplit("v", 1)[1]) < 4:
            expected = as_version_4(expected)
        if int(fixture.stem.rsplit("v", 1)[1]) < 5:
            expected = as_version_5(expected)
        if int(fixture.stem.rsplit("v", 1)[1]) < 7:
            expected = as_version_7(expected)
        if "updated_at" in expected["companies"][0]:   # written since exports carry it
            expected = without_updated_at(expected)
        assert without_updated_at(json.loads(out.getvalue())) == expected
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Upgraded to the digests the triggers keep (case_digests since version 4), every
        # case's with a contact filled in.
        assert store.conn.execute("SELECT * FROM case_digests EXCEPT "
                                  "SELECT * FROM case_digest_rows").fetchall() == []
        assert store.conn.execute("SELECT count(*) FROM case_digests").fetchone()[0] == 3
        assert store.channel_stats(1) == {"chat": (1, 1), "phone": (0, 1)}   # Amazon's
        # Search finds cases and contacts alike (version 3 moved the cases' search rows),
        # and the triggers keep the moved rows: a renamed company, a new reference.
        hits = store.search("never arrived")
        assert [(h.case_id, h.interaction_id) for h in hits] == [(1, None)]
        assert [(h.case_id, h.interaction_id) for h in store.search("approved")] == [(1, 2)]
        store.conn.execute("UPDATE companies SET name = 'Zamazon' WHERE id = 1")
        store.add_ref(1, "ticket", "Z-99")
        assert [h.case_id for h in store.search("zamazon z-99")] == [1]
        assert store.search("amazon") == []
        store.close()


UPGRADER = textwrap.dedent("""
    import sys
    from tui.store import Store
    store = Store(sys.argv[1])
    print(store.count_cases(), store.conn.execute("PRAGMA user_version").fetchone()[0])
""")


def test_two_processes_upgrading_an_old_file_at_once(tmp_path):
    copy = tmp_path / "old.db"
    shutil.copy(FIXTURES / "notebook-v1.db", copy)
    procs = [subprocess.Popen([sys.executable, "-c", UPGRADER, str(copy)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    from tui.store.schema import schema_version
    now = str(schema_version())
    assert [o[0].split() for o in outs] == [["3", now], ["3", now]]
    backups = list(tmp_path.glob("old.db.v1-*.bak"))
    assert len(backups) == 1  # taken once, under the lock
    assert sqlite3.connect(backups[0]).execute("SELECT count(*) FROM cases").fetchone()[0] == 3
