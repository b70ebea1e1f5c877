"""`supportlog advice`, `list --stalled`/`--sort attention` and `supportlog snooze` through
the real click CLI."""

from __future__ import annotations

import json
import os
import stat

import pytest

from advice_helpers import ago, contact, contacts, new_case
from tui.store import Store

from conftest import NOW

ENTRY_KEYS = {"case_id", "case_uid", "title", "company", "status", "stalled", "score",
              "snoozed_until", "turn", "rung", "next_move", "findings"}
MOVE_KEYS = {"text", "who", "channel", "due", "rung", "line"}


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


def _stalled_cases(store, n: int, company: str = "Acme") -> list[int]:
    """`n` cases stalled alike (two dead ends), the later ones a day quieter: most urgent
    is the case untouched the longest, so the order is the reverse of creation."""
    ids = []
    for k in range(n):
        case = new_case(store, company, f"Dead end {k}", opened=ago(days=40))
        contacts(store, case.id, ["transferred", "disconnected"], start_days_ago=2 + k / 24)
        ids.append(case.id)
    return ids


@pytest.fixture
def many(store):
    """21 stalled cases, one open case that is fine and one resolved."""
    ids = _stalled_cases(store, 21)
    fine = new_case(store, "Initech", "Fine so far", opened=ago(days=2)).id
    done = new_case(store, "Acme", "Done", opened=ago(days=30)).id
    contact(store, done, "resolved", ago(days=29))
    store.close()
    return {"stalled": ids, "fine": fine, "done": done}


def _blocks(out: str) -> list[list[str]]:
    """The case blocks of `advice`'s text (a blank line after each), and the tail."""
    return [b.splitlines() for b in out.strip("\n").split("\n\n")]


def _case_line_id(block: list[str]) -> int:
    return int(block[1].split()[0].lstrip("#"))


# -- the JSON --------------------------------------------------------------------------------
def test_json_lists_every_open_case_most_urgent_first(run, cases):
    out = run.ok("advice", "--json")
    data = json.loads(out)
    # one compact document: written a case at a time, exactly as one json.dumps of the list
    assert out == json.dumps(data, ensure_ascii=False) + "\n" and out.count("\n") == 1
    assert [d["case_id"] for d in data] == [cases["promise"].id, cases["dead"].id,
                                            cases["fine"].id]
    top = data[0]
    assert set(top) == ENTRY_KEYS and set(top["next_move"]) == MOVE_KEYS
    assert top["case_uid"] == cases["promise"].uid and top["title"] == "Refund [b]not[/b] paid"
    assert top["company"] == "Globex" and top["status"] == "waiting" and top["stalled"]
    assert (top["turn"], top["rung"]) == ("theirs", "first_contact")
    assert top["next_move"] == {
        "text": 'Follow up with Globex by phone: Sam promised on 2026-11-10 to "refund" by '
                '2026-11-15 (ref P-1); ask what happened and for a new, firm date.',
        "who": "you", "channel": "phone", "due": None, "rung": None,
        "line": 'Follow up with Globex by phone: "refund" due 2026-11-15, 10 days ago'}
    # a broken promise and the silence over the same days are one finding, not two
    assert [f["rule"] for f in top["findings"]] == ["broken_promise"]
    finding = top["findings"][0]
    assert {"rule", "score", "evidence", "advice", "headline", "terms"} <= set(finding)
    assert finding["evidence"][0].startswith("Sam promised on 2026-11-10")
    assert top["score"] == sum(f["score"] for f in top["findings"])
    assert sum(t["value"] for t in finding["terms"]) == pytest.approx(finding["score"])
    dead = data[1]
    assert (dead["rung"], dead["next_move"]["rung"], dead["next_move"]["channel"]) == (
        "another_agent", "another_channel", "chat")
    fine = data[-1]
    assert fine["findings"] == [] and not fine["stalled"] and fine["score"] == 0
    assert (fine["turn"], fine["next_move"]["who"]) == ("yours", "you")


def test_jsonl_is_the_same_entries_one_per_line(run, cases):
    whole = json.loads(run.ok("advice", "--json"))
    lines = run.ok("advice", "--jsonl").splitlines()
    assert len(lines) == len(whole) == 3
    assert [json.loads(line) for line in lines] == whole
    one = run.ok("advice", str(cases["dead"].id), "--jsonl").splitlines()
    assert len(one) == 1 and json.loads(one[0]) == whole[1]
    assert run("advice", "--json", "--jsonl").exit_code == 2


