"""A letter for the next rung, from the case screen: pick the kind (the one the ladder calls
for first), read the letter as the literal text that will be saved, `ctrl+s` saves it to
the path below it (Markdown; a path ending .html gets the printable page), created 0600."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..store.errors import StoreError
from ..widgets.forms import clear_errors, field, show_error
from ..widgets.plain_text_area import PlainTextArea
from ..widgets.text import lit
from .evidence import typed_path
from ..widgets.footer import Footer

KINDS = ("complaint", "chargeback", "ombudsman", "follow-up")   # advice.playbook.LETTER_KINDS
KIND_WORDS = {"complaint": "A formal complaint to the company",
              "chargeback": "A chargeback request to your card issuer",
              "ombudsman": "A referral to the ombudsman or regulator",
              "follow-up": "A follow-up chasing promises not kept"}
# The rung a case stands on (or climbs to) -> the letter it calls for; complaint otherwise.
RUNG_KINDS = {"formal_complaint": "complaint", "ombudsman": "ombudsman",
              "chargeback": "chargeback"}


def called_for(assessment) -> str:
    """The kind the ladder calls for: the rung the next move climbs to, else the case's."""
    if assessment is None:
        return "complaint"
    rung = assessment.next_move.rung or assessment.rung
    return RUNG_KINDS.get(rung, "complaint")


def default_path(case_id: int, kind: str) -> str:
    return f"~/case-{case_id}-{kind}.md"


class LetterKindPicker(ModalScreen[None]):
    """Which letter: the one the ladder calls for first, then the others."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="letter_kind.cancel")]

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.styled("Write a letter: which one?", "bold"))
            yield OptionList(id="letter-kinds")
            yield Static(Content.styled("Enter writes it · Esc cancels", "dim"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    @work(exclusive=True, group="letter-kind")
    async def load(self) -> None:
        view = await self.app.load_case(self.case_id)
        first = called_for(view.assessment if view else None)
        options = self.query_one(OptionList)
        for kind in (first, *(k for k in KINDS if k != first)):
            note = ("  (the ladder's next step)", "dim") if kind == first and view else ""
            options.add_option(Option(Content.assemble((kind, "bold"), "  ", KIND_WORDS[kind],
                                                       note), id=kind))
        options.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(None)
        self.app.push_screen(LetterScreen(self.case_id, event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)


def build_letter(store, case_id: int, kind: str, playbook, now, config: Path):
    """(detail, profile, blocks) for the letter, or the ConfigError that stopped it."""
    from ..advice.clocks import clock_rows
    from ..advice.letters import letter_blocks
    from ..advice.playbook import ConfigError
    from ..advice.settings import load_profile, load_rules
    try:
        profile = load_profile(config)
        rules = load_rules(config).active
    except ConfigError as exc:
        return exc
    detail = store.get_detail(case_id)
    return detail, profile, letter_blocks(kind, detail, profile,
                                          clock_rows(detail, rules, now), playbook, now)


class LetterScreen(Screen):
    """The letter as it will be saved, and where to."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="letter.back"),
                Binding("ctrl+s", "save", "Save", id="letter.save", priority=True)]

    def __init__(self, case_id: int, kind: str) -> None:
        super().__init__()
        self.case_id, self.kind = case_id, kind
        self.blocks: list | None = None
        self.case_title = ""

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Writing the letter…", "dim"), id="letter-title")
        yield Static(id="letter-warning")
        yield PlainTextArea("", read_only=True, soft_wrap=True, id="letter-text",
                            show_line_numbers=False)
        with Vertical(id="letter-save"):
            yield field("save_path", "Save to (ctrl+s)",
                        Input(default_path(self.case_id, self.kind)),
                        "ends .html: a printable page; else Markdown")
            yield Static("", id="err-form", classes="field-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#letter-warning").display = False
        self.query_one("#letter-text").focus()
        self.load()

    @work(exclusive=True, group="letter")
    async def load(self) -> None:
        from ..advice.playbook import ConfigError
        from ..exports.document import to_markdown
        from ..store.paths import config_path
        playbook, now, config = self.app.playbook, self.app.now(), config_path()
        found = await self.app.read(
            lambda s: build_letter(s, self.case_id, self.kind, playbook, now, config))
        title = self.query_one("#letter-title", Static)
        if isinstance(found, ConfigError):
            title.update(Content.assemble(("Cannot write the letter: ", "bold $error"),
                                          lit(str(found))))
            return
        detail, profile, self.blocks = found
        self.case_title = detail.case.title
        title.update(Content.assemble((f"{self.kind.capitalize()} letter  ", "bold"),
                                      (f"#{detail.case.id} ", "dim"), lit(detail.case.title)))
        gaps = []
        if profile.missing():
            gaps.append(f"[me] {', '.join(profile.missing())} (set them in {config})")
        if detail.company is not None and not detail.company.account:
            gaps.append(f"your account number with {detail.company.name} (g, then e)")
        warning = self.query_one("#letter-warning", Static)
        warning.display = bool(gaps)
        warning.update(lit("Placeholders stand in for " + "; ".join(gaps), "$text-warning"))
        self.query_one("#letter-text", PlainTextArea).text = to_markdown(self.blocks)

    @on(Input.Submitted, "#save_path")
    def _enter(self) -> None:
        self.action_save()

    def action_save(self, force: bool = False) -> None:
        from ..store.atomic import atomic_write, check_target
        from ..exports.document import Heading, to_html, to_markdown
        clear_errors(self)
        if self.blocks is None:
            return
        typed = self.query_one("#save_path", Input).value
        if not typed.strip():
            show_error(self, "save_path", "type where to save the letter")
            return
        path = typed_path(typed)
        if path.suffix.lower() in (".html", ".htm"):
            subject = next((b.text for b in self.blocks if isinstance(b, Heading)), None)
            text = to_html(self.blocks, subject if isinstance(subject, str) else
                           self.case_title)
        else:
            text = to_markdown(self.blocks)
        notebooks = [self.app.store.path]
        try:
            check_target(path, force=True, notebooks=notebooks)   # the notebook, a link...
            if not force and path.exists():
                self._ask_replace(path)
                return
            with atomic_write(path, force=force, notebooks=notebooks) as fh:
                fh.write(text)
        except StoreError as exc:
            show_error(self, "save_path", str(exc))
            return
        self.app.say(f"Saved the {self.kind} letter to {path} (only you can read it).")

    def _ask_replace(self, path: Path) -> None:
        from .dialogs import ConfirmScreen
        self.app.push_screen(
            ConfirmScreen(Content.assemble(lit(str(path), "bold"), " already exists. "
                                           "Replace it with this letter?"), yes="Replace"),
            lambda yes: self.action_save(force=True) if yes else None)


