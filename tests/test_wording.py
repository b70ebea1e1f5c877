"""Wording a bank clerk would not stumble on (issue 11, item 9), through the real CLI: an
overdue promise says so, a missing local transcript is called missing, and every count has
its plural right at 1 and at 2."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tui.exports.dossier import md
from tui.store.wording import plural

TUI = Path(__file__).resolve().parent.parent / "tui"


def new_case(run, title: str = "Router never arrived", company: str = "Acme") -> None:
    run.ok("new", "--company", company, "--title", title, "--opened", "2026-11-01")


def log(run, case: str, outcome: str, at: str, *extra: str) -> None:
    run.ok("log", case, "--channel", "phone", "--outcome", outcome, "--at", at, *extra)


def dossier(run, case: str = "1") -> str:
    return run.ok("export", case, "--format", "md")


def test_the_plural_helper():
    assert [plural(n, "contact") for n in (0, 1, 2)] == ["0 contacts", "1 contact", "2 contacts"]
    assert (plural(1, "company"), plural(2, "company")) == ("1 company", "2 companies")
    assert (plural(2, "day"), plural(2, "dead end"), plural(2, "status change")) == \
        ("2 days", "2 dead ends", "2 status changes")
    assert plural(3, "person", "people") == "3 people"


@pytest.mark.parametrize("n, timeline, contacts", [
    (1, "Timeline (1 contact)", "- Contacts: 1 (0 made progress, 1 dead end)"),
    (2, "Timeline (2 contacts)", "- Contacts: 2 (0 made progress, 2 dead ends)"),
])
def test_contact_counts_in_the_dossier_and_show(run, n, timeline, contacts):
    new_case(run)
    for day in range(n):
        log(run, "1", "transferred", f"2026-11-0{day + 2}T10:00")
    text = dossier(run)
    assert f"## {timeline}\n" in text and f"\n{contacts}\n" in text
    assert f"\n{timeline}:\n" in run.ok("show", "1")


def test_an_overdue_promise_says_overdue_since_its_due_date(run):
    """The repro: a promise due 11-20, still pending on 11-25, was just "pending"."""
    new_case(run)
    log(run, "1", "promised", "2026-11-10T10:00", "--promise", "refund", "--due", "2026-11-20")
    log(run, "1", "promised", "2026-11-11T10:00", "--promise", "label", "--due", "2026-11-30")
    log(run, "1", "promised", "2026-11-12T10:00", "--promise", "call", "--due", "2026-11-13")
    run.ok("promise", "p3", "kept")
    text = dossier(run)
    assert "| refund | #1 2026-11-10 10:00 |  | 2026-11-20 23:59 | overdue since 2026-11-20 |" \
        in text
    assert "| label | #2 2026-11-11 10:00 |  | 2026-11-30 23:59 | pending |" in text
    assert "| call | #3 2026-11-12 10:00 |  | 2026-11-13 23:59 | kept |" in text
    assert "\n- Promises: 3 (1 kept, 0 broken, 1 pending, 1 overdue)\n" in text


def test_a_missing_local_transcript_is_called_missing(run, tmp_path, monkeypatch):
    """The repro: `--transcript calls/2026-11-20.txt` with no such file was called "not a
    local file (link, message id or ticket)"."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "chat.txt").write_text("Sam: refund approved\n")
    new_case(run)
    refs = ("calls/2026-11-20.txt", "chat.txt", "<a1.b2@mail.example>", "TCK-1234",
            "https://example.com/ticket/9")
    for day, ref in enumerate(refs, 2):
        log(run, "1", "info", f"2026-11-0{day}T10:00", "--transcript", ref)
    lines = [line for line in dossier(run).splitlines() if line.startswith("- #")]
    missing = tmp_path / "calls" / "2026-11-20.txt"
    assert lines[0].endswith(f"calls/2026-11-20.txt: file not found at {md(str(missing))} "
                             "(hash not taken)")
    assert "chat.txt: local file, 21 bytes, SHA-256 `" in lines[1]
    for line in lines[2:]:
        assert line.endswith(": not a local file (link, message id or ticket)"), line


@pytest.mark.parametrize("n, report", [
    (1, "imported: 1 company added, 1 case added, 1 contact added\n"),
    (2, "imported: 2 companies added, 2 cases added, 2 contacts added\n"),
])
def test_import_counts(run, tmp_path, n, report):
    """The repro: "1 companies added"."""
    for k in range(n):
        new_case(run, f"case {k}", company=f"Company {k}")
        log(run, str(k + 1), "info", "2026-11-24T10:00")
    exported = tmp_path / "out.json"
    result = run("export", "-o", str(exported))
    assert result.exit_code == 0
    assert result.stderr == f"exported {n} case{'s' if n == 2 else ''} to {exported}\n"
    run.db_path = tmp_path / "other.db"
    assert run.ok("import", str(exported)) == report
    assert run.ok("import", str(exported)) == \
        f"imported: {n} case{'s' if n == 2 else ''} unchanged\n"


@pytest.mark.parametrize("n, line", [
    (1, "Nothing to report on 1 open or waiting case."),
    (2, "Nothing to report on 2 open or waiting cases."),
])
def test_advice_counts(run, n, line):
    for k in range(n):
        new_case(run, f"case {k}")
        log(run, str(k + 1), "info", "2026-11-24T10:00")
    assert run.ok("advice").splitlines()[-1] == line


def test_promise_counts(run):
    new_case(run)
    log(run, "1", "promised", "2026-11-10T10:00", "--promise", "refund", "--due", "2026-11-30")
    log(run, "1", "promised", "2026-11-11T10:00", "--promise", "label", "--due", "2026-11-30")
    result = run("promise", "1", "kept")
    assert result.exit_code == 2
    assert "case 1 has 2 pending promises (p1, p2); name one" in result.stderr


def _texts(tree: ast.AST):
    """(line, text) of every string in the code that is not a docstring."""
    docs = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docs:
            yield node.lineno, node.value


def _fstring_counts(tree: ast.AST):
    """(line, count expression, text after it) for every f-string placeholder."""
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for a, b in zip(node.values, node.values[1:]):
                if isinstance(a, ast.FormattedValue) and isinstance(b, ast.Constant):
                    yield node.lineno, ast.unparse(a.value), str(b.value)


def test_no_count_is_put_before_a_fixed_plural():
    """Counts go through plural(): no "(s)", and no len(...) placed before a word that
    is plural whatever the count (the "1 contacts" of the dossier and the CLI)."""
    found = []
    for path in sorted(TUI.rglob("*.py")):
        tree = ast.parse(path.read_text())
        found += [f"{path.name}:{line}: {text[:30]}" for line, text in _texts(tree)
                  if re.search(r"\w\(s\)", text)]
        for line, expr, after in _fstring_counts(tree):
            counted = expr.startswith("len(") or re.fullmatch(r"(n|count|total|rest)", expr)
            # "is 2,000,001 characters; the limit is ...": sizes over a limit are never 1.
            if counted and re.match(r" (?!is\b|was\b|has\b|of\b|characters\b|bytes\b)"
                                    r"[a-z]+s\b", after):
                found.append(f"{path.name}:{line}: {{{expr}}}{after[:20]}")
    assert found == []
