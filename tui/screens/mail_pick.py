"""Import e-mail or a chat transcript from a path into a case: the messages are read off the
UI thread, written in one app.write (on the writer thread), and the result said in one
line. Without a case (a message linked by neither its thread nor a reference), the sender's
company's open cases are offered in a picker: a domain match alone never imports."""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, OptionList, Static
from textual.widgets.option_list import Option

from ..store.errors import StoreError
from ..store.wording import plural
from ..widgets.forms import clear_errors, field, show_error
from ..widgets.text import lit
from .evidence import typed_path


def import_summary(done) -> str:
    """'3 messages imported, 1 already there; 2 attachments' for what import_messages did."""
    new = [d for d in done if d.new]
    old = len(done) - len(new)
    files = sum(len(d.attachment_ids) for d in new)
    if not new:
        return f"Nothing new: {plural(old, 'message')} already there."
    text = f"{plural(len(new), 'message')} imported"
    if old:
        text += f", {old} already there"
    if files:
        text += f"; {plural(files, 'attachment')} kept as evidence"
    return text + "."


def _import(store, messages, case_id, me_emails, keep_original):
    """The write: what was imported, or the error to show in the dialog (a NeedsCase says
    which cases could be meant)."""
    from ..store.mail_import import import_messages
    try:
        return import_messages(store, messages, case_id=case_id, me_emails=me_emails,
                               keep_original=keep_original)
    except StoreError as exc:
        return exc


def _read(path, config):
    """(messages, your own addresses) read from the files, off the UI thread."""
    from ..advice.settings import load_profile
    from ..store.mail import read_messages
    return read_messages(path), list(load_profile(config).emails)


class MailImportScreen(ModalScreen[bool]):
    """A path (a file or a Maildir folder), then the import into `case_id` (None: each
    message is linked by its thread or a reference, else a picker of candidate cases)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="mail_import.cancel"),
                Binding("ctrl+s", "submit", "Import", id="mail_import.submit", priority=True)]

    def __init__(self, case_id: int | None) -> None:
        super().__init__()
        self.case_id = case_id
        self.messages: list | None = None
        self.mine: list[str] = []

    def compose(self) -> ComposeResult:
        into = "this case" if self.case_id is not None else "the case it belongs to"
        with Vertical(classes="dialog wide", id="mail-dialog"):
            yield Static(Content.styled(f"Import e-mail or a chat transcript into {into}",
                                        "bold"))
            yield field("path", "File or folder", Input(placeholder="~/Downloads/chat.eml"),
                        ".eml, .mbox, a Maildir folder, .txt or .html; ~ is your home folder")
            yield field("keep", "Original", Checkbox(
                "keep the message file itself too (card numbers in it cannot be masked)"))
            yield Static("", id="err-form", classes="field-error")
            yield Static(Content.styled("Enter imports · Esc cancels", "dim"))

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Submitted)
    def action_submit(self) -> None:
        clear_errors(self)
        typed = self.query_one("#path", Input).value
        if not typed.strip():
            show_error(self, "path", "type the path of the message file or folder")
            return
        self.run_import(typed)

    @work(exclusive=True, group="mail-import")
    async def run_import(self, typed: str) -> None:
        from ..advice.playbook import ConfigError
        from ..store.mail import MailError
        from ..store.paths import config_path
        path = typed_path(typed)
        try:
            self.messages, self.mine = await asyncio.to_thread(_read, path, config_path())
        except MailError as exc:
            show_error(self, "path", str(exc))
            return
        except ConfigError as exc:
            show_error(self, "form", str(exc))
            return
        await self._write(self.case_id)

    async def _write(self, case_id: int | None) -> None:
        from ..store.mail_import import NeedsCase
        keep = self.query_one("#keep", Checkbox).value
        messages, mine = self.messages, self.mine
        try:
            done = await self.app.write(lambda s: _import(s, messages, case_id, mine, keep),
                                        quiet=True)
        except StoreError as exc:   # the notebook could not be opened for writing
            done = exc
        if not self.is_current:
            return      # closed meanwhile: the import stands, unsaid
        if isinstance(done, NeedsCase) and done.candidates:     # nothing was written
            self.app.push_screen(CasePicker(done.candidates), self._picked)
            return
        if isinstance(done, StoreError):
            # A message the store refused (a date ahead, too long); those before it stay.
            self.app.notebook_changed(case_id)
            show_error(self, "form", str(done))
            return
        for item in done:
            for guess in item.warnings:
                self.app.say(f"{item.message.source}: {guess}", severity="warning", timeout=10)
        changed = {d.case_id for d in done}
        self.app.notebook_changed(changed.pop() if len(changed) == 1 else None)
        self.app.say(import_summary(done))
        self.dismiss(True)

    def _picked(self, case_id: int | None) -> None:
        if case_id is not None:
            self._write_picked(case_id)

    @work(exclusive=True, group="mail-import")
    async def _write_picked(self, case_id: int) -> None:
        await self._write(case_id)

    def action_cancel(self) -> None:
        self.dismiss(False)


class CasePicker(ModalScreen[int | None]):
    """Which of the sender's company's open cases a message belongs to."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="case_picker.cancel")]

    def __init__(self, candidates: list[tuple[int, str]]) -> None:
        super().__init__()
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(Content.assemble(
                ("Which case is the mail about?", "bold"), "\n",
                ("No thread or reference links it; these are the open cases of the "
                 "sender's company.", "dim")))
            yield OptionList(*(Option(Content.assemble((f"#{cid}  ", "dim"), lit(title)),
                                      id=str(cid)) for cid, title in self.candidates),
                             id="case-candidates")
            yield Static(Content.styled("Enter imports into it · Esc cancels", "dim"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
