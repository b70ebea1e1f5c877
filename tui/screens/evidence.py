"""A case's evidence files: receipts, photos, screenshots, the attachments of imported mail.
Enter opens one with the system viewer (App.open_url, so it works when served in a browser
too), `a` attaches a file by path, `x` removes one after asking."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Input, Static

from ..store import ValidationError
from ..store.attachments import file_size
from ..store.errors import StoreError
from ..store.userfiles import UnreadableFile
from ..store.records import Attachment
from ..widgets.case_table import FitTable
from ..widgets.forms import field
from .form import FormScreen, Write
from ..widgets.text import cell, lit, when
from .following import FollowingScreen
from ..widgets.footer import Footer

COLUMNS = (("name", "File", 14, 3), ("size", "Size", 8, 0), ("added", "Added", 16, 0),
           ("contact", "Contact", 7, 0), ("note", "Note", 8, 2))
ORIGIN_WORDS = {"mail": "from imported mail", "original": "the message as received"}


def can_open_here(app) -> bool:
    """Whether App.open_url reaches a viewer: served in a browser, or a desktop session.
    Without one, Python's webbrowser may start a console browser over this screen."""
    if getattr(app, "is_web", False) or sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def typed_path(value: str) -> Path:
    """A path as typed or pasted: surrounding quotes (a file dropped on a terminal) go, `~`
    is the home folder."""
    value = value.strip()
    if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return Path(os.path.expanduser(value))