def dossier_page(store, case_id: int, now, config: Path):
    """(file name, the dossier as a printable page) for a case, or the ConfigError that
    stopped it (the clocks come from the rules in config)."""
    from ..advice.clocks import clock_rows
    from ..advice.playbook import ConfigError
    from ..advice.settings import load_rules
    from ..exports.dossier import render_html
    from ..exports.pack import case_transcripts
    try:
        rules = load_rules(config).active
    except ConfigError as exc:
        return exc
    detail = store.get_detail(case_id)
    return f"case-{case_id}-dossier.html", render_html(
        detail, store.now(), clock_rows(detail, rules, now),
        transcripts=case_transcripts(store, detail))


async def deliver_dossier(app, case_id: int) -> None:
    """The dossier to the person: a download in the browser when served (App.deliver_text),
    else a new file 0600 in the Downloads folder, never over an existing one."""
    import asyncio
    import io
    import os

    from ..advice.playbook import ConfigError
    from ..store.atomic import atomic_write
    from ..store.paths import config_path
    now, config = app.now(), config_path()
    found = await app.read(lambda s: dossier_page(s, case_id, now, config))
    if isinstance(found, ConfigError):
        app.say(f"Cannot write the dossier: {found}", severity="error")
        return
    name, page = found
    if app.is_web:
        app.deliver_text(io.StringIO(page), save_filename=name, mime_type="text/html")
        app.say(f"Downloading the dossier as {name}.", timeout=6)
        return
    from platformdirs import user_downloads_path
    folder, stem = user_downloads_path(), name.removesuffix(".html")
    target, n = folder / name, 1
    while os.path.lexists(target):      # a new name that still ends .html, never over one
        n += 1
        target = folder / f"{stem}-{n}.html"

    def save() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(target, notebooks=[app.store.path]) as fh:
            fh.write(page)
    try:
        await asyncio.to_thread(save)
    except StoreError as exc:
        app.say(f"Cannot save the dossier: {exc}", severity="error")
        return
    except OSError as exc:
        app.say(f"Cannot save the dossier to {target}: {exc.strerror or exc}", severity="error")
        return
    app.say(f"Saved the dossier to {target} (a page to print; only you can read it).",
            timeout=10)
