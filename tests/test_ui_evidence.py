"""Evidence, mail and letters in the app, on real notebook files: a mail contact's headers in
the transcript view, the evidence screen (list, attach by path, open, remove), importing mail
into a case from the case and the contact screens, and a letter saved 0600."""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import unquote, urlparse

from textual.widgets import Checkbox, Input, OptionList, TextArea

from tui.screens.evidence import AttachForm, EvidenceScreen
from tui.screens.interaction import InteractionScreen
from tui.screens.letter import KINDS, LetterKindPicker, LetterScreen, called_for
from tui.screens.mail_pick import CasePicker, MailImportScreen
from tui.screens.transcript import TranscriptViewer
from tui.store import Store
from tui.store.mail import read_messages
from tui.store.mail_import import import_messages
from ui_fixtures import SIZE, app_factory, clock, debug_errors, messages, plain, seeded  # noqa: F401
from ui_fixtures import open_case, settle, table_text, ui

MAIL = Path(__file__).parent / "fixtures" / "mail"
ZOE = MAIL / "chat-transcript-zoe.eml"


async def press(pilot, *keys: str):
    await pilot.press(*keys)
    await settle(pilot)
    return pilot.app.screen


def imported(db_path, clock, case_id: int, path: Path = ZOE) -> int:
    with Store(db_path, clock=clock) as s:
        return import_messages(s, read_messages(path), case_id=case_id)[0].interaction_id


# -- transcript view -------------------------------------------------------------------------
@ui
async def test_a_mail_contact_shows_its_headers_above_the_decoded_text(app_factory, seeded,
                                                                       db_path, clock):
    iid = imported(db_path, clock, seeded.quiet)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        case = await open_case(app, pilot, seeded.quiet)
        case.query_one("#timeline").move_cursor(row=case.query_one("#timeline").get_row_index(
            str(iid)))
        viewer = await press(pilot, "t")
        assert isinstance(viewer, TranscriptViewer)
        headers = plain(viewer.query_one("#viewer-headers"))
        assert "From: noreply@acme-energy.example" in headers
        assert "To: sam@home.example" in headers
        assert "Date: 2026-11-24 14:12" in headers            # local time (UTC in tests)
        assert "Subject: Your chat transcript with Zoë – Case 12345678" in headers
        assert "Message-ID: <chat-12345678.1732457523@mailer.acme-energy.example>" in headers
        text = viewer.query_one(TextArea).text
        assert "[14:02] Zoë: Hello Sam" in text and "=C3=AB" not in text
        assert not text.startswith("From:")     # the headers are shown once, above
        await press(pilot, "escape")
        contact = await press(pilot, "enter")                 # the contact screen too
        assert isinstance(contact, InteractionScreen)
        panel = plain(contact.query_one("#interaction-transcript"))
        assert panel.index("Message-ID: <chat-12345678") < panel.index("[14:02] Zoë")


@ui
async def test_a_contact_not_from_mail_shows_no_headers(app_factory, seeded, db_path, clock):
    with Store(db_path, clock=clock) as s:
        iid = s.log_interaction(seeded.quiet, "chat", "info", started_at="2026-11-24T16:00:00Z",
                                transcript_text="From: a line the agent typed\n\nhello").id
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        case = await open_case(app, pilot, seeded.quiet)
        timeline = case.query_one("#timeline")
        timeline.move_cursor(row=timeline.get_row_index(str(iid)))
        viewer = await press(pilot, "t")
        assert not viewer.query_one("#viewer-headers").display
        assert viewer.query_one(TextArea).text == "From: a line the agent typed\n\nhello"


# -- the evidence screen ---------------------------------------------------------------------
def attach(db_path, clock, case_id: int, path: Path, note: str | None = None):
    with Store(db_path, clock=clock) as s:
        return s.attach_file(case_id, path, note=note)


