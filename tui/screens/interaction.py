"""One contact: every field, the notes and the imported transcript text, literally."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from ..store import NotFound
from ..store.mail_import import message_headers
from ..store.times import format_duration
from ..widgets.text import duration, labelled, lit, when
from .transcript import transcript_content
from ..widgets.footer import Footer


class InteractionScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="contact.back"),
        Binding("o", "open_ref", "Open transcript", id="contact.open_ref"),
        Binding("e", "edit", "Edit", id="contact.edit"),
        Binding("d", "delete", "Delete", id="contact.delete"),
        Binding("m", "import_mail", "Import mail", id="contact.import_mail",
                tooltip="Import mail into this contact's case"),
    ]

    def __init__(self, interaction_id: int) -> None:
        super().__init__()
        self.interaction_id = interaction_id
        self.interaction = None

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Loading…", "dim"), id="interaction-title")
        with VerticalScroll(id="interaction-body"):
            yield Static(id="interaction-fields", classes="panel")
            yield Static(id="interaction-notes", classes="panel")
            yield Static(id="interaction-transcript", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#interaction-notes").border_title = "Notes"
        self.query_one("#interaction-transcript").border_title = "Transcript"
        self.watch(self.app, "data_version", lambda: self.load(), init=False)
        self.load()

    @work(exclusive=True, group="interaction")
    async def load(self) -> None:
        def fetch(store):
            try:
                i = store.get_interaction(self.interaction_id)
            except NotFound:
                return None
            text = store.transcript(i.id)
            return (i, store.get_case(i.case_id), text,
                    message_headers(store, i.id) if text else None)
        found = await self.app.read(fetch)
        if found is None:
            if self.is_current:
                self.dismiss()
            return
        i, case, transcript, headers = found
        self.interaction = i
        self.query_one("#interaction-title", Static).update(Content.assemble(
            (f"{i.channel.replace('_', ' ')} contact, {when(i.started_at)}  ", "bold"),
            lit(case.title, "dim")))
        self.query_one("#interaction-fields", Static).update(labelled([
            ("Outcome", i.outcome or "live (in progress)"), ("Direction",
             "you contacted them" if i.direction == "out" else "they contacted you"),
            ("Agent", i.agent), ("Agent ID", i.agent_id), ("Started", when(i.started_at)),
            ("Ended", when(i.ended_at)), ("Length", duration(i.started_at, i.ended_at)),
            ("Hold", format_duration(i.hold_seconds) if i.hold_seconds else ""),
            ("Reference", i.reference),
            ("Transcript reference", (i.transcript_ref or "") +
             ("   (o opens it)" if i.transcript_ref else ""))]))
        self.query_one("#interaction-notes", Static).update(
            lit(i.notes) if i.notes else Content.styled("No notes.", "dim"))
        panel = self.query_one("#interaction-transcript", Static)
        panel.display = bool(transcript)
        panel.update(transcript_content(transcript or "", headers))

    def action_back(self) -> None:
        self.dismiss()

    def action_open_ref(self) -> None:
        if self.interaction is not None:
            self.app.open_transcript(self.interaction.transcript_ref)

    def action_edit(self) -> None:
        if self.interaction is not None:
            from .contact_form import ContactForm
            self.app.push_screen(ContactForm(self.interaction.case_id, self.interaction))

    def action_import_mail(self) -> None:
        if self.interaction is not None:
            from .mail_pick import MailImportScreen
            self.app.push_screen(MailImportScreen(self.interaction.case_id))

    def action_delete(self) -> None:
        from .dialogs import ConfirmScreen
        if self.interaction is None:
            return

        def deleted(_) -> None:
            self.app.say("Contact deleted.")
            if self.is_current:
                self.dismiss()

        def confirmed(yes: bool | None) -> None:
            contact_id = self.interaction_id
            if yes:
                self.app.write_soon(lambda s: s.delete_interaction(contact_id),
                                    case_id=self.interaction.case_id, then=deleted)
        self.app.push_screen(ConfirmScreen(Content("Delete this contact for good?"),
                                           yes="Delete"), confirmed)