def test_json_limit_cuts_and_all_keeps_every_open_case(run, many):
    everything = json.loads(run.ok("advice", "--json"))
    assert len(everything) == 22          # the 21 stalled and the fine one; not the resolved
    assert [e["stalled"] for e in everything] == [True] * 21 + [False]
    assert json.loads(run.ok("advice", "--json", "--all")) == everything
    cut = json.loads(run.ok("advice", "--json", "--limit", "3"))
    assert cut == everything[:3]
    assert [json.loads(line) for line in
            run.ok("advice", "--jsonl", "--limit", "21").splitlines()] == everything[:21]
    stalled = run("advice", "--json", "--fail-on-stall", "--limit", "1")
    assert stalled.exit_code == 1 and json.loads(stalled.stdout) == everything[:1]


def test_json_keeps_the_entries_it_words_and_reads_them_back(run, many, db_path,
                                                             monkeypatch):
    """The first --json words every case, a page at a time while the ranking is read, and
    keeps the words; later ones read them (a planted entry shows), wording only what went."""
    monkeypatch.setattr("tui.commands.advice.PAGE", 4)    # pages of 4: 22 cases in 6
    first = run.ok("advice", "--jsonl").splitlines()
    ids = [json.loads(line)["case_id"] for line in first]
    assert len(ids) == 22

    def kept() -> dict[int, str]:
        with Store(db_path, clock=lambda: NOW) as s:
            return dict(s.conn.execute("SELECT case_id, worded FROM case_words"))

    assert kept() == dict(zip(ids, first))
    planted = json.dumps({"case_id": ids[5], "planted": True})
    with Store(db_path, clock=lambda: NOW) as s:
        s.conn.execute("UPDATE case_words SET worded = ? WHERE case_id = ?", (planted, ids[5]))
        s.conn.execute("DELETE FROM case_words WHERE case_id IN (?, ?)", (ids[0], ids[9]))
    again = run.ok("advice", "--jsonl").splitlines()
    assert again == first[:5] + [planted] + first[6:]
    assert kept() == dict(zip(ids, again))


def test_json_on_an_empty_notebook_is_an_empty_list(run, store):
    store.create_case("Acme", "Done", opened_at=ago(days=3))
    store.set_status(1, "resolved")
    store.close()
    assert run.ok("advice", "--json") == "[]\n" and run.ok("advice", "--jsonl") == ""
    assert run.ok("advice") == "No open or waiting cases.\n"


def test_one_case_by_id_or_uid_even_when_resolved(run, cases):
    by_id = json.loads(run.ok("advice", str(cases["dead"].id), "--json"))
    by_uid = json.loads(run.ok("advice", cases["dead"].uid, "--json"))
    assert by_id == by_uid and len(by_id) == 1
    assert [f["rule"] for f in by_id[0]["findings"]] == ["dead_ends"]
    done = json.loads(run.ok("advice", str(cases["done"].id), "--json"))
    assert done[0]["status"] == "resolved" and done[0]["findings"] == []
    assert (done[0]["turn"], done[0]["next_move"]["who"]) == ("nobody", "nobody")
    lines = run.ok("advice", str(cases["done"].id)).splitlines()
    assert lines == ["Nothing to do: the case is resolved.",
                     f"  #{cases['done'].id}  Acme  Done  (resolved; nobody's turn; "
                     "rung: first contact)", "  Nothing to report."]


