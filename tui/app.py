"""The Textual app: owns the notebook, the clock and the playbook; screens do the rest.

Threads: the main store (tiny reads) lives on the UI thread. Anything whose cost grows
with the history runs in a worker thread on a connection of its own borrowed from
`ReaderPool`, and every write runs on the one writer thread (`Writer`, with a connection of
its own), because one sqlite3 connection must never run transactions from two threads and a
locked notebook must not hold the screen.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, NamedTuple, TypeVar

from textual import work
from textual.worker import NoActiveWorker, get_current_worker
from textual.app import App
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen

from .advisor import Advisor
from .clean_text import for_terminal
from .screens.following import NotebookWatch
from .screens.sizing import presize
from .screens.too_small import FitsTerminal
from .store import CaseDetail, NotFound, Store, StoreError
from .store.readers import ReaderPool
from .store.db import translate
from .store.writer import Writer
from .store.times import now_utc
from .widgets.removal import being_removed
from .undo_stack import UndoStack

if TYPE_CHECKING:  # the advice layer is imported after the first paint (see Advisor)
    from .advice import Assessment, Brief
    from .store.facts import AdviceRow

T = TypeVar("T")
# How often the notebook is checked for another process's writes (see NotebookWatch).
WATCH_SECONDS = 1.0
STALLED_META = "stalled_ids"
THEME_META = "theme"


def _caller_going(app: App) -> bool:
    """True when the worker awaiting a read belongs to a screen or widget being removed
    (a closed screen, the app shutting down): its children may already be gone, so what
    follows the await must not run."""
    try:
        node = get_current_worker().node
    except NoActiveWorker:
        return not app.is_running
    return not app.is_running or being_removed(node)


class CaseView(NamedTuple):
    """One case as a screen shows it: the record, its findings, its brief."""

    detail: CaseDetail
    assessment: Assessment | None
    brief: Brief | None


class SupportlogApp(FitsTerminal, App[None]):
    """supportlog's terminal UI."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "supportlog"
    # Screens get -narrow/-wide and -short/-tall classes; app.tcss folds panes away on small
    # terminals so the lists keep their columns.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    # Narrower, the side panes (34-36 columns) squeeze the live screen's fields and the
    # timeline's columns away; shorter, the case screen loses its promise ledger.
    MIN_SIZE = (80, 20)
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+z", "undo", "Undo", id="app.undo", show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
    ]

    # Bumped after every write; screens watch it and reload what they show.
    data_version: var[int] = var(0)
    # Stalled cases (id -> score), most urgent first; None until ranked.
    stalled: var[dict[int, float] | None] = var(None)
    # Bumped after each ranking: the attention list reads the new order.
    advice_version: var[int] = var(0)

    def __init__(self, store: Store, *, clock: Callable[[], datetime] | None = None,
                 advisor: Advisor | None = None) -> None:
        super().__init__()
        self.store = store
        self.clock: Callable[[], datetime] = clock or store.clock or now_utc
        # One at hand for the home screen's counts (its first page is read on this thread).
        self.readers = ReaderPool(store.path, self.clock, ready=1)
        self.writer = Writer(store.path, self.clock)    # opens its connection on first use
        self.notebook_watch = NotebookWatch(store)   # after the reader's opening
        self.advisor = advisor or Advisor()
        self.ranked: list[AdviceRow] | None = None   # Ranked.rows of the latest ranking
        self.undo_stack = UndoStack()   # what u undoes (tui/undo_actions.py)
        # Set once the home screen's first rows are on the terminal (see post_display_hook).
        self.first_rows = asyncio.Event()
        self.first_rows_added = False
        self.url_opener: Callable[[str], bool] | None = None  # tests replace it
        self._theme_loaded = False

    # -- lifecycle -----------------------------------------------------------------------
    def get_default_screen(self):
        from .screens.home import HomeScreen
        home = HomeScreen()
        presize(home, self)
        return home

    def push_screen(self, screen, *args, **kwargs):
        if isinstance(screen, Screen):
            presize(screen, self)   # its size classes before it is styled, not at a resize
        return super().push_screen(screen, *args, **kwargs)

    @property
    def playbook(self):
        return self.advisor.playbook

    def on_mount(self) -> None:
        self.fit_terminal(self.size.width, self.size.height)
        from .keymap import apply_theme
        apply_theme(self, THEME_META)     # config.toml's theme; its key map after the paint
        self._theme_loaded = True
        # The home screen paints its first page first; then the heavier startup checks.
        self.call_after_refresh(self.startup_checks)
        self.set_interval(WATCH_SECONDS, self.check_notebook)

    def check_notebook(self) -> None:
        """Another process wrote (the CLI, a second app): reload as after a write here."""
        if self.notebook_watch.main is not self.store.conn:   # another notebook opened
            self.notebook_watch = NotebookWatch(self.store)
        elif self.notebook_watch.changed():
            self.notebook_changed()

    def post_display_hook(self) -> None:
        """After each frame is written: the first one after the home screen added its
        first rows lets the start-up checks begin (see startup_checks)."""
        if self.first_rows_added and not self.first_rows.is_set():
            self.first_rows.set()

    def on_key(self, event) -> None:
        # Keys typed right after `n` or `l` were already queued for the screen below the
        # form; they bubble up here and belong to the form (no form loaded: none open).
        forms = sys.modules.get(f"{__package__}.screens.form")
        if forms is not None:
            forms.give_typed_key(self.screen, event)

    def on_unmount(self) -> None:
        from .undo_actions import drop_all
        drop_all(self)    # the undo goes with the app: so do a deleted case's evidence files
        self.readers.close()
        self.writer.close()

    @property
    def last_deleted(self) -> dict | None:
        """The newest deleted case the undo stack holds; while any is held, its evidence
        files stay (the sweep waits for the last to leave the stack)."""
        entry = self.undo_stack.newest("delete")
        return entry.record["case"] if entry else None

    def watch_theme(self, theme: str) -> None:
        if self._theme_loaded:
            from .keymap import theme_changed
            theme_changed(self, theme)

    # -- reading and writing -------------------------------------------------------------
    async def read(self, fn: Callable[[Store], T]) -> T:
        """Run `fn(store)` in a worker thread on a connection of its own.

        The cancel convention: a failure (StoreError, sqlite3 or OS error, a bug) is said
        here in one line and the await raises CancelledError, so the calling worker stops
        quietly; so does a read that lands after the caller's screen began to close.
        Callers therefore never catch read errors; what follows the await runs only with a
        result (use `try/finally` for what must happen either way)."""
        def run() -> T:
            with self.readers.borrow() as store:
                return self.notebook_watch.run(store, lambda: fn(store))
        try:
            result = await asyncio.to_thread(run)
        except Exception as exc:  # noqa: BLE001 - a bug must not take the notebook down
            self._read_failed(exc)
        else:
            if not _caller_going(self):
                return result
        raise asyncio.CancelledError

    async def pause(self, seconds: float) -> None:
        """A worker's debounce: like asyncio.sleep, but raising CancelledError (the worker
        stops quietly) when its screen began to close meanwhile, as read() does."""
        await asyncio.sleep(seconds)
        if _caller_going(self):
            raise asyncio.CancelledError

    def read_now(self, fn: Callable[[Store], T]) -> T | None:
        """`fn(store)` on the UI thread, for the few reads bounded whatever the notebook's
        size (one keyset page); None after telling the user what failed."""
        try:
            return fn(self.store)
        except Exception as exc:  # noqa: BLE001 - as in read()
            self._read_failed(exc)
        return None

    def _read_failed(self, exc: Exception) -> None:
        if isinstance(exc, (StoreError, sqlite3.Error, OSError)):
            self.say(str(translate(exc, self.store.path)), severity="error")
            return
        if os.environ.get("SUPPORTLOG_DEBUG"):
            raise exc
        self.say(f"internal error ({type(exc).__name__}: {exc}); run with "
                 "SUPPORTLOG_DEBUG=1 for details and please report it", severity="error")

    async def load_case(self, case_id: int, *, brief: bool = False) -> CaseView | None:
        """A case with its assessment (and brief), read and assessed in a worker thread."""
        now, advisor = self.now(), self.advisor

        def fetch(store: Store) -> CaseView | None:
            try:
                detail = store.get_detail(case_id)
            except NotFound:
                return None
            return CaseView(detail, advisor.assess(detail, now, store),
                            advisor.brief(detail, now) if brief else None)
        return await self.read(fetch)

    async def write(self, fn: Callable[[Store], T], *, case_id: int | None = None,
                    quiet: bool = False) -> T:
        """Every write: `fn(store)` runs on the one writer thread, after the writes queued
        before it, and its result is returned; a StoreError (a ValidationError among them)
        is raised to the caller, so a form keeps its inline errors. Await it in a worker,
        never a message handler, which would hold its screen while the notebook is locked.
        Unless `quiet`, screens are told the notebook changed (and which case)."""
        return await self._landed(self._submit(fn), case_id, quiet)

    def _submit(self, fn: Callable[[Store], T]) -> Future[tuple[T, list[str]]]:
        watch = self.notebook_watch     # its commits are the app's own, not news to reload
        return self.writer.submit(lambda s: watch.run(s, lambda: fn(s)))

    async def _landed(self, future: Future[tuple[T, list[str]]], case_id: int | None,
                      quiet: bool) -> T:
        try:    # shielded: a caller going away (its screen closed) must not drop the write
            result, warnings = await asyncio.shield(asyncio.wrap_future(future))
        except (sqlite3.Error, OSError) as exc:
            raise translate(exc, self.store.path) from None
        for warning in warnings:   # accepted, but worth saying
            self.say(warning, severity="warning", timeout=10)
        if not quiet:
            self.notebook_changed(case_id)
        return result

    def write_soon(self, fn: Callable[[Store], T], *, case_id: int | None = None,
                   quiet: bool = False, then: Callable[[T], object] | None = None) -> None:
        """`write` for an action with no form to show a refusal (or a screen's last save
        as it closes): queued now, in order with the other writes; a refusal is one line
        for the user; `then(result)` runs once the write has landed."""
        try:
            self._follow(self._submit(fn), case_id, quiet, then)
        except RuntimeError:
            pass    # the app has closed its writer: nothing is written after that

    @work(group="write")
    async def _follow(self, future: Future[tuple[T, list[str]]], case_id: int | None,
                      quiet: bool, then: Callable[[T], object] | None) -> None:
        try:
            result = await self._landed(future, case_id, quiet)
        except StoreError as exc:
            self.say(str(exc), severity="error")
            return
        if then is not None:
            then(result)

    def notebook_changed(self, case_id: int | None = None) -> None:
        """After a write: screens reload, and the ranking follows (the write dropped the
        changed cases' kept assessments, so the rules run on those alone)."""
        self.data_version += 1
        self.refresh_assessments(case_id)

    def now(self) -> datetime:
        return self.clock()

    def say(self, message: str, *, severity: str = "information", timeout: float | None = None,
            title: str = "") -> None:
        """Every notification: user text inside is shown literally, cleaned for the terminal."""
        self.notify(for_terminal(message, multiline=True), severity=severity, timeout=timeout,
                    title=for_terminal(title), markup=False)

    # -- startup -------------------------------------------------------------------------
    async def _rank(self, case_id: int | None = None) -> dict[int, float]:
        now, stalled = self.now(), self.stalled
        if case_id is None or stalled is None or self.ranked is not None:
            ranked = await self.read(lambda s: self.advisor.rank(s, now))
        else:
            ranked = await self.read(lambda s: self.advisor.update(s, now, stalled, case_id))
        self.ranked = ranked.rows
        self.stalled = ranked.stalled
        if ranked.changed:      # the lists read the new order (unchanged: they have it)
            self.advice_version += 1
        return ranked.stalled

    @work(exclusive=True, group="assess")
    async def refresh_assessments(self, case_id: int | None = None) -> None:
        """The attention order again: after a write (to `case_id`, when one), on request."""
        await self._rank(case_id)

    @work(group="startup")
    async def startup_checks(self) -> None:
        """Offer to resume contacts left live; name the cases that stalled since last time."""
        from .keymap import apply_keys
        apply_keys(self)
        if self.playbook and self.advisor.problem:
            self.say(self.advisor.problem, severity="warning", timeout=10)
        live = await self.read(lambda s: s.live_contacts())
        if live:
            from .screens.live_resume import ResumeLiveScreen
            self.push_screen(ResumeLiveScreen(live))
        # The first page comes from the kept ranking; bringing the ranking up to date
        # holds the GIL while it runs, so it waits for those rows to be painted.
        try:
            await asyncio.wait_for(self.first_rows.wait(), timeout=3)
        except TimeoutError:
            pass
        stalled = await self._rank()
        current = sorted(stalled)
        previous = _ids(self.store.meta_get(STALLED_META))
        new = [i for i in stalled if i not in previous]   # most urgent first
        if new:
            cases = await self.read(lambda s: s.cases_by_id(new[:5]))
            names = ", ".join(f"“{cases[i].title}” ({cases[i].company})"
                              for i in new[:5] if i in cases)
            more = f" and {len(new) - 5} more" if len(new) > 5 else ""
            noun = "case has" if len(new) == 1 else "cases have"
            # Under 100 columns the names would cover the list: the count, for a moment.
            wide = self.size.width >= 100
            self.say(f"{len(new)} {noun} stalled since the last start"
                     + (f": {names}{more}" if wide else ""),
                     title="Needs attention", severity="warning", timeout=12 if wide else 6)
        if not self.store.read_only and current != sorted(previous):
            self.write_soon(lambda s: s.meta_set(STALLED_META, json.dumps(current)),
                            quiet=True)
        # The forms load now, once start-up is done and off the event loop, so the first n
        # or l does not wait on it; then the stylesheets of what they show and home does not.
        await asyncio.to_thread(_import_forms)
        _add_form_styles(self)

    # -- navigation used by several screens ----------------------------------------------
    def open_case(self, case_id: int, interaction_id: int | None = None) -> None:
        from .screens.case import CaseScreen
        self.push_screen(CaseScreen(case_id, interaction_id))

    def new_case(self) -> None:
        from .screens.case_form import CaseForm
        self.push_screen(CaseForm(), self._case_created)

    def _case_created(self, case_id: int | None) -> None:
        if case_id:
            self.open_case(case_id)

    def log_contact(self, case_id: int) -> None:
        from .screens.contact_form import ContactForm
        self.push_screen(ContactForm(case_id))

    def start_live(self, case_id: int, channel: str | None = None) -> None:
        """Ask for the channel (unless given), start the contact, show the live screen."""
        from .screens.dialogs import ChannelPicker
        from .screens.live import LiveScreen

        def begin(chosen: str | None) -> None:
            if not chosen:
                return
            self.write_soon(lambda s: s.start_contact(case_id, chosen), case_id=case_id,
                            then=lambda contact: self.push_screen(LiveScreen(contact)))

        if channel:
            begin(channel)
        else:
            self.push_screen(ChannelPicker(case_id, title="Start a contact: which channel?"),
                             begin)

    def open_transcript(self, ref: str | None) -> None:
        from .screens.transcript import open_reference
        open_reference(self, ref)

    # -- actions -------------------------------------------------------------------------
    def action_help(self) -> None:
        from .screens.help import HelpScreen
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_new_case(self) -> None:
        self.new_case()

    def action_undo(self) -> None:
        from .undo_actions import undo_last
        undo_last(self)

    def action_stats(self) -> None:
        from .screens.stats import StatsScreen
        self.push_screen(StatsScreen())

    def get_system_commands(self, screen):
        """Textual's "Keys" panel repeats F1 help: one palette entry per action."""
        return (c for c in super().get_system_commands(screen) if c.title != "Keys")


