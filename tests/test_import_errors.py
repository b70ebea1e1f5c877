"""Import errors name the file, the record and the field, and write nothing (issue 10, D11).

Every case runs the real CLI on a notebook with a case in it and checks the exit code, the
one-line message and that every row of every table is byte for byte what it was."""

from __future__ import annotations

import json
import sqlite3

import pytest


def document() -> dict:
    """A valid supportlog/1 document with one of everything, each record with a uid."""
    return {"format": "supportlog/1",
            "companies": [{"uid": "co1", "name": "Acme", "phone": "555"}],
            "cases": [{
                "uid": "c1", "company": "Acme", "title": "Lost parcel",
                "opened_at": "2026-11-01T10:00:00Z", "amount": "12.50", "currency": "EUR",
                "refs": [{"kind": "order", "value": "1"}],
                "interactions": [{"uid": "i1", "channel": "phone",
                                  "started_at": "2026-11-02T10:00:00Z",
                                  "ended_at": "2026-11-02T10:30:00Z", "hold_seconds": 300,
                                  "outcome": "promised", "agent": "Priya"}],
                "promises": [{"uid": "p1", "interaction_uid": "i1", "text": "refund",
                              "due_at": "2026-12-01T00:00:00Z"}]}]}


def rows(db_path) -> dict:
    """Every row of every table (the search index's too), as bytes."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: repr(sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"')))).encode()
                for t in tables}
    finally:
        conn.close()


@pytest.fixture
def notebook(run, db_path):
    """A notebook holding company A with a case and a contact; returns its rows."""
    run.ok("new", "--company", "A", "--title", "first case", "--ref", "order:9")
    run.ok("log", "1", "--channel", "chat", "--outcome", "info", "--note", "hello")
    return rows(db_path)


def refused(run, db_path, before, path, expected: str) -> str:
    """Import `path`, expect exit 2 with `expected` in a one-line message; nothing written."""
    result = run("import", str(path))
    assert result.exit_code == 2, (result.stdout, result.stderr)
    message = result.stderr
    assert message.count("\n") == 1 and message.startswith(f"supportlog: {path}"), message
    assert expected in message, message
    assert "internal error" not in message and "Traceback" not in message
    assert rows(db_path) == before
    return message


def write(tmp_path, doc: dict, name: str = "in.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# -- deep nesting ----------------------------------------------------------------------------

def test_deep_nesting_names_the_file_and_the_place(run, db_path, notebook, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    refused(run, db_path, notebook, path, f"{path} is not a supportlog/1 document: nested too "
                                          "deeply at line 1, column 101")


def test_a_deeply_nested_case_field_is_located(run, db_path, notebook, tmp_path):
    path = tmp_path / "case.json"
    path.write_text('{"format": "supportlog/1",\n "cases": [{"company": "A",\n  "title": '
                    + "[" * 5000 + "]" * 5000 + "}]}")
    # The document, its case list and the case are three levels, so the title's 98th bracket
    # (after the 11 characters of `  "title": `) is the 101st.
    refused(run, db_path, notebook, path, "nested too deeply at line 3, column 109")


def test_a_nested_list_json_can_read_is_refused_as_not_text(run, db_path, notebook, tmp_path):
    doc = document()
    doc["cases"][0]["title"] = json.loads("[" * 90 + "]" * 90)
    refused(run, db_path, notebook, write(tmp_path, doc),
            "cases[0] (uid c1).title: expected text, got a list")


# -- wrong types -----------------------------------------------------------------------------

def _set(path: tuple, value):
    def mutate(doc):
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return mutate


@pytest.mark.parametrize("path, value, expected", [
    # link ids: these reached SQLite and blamed the notebook, or were stored as "['A']"
    (("cases", 0, "promises", 0, "interaction_uid"), ["i1"],
     "cases[0] (uid c1).promises[0] (uid p1).interaction_uid: expected a uid (short text), "
     "got a list"),
    (("cases", 0, "company"), ["Acme"], "cases[0] (uid c1).company: expected text, got a list"),
    (("cases", 0, "company"), {"name": "Acme"},
     "cases[0] (uid c1).company: expected text, got an object"),
    (("cases", 0, "uid"), 7, "cases[0].uid: expected a uid (short text), got a number (7)"),
    (("cases", 0, "interactions", 0, "uid"), "\ud800",
     "cases[0] (uid c1).interactions[0].uid: contains control or invisible characters"),
    # text fields: these were stored as "42", "True", "[1, 2]"
    (("cases", 0, "title"), 42, "cases[0] (uid c1).title: expected text, got a number (42)"),
    (("cases", 0, "notes"), True, "cases[0] (uid c1).notes: expected text, got true or false"),
    (("cases", 0, "status"), 1, "cases[0] (uid c1).status: expected text, got a number (1)"),
    (("cases", 0, "opened_at"), 20261101,
     "cases[0] (uid c1).opened_at: expected text, got a number (20261101)"),
    (("cases", 0, "interactions", 0, "agent"), [1, 2],
     "cases[0] (uid c1).interactions[0] (uid i1).agent: expected text, got a list"),
    (("cases", 0, "interactions", 0, "transcript_text"), {"a": 1},
     "cases[0] (uid c1).interactions[0] (uid i1).transcript_text: expected text, got an object"),
    (("cases", 0, "promises", 0, "text"), 3.5,
     "cases[0] (uid c1).promises[0] (uid p1).text: expected text, got a number (3.5)"),
    (("cases", 0, "refs", 0, "value"), 123456,
     "cases[0] (uid c1).refs[0].value: expected text, got a number (123456)"),
    (("companies", 0, "phone"), 5551234,
     "companies[0] (uid co1).phone: expected text, got a number (5551234)"),
    (("companies", 0, "name"), None, "companies[0] (uid co1).name: must not be empty"),
    (("cases", 0, "amount"), True,
     "cases[0] (uid c1).amount: expected an amount (a number or text like 129.99), got true"),
    (("cases", 0, "interactions", 0, "hold_seconds"), 3.5,
     "cases[0] (uid c1).interactions[0] (uid i1).hold_seconds: expected a whole number of "
     "seconds, got a number (3.5)"),
    (("cases", 0, "interactions", 0, "hold_seconds"), "5m",
     "cases[0] (uid c1).interactions[0] (uid i1).hold_seconds: expected a whole number of "
     "seconds, got text"),
    (("cases", 0, "interactions"), {"uid": "i1"},
     "cases[0] (uid c1).interactions: expected a list, got an object"),
    (("cases", 0, "promises"), ["refund"],
     "cases[0] (uid c1).promises[0]: expected an object, got text"),
    (("format",), ["supportlog/1"], "format: is a list; this supportlog reads 'supportlog/1'"),
])
def test_wrong_types_name_the_record_and_the_field(run, db_path, notebook, tmp_path, path,
                                                   value, expected):
    doc = document()
    _set(path, value)(doc)
    refused(run, db_path, notebook, write(tmp_path, doc), expected)


def test_numbers_are_kept_where_a_number_is_legitimate(run, db_path, notebook, tmp_path):
    path = tmp_path / "numbers.json"
    text = json.dumps(document()).replace('"amount": "12.50"', '"amount": 12.50')
    path.write_text(text)
    assert run.ok("import", str(path)).startswith("imported: 1 company added, 1 case added")
    case = json.loads(run.ok("export", "c1"))["cases"][0]
    assert case["amount"] == "12.50"  # its decimal text exactly, not the float 12.5
    assert case["interactions"][0]["hold_seconds"] == 300
    # A later edit of the case (a file without updated_at only fills what is missing).
    path.write_text(text.replace('"amount": 12.50', '"amount": 1e2, '
                                                    '"updated_at": "2026-11-25T13:00:00Z"'))
    assert "1 case updated" in run.ok("import", str(path))
    assert json.loads(run.ok("export", "c1"))["cases"][0]["amount"] == "100"


def test_a_number_too_long_for_python_is_refused_as_an_amount(run, db_path, notebook,
                                                             tmp_path):
    path = tmp_path / "long.json"
    path.write_text(json.dumps(document()).replace('"12.50"', "9" * 5000))
    refused(run, db_path, notebook, path, "cases[0] (uid c1).amount: is too large")


# -- duplicates inside one file --------------------------------------------------------------

def _second_case(doc):
    case = json.loads(json.dumps(doc["cases"][0]))
    case.update(uid="c2", interactions=[{**case["interactions"][0], "uid": "i2"}],
                promises=[{**case["promises"][0], "uid": "p2"}])
    doc["cases"].append(case)
    return case


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: _second_case(d)["interactions"][0].update(uid="i1"),
     "cases[1] (uid c2).interactions[0] (uid i1).uid: repeats the uid of cases[0] (uid c1)."
     "interactions[0] (uid i1); each record in a file needs its own uid"),
    (lambda d: d["cases"][0]["interactions"].append({**d["cases"][0]["interactions"][0],
                                                     "notes": "second"}),
     "cases[0] (uid c1).interactions[1] (uid i1).uid: repeats the uid of cases[0] (uid c1)."
     "interactions[0] (uid i1)"),
    (lambda d: _second_case(d).update(uid="c1"),
     "cases[1] (uid c1).uid: repeats the uid of cases[0] (uid c1)"),
    (lambda d: _second_case(d)["promises"][0].update(uid="p1"),
     "cases[1] (uid c2).promises[0] (uid p1).uid: repeats the uid of cases[0] (uid c1)."
     "promises[0] (uid p1)"),
    (lambda d: d["companies"].append({"uid": "co1", "name": "Other"}),
     "companies[1] (uid co1).uid: repeats the uid of companies[0] (uid co1)"),
    (lambda d: d["companies"].append({"uid": "co2", "name": "ACME"}),
     "companies[1] (uid co2).name: repeats the name of companies[0] (uid co1); names match "
     "ignoring case"),
])
def test_a_repeated_uid_is_refused_naming_both_places(run, db_path, notebook, tmp_path, mutate,
                                                     expected):
    doc = document()
    mutate(doc)
    refused(run, db_path, notebook, write(tmp_path, doc), expected)


# -- companies: renames and changed fields are reported ---------------------------------------

def _export(run, tmp_path):
    run.ok("export", "-o", str(tmp_path / "out.json"))
    return json.loads((tmp_path / "out.json").read_text())


def test_a_rename_by_uid_is_reported(run, db_path, notebook, tmp_path):
    doc = _export(run, tmp_path)
    doc["companies"][0]["name"] = "a"
    path = write(tmp_path, doc)
    assert run.ok("import", str(path)) == ("imported: 1 company updated, 1 case unchanged, "
                                           "renamed company “A” to “a”\n")
    assert json.loads(run.ok("list", "--json"))["cases"][0]["company"] == "a"
    assert run.ok("import", str(path)) == "imported: 1 case unchanged\n"
    # Renamed back elsewhere, later (at the same second the values' order decides).
    doc["companies"][0].update(name="A", updated_at="2026-11-25T13:00:00Z")
    counts = json.loads(run.ok("import", str(write(tmp_path, doc)), "--json"))
    assert counts["companies_updated"] == 1
    assert counts["renamed"] == [{"uid": doc["companies"][0]["uid"], "from": "a", "to": "A"}]


def test_a_name_match_keeps_the_notebooks_spelling(run, db_path, notebook, tmp_path):
    """Names match as the notebook's lookup does (A-Z ignoring case): a company of another
    notebook called "a" is this notebook's "A", and its spelling here stays."""
    path = write(tmp_path, {"format": "supportlog/1", "companies": [{"uid": "zz", "name": "a"}]})
    assert run.ok("import", str(path)) == "imported: nothing new\n"
    assert rows(db_path) == notebook
    path = write(tmp_path, {"format": "supportlog/1",
                            "companies": [{"uid": "zz", "name": "a", "phone": "555"}]})
    assert run.ok("import", str(path)) == "imported: 1 company updated\n"
    company = _export(run, tmp_path)["companies"][0]
    assert (company["name"], company["routes"][0]["value"]) == ("A", "555")


