"""The notebook searched by the tools its users reach for: the real `sqlite-utils search` and
Datasette's `?_search=`, over cases_fts and interactions_fts (schema 9)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from datasette.cli import cli as datasette_cli
from sqlite_utils.cli import cli as sqlite_utils_cli

from tui.store import Store
from tui.store.schema import schema_version

from conftest import NOW

FIXTURES = Path(__file__).parent / "fixtures"


# The tools' own click commands, run in this process: the same code their installed
# scripts call, each opening the notebook on a fresh connection of its own.
def tool_stdout(command, *args: str) -> str:
    result = CliRunner().invoke(command, list(args), catch_exceptions=False)
    assert result.exit_code == 0, (args, result.exit_code, result.output)
    return result.stdout


def sqlite_utils_ids(db: Path, table: str, query: str, column: str = "id") -> list:
    """`sqlite-utils search` as a user runs it; its rows' ids (or another column), sorted."""
    out = tool_stdout(sqlite_utils_cli, "search", str(db), table, query, "-c", column)
    return sorted(row[column] for row in json.loads(out))


def datasette_ids(db: Path, table: str, query: str) -> list[int]:
    """Datasette's table page searched with ?_search=, as its search box does."""
    path = f"/{db.stem}/{table}.json?_search={quote(query)}&_shape=array&_col=id&_size=max"
    out = tool_stdout(datasette_cli, str(db), "--get", path)
    return sorted(row["id"] for row in json.loads(out))


def both(db: Path, table: str, query: str) -> list[int]:
    found = sqlite_utils_ids(db, table, query)
    assert datasette_ids(db, table, query) == found
    return found


@pytest.fixture
def notebook(db_path) -> dict[str, int]:
    """Cases and contacts, some naming a refund in each searched column, some not (and one
    company that has the word only in its name, which cases_fts does not hold)."""
    with Store(db_path, clock=lambda: NOW) as store:
        ids = {
            "title": store.create_case("Acme", "Refund for the broken kettle").id,
            "notes": store.create_case("Acme", "Kettle", notes="they refunded half").id,
            "seller": store.create_case("Shop", "Lamp", seller="Refunds R Us").id,
            "other": store.create_case("Refund Direct", "Late parcel", notes="no word").id,
        }
        other = ids["other"]
        ids["c_notes"] = store.log_interaction(other, "phone", "promised", promise="call",
                                               notes="asked for a refund").id
        ids["c_agent"] = store.log_interaction(other, "chat", "info", agent="Refund Desk").id
        ids["c_ref"] = store.log_interaction(ids["title"], "email", "info",
                                             reference="refund-7781").id
        ids["c_none"] = store.log_interaction(ids["title"], "phone", "no_progress",
                                              notes="hold music").id
    return ids


def test_sqlite_utils_and_datasette_find_the_tables(db_path, notebook):
    db = sqlite3.connect(db_path)
    import sqlite_utils
    from datasette.utils import detect_fts
    for table in ("cases", "interactions"):
        assert sqlite_utils.Database(db)[table].detect_fts() == f"{table}_fts"
        assert detect_fts(db, table) == f"{table}_fts"


def test_search_returns_exactly_the_rows_that_say_it(db_path, notebook):
    ids = notebook
    assert both(db_path, "cases", "refund") == sorted([ids["title"], ids["notes"], ids["seller"]])
    assert both(db_path, "interactions", "refund") == sorted(
        [ids["c_notes"], ids["c_agent"], ids["c_ref"]])
    assert both(db_path, "cases", "zanzibar") == []


def test_results_follow_an_edit_a_delete_and_a_company_rename(db_path, notebook):
    ids = notebook
    with Store(db_path, clock=lambda: NOW) as store:
        store.update_case(ids["other"], notes="now a refund too")
        store.update_case(ids["notes"], notes="nothing to see")
        store.delete_case(ids["seller"])
        store.update_company("Acme", name="Refundable Acme")
        store.edit_interaction(ids["c_agent"], agent="Priya")
        store.edit_interaction(ids["c_none"], notes="a refund at last")
        # Counters the triggers keep on cases change; the index must not.
        store.log_interaction(ids["title"], "phone", "info", notes="chasing")
        store.delete_interaction(ids["c_notes"])
    assert both(db_path, "cases", "refund") == sorted([ids["title"], ids["other"]])
    assert both(db_path, "interactions", "refund") == sorted([ids["c_ref"], ids["c_none"]])
    assert both(db_path, "cases", "nothing") == [ids["notes"]]
    db = sqlite3.connect(db_path)
    for table in ("cases_fts", "interactions_fts"):  # the index holds what the rows hold
        db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")


def test_a_v7_notebook_upgraded_is_searchable(tmp_path):
    db = tmp_path / "notebook.db"
    shutil.copy(FIXTURES / "notebook-v7.db", db)
    Store(db, clock=lambda: NOW).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    for table in ("cases_fts", "interactions_fts"):
        conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
    conn.close()
    # The fixture's rows (tests/fixtures/make_notebooks.py): a title, a seller, notes in
    # Devanagari; an agent, a reference, notes with a tab.
    assert both(db, "cases", "arrived") == [1]
    assert both(db, "cases", "gadgethub") == [1]
    assert both(db, "cases", "हिंदी") == [1]
    assert both(db, "cases", "charge") == [3]
    assert both(db, "interactions", "priya") == [1]
    assert both(db, "interactions", "tab") == [3]


def test_a_bulk_loaded_notebook_finds_what_a_row_by_row_one_does(tmp_path):
    from test_import_scale import generate
    bulk, rows = tmp_path / "bulk.db", tmp_path / "rows.db"
    with Store(bulk, clock=lambda: NOW) as store:
        generate(store, 60, 300, seed=4)
        out = tmp_path / "export.json"
        with open(out, "w", encoding="utf-8") as fh:
            store.export_json(fh)
    with Store(rows, clock=lambda: NOW) as store, open(out, "rb") as fh:
        store.import_file(fh, str(out), bulk=False, worker=False)
    for db in (bulk, rows):
        conn = sqlite3.connect(db)
        for table in ("cases_fts", "interactions_fts"):
            conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
        conn.close()
    for table, word in (("cases", "refund"), ("cases", "parcel"), ("interactions", "refund"),
                        ("interactions", "supervisor")):
        found = sqlite_utils_ids(bulk, table, word, "uid")  # the import gives new ids
        assert found and found == sqlite_utils_ids(rows, table, word, "uid")