# -- the text --------------------------------------------------------------------------------
def test_each_case_leads_with_its_next_move_then_the_reasons(run, cases):
    blocks = _blocks(run.ok("advice"))
    assert [_case_line_id(b) for b in blocks[:-1]] == [cases["promise"].id, cases["dead"].id]
    promise = blocks[0]
    assert promise[0] == ('Follow up with Globex by phone: Sam promised on 2026-11-10 to '
                          '"refund" by 2026-11-15 (ref P-1); ask what happened and for a new, '
                          'firm date.')
    assert promise[1:] == [
        f"  #{cases['promise'].id}  Globex  Refund [b]not[/b] paid  (waiting; their turn; "
        "rung: first contact; score 11)",
        "  Why:",
        "  - broken_promise: 1 promise past its due date",
        '      Sam promised on 2026-11-10 to "refund" (ref P-1): due 2026-11-15, 10 days late',
        "      score 6 (broken_promise) + 5 (10 days late x 0.5) = 11"]
    dead = blocks[1]
    assert dead[0].startswith("Press restart on another channel: 2 dead ends in a row by "
                              "phone; contact Acme by chat instead")
    assert "  - dead_ends: 2 dead-end contacts in a row  [press restart]" in dead
    # one next step per case: the findings' own advice paragraphs are not repeated as steps
    assert not any(line.lstrip().startswith("Advice:") for b in blocks for line in b)
    assert blocks[-1] == ["Nothing to report on 1 other open or waiting case."]


def test_the_20_most_urgent_and_how_many_were_left_out(run, many):
    out = run.ok("advice")
    blocks = _blocks(out)
    assert len(blocks) == 21 and blocks[-1] == ["1 more stalled case not shown: --all"]
    shown = [_case_line_id(b) for b in blocks[:-1]]
    assert shown == many["stalled"][::-1][:20]    # the longest untouched first
    assert all(b[0].startswith("Press restart") for b in blocks[:-1])
    everything = _blocks(run.ok("advice", "--all"))
    assert [_case_line_id(b) for b in everything[:-1]] == many["stalled"][::-1]
    assert everything[-1] == ["Nothing to report on 1 other open or waiting case."]
    five = _blocks(run.ok("advice", "--limit", "5"))
    assert len(five) == 6 and five[-1] == ["16 more stalled cases not shown: --all"]
    assert [_case_line_id(b) for b in five[:-1]] == shown[:5]
    assert run("advice", "--all", "--limit", "5").exit_code == 2


def test_nothing_stalled_says_so(run, store):
    new_case(store, "Initech", "Fine so far", opened=ago(days=2))
    store.close()
    assert run.ok("advice") == "Nothing to report on 1 open or waiting case.\n"
    result = run("advice", "--fail-on-stall")
    assert result.exit_code == 0 and result.stdout == ""


def test_a_read_only_notebook_is_advised_without_keeping_the_advice(run, many, db_path):
    """Nothing kept yet and nothing can be: the ranking is made in the command, same order."""
    expected = run.ok("advice")
    with Store(db_path, clock=lambda: NOW) as s:    # forget the kept rows
        s.conn.execute("DELETE FROM case_advice")
    os.chmod(db_path, stat.S_IRUSR)
    try:
        with Store(db_path, clock=lambda: NOW, create=False) as ro:
            assert ro.read_only
        assert run.ok("advice") == expected
        assert run("advice", "--fail-on-stall").exit_code == 1
        listed = json.loads(run.ok("list", "--stalled", "--all", "--json"))
        assert [c["id"] for c in listed["cases"]] == many["stalled"][::-1]
        with Store(db_path, clock=lambda: NOW, create=False) as ro:
            assert ro.count_advice() == 0      # nothing was kept: the merge path ran
    finally:
        os.chmod(db_path, stat.S_IRUSR | stat.S_IWUSR)


def test_fail_on_stall_exit_codes(run, cases):
    alone = run("advice", "--fail-on-stall")
    assert alone.exit_code == 1
    # alone it words nothing: one line, for cron to mail
    assert alone.stdout == "Some cases are stalled: `supportlog advice` shows the next moves.\n"
    assert run("advice", "--json", "--fail-on-stall").exit_code == 1
    assert run("advice", "--jsonl", "--fail-on-stall").exit_code == 1
    listed = run("advice", "--fail-on-stall", "--limit", "1")
    assert listed.exit_code == 1 and len(_blocks(listed.stdout)) == 2
    assert run("advice", str(cases["fine"].id), "--fail-on-stall").exit_code == 0
    assert run("advice", str(cases["done"].id), "--fail-on-stall").exit_code == 0
    assert run("advice", str(cases["dead"].id), "--fail-on-stall").exit_code == 1
    # the clock decides: two days earlier the promise was not yet due and nothing had stalled
    earlier = run("advice", str(cases["promise"].id), "--fail-on-stall", now=ago(days=12))
    assert earlier.exit_code == 0, earlier.output


