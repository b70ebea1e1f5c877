"""A contact in progress: the clock, the hold toggle, the fields, the brief beside them, the
stall banner, and press restart. Saved as it goes: nothing typed is lost if the app dies,
and a hold running then resumes (or is closed at the last autosave: see store.live_hold)."""

from __future__ import annotations

from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Static, TextArea

from ..store import Interaction, StoreError, ValidationError, live_hold
from ..store.times import clock_text, format_duration, from_iso, whole_minutes
from ..widgets.case_views import brief_content, company_lines
from ..widgets.footer import FitFooter
from ..widgets.forms import clear_errors, field, show_error
from ..widgets.suggest import agent_suggester
from ..widgets.plain_text_area import PlainTextArea
from ..widgets.text import lit
from .following import FollowingScreen

SAVE_DEBOUNCE = 0.6
FIELDS = ("agent", "agent_id", "reference", "transcript_ref")
PROGRESS_SHOWN = 60  # seconds the top bar says "progress noted" after F3


class LiveScreen(FollowingScreen):
    """One live contact. F-keys so every letter can go into the fields. Another process's
    write reloads the brief, the route and the top bar, never the fields being typed in."""

    BINDINGS = [
        Binding("f2", "hold", "Hold on/off", id="live.hold", priority=True),
        Binding("f3", "progress", "Progress noted", id="live.progress", priority=True),
        Binding("f5", "restart", "Press restart", id="live.restart", priority=True),
        Binding("f9", "finish", "End contact", id="live.finish", priority=True),
        # before copy brief: at 80 columns it stays in sight
        Binding("f1", "app.help", "Help", id="live.help"),
        Binding("ctrl+y", "copy_brief", "Copy brief", id="live.copy_brief", priority=True),
        Binding("escape", "finish", "End", id="live.finish", show=False),
    ]

    def __init__(self, contact: Interaction) -> None:
        super().__init__()
        self.contact = contact
        self.company: str | None = None
        self.brief_text = ""
        self._ended = False     # by this screen, or news from elsewhere already said
        self._reset_clock(contact)

    def _reset_clock(self, contact: Interaction) -> None:
        self.started = from_iso(contact.started_at)
        self.hold_total = contact.hold_seconds
        self.hold_since: datetime | None = None
        self.hold_note = ""         # how a hold left running was resumed
        self.autosaved_at: datetime | None = None
        self.progress_at = self.started
        self.progress_noted: datetime | None = None   # the last F3, for the top bar
        self._save_timer = None
        self._stall_shown = ""

    def _resume_hold(self) -> None:
        """A hold left running (the app died or quit mid-hold) runs on, or is closed at
        the last autosave when the app was gone too long; the screen says which."""
        key = live_hold.key(self.contact.uid)
        running = live_hold.parse(self.app.read_now(lambda s: s.meta_get(key)))
        resumed = live_hold.resume(self.contact.hold_seconds, running, self._now())
        self.hold_total, self.hold_since, self.hold_note = (resumed.closed, resumed.since,
                                                            resumed.note)
        if resumed.note:
            self.app.say(resumed.note[:1].upper() + resumed.note[1:] + ".", timeout=15)
        if running and resumed.since is None:
            self.save()             # closed: written so, and the running record ends

    def _now(self) -> datetime:
        """The app's clock to the second: holds count whole seconds, as they are saved."""
        return self.app.now().replace(microsecond=0)

    def compose(self) -> ComposeResult:
        with Horizontal(id="live-top"):
            yield Static(id="live-what")
            yield Static(id="live-progress")
            yield Static(id="live-hold")
            yield Static(id="live-clock")
        yield Static(id="live-banner", classes="stall-banner")
        yield Static(id="live-note")    # how a hold left running was resumed
        with Horizontal(id="live-body"):
            with VerticalScroll(id="live-fields"):
                yield field("agent", "Agent", Input(placeholder="name as given",
                            suggester=agent_suggester(self.app, lambda: self.company)))
                yield field("agent_id", "Agent ID", Input())
                yield field("reference", "Reference they gave", Input(
                    placeholder="ticket or case number (counts as progress)"))
                yield field("transcript_ref", "Transcript reference", Input(
                    placeholder="chat or e-mail ID, a file or a link"))
                yield field("notes", "Notes", PlainTextArea(soft_wrap=True))
                yield Static("", id="err-form", classes="field-error")
            with VerticalScroll(id="live-side", can_focus=False):
                yield Static(id="live-route", classes="panel")
                yield Static(id="live-brief", classes="panel")
                yield Static(id="live-guide", classes="panel")
        yield FitFooter(spare=("copy_brief",))   # the brief's title says ctrl+y

    def on_mount(self) -> None:
        self.query_one("#live-brief").border_title = "Brief  (ctrl+y copies)"
        self.query_one("#live-guide").border_title = "This channel"
        self.query_one("#live-route").border_title = "Reach them"
        self.query_one("#live-route").display = False
        self._fill_fields(self.contact)
        self._resume_hold()
        self.query_one("#live-banner").display = False
        self.set_interval(1, self.tick)
        self.tick()
        self.watch(self.app, "data_version", self._data_changed, init=False)
        self.load_brief()
        self.query_one("#agent", Input).focus()

    def _fill_fields(self, contact: Interaction) -> None:
        self.values = {name: getattr(contact, name) or "" for name in (*FIELDS, "notes")}
        with self.prevent(Input.Changed, TextArea.Changed):
            for name in FIELDS:
                self.query_one(f"#{name}", Input).value = self.values[name]
            self.query_one("#notes", TextArea).text = self.values["notes"]
        guide = self.app.playbook.channel_guides.get(contact.channel, "")
        self.query_one("#live-guide", Static).update(
            Content.assemble((contact.channel.replace("_", " "), "bold"), "\n", lit(guide)))

    def load(self) -> None:
        self.load_brief()

    @work(exclusive=True, group="live-brief")
    async def load_brief(self) -> None:
        view = await self.app.load_case(self.contact.case_id, brief=True)
        if view is None or not all(self.query(w) for w in ("#live-brief", "#live-what",
                                                            "#live-route")):
            return      # or the screen is closing: it closed while the case was read
        case = view.detail.case
        mine = next((i for i in view.detail.interactions if i.id == self.contact.id), None)
        if (mine is None or not mine.live) and not self._ended:
            # Another process ended or deleted it: said once, what is typed here stays.
            self._ended = True
            self.app.say("This contact was deleted elsewhere." if mine is None else
                         f"This contact was ended elsewhere ({mine.outcome}).",
                         severity="warning", timeout=10)
        self.company = case.company
        self.brief_text = view.brief.text if view.brief and view.brief.text else \
            brief_content(view.brief).plain
        self.query_one("#live-brief", Static).update(brief_content(view.brief))
        route = self.query_one("#live-route", Static)
        lines = company_lines(view.detail, self.app.now(), channel=self.contact.channel)
        route.display = lines is not None
        route.update(lines or "")
        self.query_one("#live-what", Static).update(Content.assemble(
            ("● LIVE ", "bold $error"), (self.contact.channel.replace("_", " "), "bold"),
            " · ", lit(case.company, "$accent"), " · ", lit(case.title)))

    # -- the clock -----------------------------------------------------------------------
    def hold_seconds(self, now: datetime | None = None) -> int:
        now = now or self._now()
        current = (now - self.hold_since).total_seconds() if self.hold_since else 0
        return int(self.hold_total + max(0, current))

    def tick(self) -> None:
        now = self.app.now()
        self.query_one("#live-clock", Static).update(Content.styled(
            clock_text((now - self.started).total_seconds()), "bold"))
        hold = self.query_one("#live-hold", Static)
        if self.hold_since:
            held = clock_text((now - self.hold_since).total_seconds())
            hold.update(Content.styled(f" ON HOLD {held} (total "
                                       f"{format_duration(self.hold_seconds(now))}) ",
                                       "bold reverse $warning"))
        else:
            hold.update(Content.styled(f"hold {format_duration(self.hold_total)}  F2 ", "dim"))
        self._show_progress(now)
        note = self.query_one("#live-note", Static)
        note.update(Content.styled(self.hold_note, "italic"))
        note.display = bool(self.hold_note)
        self._check_stall(now)
        if self.hold_since and (self.autosaved_at is None or (
                now - self.autosaved_at).total_seconds() >= live_hold.AUTOSAVE_SECONDS):
            self.save()   # a running hold is saved as it grows, for a resume after a crash

    def _show_progress(self, now: datetime) -> None:
        """How long since progress was last noted (F3, a reference, the start); just after
        F3, that it was."""
        since = (now - self.progress_at).total_seconds()
        shown = self.query_one("#live-progress", Static)
        if self.progress_noted and (now - self.progress_noted).total_seconds() < PROGRESS_SHOWN:
            shown.update(Content.styled("✓ progress noted", "bold $success"))
        else:
            shown.update(Content.styled(f"progress {whole_minutes(since)}m ago  F3", "dim"))

    def _check_stall(self, now: datetime) -> None:
        limits = self.app.playbook.thresholds
        no_progress = int(limits.get("live_no_progress_minutes", 15))
        long_hold = int(limits.get("live_hold_minutes", 10))
        message = ""
        if self.hold_since and (now - self.hold_since).total_seconds() >= long_hold * 60:
            minutes = whole_minutes((now - self.hold_since).total_seconds())
            message = (f"⟳ On hold for {minutes} min. Ask for a callback, or press restart (F5) "
                       "and try chat or e-mail instead.")
        elif (now - self.progress_at).total_seconds() >= no_progress * 60:
            minutes = whole_minutes((now - self.progress_at).total_seconds())
            message = (f"⟳ {minutes} min without progress noted. Press restart (F5): end it "
                       "and try another agent or channel. (F3 if it is moving.)")
        banner = self.query_one("#live-banner", Static)
        if message != self._stall_shown:
            self._stall_shown = message
            banner.update(Content(message))
            banner.display = bool(message)

    # -- saving as it goes ---------------------------------------------------------------
    @on(Input.Changed)
    @on(TextArea.Changed)
    def _typed(self, event) -> None:
        if isinstance(event, Input.Changed):
            self.values[event.input.id] = event.value
            if event.input.id == "reference" and event.value.strip():
                self.progress_at = self.app.now()  # a reference number is progress
        else:
            self.values[event.text_area.id] = event.text_area.text
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DEBOUNCE, self.save)

    def field_values(self) -> dict:
        """The fields' text; once the widgets are gone (on_unmount), as last typed."""
        if not self.query("#notes"):
            return dict(self.values)
        values = {name: self.query_one(f"#{name}", Input).value for name in FIELDS}
        values["notes"] = self.query_one("#notes", TextArea).text
        return values

    def save(self) -> None:
        """Write the fields (and hold) as they are now, on the app's writer (in order with
        the saves before); a bad value is shown, never dropped."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        clear_errors(self)
        self._save(self._write())

    @work(group="live-save")
    async def _save(self, write) -> None:
        try:
            await self.app.write(write, quiet=True)
        except ValidationError as exc:
            show_error(self, exc.field, f"not saved yet: {exc.message}")
        except StoreError as exc:
            show_error(self, "form", f"Not saved yet: {exc}")

    def _write(self):
        """The save of the fields and hold as they are now (run on the writer)."""
        now = self.autosaved_at = self._now()
        running = live_hold.running_at(self.hold_since, now) if self.hold_since else None
        contact_id, hold, values = self.contact.id, self.hold_seconds(now), self.field_values()
        return lambda s: s.edit_interaction(contact_id, hold=hold, running_hold=running,
                                            **values)

    def on_unmount(self) -> None:
        """The app is closing within the save debounce, or mid-hold: write what was typed
        last and the hold up to now."""
        if self._save_timer is not None or self.hold_since:
            self.app.write_soon(self._write(), quiet=True)

    # -- actions -------------------------------------------------------------------------
    def action_hold(self) -> None:
        now = self._now()
        self.hold_note = ""
        if self.hold_since:
            self.hold_total = self.hold_seconds(now)
            self.hold_since = None
        else:
            self.hold_since = now
        self.save()
        self.tick()

    def action_progress(self) -> None:
        self.progress_at = self.progress_noted = self.app.now()
        self.app.say("Progress noted: the no-progress clock starts again.", timeout=3)
        self.tick()

    def action_copy_brief(self) -> None:
        self.app.copy_to_clipboard(self.brief_text)
        self.app.say("Brief copied to the clipboard.", timeout=3)

    async def _finish(self, outcome: str, **said) -> None:
        """End the contact: close any hold, save the fields, set the outcome (and what the
        dialog says was promised or asked, and the milestone). Raises ValidationError so
        the dialog asking for the outcome can show it."""
        if self.hold_since:
            self.hold_total = self.hold_seconds()
            self.hold_since = None
        if self._save_timer is not None:    # the finish saves the fields
            self._save_timer.stop()
            self._save_timer = None
        contact_id, hold, values = self.contact.id, self.hold_total, self.field_values()
        self._ended = True      # the reload this write brings is no news from elsewhere
        try:
            await self.app.write(lambda s: s.finish_contact(contact_id, outcome, hold=hold,
                                                            **said, **values),
                                 case_id=self.contact.case_id)
        except StoreError:
            self._ended = False
            raise

    def action_finish(self) -> None:
        from .dialogs import FinishContactScreen

        async def submit(values: dict) -> None:
            values = dict(values)
            await self._finish(values.pop("outcome"), **values)

        def done(finished: bool | None) -> None:
            if finished:
                self.app.say("Contact saved.", timeout=4)
                self.dismiss()
        self.app.push_screen(FinishContactScreen(submit), done)

    @work(exclusive=True, group="live-restart")
    async def action_restart(self) -> None:
        """Press restart: this contact ends as `restarted`; the next one starts on the
        channel picked, with fresh agent fields. The advice, which counts this dead end
        too, proposes the channel and the route."""
        from .dialogs import ChannelPicker
        try:
            await self._finish("restarted")
        except StoreError as exc:
            self.app.say(f"Could not end the contact: {exc}", severity="error")
            return
        move = None
        try:
            view = await self.app.load_case(self.contact.case_id)
            move = view.assessment.next_move if view and view.assessment else None
        finally:    # a failed read still leaves the choice of the next channel
            self.app.push_screen(ChannelPicker(
                self.contact.case_id, current=self.contact.channel,
                recommended=move.channel if move else None, advice=move.text if move else None,
                title="Press restart: the next contact, on which channel?"),
                self._next_contact)

    def _next_contact(self, channel: str | None) -> None:
        if not channel:
            self.app.say("Ended as restarted. Start the next contact with c when ready.")
            self.dismiss()
            return
        self._start_next(channel)

    @work(group="live-next")
    async def _start_next(self, channel: str) -> None:
        case_id = self.contact.case_id
        try:
            contact = await self.app.write(lambda s: s.start_contact(case_id, channel),
                                           quiet=True)
        except StoreError as exc:
            self.app.say(str(exc), severity="error")
            if self.is_current:
                self.dismiss()
            return
        self.contact = contact
        self._ended = False
        self._reset_clock(contact)
        self._fill_fields(contact)
        self.load_brief()
        self.tick()
        self.query_one("#agent", Input).focus()
        self.app.say(f"New contact on {channel}: fresh start.", timeout=4)
