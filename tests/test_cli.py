"""The real click CLI against real notebooks: every command and its error paths."""

from __future__ import annotations

import json
import stat

import pytest

from tui.cli import cli
from tui.store.schema import schema_version
from tui.store import Store


def new_case(run, *extra) -> str:
    return run.ok("new", "--company", "Amazon", "--title", "Lost [/] parcel", "--ref",
                  "order:112-1", "--want", "refund", "--amount", "49.90", *extra).strip()


def test_new_prints_the_id_and_json(run):
    assert new_case(run) == "1"
    data = json.loads(run.ok("new", "--company", "ISP", "--title", "slow", "--json"))
    assert data["id"] == 2 and data["company"] == "ISP" and data["status"] == "open"
    assert data["opened_at"] == "2026-11-25T12:00:00Z"


def test_log_and_show(run):
    case = new_case(run)
    assert run.ok("log", case, "--channel", "phone", "--outcome", "transferred", "--agent",
                  "Priya [b]", "--agent-id", "77", "--duration", "25m", "--hold", "12m",
                  "--reference", "R-9", "--transcript", "~/x.txt",
                  "--note", "[link=x]hi").strip() == "1"
    out = json.loads(run.ok("log", case, "--channel", "chat", "--outcome", "promised",
                            "--promise", "refund", "--due", "2026-11-28", "--at",
                            "2026-11-25T11:50", "--direction", "in", "--json"))
    assert out["direction"] == "in" and out["outcome"] == "promised"
    shown = run.ok("show", case)
    for text in ("Lost [/] parcel", "Priya [b] (77)", "hold 12m", "ref: R-9", "[link=x]hi",
                 "[p1] pending  due 2026-11-28 23:59  refund", "[waiting]"):
        assert text in shown
    data = json.loads(run.ok("show", case, "--json"))
    assert [i["outcome"] for i in data["interactions"]] == ["transferred", "promised"]
    assert data["interactions"][0]["hold_seconds"] == 720


def test_log_reads_a_transcript_file(run, tmp_path):
    case = new_case(run)
    f = tmp_path / "chat.txt"
    f.write_text("Agent: the refund is on its way\n", encoding="utf-8")
    run.ok("log", case, "--channel", "chat", "--outcome", "info", "--transcript-file", str(f))
    assert "way" in run.ok("search", "way")