def test_fail_on_stall_follows_a_write(run, cases):
    """The kept rows go with each change: resolving the stalled cases clears the exit code."""
    assert run("advice", "--fail-on-stall").exit_code == 1
    run.ok("status", str(cases["dead"].id), "resolved")
    run.ok("promise", "p1", "kept")
    run.ok("log", str(cases["promise"].id), "--channel", "email", "--outcome", "info")
    result = run("advice", "--fail-on-stall")
    assert result.exit_code == 0, result.output


# -- list by attention -----------------------------------------------------------------------
def _listed(run, *args: str) -> list[int]:
    return [c["id"] for c in json.loads(run.ok("list", *args, "--json"))["cases"]]


def test_list_stalled_and_attention_follow_the_ranking(run, many):
    ranked = [e["case_id"] for e in json.loads(run.ok("advice", "--json"))]
    assert _listed(run, "--sort", "attention", "--all") == ranked
    assert _listed(run, "--stalled", "--all") == many["stalled"][::-1] == ranked[:21]
    cut = json.loads(run.ok("list", "--stalled", "--limit", "20", "--json"))
    assert [c["id"] for c in cut["cases"]] == ranked[:20] and cut["truncated"] is True
    assert all(c["score"] == 4 for c in cut["cases"])
    exact = json.loads(run.ok("list", "--stalled", "--limit", "21", "--json"))
    assert len(exact["cases"]) == 21 and exact["truncated"] is False
    text = run("list", "--stalled", "--limit", "2")
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["SCORE", "ID", "STATUS", "COMPANY", "CONTACTS",
                                "LAST", "ACTIVITY", "TITLE"]
    assert [int(line.split()[1]) for line in lines[1:]] == ranked[:2]
    assert "the first 2 shown" in text.stderr


def test_list_by_attention_filters(run, store):
    acme = _stalled_cases(store, 2, "Acme")
    globex = _stalled_cases(store, 2, "Globex")
    contact(store, globex[0], "info", ago(days=1), channel="chat")     # no longer stalled
    store.snooze(acme[0], ago(days=-5))
    store.set_status(acme[1], "waiting")
    store.close()
    assert _listed(run, "--stalled", "--all") == [acme[1], globex[1]]
    assert _listed(run, "--stalled", "--company", " acme ") == [acme[1]]
    assert _listed(run, "--stalled", "--status", "open") == [globex[1]]
    assert _listed(run, "--stalled", "--status", "waiting") == [acme[1]]
    assert _listed(run, "--sort", "attention", "--channel", "chat") == [globex[0]]
    assert set(_listed(run, "--sort", "attention", "--company", "Acme")) == set(acme)
    assert _listed(run, "--stalled", "--company", "Nobody") == []
    assert _listed(run, "--stalled", "--status", "resolved") == []
    assert run.ok("list", "--stalled", "--status", "resolved") == "no stalled cases (resolved)\n"


# -- snooze -----------------------------------------------------------------------------------
def test_snooze_and_wake(run, cases):
    case = str(cases["dead"].id)
    assert "snoozed until 2026-11-30 23:59" in run.ok("snooze", case, "2026-11-30")
    data = json.loads(run.ok("advice", case, "--json"))[0]
    assert data["snoozed_until"] == "2026-11-30T23:59:59Z" and not data["stalled"]
    assert data["score"] == 0 and data["findings"] and data["turn"] == "nobody"
    assert data["next_move"]["due"] == "2026-11-30T23:59:59Z"
    lines = run.ok("advice", case).splitlines()
    assert lines[0] == "Snoozed until 2026-11-30: nothing to do before then."
    assert "snoozed until 2026-11-30 23:59)" in lines[1]
    assert [_case_line_id(b) for b in _blocks(run.ok("advice"))[:-1]] == [cases["promise"].id]
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
    fine = json.loads(run.ok("advice", str(cases["dead"].id), "--json"))[0]
    assert "gone_quiet" in [f["rule"] for f in fine["findings"]]


def test_advice_never_creates_a_notebook(run, db_path):
    result = run("advice")
    assert result.exit_code == 3 and not db_path.exists()
