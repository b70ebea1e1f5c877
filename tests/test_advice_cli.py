"""`supportlog advice` and `supportlog snooze` through the real click CLI."""

from __future__ import annotations

import json

import pytest

from advice_helpers import ago, contact, contacts, new_case


@pytest.fixture
def cases(store):
    """A stalled case (dead ends), a broken promise, a quiet-but-fine one and a resolved one."""
    dead = new_case(store, "Acme", "Router keeps dropping", opened=ago(days=4))
    contacts(store, dead.id, ["transferred", "disconnected"], start_days_ago=2)
    promise = new_case(store, "Globex", "Refund [b]not[/b] paid", opened=ago(days=20))
    contact(store, promise.id, "promised", ago(days=15), agent="Sam", reference="P-1",
            promise="refund", promise_due=ago(days=10))
    fine = new_case(store, "Initech", "Fine so far", opened=ago(days=2))
    done = new_case(store, "Acme", "Done", opened=ago(days=30))
    contact(store, done.id, "resolved", ago(days=29))
    store.close()     # the CLI opens the notebook itself
    return {"dead": dead, "promise": promise, "fine": fine, "done": done}


def test_json_lists_every_open_case_most_urgent_first(run, cases):
    out = run.ok("advice", "--json")
    data = json.loads(out)
    # written a case at a time, laid out exactly as one json.dumps of the whole list
    assert out == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert run.ok("advice", str(cases["done"].id), "--json") != "[]\n"
    assert [d["case_id"] for d in data] == [cases["promise"].id, cases["dead"].id,
                                            cases["fine"].id]
    top = data[0]
    assert set(top) == {"case_id", "case_uid", "title", "company", "status", "stalled",
                        "score", "snoozed_until", "findings"}
    assert top["case_uid"] == cases["promise"].uid and top["title"] == "Refund [b]not[/b] paid"
    assert top["company"] == "Globex" and top["status"] == "waiting" and top["stalled"]
    assert [f["rule"] for f in top["findings"]] == ["broken_promise", "gone_quiet"]
    finding = top["findings"][0]
    assert {"rule", "score", "evidence", "advice"} <= set(finding)
    assert finding["evidence"][0].startswith("Sam (phone")
    assert "P-1" in finding["advice"]
    assert top["score"] == sum(f["score"] for f in top["findings"])
    assert sum(t["value"] for t in finding["terms"]) == pytest.approx(finding["score"])
    assert data[-1]["findings"] == [] and not data[-1]["stalled"] and data[-1]["score"] == 0


def test_one_case_by_id_or_uid_even_when_resolved(run, cases):
    by_id = json.loads(run.ok("advice", str(cases["dead"].id), "--json"))
    by_uid = json.loads(run.ok("advice", cases["dead"].uid, "--json"))
    assert by_id == by_uid and len(by_id) == 1
    assert [f["rule"] for f in by_id[0]["findings"]] == ["dead_ends"]
    done = json.loads(run.ok("advice", str(cases["done"].id), "--json"))
    assert done[0]["status"] == "resolved" and done[0]["findings"] == []
    assert "nothing to report (resolved)" in run.ok("advice", str(cases["done"].id))


def test_fail_on_stall_exit_codes(run, cases):
    assert run("advice", "--fail-on-stall").exit_code == 1
    assert run("advice", "--json", "--fail-on-stall").exit_code == 1
    assert run("advice", str(cases["fine"].id), "--fail-on-stall").exit_code == 0
    assert run("advice", str(cases["done"].id), "--fail-on-stall").exit_code == 0
    # the clock decides: two days earlier the promise was not yet due and nothing had stalled
    earlier = run("advice", str(cases["promise"].id), "--fail-on-stall",
                  now=ago(days=12))
    assert earlier.exit_code == 0, earlier.output


def test_human_output(run, cases):
    out = run.ok("advice")
    lines = out.splitlines()
    assert lines[0].endswith(f"#{cases['promise'].id}  Globex  Refund [b]not[/b] paid")
    assert "  broken_promise: 1 promise past its due date" in lines
    assert any(line.startswith("      Sam (phone") for line in lines)
    assert any(line.startswith("    Advice: Follow up now") for line in lines)
    assert any(line.startswith("    score 6 (broken_promise)") for line in lines)
    assert "  dead_ends: 2 dead-end contacts in a row  [press restart]" in lines
    assert lines[-1] == "Nothing to report on 1 other open or waiting case."


def test_snooze_and_wake(run, cases):
    case = str(cases["dead"].id)
    assert "snoozed until 2026-11-30 23:59" in run.ok("snooze", case, "2026-11-30")
    data = json.loads(run.ok("advice", case, "--json"))[0]
    assert data["snoozed_until"] == "2026-11-30T23:59:59Z" and not data["stalled"]
    assert data["score"] == 0 and data["findings"]
    assert "(1 of them snoozed)" in run.ok("advice")
    assert "awake" in run.ok("snooze", case, "off")
    assert json.loads(run.ok("advice", case, "--json"))[0]["stalled"]


@pytest.mark.parametrize("args", [["advice", "999"], ["advice", "no-such-uid"],
                                  ["snooze", "999", "2026-12-01"]])
def test_unknown_case_is_a_one_line_input_error(run, cases, args):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no case" in result.stderr


def test_bad_snooze_date(run, cases):
    result = run("snooze", str(cases["dead"].id), "next week")
    assert result.exit_code == 2 and "not a date" in result.stderr


def test_bad_config_is_one_line_with_the_path_and_exit_2(run, cases, tmp_path):
    config = tmp_path / "xdg-config" / "supportlog" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[thresholds]\nquiet_days = \"a week\"\n", encoding="utf-8")
    result = run("advice")
    assert result.exit_code == 2
    assert result.stderr.startswith("supportlog: config file ") and str(config) in result.stderr
    assert "quiet_days" in result.stderr and result.stderr.count("\n") == 1
    config.write_text("[thresholds]\nquiet_days = 1\n", encoding="utf-8")
    fine = json.loads(run.ok("advice", str(cases["fine"].id), "--json"))[0]
    assert [f["rule"] for f in fine["findings"]] == ["gone_quiet"]


def test_advice_never_creates_a_notebook(run, db_path):
    result = run("advice")
    assert result.exit_code == 3 and not db_path.exists()
