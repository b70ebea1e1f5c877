"""Letters for the next rung (issue 14 item 5): the [me] profile, `supportlog letter`, the
playbook's [letters] texts and their overrides in config, on the demo's energy case."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import NOW, NOW_ISO, Cli
from tui.advice.letters import KINDS, letter_blocks, letter_values
from tui.advice.playbook import LETTER_FIELDS, ConfigError
from tui.advice.profile import Profile
from tui.advice.settings import load_playbook, load_profile
from tui.store import Store
from tui.demo.notebook import build_demo_file
from tui.exports.document import to_markdown
from tui.store.paths import config_path

ENERGY_TITLE = "Back-billed for 14 months after their meter fault"
ME = """[me]
name = "Asha Verma"
address = "12 Elm Road\\nHarbour City HC1 2AB"
emails = ["asha@example.com"]
phone = "+44 20 7946 0000"
"""


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> tuple[Path, int]:
    """The demo notebook at the tests' fixed now, built once, and the id of its energy case."""
    path = tmp_path_factory.mktemp("letters") / "demo.db"
    build_demo_file(path, NOW, clock=lambda: NOW)
    with Store(path, clock=lambda: NOW) as store:
        [case_id] = [c.id for c in store.iter_cases(sort="id") if c.title == ENERGY_TITLE]
    return path, case_id


@pytest.fixture
def demo(demo_file, tmp_path) -> tuple[Cli, int]:
    """A copy of the demo notebook of the test's own (tests write to it)."""
    source, case_id = demo_file
    path = tmp_path / "demo.db"
    shutil.copy(source, path)
    return Cli(path), case_id


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