def test_a_changed_company_field_is_counted(run, db_path, notebook, tmp_path):
    doc = _export(run, tmp_path)
    doc["companies"][0]["hours"] = "9-5"
    assert run.ok("import", str(write(tmp_path, doc))) == ("imported: 1 company updated, "
                                                           "1 case unchanged\n")


def test_a_rename_onto_another_companys_name_is_refused(run, db_path, tmp_path):
    run.ok("new", "--company", "A", "--title", "one")
    run.ok("new", "--company", "B", "--title", "two")
    before = rows(db_path)
    doc = _export(run, tmp_path)
    a, b = doc["companies"]
    doc["companies"] = [{**a, "name": "b"}]
    message = refused(run, db_path, before, write(tmp_path, doc),
                      f"companies[0] (uid {a['uid']}).name: 'b' is the name of another "
                      f"company in the notebook (uid {b['uid']})")
    assert "rename one of them" in message


def test_a_case_moved_to_another_company_is_counted(run, db_path, notebook, tmp_path):
    doc = _export(run, tmp_path)
    doc["cases"][0]["company"] = "New Co"
    assert run.ok("import", str(write(tmp_path, doc))) == ("imported: 1 company added, "
                                                           "1 case updated\n")
    assert json.loads(run.ok("list", "--json"))["cases"][0]["company"] == "New Co"