def _ids(raw: str | None) -> set[int]:
    try:
        return {int(i) for i in json.loads(raw or "[]")}
    except (ValueError, TypeError):
        return set()


def run_app(db_path: Path, now: datetime | None = None) -> None:
    """Open the notebook first (file errors reach the CLI as StoreError), then the UI."""
    clock = (lambda: now) if now else None
    store = Store(db_path, create=True, clock=clock)
    app = None
    try:
        app = SupportlogApp(store, clock=clock)
        app.run()
    finally:
        store.close()
        if app is not None and app.store is not store:   # "Load the demo" moved it there
            app.store.close()
    if app.return_code:     # the app stopped on an error: so must the command
        raise SystemExit(app.return_code)


def _palette_providers():
    from .screens.palette import ActionsProvider, CasesProvider
    return CasesProvider, ActionsProvider


SupportlogApp.COMMANDS = App.COMMANDS | {lambda: _palette_providers()[0],
                                         lambda: _palette_providers()[1]}


def _import_forms() -> None:
    from .screens import case_form, contact_form  # noqa: F401


def _add_form_styles(app: App) -> None:
    """The default CSS of the widget types the forms have and the home screen lacks (their
    buttons, labels and text areas), added and parsed at rest: the first form would parse
    it as it opens. Widget._post_register (Textual 8.x) is the step that adds a widget's
    own when one is first mounted."""
    from textual.widgets import Button, Label, TextArea
    for widget in (Button(), Label(), TextArea()):
        widget._post_register(app)
    app.stylesheet.parse()      # now, not by the first form's styling
