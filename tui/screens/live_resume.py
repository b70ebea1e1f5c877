"""Contacts left live by a crash: resume each on the live screen, or finish it."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..store import Interaction
from ..widgets.text import lit, when
from .dialogs import FinishContactScreen
from .live import LiveScreen


class ResumeLiveScreen(ModalScreen[None]):
    """Contacts left live (the app or the terminal died mid-call): resume or finish each.
    Whatever was typed was saved as it went, so nothing is lost either way."""

    BINDINGS = [Binding("r", "resume", "Resume", id="resume_live.resume"),
                Binding("f", "finish", "Finish", id="resume_live.finish"),
                Binding("escape", "later", "Decide later", id="resume_live.later")]

    def __init__(self, live: list[Interaction]) -> None:
        super().__init__()
        self.live = live

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(Content.styled("Contacts still in progress", "bold $warning"))
            yield Static("These contacts were left live. Enter resumes one (its clock keeps "
                         "running from its start); f finishes it with an outcome.",
                         markup=False)
            yield OptionList(id="live-list")
            yield Static(Content.styled("Enter/r resume · f finish · Esc decide later", "dim"))

    def on_mount(self) -> None:
        self.refresh_list()

    def on_screen_resume(self) -> None:
        self.refresh_list()

    @work(exclusive=True, group="live-list")
    async def refresh_list(self) -> None:
        def fetch(store):
            live = store.live_contacts()
            return live, store.cases_by_id(i.case_id for i in live)
        self.live, cases = await self.app.read(fetch)
        if not self.live:
            if self.is_current:     # dismiss() pops the top screen, whichever it is
                self.dismiss(None)
            return
        options = self.query_one(OptionList)
        options.clear_options()
        for i in self.live:
            case = cases.get(i.case_id)
            options.add_option(Option(Content.assemble(
                lit(case.title if case else f"case {i.case_id}", "bold"), "  ",
                lit(case.company if case else ""), "\n  ",
                f"{i.channel}, started {when(i.started_at)}",
                *((", agent ", lit(i.agent)) if i.agent else ())), id=str(i.id)))
        options.highlighted = 0
        options.focus()

    def _chosen(self) -> Interaction | None:
        option = self.query_one(OptionList).highlighted_option
        return next((i for i in self.live if option and str(i.id) == option.id), None)

    @on(OptionList.OptionSelected)
    def action_resume(self) -> None:
        if (contact := self._chosen()) is not None:
            self.app.push_screen(LiveScreen(contact))

    def action_finish(self) -> None:
        contact = self._chosen()
        if contact is None:
            return

        async def submit(values: dict) -> None:
            values = dict(values)
            outcome = values.pop("outcome")
            await self.app.write(lambda s: s.finish_contact(contact.id, outcome, **values),
                                 case_id=contact.case_id)
        self.app.push_screen(FinishContactScreen(submit))

    def action_later(self) -> None:
        self.dismiss(None)
