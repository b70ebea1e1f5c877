"""Two processes writing at once both succeed, with every row present."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tui.store import Store

WRITER = textwrap.dedent("""
    import sys
    from tui.store import Store
    store = Store(sys.argv[1])
    for n in range(int(sys.argv[3])):
        store.log_interaction(1, "phone", "info", notes=f"{sys.argv[2]}-{n}")
    print("done")
""")

HOLDER = textwrap.dedent("""
    import sys, time
    from tui.store import Store
    store = Store(sys.argv[1])
    with store.write():
        store.conn.execute("UPDATE cases SET notes = 'held' WHERE id = 1")
        print("locked", flush=True)
        time.sleep(1.5)
""")


def test_two_writers_at_once(db_path):
    Store(db_path).create_case("Amazon", "busy case")
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), name, "150"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("a", "b")]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and out.strip() == "done", err
    store = Store(db_path)
    notes = {r[0] for r in store.conn.execute("SELECT notes FROM interactions")}
    assert notes == {f"{w}-{n}" for w in "ab" for n in range(150)}
    assert store.get_case(1).contacts == 300
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_cli_log_waits_for_a_writer_holding_the_lock(db_path):
    Store(db_path).create_case("Amazon", "busy case")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    cli = subprocess.run([sys.executable, "-m", "tui.cli", "--db", str(db_path), "log", "1",
                          "--channel", "chat", "--outcome", "info", "--note", "while locked"],
                         capture_output=True, text=True, timeout=60)
    holder.wait(timeout=30)
    assert cli.returncode == 0, cli.stderr
    store = Store(db_path)
    assert store.get_case(1).notes == "held"
    assert store.search("locked")[0].case_id == 1