def test_a_new_reference_is_not_reported_as_unchanged(run, db_path, notebook, tmp_path):
    doc = _export(run, tmp_path)
    doc["cases"][0]["refs"].append({"kind": "ticket", "value": "T-1"})
    assert run.ok("import", str(write(tmp_path, doc))) == "imported: 1 reference added\n"


# -- byte order mark -------------------------------------------------------------------------

def test_a_byte_order_mark_is_accepted_from_a_file_and_stdin(run, db_path, tmp_path):
    text = json.dumps(document())
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert run.ok("import", str(path)).startswith("imported: 1 company added, 1 case added")
    doc = document()
    doc["cases"][0]["uid"] = "c9"
    for inter in doc["cases"][0]["interactions"]:
        inter["uid"] = "i9"
    doc["cases"][0]["promises"][0].update(uid="p9", interaction_uid="i9")
    out = run.ok("import", "-", input="\ufeff" + json.dumps(doc))
    assert out.startswith("imported: 1 case added")
    assert json.loads(run.ok("export", "c9"))["cases"][0]["amount"] == "12.50"


def test_text_that_is_not_utf8_names_the_file(run, db_path, notebook, tmp_path):
    path = tmp_path / "latin1.json"
    raw = json.dumps(document()).replace("Lost", "L\u00f6st").encode("latin-1")
    path.write_bytes(raw)
    byte = raw.index(b"\xf6") + 1
    refused(run, db_path, notebook, path, f"{path}: is not UTF-8 text (byte {byte})")