@pytest.mark.parametrize("args, code, message", [
    (["log", "1", "--channel", "fax", "--outcome", "info"], 2, "Invalid value for '--channel'"),
    (["log", "1", "--channel", "chat", "--outcome", "info", "--duration", "5x"], 2, "duration"),
    (["log", "1", "--channel", "chat", "--outcome", "info", "--due", "2026-12-01"], 2, "--promise"),
    (["log", "1", "--channel", "chat", "--outcome", "info", "--at", "noon"], 2, "at:"),
    (["log", "1", "--channel", "chat", "--outcome", "info", "--at", "2026-11-25T10:00",
      "--duration", "10m", "--hold", "30m"], 2, "hold"),
    (["log", "42", "--channel", "chat", "--outcome", "info"], 2, "no case '42'"),
    (["show", "nope"], 2, "no case 'nope'"),
    (["new", "--company", "A", "--title", " "], 2, "title: must not be empty"),
    (["new", "--company", "A", "--title", "t", "--amount", "lots"], 2, "amount"),
    (["new", "--company", "A", "--title", "t", "--ref", "order:"], 2, "ref"),
    (["status", "1", "sleeping"], 2, "Invalid value"),
    (["list", "--status", "sleeping"], 2, "Invalid value"),
    (["promise", "1", "kept"], 2, "0 pending promises"),
    (["promise", "1"], 2, "kept or broken"),
    (["promise", "p99", "kept"], 2, "no promise"),
    (["edit", "1", "--remove-ref", "order:zzz"], 2, "no reference"),
    (["import", "/nonexistent.json"], 2, "cannot read"),
])
def test_errors_are_one_line_with_an_exit_code(run, args, code, message):
    new_case(run)
    result = run(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_read_only_commands_never_create_a_notebook(run, db_path):
    for args in (["list"], ["show", "1"], ["search", "x"], ["export"], ["doctor"], ["backup"]):
        result = run(*args)
        assert result.exit_code == 3, (args, result.output)
        assert "no notebook at" in result.output
    assert not db_path.exists()
    assert run("where").exit_code == 0 and not db_path.exists()


def test_status_and_promise_flow(run):
    case = new_case(run)
    assert run.ok("promise", case, "--add", "call back", "--due", "2026-11-26").strip() == "p1"
    assert "waiting" in run.ok("list", "--status", "waiting")
    assert run.ok("promise", case, "broken") == "promise 1 is broken\n"
    assert run.ok("promise", "p1", "kept") == "promise 1 is kept\n"
    assert run.ok("status", case, "resolved", "--note", "done [/]") == "case 1 is resolved\n"
    data = json.loads(run.ok("show", case, "--json"))
    assert data["status"] == "resolved" and data["notes"].endswith("resolved: done [/]")


def test_edit(run):
    case = new_case(run)
    run.ok("edit", case, "--title", "New title", "--add-ref", "ticket:T-1", "--remove-ref",
           "order:112-1", "--want", "replacement", "--company", "Amazon EU")
    data = json.loads(run.ok("show", case, "--json"))
    assert (data["title"], data["want"], data["company"]) == ("New title", "replacement",
                                                              "Amazon EU")
    assert data["refs"] == [{"kind": "ticket", "value": "T-1"}]


def test_list_filters_and_json(run):
    new_case(run)
    run.ok("new", "--company", "ISP", "--title", "slow line")
    run.ok("log", "2", "--channel", "phone", "--outcome", "no_progress")
    listed = lambda *args: json.loads(run.ok("list", *args, "--json"))
    assert listed() == {"cases": listed()["cases"], "truncated": False, "limit": 50}
    assert [r["id"] for r in listed()["cases"]] == [2, 1]
    assert [r["id"] for r in listed("--company", "isp")["cases"]] == [2]
    assert [r["id"] for r in listed("--channel", "phone")["cases"]] == [2]
    assert [r["id"] for r in listed("--limit", "1")["cases"]] == [2]
    assert listed("--limit", "1")["truncated"] is True
    assert listed("--status", "resolved") == {"cases": [], "truncated": False, "limit": 50}
    text = run.ok("list")
    assert text.splitlines()[0].split() == ["ID", "STATUS", "COMPANY", "CONTACTS", "LAST",
                                            "ACTIVITY", "TITLE"]
    assert "Lost [/] parcel" in text
    assert run.ok("list", "--status", "resolved") == "no cases (resolved)\n"


@pytest.mark.parametrize("query", ["", '"', "AND", "order-123", "cat's", "refund*", "[bold]"])
def test_search_never_fails(run, query):
    new_case(run)
    result = run("search", query, "--json")
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.stdout)["hits"], list)


def test_search_output(run):
    new_case(run)
    run.ok("log", "1", "--channel", "chat", "--outcome", "info", "--note", "the refund is late")
    hits = json.loads(run.ok("search", "refund", "--json"))["hits"]
    assert hits[0]["interaction_id"] == 1 and "refund" in hits[0]["snippet"]
    assert "«refund»" in run.ok("search", "refund")
    assert run.ok("search", "zebra") == "nothing found for 'zebra'\n"


