"""Clean output (issue 10, D5): user text reaches a terminal without escape sequences, control
characters or bidirectional overrides, through every command's text output and its errors;
`--json` keeps the exact text."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from tui.cli import cli
from tui.clean_text import for_terminal

from conftest import NOW_ISO

# A clipboard write (OSC 52), clear screen, the alternate screen, a right-to-left override,
# an 8-bit CSI, BEL, DEL, a DCS string and an isolate: what D5 saw printed raw.
HOSTILE = ("\x1b]52;c;aGFja2Vk\x07\x1b[2J\x1b[?1049h\u202e\x9b31m\x07\x7f\x1bPq#\x1b\\"
           "\u2066x\u2069\x1b")
TITLE = f"Zebra title {HOSTILE} end"
COMPANY = f"Evil{HOSTILE}Co"
AGENT = f"Agent{HOSTILE}"
NOTE = f"first line {HOSTILE}\n\tsecond line zebra {HOSTILE}"
REFERENCE = f"REF{HOSTILE}"
PROMISE = f"Refund {HOSTILE} soon"

# What click.style writes itself (bold headers, titles); everything else with ESC is a leak.
OWN_STYLES = re.compile(r"\x1b\[(?:0|1|22)?m")
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def leaks(text: str) -> list[str]:
    return FORBIDDEN.findall(OWN_STYLES.sub("", text))


class Terminal:
    """The real CLI as a terminal sees it: colour on, so click strips nothing itself."""

    def __init__(self, db):
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        result = self.runner.invoke(cli, ["--db", str(self.db), "--now", NOW_ISO, *args],
                                    input=input, color=True, catch_exceptions=False)
        assert "Traceback" not in result.output, result.output
        return result

    def ok(self, *args: str, **kw) -> str:
        result = self(*args, **kw)
        assert result.exit_code == 0, (args, result.output)
        return result.stdout


@pytest.fixture
def term(tmp_path):
    # The notebook's own path is hostile too: doctor, where, backup and errors print it.
    folder = tmp_path / f"books{HOSTILE.replace('/', '')}"
    folder.mkdir()
    return Terminal(folder / "notebook.db")


@pytest.fixture
def notebook(term, tmp_path):
    """One case and its contacts with the hostile text in every field a command prints."""
    term.ok("new", "--company", COMPANY, "--title", TITLE, "--note", NOTE, "--seller", COMPANY,
            "--ref", f"order:{REFERENCE}", "--want", "refund", "--opened", "2026-11-01")
    transcript = tmp_path / "chat.txt"
    transcript.write_text(f"agent said zebra {HOSTILE}\n", encoding="utf-8")
    term.ok("log", "1", "--channel", "chat", "--outcome", "transferred", "--agent", AGENT,
            "--agent-id", AGENT, "--reference", REFERENCE, "--transcript", REFERENCE,
            "--transcript-file", str(transcript), "--note", NOTE, "--at", "2026-11-20T10:00")
    term.ok("log", "1", "--channel", "phone", "--outcome", "disconnected", "--agent", AGENT,
            "--note", NOTE, "--hold", "30m", "--duration", "40m", "--at", "2026-11-21T10:00",
            "--promise", PROMISE, "--due", "2026-11-22")
    return term


TEXT_COMMANDS = [
    ("list",), ("list", "--sort", "attention"), ("list", "--stalled"),
    ("list", "--company", COMPANY), ("show", "1"), ("search", "zebra"), ("search", HOSTILE),
    ("advice",), ("advice", "1"), ("advice", "--fail-on-stall"), ("stats",),
    ("stats", "--company", COMPANY), ("stats", "--company", f"none{HOSTILE}"), ("doctor",),
    ("where",), ("status", "1", "waiting", "--note", NOTE), ("promise", "1", "--add", PROMISE),
    ("edit", "1", "--add-ref", f"ticket:{REFERENCE}"), ("snooze", "1", "off"),
    # errors that quote what was typed
    ("show", HOSTILE), ("log", "1", "--channel", "phone", "--outcome", "info", "--at", HOSTILE),
    ("new", "--company", COMPANY, "--title", "t", "--purchased", HOSTILE),
    ("promise", HOSTILE, "kept"), ("import", f"missing{HOSTILE}.json"),
    ("list", "--status", HOSTILE), ("export", HOSTILE), ("snooze", "1", HOSTILE),
]


@pytest.mark.parametrize("args", TEXT_COMMANDS, ids=lambda a: " ".join(a)[:40])
def test_every_command_prints_user_text_clean(notebook, args):
    result = notebook(*args)
    assert not leaks(result.stdout), (args, result.stdout)
    assert not leaks(result.stderr), (args, result.stderr)


def test_the_text_is_still_there_once_cleaned(notebook):
    """Cleaning drops the sequences, not the words around them."""
    shown = notebook.ok("show", "1")
    assert "Zebra title" in shown and " end" in shown and "Agent" in shown
    assert "first line" in shown and "\n  \tsecond line zebra" in shown   # notes keep lines
    assert "aGFja2Vk" not in shown                      # the clipboard payload went whole
    assert "Zebra title" in notebook.ok("advice")
    assert "Agent" in notebook.ok("advice", "1")


def test_files_export_import_and_backup_messages(notebook, tmp_path):
    out = tmp_path / f"out{HOSTILE}.json"
    first = notebook("export", "-o", str(out))
    assert first.exit_code == 0 and not leaks(first.stderr)
    again = notebook("export", "-o", str(out))            # exists: refused, naming the path
    assert again.exit_code != 0 and not leaks(again.stderr)
    imported = notebook("import", str(out))
    assert imported.exit_code == 0 and not leaks(imported.stdout)
    backup = notebook("backup", "-o", str(tmp_path / f"b{HOSTILE}.db"))
    assert backup.exit_code == 0 and not leaks(backup.stdout + backup.stderr)


def test_json_keeps_the_exact_text(notebook):
    listed = json.loads(notebook.ok("list", "--json"))["cases"][0]
    assert (listed["title"], listed["company"]) == (TITLE, COMPANY)
    record = json.loads(notebook.ok("show", "1", "--json"))
    assert record["title"] == TITLE and record["notes"] == NOTE
    contact = record["interactions"][0]
    assert (contact["agent"], contact["reference"], contact["notes"]) == (AGENT, REFERENCE, NOTE)
    assert record["promises"][0]["text"] == PROMISE
    hit = json.loads(notebook.ok("search", "zebra", "--json"))["hits"][0]
    assert (hit["title"], hit["company"]) == (TITLE, COMPANY)
    advised = json.loads(notebook.ok("advice", "--json"))[0]
    assert (advised["title"], advised["company"]) == (TITLE, COMPANY)
    assert json.loads(notebook.ok("stats", "--json"))["companies"][0]["name"] == COMPANY
    assert json.loads(notebook.ok("where", "--json"))["db"] == str(notebook.db)


def test_json_on_a_terminal_escapes_what_a_terminal_would_obey(notebook):
    """JSON already escapes C0; DEL, C1 and the bidi controls are escaped too (\\uXXXX)."""
    for args in (("list", "--json"), ("show", "1", "--json"), ("advice", "--json"),
                 ("search", "zebra", "--json"), ("stats", "--json"), ("doctor", "--json")):
        result = notebook(*args)
        assert not leaks(result.stdout), args


# -- the function itself --------------------------------------------------------------------

@pytest.mark.parametrize("raw, shown", [
    ("plain text", "plain text"),
    ("a\x1b]52;c;aGVsbG8=\x07b", "ab"),                  # OSC 52 ended by BEL
    ("a\x1b]0;title\x1b\\b", "ab"),                       # OSC ended by ST
    ("\x1b]8;;http://x\x07link\x1b]8;;\x07", "link"),     # a hyperlink keeps its text
    ("x\x1b[2Jy\x1b[31mz", "xyz"),                        # CSI
    ("c1\x9b2Jz", "c1z"),                                 # 8-bit CSI
    ("\u202eevil\u2066x\u2069", "evilx"),                 # override and isolate dropped
    ("mark\u200f\u200e\u061c", "mark\u200f\u200e\u061c"),  # marks are harmless: kept
    ("bel\x07 del\x7f nul\x00", "bel␇ del␡ nul␀"),        # the rest made visible
    ("c1 \x85\x9c", "c1 \ufffd\ufffd"),
    ("lone \x1b", "lone ␛"),
    ("a\tb\nc\r\nd\re\u2028f", "a b c d e f"),            # one line
    ("Devanagari ग्राहक, emoji 🙂\u200d↔️, שלום", "Devanagari ग्राहक, emoji 🙂\u200d↔️, שלום"),
])
def test_for_terminal(raw, shown):
    assert for_terminal(raw) == shown


def test_for_terminal_multiline_keeps_line_breaks_and_tabs_only():
    assert for_terminal("a\tb\nc\r\nd\re\u2028f\x1b[2J\x0bg", multiline=True) == \
        "a\tb\nc\nd\ne\nf␋g"


def test_no_control_character_survives():
    everything = "".join(map(chr, range(0x00, 0xA0))) + "\u202a\u202b\u202c\u202d\u202e" \
        "\u2066\u2067\u2068\u2069"
    assert not FORBIDDEN.findall(for_terminal(everything))
    assert not FORBIDDEN.findall(for_terminal(everything, multiline=True))


# -- the app: Textual draws a widget's text as it is, escape sequences included ------------

from textual.widgets import Input  # noqa: E402
from ui_fixtures import NOW, Clock, debug_errors, make_app, settle, ui  # noqa: E402,F401

from tui.screens.interaction import InteractionScreen  # noqa: E402
from tui.screens.stats import StatsScreen  # noqa: E402
from tui.store import Store  # noqa: E402


@ui
async def test_the_app_draws_user_text_clean(tmp_path):
    clock = Clock(NOW)
    path = tmp_path / "n.db"
    with Store(path, clock=clock) as s:
        case = s.create_case(COMPANY, TITLE, notes=NOTE, refs=[("order", REFERENCE)],
                             want="refund", opened_at="2026-11-01T09:00:00Z")
        first = s.log_interaction(case.id, "chat", "transferred", agent=AGENT,
                                  reference=REFERENCE, transcript_ref=REFERENCE, notes=NOTE,
                                  started_at="2026-11-20T10:00:00Z", promise=PROMISE,
                                  promise_due="2026-11-21")
        s.log_interaction(case.id, "phone", "disconnected", agent=AGENT, notes=NOTE,
                          started_at="2026-11-22T10:00:00Z")
    app = make_app(path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shots = {"home": app.export_screenshot()}
        assert "Zebra" in shots["home"]                    # cleaned, not dropped
        await pilot.press("slash")
        app.screen.query_one("#search", Input).value = "zebra"    # the hits are the point
        await settle(pilot)
        shots["search"] = app.export_screenshot()
        app.open_case(case.id)
        await settle(pilot)
        shots["case"] = app.export_screenshot()
        app.say(f"Deleted “{TITLE}”.")                      # a notification quoting a title
        await pilot.pause()
        shots["notice"] = app.export_screenshot()
        await pilot.press("e")                              # the edit form: Inputs, notes
        await settle(pilot)
        assert app.screen.query_one("#title", Input).value == TITLE   # kept exactly
        shots["edit"] = app.export_screenshot()
        app.pop_screen()
        await settle(pilot)
        app.push_screen(InteractionScreen(first.id))
        await settle(pilot)
        shots["contact"] = app.export_screenshot()
        app.pop_screen()
        app.push_screen(StatsScreen())
        await settle(pilot)
        shots["stats"] = app.export_screenshot()
    assert {name: FORBIDDEN.findall(svg) for name, svg in shots.items()
            if FORBIDDEN.findall(svg)} == {}