class Page(HTMLParser):
    """The text of each element a letter's HTML page has: headings, rows, items, paragraphs."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.rows: list[list[str]] = []
        self.items: list[str] = []
        self.paras: list[str] = []
        self.headings: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.stack.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
        elif tag == "li":
            self.items.append("")
        elif tag == "p":
            self.paras.append("")
        elif tag in ("h1", "h2", "h3"):
            self.headings.append("")

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        inside = set(self.stack)
        if inside & {"td", "th"}:
            self.rows[-1][-1] += data
        if "li" in inside:
            self.items[-1] += data
        if "p" in inside:
            self.paras[-1] += data
        if inside & {"h1", "h2", "h3"}:
            self.headings[-1] += data


# -- the complaint for the demo's energy case ---------------------------------------------------
def test_the_energy_complaint_reads_as_a_letter_a_person_would_send(demo):
    run, case_id = demo
    write_config(ME)
    result = run("letter", str(case_id), "--kind", "complaint")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""                   # profile and account set: nothing to warn
    out = result.stdout
    lines = out.splitlines()
    assert lines[0] == ("**Asha Verma**, 12 Elm Road, Harbour City HC1 2AB · asha@example.com · "
                        "+44 20 7946 0000")
    assert "25 November 2026" in lines
    assert ("To: Ridgeline Energy, complaints department (complaints@ridgeline.example)"
            in lines)
    assert f"## Formal complaint: {ENERGY_TITLE}" in lines
    assert "Account number: RE-4471-0093" in lines
    assert "Your references: ticket RE-TK-55120" in lines
    # every broken or overdue promise, with who made it, when, how and its reference
    assert ('- Kieran promised on 16 October 2026 by phone (reference RE-55120): "Withdraw '
            'the back-bill and send a corrected statement", by 30 October 2026. It was not '
            'done.') in lines
    assert ('- Priya promised on 4 November 2026 by chat (reference RE-CH-88301): "A '
            'recalculated bill from the actual meter readings", by 18 November 2026. It has '
            'not been done, and is now 7 days late.') in lines
    # the dated timeline: one row per contact
    rows = [line for line in lines if line.startswith("| 2026-")]
    assert [row.split(" | ")[0] for row in rows] == ["| 2026-10-16", "| 2026-10-31",
                                                     "| 2026-11-04", "| 2026-11-21"]
    assert rows[0].startswith("| 2026-10-16 | phone | Kieran | promised | RE-55120 | A bill")
    # what I want, the deadline (the playbook's 14 days) and the clock with its source
    assert "I ask for a refund of 412.37 GBP." in out
    assert "Please reply by 9 December 2026 (14 days from the date of this letter)." in lines
    [clock] = [line for line in lines if "complaint response" in line]
    assert "8 weeks from opened; last day 2026-12-11 (open)" in clock
    assert "Source: " in clock and "Ridgeline Energy complaints code" in clock
    assert lines[-3:] == ["Yours faithfully,", "", "Asha Verma"]


def test_a_deadline_given_is_the_one_the_letter_sets(demo):
    run, case_id = demo
    out = run.ok("letter", str(case_id), "--kind", "complaint", "--deadline", "2026-12-15")
    assert "Please reply by 15 December 2026 (20 days from the date of this letter)." in out
    out = run.ok("letter", str(case_id), "--kind", "follow-up", "--deadline",
                 "in 10 working days")
    assert "Please reply by 9 December 2026 (14 days" in out


@pytest.mark.parametrize("given, says", [
    ("2026-11-01", "--deadline '2026-11-01' is 2026-11-01, which has passed; give a later date"),
    ("someday", "--deadline 'someday': 'someday' is not a date"),
])
def test_a_deadline_that_cannot_be_one_is_refused_in_one_line(demo, given, says):
    run, case_id = demo
    result = run("letter", str(case_id), "--kind", "complaint", "--deadline", given)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"supportlog: {says}")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("kind, to, says", [
    ("chargeback", "To: [your card issuer], card disputes",
     "I ask you to dispute the charge with Ridgeline Energy on my behalf (a chargeback) and "
     "to credit 412.37 GBP to my card account."),
    ("ombudsman", "To: Energy Ombudsman: https://ombudsman.example/energy",
     "I would like to refer my complaint against Ridgeline Energy about a billing problem"),
    ("follow-up", "To: Ridgeline Energy, customer service",
     "You made promises to me that have not been kept (2 promises)"),
])
def test_each_kind_has_its_recipient_and_wording(demo, kind, to, says):
    run, case_id = demo
    write_config(ME)
    out = run.ok("letter", str(case_id), "--kind", kind, "--format", "html")
    page = Page()
    page.feed(out)
    assert to in page.paras
    assert any(says in p for p in page.paras), page.paras
    assert any(item.startswith("Kieran promised on 16 October 2026") for item in page.items)
    assert len([r for r in page.rows if r[0].startswith("2026-")]) == 4


def test_the_html_letter_is_a_printable_page_a_parser_reads(demo, tmp_path):
    run, case_id = demo
    write_config(ME)
    target = tmp_path / "complaint.html"
    result = run("letter", str(case_id), "--kind", "complaint", "--format", "html",
                 "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"wrote the complaint letter for case {case_id} to {target}" in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    page = Page()
    page.feed(target.read_text(encoding="utf-8"))
    assert not page.tags & {"script", "link", "img", "iframe"}
    assert f"Formal complaint: {ENERGY_TITLE}" in page.headings
    rows = [r for r in page.rows if r and r[0].startswith("2026-")]
    assert [(r[0], r[2], r[4]) for r in rows] == [
        ("2026-10-16", "Kieran", "RE-55120"), ("2026-10-31", "", ""),
        ("2026-11-04", "Priya", "RE-CH-88301"), ("2026-11-21", "", "")]
    assert page.rows[0] == ["Date", "Channel", "Agent", "Outcome", "Reference",
                            "What was said"]
    assert any("Source: " in item and "complaints code" in item for item in page.items)
    assert "Asha Verma" in page.paras
    # -o never overwrites without --force
    again = run("letter", str(case_id), "--kind", "complaint", "-o", str(target))
    assert again.exit_code != 0 and len(again.stderr.splitlines()) == 1
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    run.ok("letter", str(case_id), "--kind", "complaint", "-o", str(target), "--force")
    assert target.read_text(encoding="utf-8").startswith("**Asha Verma**")


# -- the profile ---------------------------------------------------------------------------------
def test_missing_profile_fields_leave_placeholders_and_one_warning(demo):
    run, case_id = demo
    result = run("letter", str(case_id), "--kind", "complaint", "--format", "html")
    assert result.exit_code == 0
    warnings = result.stderr.splitlines()
    assert warnings == [f"supportlog: warning: set [me] name, address, emails in "
                        f"{config_path()}; the letter shows placeholders for them"]
    page = Page()
    page.feed(result.stdout)
    assert page.paras[0] == "[your name], [your postal address] · [your e-mail address]"
    assert page.paras[-1] == "[your name]"
    write_config('[me]\nname = "Asha Verma"\n')
    result = run("letter", str(case_id), "--kind", "complaint")
    assert result.stderr.splitlines() == [f"supportlog: warning: set [me] address, emails in "
                                          f"{config_path()}; the letter shows placeholders "
                                          "for them"]
    assert result.stdout.startswith("**Asha Verma**, \\[your postal address\\]")


def test_a_company_without_an_account_number_says_how_to_set_it(demo):
    run, case_id = demo
    write_config(ME)
    run.ok("company", "edit", "Ridgeline Energy", "--account", "")
    result = run("letter", str(case_id), "--kind", "complaint")
    assert "Account number: \\[your account number\\]" in result.stdout
    assert result.stderr.splitlines() == [
        "supportlog: warning: no account number for Ridgeline Energy; set it with `supportlog "
        "company edit 'Ridgeline Energy' --account NUMBER`"]


@pytest.mark.parametrize("config, says", [
    ('[me]\nname = 3\n', "[me] name = 3 is not usable; it must be your name as a text"),
    ('[me]\nemails = ["a@example.com", 7]\n', "[me] emails = ['a@example.com', 7] is not "
                                              "usable; it must be a list of your addresses"),
    ('[me]\nnickname = "Ash"\n', "unknown key 'nickname' in [me]; known keys: name, address, "
                                 "emails, phone"),
    ('me = "Asha"\n', "[me] must be a table of settings"),
    ('[me\n', "is not valid TOML"),
])
def test_a_bad_me_table_is_one_line_naming_the_file_and_key_exit_2(demo, config, says):
    run, case_id = demo
    path = write_config(config)
    result = run("letter", str(case_id), "--kind", "complaint")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"supportlog: config file {path}: {says}")
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output


def test_load_profile_reads_me_and_a_missing_file_is_empty(tmp_path):
    assert load_profile(tmp_path / "none.toml") == Profile()
    assert load_profile(None) == Profile()
    path = tmp_path / "config.toml"
    path.write_text('[me]\nname = " Asha "\nemails = "asha@example.com"\naddress = ""\n'
                    '[thresholds]\nquiet_days = 3\n', encoding="utf-8")
    profile = load_profile(path)
    assert profile == Profile(name="Asha", emails=("asha@example.com",))
    assert profile.missing() == ["address"]
    path.write_text('[me]\nphone = 44\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_profile(path)
    assert err.value.key == "phone" and str(path) in str(err.value)


# -- the texts: the playbook's, overridable in config -------------------------------------------
def test_a_letter_text_overridden_in_config_changes_the_letter(demo):
    run, case_id = demo
    before = run.ok("letter", str(case_id), "--kind", "complaint")
    assert "I am writing to make a formal complaint about a billing problem" in before
    write_config(ME + '\n[letters]\nsignoff = "Kind regards,"\ntimeline_columns = ["Datum", '
                 '"Kanal", "Agent", "Ergebnis", "Referenz", "Gesagt"]\n\n[letters.complaint]\n'
                 'intro = "This is my complaint to {company} about {title}, sent {today}."\n'
                 'days = 10\n')
    after = run.ok("letter", str(case_id), "--kind", "complaint")
    assert (f"This is my complaint to Ridgeline Energy about {ENERGY_TITLE}, sent 25 November "
            "2026.") in after
    assert "I am writing to make a formal complaint" not in after
    assert "Kind regards," in after and "Yours faithfully," not in after
    assert "Please reply by 5 December 2026 (10 days" in after
    assert "| Datum | Kanal | Agent | Ergebnis | Referenz | Gesagt |" in after
    # the other kinds keep their own wording
    assert "Yours faithfully," not in run.ok("letter", str(case_id), "--kind", "follow-up")


@pytest.mark.parametrize("config, key, says", [
    ('[letters.complaint]\nintro = "About {colour}"\n', "intro",
     "[letters.complaint] intro uses {colour}, which a letter does not fill; it can use: "),
    ('[letters.complaint]\nintro = "About {company"\n', "intro",
     "[letters.complaint] intro: "),
    ('[letters.complaint]\nopening = "Hello"\n', "opening",
     "unknown key 'opening' in [letters.complaint]; known keys: days, recipient, subject"),
    ('[letters.complaint]\ndays = "two weeks"\n', "days",
     "[letters.complaint] days = 'two weeks' is not usable; it must be a whole number"),
    ('[letters]\nsignoff = 3\n', "signoff", "[letters] signoff must be a text in quotes"),
    ('[letters]\ncomplaint = "x"\n', "complaint", "[letters.complaint] must be a table"),
    ('[letters]\nevidence_columns = ["File"]\n', "evidence_columns",
     "[letters] evidence_columns must be a list of 3 texts, like evidence_columns = "
     "['File', 'Size', 'SHA-256']"),
])
def test_a_bad_letter_text_is_refused_naming_the_file_and_key(tmp_path, config, key, says):
    path = tmp_path / "config.toml"
    path.write_text(config, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_playbook(path)
    assert err.value.key == key
    assert str(err.value).startswith(f"config file {path}: {says}")


def test_every_placeholder_a_text_may_use_is_filled(demo):
    run, case_id = demo
    with Store(run.db_path, clock=lambda: NOW) as store:
        detail = store.get_detail(case_id)
    pb = load_playbook(None)
    values = letter_values("complaint", detail, Profile(), pb, NOW_ISO,
                           NOW.date().replace(day=30))
    assert set(values) == set(LETTER_FIELDS)
    for kind in KINDS:       # every text of every kind fills in with them
        for text in pb.letters[kind].values():
            if isinstance(text, str):
                text.format_map(values)


# -- what is enclosed, and user text ------------------------------------------------------------
def test_the_evidence_enclosed_lists_each_file_with_size_and_hash(demo):
    run, case_id = demo
    receipt = b"Ridgeline Energy statement, 412.37 GBP\n"
    with Store(run.db_path, clock=lambda: NOW) as store:
        if not hasattr(store, "attach_bytes"):
            pytest.fail("the evidence store (helper EV) is not in this tree")
        store.attach_bytes(case_id, receipt, "statement-october.txt", note="the back-bill")
    out = run.ok("letter", str(case_id), "--kind", "chargeback")
    assert (f"| statement-october.txt | {len(receipt)} bytes | "
            f"`{hashlib.sha256(receipt).hexdigest()}` |") in out
    assert "I can send copies of the documents on request." not in out


def test_user_text_is_never_markup(demo, tmp_path):
    run, case_id = demo
    with Store(run.db_path, clock=lambda: NOW) as store:
        detail = store.get_detail(case_id)
        case = dataclasses.replace(detail.case, title="<script>x</script> *fridge* | [a](b)")
        detail = dataclasses.replace(detail, case=case)
    blocks = letter_blocks("complaint", detail, Profile(name="<b>Asha</b>"), (),
                           load_playbook(None), NOW)
    md = to_markdown(blocks)
    assert "\\<script\\>x\\</script\\> \\*fridge\\* \\| \\[a\\](b)" in md
    assert "**\\<b\\>Asha\\</b\\>**" in md
    from tui.exports.document import to_html
    page = to_html(blocks, "letter")
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "&lt;b&gt;Asha&lt;/b&gt;" in page


def test_an_unknown_kind_is_refused(demo):
    run, case_id = demo
    result = run("letter", str(case_id), "--kind", "demand")
    assert result.exit_code == 2 and "'demand' is not one of" in result.stderr