def test_export_import_round_trip(run, tmp_path):
    new_case(run)
    run.ok("log", "1", "--channel", "chat", "--outcome", "promised", "--promise", "refund")
    out = tmp_path / "out.json"
    run.ok("export", "--format", "json", "-o", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    doc = json.loads(out.read_text())
    assert doc["format"] == "supportlog/1" and len(doc["cases"]) == 1
    assert json.loads(run.ok("export", "1")) == doc
    assert run.ok("import", str(out)) == "imported: 1 case unchanged\n"
    other = tmp_path / "other.db"
    result = run.runner.invoke(cli, ["--db", str(other), "--now", "2026-11-25T12:00:00Z",
                                     "import", str(out), "--json"])
    assert json.loads(result.stdout)["cases_added"] == 1
    result = run.runner.invoke(cli, ["--db", str(other), "--now", "2026-11-25T12:00:00Z",
                                     "export"])
    assert json.loads(result.stdout) == doc


def test_import_rejects_bad_files_cleanly(run, tmp_path):
    new_case(run)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = run("import", str(bad))
    assert result.exit_code == 2 and "is not valid JSON (line 1" in result.stderr
    bad.write_text(json.dumps({"format": "supportlog/1", "cases": [{"company": "A"}]}))
    result = run("import", str(bad))
    assert result.exit_code == 2 and "cases[0].title: must not be empty" in result.stderr
    result = run("import", "-", input='{"format": "supportlog/1", "cases": []}')
    assert result.exit_code == 0 and "nothing new" in result.stdout


def test_backup_doctor_where(run, db_path, tmp_path):
    new_case(run)
    dest = run.ok("backup").strip()
    assert dest.endswith("notebook-20261125-120000.db")
    assert stat.S_IMODE((db_path.parent / "backups").stat().st_mode) == 0o700
    custom = tmp_path / "b.db"
    assert run.ok("backup", "-o", str(custom)).strip() == str(custom)
    assert run("backup", "-o", str(custom)).exit_code == 3  # never overwrites
    report = json.loads(run.ok("doctor", "--json"))
    assert report["ok"] and report["integrity"] == "ok" and report["counts"]["cases"] == 1
    assert report["schema_version"] == schema_version()
    db_path.chmod(0o644)
    report = json.loads(run.ok("doctor", "--json"))
    assert report["repaired"] == [f"{db_path} was 0o644, now 0o600"] and report["ok"]
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    info = json.loads(run.ok("where", "--json"))
    assert info["db"] == str(db_path) and info["db_source"] == "--db"
    assert info["config"].endswith("supportlog/config.toml")


def test_env_vars_choose_the_notebook_and_clock(tmp_path, monkeypatch):
    from click.testing import CliRunner
    path = tmp_path / "env.db"
    monkeypatch.setenv("SUPPORTLOG_DB", str(path))
    monkeypatch.setenv("SUPPORTLOG_NOW", "2026-01-02T03:04:05Z")
    runner = CliRunner()
    runner.invoke(cli, ["new", "--company", "A", "--title", "t"])
    data = json.loads(runner.invoke(cli, ["show", "1", "--json"]).stdout)
    assert data["opened_at"] == "2026-01-02T03:04:05Z"
    assert json.loads(runner.invoke(cli, ["where", "--json"]).stdout)["db_source"] == \
        "SUPPORTLOG_DB"


def test_bad_notebook_files_get_one_line(run, db_path, tmp_path):
    db_path.write_text("not a database")
    result = run("list")
    assert result.exit_code == 3
    assert result.stderr.strip() == (f"supportlog: {db_path} is not a supportlog notebook "
                                     "(not a SQLite database); pass --db with another path")
    assert run("--help").exit_code == 0


def test_bad_now(run):
    result = run("list", now="yesterday")
    assert result.exit_code == 2 and "--now" in result.stderr


def test_demo_builds_its_own_notebook(run, tmp_path):
    demo = tmp_path / "demo.db"
    result = run("demo", "--db", str(demo), "--no-ui")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(demo)
    assert not run.db_path.exists()  # never the user's notebook
    rows = run.runner.invoke(cli, ["--db", str(demo), "list", "--json", "--limit", "100"])
    assert len(json.loads(rows.stdout)["cases"]) >= 25


def test_a_reader_that_stops_early_is_no_error(db_path, tmp_path):
    """`supportlog list | head -1`: exit 0, nothing on stderr."""
    import subprocess
    import sys
    with Store(db_path) as s:
        s.import_records({"format": "supportlog/1", "companies": [], "cases": [
            {"uid": f"u{i}", "company": "Bulkco", "title": f"Case {i} " + "x" * 80,
             "opened_at": "2026-10-01T09:00:00Z"} for i in range(3000)]})
    proc = subprocess.Popen([sys.executable, "-m", "tui.cli", "--db", str(db_path), "list",
                             "--limit", "3000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().startswith(b"ID")
    proc.stdout.close()             # the reader goes away with most of the output unread
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""
