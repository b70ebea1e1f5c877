"""Schema 8: the vocabulary lives in tui/store/vocab.py alone (no SQL CHECK lists it, every
write path refuses an unknown word), interactions.progress holds the progress outcomes once,
the views for other tools read back with sqlite-utils, and an old notebook upgrades to it
with every row kept."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from tui.store import Store, vocab
from tui.store.errors import ValidationError
from tui.store.schema import schema_version

from conftest import NOW

FIXTURES = Path(__file__).parent / "fixtures"
WORDS = {w for name in dir(vocab) if name.isupper()
         for w in getattr(vocab, name) if isinstance(w, str)}


def checks(sql: str) -> list[str]:
    """Each CHECK (...) clause of a CREATE TABLE statement, parentheses matched."""
    found = []
    for m in re.finditer(r"\bCHECK\s*\(", sql, re.IGNORECASE):
        depth = 0
        for end in range(m.end() - 1, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            if depth == 0:
                found.append(sql[m.start():end + 1])
                break
    return found


def table_checks(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    out = {name: checks(sql) for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL")}
    conn.close()
    return out


def upgraded(tmp_path: Path, version: int) -> Path:
    path = tmp_path / f"v{version}.db"
    shutil.copy(FIXTURES / f"notebook-v{version}.db", path)
    Store(path, clock=lambda: NOW).close()
    return path


def assert_no_vocabulary_check(path: Path) -> None:
    found = table_checks(path)
    named = {(t, c) for t, cs in found.items() for c in cs
             if set(re.findall(r"'(\w+)'", c)) & WORDS}
    assert named == set()
    # The checks that are not vocabulary stay: lengths, counts, ordering.
    assert any("hold_seconds >= 0" in c for c in found["interactions"])
    assert any("ended_at >= started_at" in c for c in found["interactions"])
    assert any("length(trim(title)) > 0" in c for c in found["cases"])
    assert any("days > 0" in c for c in found["company_policies"])


def test_no_check_names_a_vocabulary_word(tmp_path):
    Store(tmp_path / "new.db", clock=lambda: NOW).close()
    assert_no_vocabulary_check(tmp_path / "new.db")
    assert_no_vocabulary_check(upgraded(tmp_path, 7))
    assert_no_vocabulary_check(upgraded(tmp_path, 1))


def test_the_sql_keeps_what_is_not_vocabulary(store):
    case = store.create_case("Shop", "Lamp")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        store.conn.execute("INSERT INTO interactions (uid, case_id, channel, started_at, "
                           "hold_seconds, created_at, updated_at) VALUES ('u', ?, 'phone', "
                           "'2026-11-01T00:00:00Z', -1, 'x', 'x')", (case.id,))


@pytest.mark.parametrize("outcome", [*vocab.OUTCOMES, None])
def test_the_progress_column_is_pythons_rule(store, outcome):
    case = store.create_case("Shop", "Lamp")
    if outcome is None:
        contact = store.start_contact(case.id, "phone")
    else:
        contact = store.log_interaction(case.id, "phone", outcome, promise="call back")
    progress = store.conn.execute("SELECT progress FROM interactions WHERE id = ?",
                                  (contact.id,)).fetchone()[0]
    if outcome is None:
        assert progress is None   # live
    else:
        assert progress == (outcome in vocab.PROGRESS_OUTCOMES) == contact.progress


def test_the_progress_outcomes_are_written_once_in_the_schema(store):
    sql = store.conn.execute("SELECT group_concat(sql, ';') FROM sqlite_master").fetchone()[0]
    listed = re.findall(r"progress\s+INTEGER\s+GENERATED ALWAYS AS \(outcome IN\s*\(([^)]*)\)",
                        sql, re.IGNORECASE)
    assert len(listed) == 1
    assert set(re.findall(r"'(\w+)'", listed[0])) == vocab.PROGRESS_OUTCOMES
    # No trigger or view lists outcomes any more: each reads the column.
    for word in vocab.PROGRESS_OUTCOMES - {"promised", "resolved", "escalated"}:
        assert sql.count(f"'{word}'") == 1, word


def test_the_views_read_back_with_sqlite_utils(store, db_path):
    case = store.create_case("Shop", "Lamp", want="refund", amount="19.99", currency="EUR",
                             opened_at="2026-10-01", refs=[("order", "A-1")])
    store.log_interaction(case.id, "chat", "promised", started_at="2026-10-03T10:00",
                          promise="refund in 3 days", promise_due="2026-10-06")
    store.log_interaction(case.id, "phone", "transferred", started_at="2026-10-02T10:00")
    store.add_promise(case.id, "send the receipt", "2026-10-09", party="me")
    other = store.create_case("Bank", "Double charge", opened_at="2026-10-05")
    store.close()
    db = sqlite_utils.Database(db_path)
    assert {"case_summary", "contact_timeline"} <= set(db.view_names())
    rows = {r["id"]: r for r in db["case_summary"].rows}
    assert rows[case.id] | {"uid": None} == {
        "id": case.id, "uid": None, "company": "Shop", "title": "Lamp", "status": "waiting",
        "category": "other", "want": "refund", "amount": "19.99", "currency": "EUR",
        "seller": None, "opened_at": "2026-10-01T00:00:00Z", "closed_at": None,
        "last_activity_at": "2026-10-03T10:00:00Z", "contacts": 2, "pending_promises": 1,
        "pending_asks": 1, "last_outcome": "promised", "last_channel": "chat",
        "refs": "order:A-1"}
    assert rows[other.id]["contacts"] == 0 and rows[other.id]["last_outcome"] is None
    timeline = list(db["contact_timeline"].rows)
    assert [(r["started_at"], r["channel"], r["outcome"], r["progress"]) for r in timeline] == [
        ("2026-10-02T10:00:00Z", "phone", "transferred", 0),
        ("2026-10-03T10:00:00Z", "chat", "promised", 1)]
    assert {(r["case_title"], r["company"]) for r in timeline} == {("Lamp", "Shop")}
    db.close()


def dump(path: Path, like: Path | None = None) -> dict[str, list[tuple]]:
    """Every row of every ordinary table, in rowid order, in the columns `like` has (later
    steps may add some)."""
    conn = sqlite3.connect(path)
    shape_of = sqlite3.connect(like or path)
    tables = [t for (t,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'search_index%' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
    out = {}
    for t in tables:
        cols = [r[1] for r in shape_of.execute(f"PRAGMA table_info({t})")] or \
            [r[1] for r in conn.execute(f"PRAGMA table_info({t})")]
        rows = conn.execute(f"SELECT {', '.join(cols)} FROM {t} ORDER BY 1, 2").fetchall()
        # The count of write units (NotebookWatch) is bookkeeping the upgrade moves on.
        out[t] = [r for r in rows if t != "meta" or r[0] != "writes"]
    conn.close()
    shape_of.close()
    return out


def shape(path: Path) -> tuple:
    conn = sqlite3.connect(path)
    names = {(k, n) for k, n in conn.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
    columns = {n: conn.execute(f"PRAGMA table_xinfo({n})").fetchall()
               for k, n in names if k == "table" and not n.startswith("search_index")}
    conn.close()
    return names, columns


def test_the_v7_fixture_upgrades_with_every_row_kept(tmp_path):
    before = dump(FIXTURES / "notebook-v7.db")
    path = upgraded(tmp_path, 7)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == schema_version()
    after = dump(path, like=FIXTURES / "notebook-v7.db")
    assert {t: after[t] for t in before} == before   # later steps may add tables
    assert sum(map(len, before.values())) > 20
    # The backup the upgrade path takes, still at version 7.
    (backup,) = tmp_path.glob("v7.db.v7-*.bak")
    assert sqlite3.connect(backup).execute("PRAGMA user_version").fetchone()[0] == 7
    with Store(path, clock=lambda: NOW) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # The rewritten triggers carry on from what the upgrade kept.
        assert store.channel_stats(1) == {"chat": (1, 1), "phone": (0, 1)}
        store.log_interaction(1, "phone", "resolved")
        assert store.channel_stats(1) == {"chat": (1, 1), "phone": (1, 2)}
    Store(tmp_path / "new.db", clock=lambda: NOW).close()
    assert shape(path) == shape(tmp_path / "new.db")


@pytest.mark.parametrize("version", range(1, 7))
def test_older_fixtures_reach_the_same_shape(tmp_path, version):
    Store(tmp_path / "new.db", clock=lambda: NOW).close()
    assert shape(upgraded(tmp_path, version)) == shape(tmp_path / "new.db")


# -- a bad channel on every write path ---------------------------------------------------------
UNKNOWN = "channel: unknown value 'fax'; use one of: phone, chat,"


def test_a_bad_channel_is_refused_by_the_store(store):
    case = store.create_case("Shop", "Lamp")
    contact = store.log_interaction(case.id, "chat", "info")
    for write in (lambda: store.log_interaction(case.id, "fax", "info"),
                  lambda: store.start_contact(case.id, "fax"),
                  lambda: store.edit_interaction(contact.id, channel="fax")):
        with pytest.raises(ValidationError, match=re.escape(UNKNOWN)):
            write()
    assert store.get_interaction(contact.id).channel == "chat"
    assert store.conn.execute("SELECT count(*) FROM interactions").fetchone()[0] == 1


def bad_document(store) -> dict:
    import io
    case = store.create_case("Shop", "Lamp")
    store.log_interaction(case.id, "chat", "info")
    buf = io.StringIO()
    store.export_json(buf)
    doc = json.loads(buf.getvalue())
    doc["cases"][0]["interactions"][0]["channel"] = "fax"
    doc["cases"][0]["interactions"][0]["uid"] = "another-contact"
    return doc


def test_a_bad_channel_is_refused_by_an_import(store):
    doc = bad_document(store)
    with pytest.raises(ValidationError, match="channel") as err:
        store.import_records(doc)
    assert "fax" in str(err.value) and "\n" not in str(err.value)
    assert store.conn.execute("SELECT channel FROM interactions").fetchall() == [("chat",)]


def test_a_bad_channel_is_refused_by_the_command_line(run, db_path, tmp_path):
    with Store(db_path, clock=lambda: NOW) as store:
        doc = bad_document(store)
    result = run("log", "1", "--channel", "fax", "--outcome", "info")
    assert result.exit_code == 2 and "'fax' is not one of" in result.output
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    result = run("import", str(src))
    assert result.exit_code != 0
    message = result.output.strip().splitlines()
    assert len(message) == 1 and "fax" in message[0] and "Traceback" not in result.output
    with Store(db_path, clock=lambda: NOW) as store:
        assert store.conn.execute("SELECT DISTINCT channel FROM interactions").fetchall() == [
            ("chat",)]


def test_a_strangers_insert_of_a_new_word_is_kept_and_read(store, db_path):
    """No SQL check: another tool's row with a word this version does not know lands, and
    the notebook still reads it (a later version may know the word)."""
    case = store.create_case("Shop", "Lamp")
    store.close()
    db = sqlite_utils.Database(db_path)
    db["interactions"].insert({"uid": "x1", "case_id": case.id, "channel": "fax",
                               "outcome": "info", "started_at": "2026-11-01T10:00:00Z",
                               "created_at": "2026-11-01T10:00:00Z",
                               "updated_at": "2026-11-01T10:00:00Z"})
    db.close()
    with Store(db_path, clock=lambda: NOW) as again:
        detail = again.get_detail(case.id)
        assert [(i.channel, i.progress) for i in detail.interactions] == [("fax", True)]
        assert again.channel_stats(1) == {"fax": (1, 1)}