class EvidenceScreen(FollowingScreen):
    """The case's files: name, size, when added, the contact it came with, the note."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="evidence.back"),
        Binding("enter", "open", "Open", id="evidence.open",
                tooltip="Open the file with the system viewer"),
        Binding("a", "attach", "Attach", id="evidence.attach", tooltip="Attach a file by its path"),
        Binding("x", "remove", "Remove", id="evidence.remove",
                tooltip="Remove the file from the case (asks first)"),
        Binding("backspace", "back", "", id="evidence.back", show=False),
    ]

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id
        self.files: list[Attachment] = []

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Loading…", "dim"), id="evidence-title")
        yield FitTable(COLUMNS, id="evidence-list", opens=lambda _key: self.action_open())
        yield Static(id="evidence-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#evidence-list").border_title = "Evidence files  (Enter opens · a attaches)"
        self.watch(self.app, "data_version", self._data_changed, init=False)
        self.load()
        self.query_one("#evidence-list").focus()

    @work(exclusive=True, group="evidence")
    async def load(self) -> None:
        found = await self.app.read(lambda s: _case_files(s, self.case_id))
        if found is None:
            if self.is_current:
                self.app.say(f"Case {self.case_id} no longer exists.", severity="warning")
                self.dismiss()
            return
        title, self.files = found
        self.query_one("#evidence-title", Static).update(Content.assemble(
            (f"#{self.case_id}  ", "dim"), lit(title, "bold"), ("  evidence files", "dim")))
        table = self.query_one("#evidence-list", FitTable)
        keep = table.cursor_row
        table.clear()
        for f in self.files:
            table.add_row(cell(f.name, limit=120), cell(file_size(f.size)),
                          cell(when(f.added_at)),
                          cell(f"#{f.interaction_id}" if f.interaction_id else "—"),
                          cell(f.note or ORIGIN_WORDS.get(f.origin, ""), limit=120),
                          key=str(f.id))
        table.border_subtitle = "" if self.files else "no files yet: a attaches one"
        if table.row_count:
            table.move_cursor(row=min(max(keep, 0), table.row_count - 1))
        self._show_detail()

    @on(DataTable.RowHighlighted, "#evidence-list")
    def _show_detail(self) -> None:
        """The highlighted file in full: the table cuts long names and notes."""
        f = self._selected()
        detail = self.query_one("#evidence-detail", Static)
        if f is None:
            detail.update("")
            return
        detail.update(Content.assemble(
            lit(f.name, "bold"), f"  {f.type}, {f.size:,} bytes, sha256 {f.sha256[:16]}…",
            *(("\n", lit(f.note)) if f.note else ())))

    def _selected(self) -> Attachment | None:
        key = self.query_one("#evidence-list", FitTable).highlighted_key
        return next((f for f in self.files if str(f.id) == key), None)

    # -- actions -------------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss()

    def action_open(self) -> None:
        f = self._selected()
        if f is None:
            self.app.say("No file selected: a attaches one.")
            return
        path = self.app.store.evidence_path(f.sha256)
        if not path.is_file():
            self.app.say(f"“{f.name}” is missing from the evidence folder ({path}); "
                         "`supportlog doctor` checks every file.", severity="error")
            return
        if self.app.is_web:
            # Served in a browser: the file goes to the browser, not to the server's viewer.
            self.app.deliver_binary(path, save_filename=f.name, open_method="browser",
                                    mime_type=f.type)
            return
        self._view(f)

    @work(thread=True, group="evidence-view")
    def _view(self, f: Attachment) -> None:
        try:
            copy = self.app.store.viewing_copy(f)
        except OSError as exc:
            self.app.call_from_thread(self.app.say, f"cannot copy “{f.name}” to open it: "
                                      f"{exc.strerror or exc}", severity="error")
            return
        self.app.call_from_thread(self._opened, f, copy)

    def _opened(self, f: Attachment, copy: Path) -> None:
        if not can_open_here(self.app):
            self.app.copy_to_clipboard(str(copy))
            self.app.say(f"No viewer to open “{f.name}” here; a copy's path is on the "
                         f"clipboard: {copy}", timeout=10)
            return
        self.app.open_url(copy.as_uri())
        self.app.say(f"Opened a copy of “{f.name}”.", timeout=4)

    def action_attach(self) -> None:
        self.app.push_screen(AttachForm(self.case_id), self._attached)

    def _attached(self, attached: Attachment | None) -> None:
        if attached is not None:
            self.app.say(f"Attached “{attached.name}” ({file_size(attached.size)}).")

    def action_remove(self) -> None:
        from .dialogs import ConfirmScreen
        f = self._selected()
        if f is None:
            self.app.say("No file selected.")
            return
        question = Content.assemble("Remove ", lit(f.name, "bold"), " from this case? The "
                                    "stored copy goes too unless another case holds it.")

        def confirmed(yes: bool | None) -> None:
            # A deleted case's files wait for its undo: no sweep while one is pending.
            sweep = self.app.last_deleted is None
            if yes:
                self.app.write_soon(lambda s: _detach(s, f.id, sweep), case_id=self.case_id,
                                    then=lambda _: self.app.say(f"Removed “{f.name}”."))
        self.app.push_screen(ConfirmScreen(question, yes="Remove"), confirmed)


def _case_files(store, case_id: int) -> tuple[str, list[Attachment]] | None:
    from ..store import NotFound
    try:
        title = store.get_case(case_id).title
    except NotFound:
        return None
    return title, store.attachments(case_id)


def _detach(store, attachment_id: int, sweep: bool) -> bool:
    store.detach(attachment_id)
    if sweep:       # and any file an earlier removal cut short left behind
        store.sweep_evidence()
    return True


class AttachForm(FormScreen):
    """Attach a file by its path; a bad path is said under it, and what was typed stays."""

    TITLE = "Attach a file to this case"
    SAVE_LABEL = "Attach"

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id

    def fields(self) -> ComposeResult:
        yield field("path", "File", Input(placeholder="~/Downloads/receipt.pdf"),
                    "its path: ~ is your home folder; the file is copied into the notebook")
        yield field("note", "Note", Input(placeholder="what it shows (optional)"))

    def on_mount(self) -> None:   # FormScreen's runs after it (Textual calls each class's)
        self.query_one("#path", Input).focus()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        if event.input.id == "path":
            self.when_whole(lambda: self.query_one("#note", Input).focus())
        else:
            self.action_save()

    def save(self) -> Write:
        typed = self.value("path")
        if typed is None:
            raise ValidationError("path", "type the path of the file to attach")
        path = typed_path(typed)
        if not path.exists():
            raise ValidationError("path", f"{path}: no such file; check the path")
        if path.is_dir():
            raise ValidationError("path", f"{path} is a folder; name a file in it")
        case_id, note = self.case_id, self.value("note")

        def attach(store) -> Attachment:
            try:
                return store.attach_file(case_id, path, note=note)
            except UnreadableFile as exc:   # not a regular file of the user's, too big, denied
                raise ValidationError("path", str(exc)) from None
            except OSError as exc:
                raise StoreError(f"cannot attach {path}: {exc.strerror or exc}") from None
        return attach