@ui
async def test_evidence_lists_a_file_and_x_removes_it(app_factory, seeded, db_path, clock,
                                                      tmp_path):
    receipt = tmp_path / "receipt [b].pdf"
    receipt.write_bytes(b"%PDF-1.4 receipt " * 100)
    kept = attach(db_path, clock, seeded.stalled, receipt, note="paid 129.99 [/]")
    stored = Store(db_path, clock=clock)
    path = stored.evidence_path(kept.sha256)
    stored.close()
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_case(app, pilot, seeded.stalled)
        screen = await press(pilot, "f")
        assert isinstance(screen, EvidenceScreen)
        rows = table_text(screen.query_one("#evidence-list"))
        assert "receipt [b].pdf" in rows and "1.7 kB" in rows and "paid 129.99 [/]" in rows
        assert "2026-11-25 12:00" in rows
        confirm = await press(pilot, "x")
        await press(pilot, "n")                          # no: nothing changes
        assert path.is_file() and screen.files
        await press(pilot, "x", "y")
        assert screen.files == [] and not path.exists()
        assert "no files yet" in str(screen.query_one("#evidence-list").border_subtitle)
        assert confirm is not screen
    with Store(db_path, clock=clock) as s:
        assert s.attachments(seeded.stalled) == []


@ui
async def test_a_typed_path_attaches_and_a_bad_one_keeps_what_was_typed(
        app_factory, seeded, db_path, clock, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    photo = tmp_path / "damage photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_case(app, pilot, seeded.quiet)
        screen = await press(pilot, "f")
        form = await press(pilot, "a")
        assert isinstance(form, AttachForm)
        form.query_one("#path", Input).value = "~/no such photo.jpg"
        form.query_one("#note", Input).value = "the box, crushed"
        await press(pilot, "ctrl+s")
        assert app.screen is form                        # kept open, with what was typed
        assert "no such file" in plain(form.query_one("#err-path"))
        assert form.query_one("#note", Input).value == "the box, crushed"
        form.query_one("#path", Input).value = str(tmp_path)
        await press(pilot, "ctrl+s")
        assert "is a folder" in plain(form.query_one("#err-path"))
        form.query_one("#path", Input).value = "'~/damage photo.jpg'"   # as a drop pastes it
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        assert "damage photo.jpg" in table_text(screen.query_one("#evidence-list"))
        assert any("Attached “damage photo.jpg”" in m for m in messages(app))
    with Store(db_path, clock=clock) as s:
        [f] = s.attachments(seeded.quiet)
        assert (f.name, f.note, f.type) == ("damage photo.jpg", "the box, crushed", "image/jpeg")
        assert s.evidence_path(f.sha256).read_bytes() == photo.read_bytes()


@ui
async def test_enter_opens_the_file_through_open_url(app_factory, seeded, db_path, clock,
                                                     tmp_path, monkeypatch):
    monkeypatch.setenv("DISPLAY", ":0")                  # a desktop to open it on
    receipt = tmp_path / "receipt.txt"
    receipt.write_text("paid\n")
    attach(db_path, clock, seeded.stalled, receipt)
    app = app_factory()
    opened: list[str] = []
    app.open_url = lambda url, **kw: opened.append(url)      # the seam to the desktop
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_case(app, pilot, seeded.stalled)
        await press(pilot, "f")
        await press(pilot, "enter")
        assert len(opened) == 1 and opened[0].startswith("file:///")
        # A read-only copy under the file's own name (the viewer learns the type from it),
        # outside the evidence folder.
        copy = Path(unquote(urlparse(opened[0]).path))
        assert copy.name == "receipt.txt" and copy.read_text() == "paid\n"
        assert stat.S_IMODE(copy.stat().st_mode) == 0o400
        assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
        assert app.store.evidence_folder not in copy.parents
        monkeypatch.delenv("DISPLAY")                        # over ssh: said, not run
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        await press(pilot, "enter")
        assert len(opened) == 1
        assert app._clipboard.endswith("/receipt.txt")


# -- importing mail --------------------------------------------------------------------------
@ui
async def test_m_imports_a_message_into_the_case(app_factory, seeded, db_path, clock):
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        case = await open_case(app, pilot, seeded.quiet)
        dialog = await press(pilot, "m")
        assert isinstance(dialog, MailImportScreen)
        dialog.query_one("#path", Input).value = str(MAIL / "missing.eml")
        await press(pilot, "enter")
        assert "no such file" in plain(dialog.query_one("#err-path"))
        dialog.query_one("#path", Input).value = str(MAIL / "pdf-attachment.eml")
        await press(pilot, "enter")
        assert app.screen is case
        assert "1 message imported; 1 attachment kept as evidence." in messages(app)
        assert "email" in table_text(case.query_one("#timeline"))
        await press(pilot, "m")                              # again: nothing new
        app.screen.query_one("#path", Input).value = str(MAIL / "pdf-attachment.eml")
        await press(pilot, "enter")
        assert "Nothing new: 1 message already there." in messages(app)
    with Store(db_path, clock=clock) as s:
        detail = s.get_detail(seeded.quiet)
        assert [i.channel for i in detail.interactions].count("email") == 1
        assert [a.origin for a in detail.attachments] == ["mail"]


@ui
async def test_m_on_a_contact_imports_into_its_case_and_keeps_the_original(
        app_factory, seeded, db_path, clock):
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        case = await open_case(app, pilot, seeded.stalled)
        contact = await press(pilot, "enter")
        assert isinstance(contact, InteractionScreen)
        dialog = await press(pilot, "m")
        dialog.query_one("#path", Input).value = str(ZOE)
        dialog.query_one("#keep", Checkbox).value = True
        await press(pilot, "enter")
        assert app.screen is contact and case.is_attached
        assert any(m.startswith("1 message imported") for m in messages(app))
    with Store(db_path, clock=clock) as s:
        detail = s.get_detail(seeded.stalled)
        assert "original" in [a.origin for a in detail.attachments]
        assert any("Zoë" in (s.transcript(i.id) or "") for i in detail.interactions)


@ui
async def test_without_a_case_the_senders_cases_are_offered(app_factory, seeded, db_path,
                                                            clock):
    from tui.store.companies import CompanyChanges
    with Store(db_path, clock=clock) as s:
        s.edit_company("Acme", CompanyChanges(routes=[
            {"kind": "email", "value": "care@acme-energy.example"}]))
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        dialog = MailImportScreen(None)
        app.push_screen(dialog)
        await settle(pilot)
        dialog.query_one("#path", Input).value = str(ZOE)
        picker = await press(pilot, "enter")
        assert isinstance(picker, CasePicker)
        assert picker.query_one(OptionList).option_count == 1
        await press(pilot, "enter")
        assert any(m.startswith("1 message imported") for m in messages(app))
    with Store(db_path, clock=clock) as s:
        assert any("Zoë" in (s.transcript(i.id) or "")
                   for i in s.get_detail(seeded.quiet).interactions)


# -- letters -----------------------------------------------------------------------------------
@ui
async def test_w_writes_the_letter_and_saves_it_0600(app_factory, seeded, db_path, clock,
                                                    tmp_path, monkeypatch):
    from tui.store.paths import config_path
    monkeypatch.setenv("HOME", str(tmp_path))
    config = config_path()
    config.parent.mkdir(parents=True)
    config.write_text('[me]\nname = "Sam [b]Doe"\naddress = "1 Elm Road"\n'
                      'emails = ["sam@home.example"]\n')
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_case(app, pilot, seeded.stalled)
        picker = await press(pilot, "w")
        assert isinstance(picker, LetterKindPicker)
        kinds = [picker.query_one(OptionList).get_option_at_index(i).id for i in range(4)]
        assert sorted(kinds) == sorted(KINDS) and kinds[0] == "complaint"
        letter = await press(pilot, "enter")
        assert isinstance(letter, LetterScreen) and letter.kind == "complaint"
        text = letter.query_one(TextArea).text
        assert "Formal complaint: Package never arrived" in text
        assert "Sam \\[b\\]Doe" in text and "Refund issued" in text  # the Markdown, literal
        assert letter.query_one("#save_path", Input).value == "~/case-1-complaint.md"
        await press(pilot, "ctrl+s")
        saved = tmp_path / "case-1-complaint.md"
        assert saved.read_text() == text
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        assert any(str(saved) in m for m in messages(app))
        saved.write_text("my own edits")
        confirm = await press(pilot, "ctrl+s")                       # there: asks first
        await press(pilot, "n")
        assert saved.read_text() == "my own edits" and app.screen is letter
        assert confirm is not letter
        letter.query_one("#save_path", Input).value = "~/letter.html"
        await press(pilot, "ctrl+s")
        page = (tmp_path / "letter.html").read_text()
        assert page.startswith("<!DOCTYPE html>") and "Sam [b]Doe" in page
        letter.query_one("#save_path", Input).value = str(db_path)   # never the notebook
        await press(pilot, "ctrl+s")
        assert "notebook" in plain(letter.query_one("#err-save_path"))
        assert letter.query_one("#save_path", Input).value == str(db_path)


def test_the_letter_offered_first_is_the_one_the_ladder_calls_for():
    from types import SimpleNamespace as At

    def on(rung, climbs=None):
        return At(rung=rung, next_move=At(rung=climbs))
    assert called_for(None) == "complaint"
    assert called_for(on("another_agent")) == "complaint"
    assert called_for(on("supervisor", "formal_complaint")) == "complaint"
    assert called_for(on("formal_complaint", "ombudsman")) == "ombudsman"
    assert called_for(on("chargeback")) == "chargeback"


# -- a deleted case's files wait for its undo ---------------------------------------------------
@ui
async def test_a_deleted_cases_files_go_when_its_undo_is_dropped(app_factory, seeded, db_path,
                                                                 clock, tmp_path):
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("the first case's receipt\n")
    second.write_text("the second case's receipt\n")
    one = attach(db_path, clock, seeded.stalled, first)
    two = attach(db_path, clock, seeded.quiet, second)
    app = app_factory()
    path_one, path_two = (app.store.evidence_path(f.sha256) for f in (one, two))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for case_id in (seeded.stalled, seeded.quiet):
            await open_case(app, pilot, case_id)
            await press(pilot, "d", "y")
            if case_id == seeded.stalled:       # its undo pending: the file stays
                assert path_one.is_file()
                await press(pilot, "ctrl+z")
                assert path_one.is_file() and app.store.attachments(seeded.stalled)
                await open_case(app, pilot, case_id)
                await press(pilot, "d", "y")
        assert path_one.is_file() and path_two.is_file()   # both undos are on the stack
    assert not path_one.exists() and not path_two.exists()   # they went with the app


@ui
async def test_the_palette_and_help_list_the_new_actions(app_factory, seeded):
    from textual.command import CommandPalette
    from tui.screens.help import HelpScreen
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, seeded.stalled)
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"evidence fi")
        await pilot.pause(0.1)
        await press(pilot, "enter")
        assert isinstance(app.screen, EvidenceScreen) and app.screen.case_id == seeded.stalled
        help_screen = await press(pilot, "f1")
        assert isinstance(help_screen, HelpScreen)
        keys = " ".join(plain(p) for p in help_screen.query("#help-keys > Static"))
        for expected in ("Evidence files: receipts", "Import e-mail or a chat transcript",
                         "Write a letter for the next rung", "Attach a file by its path",
                         "Import mail into this contact's case"):
            assert expected in keys


@ui
async def test_removing_a_file_leaves_a_deleted_cases_files_for_its_undo(
        app_factory, seeded, db_path, clock, tmp_path):
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("the deleted case's receipt\n")
    second.write_text("a receipt removed meanwhile\n")
    one = attach(db_path, clock, seeded.stalled, first)
    attach(db_path, clock, seeded.quiet, second)
    app = app_factory()
    kept = app.store.evidence_path(one.sha256)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_case(app, pilot, seeded.stalled)
        await pilot.press("d", "y")                      # open_case settles
        await open_case(app, pilot, seeded.quiet)
        await press(pilot, "f")
        await press(pilot, "x", "y")
        assert app.store.attachments(seeded.quiet) == [] and kept.is_file()
        await press(pilot, "escape", "escape")
        await press(pilot, "ctrl+z")
        [back] = app.store.attachments(seeded.stalled)
        assert app.store.evidence_path(back.sha256).read_text() == "the deleted case's receipt\n"
