"""The empty notebook's welcome (a panel of the home screen), with a "Load the demo" button:
it builds the demo notebook (as `supportlog demo` does, in its own file, never yours) and
opens the app on it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

WELCOME = Content.assemble(
    ("Welcome to supportlog\n\n", "bold $accent"),
    "A notebook for dealing with customer service. Log every contact with a company — "
    "phone, chat, e-mail, seller — against a case: who you spoke to, what they promised, "
    "where the transcript is.\n\n"
    "When a case stalls (dead-end calls, broken promises, long holds, silence) supportlog "
    "says why and what to try next: often, press restart — end it and try another agent "
    "or channel.\n\n",
    ("Press ", ""), ("n", "bold reverse"), (" to open your first case, or ", ""),
    ("Enter", "bold reverse"), (" to load the demo: a notebook of made-up cases to explore, "
                                "in its own file, never yours.\n", ""),
    ("F1 shows every key and the playbook's tips.", "dim"))


class NotebookOpened(Message):
    """Posted to the home screen once the app is on another notebook: it lists that one
    afresh, with the keys on its list (the button goes with the welcome)."""


class Welcome(Vertical):
    """What an empty notebook shows instead of the list."""

    DEFAULT_CSS = """
    Welcome > #welcome-text { height: auto; }
    Welcome > #load-demo { margin: 1 0 0 0; }
    """

    def compose(self) -> ComposeResult:
        yield Static(WELCOME, id="welcome-text")
        yield Button("Load the demo", id="load-demo", variant="primary")

    def on_show(self) -> None:
        """The list is hidden while the notebook is empty: Enter presses the button."""
        focused = self.screen.focused
        if focused is None or not focused.display or focused.has_class("hidden"):
            self.query_one("#load-demo").focus()

    @on(Button.Pressed, "#load-demo")
    def _load(self) -> None:
        load_demo(self.app)


def load_demo(app) -> None:
    """Build the demo notebook unless it is there already, then open the app on it."""
    app.run_worker(_load_demo(app), exclusive=True, group="demo")


def _refusal(path: Path) -> str | None:
    """Why the demo will not use `path` (the checks of `supportlog demo`), or None."""
    from ..demo.notebook import demo_refusal
    refusal = demo_refusal(path, unmarked_ok=True)
    if refusal == "link":
        return f"{path} is a symbolic link, so the demo leaves it alone; remove it first"
    if refusal == "not_demo":
        return (f"{path} is not a demo notebook, so the demo leaves it alone; move it away "
                "to let the demo build its own")
    return None


def _build(path: Path, app) -> int | None:
    """The demo's file, built when missing (in a worker thread); how many cases it got."""
    from ..store.atomic import private_folder
    from ..demo.notebook import build_demo_file
    if path.exists():
        return None
    private_folder(path.parent)
    return build_demo_file(path, app.now(), app.clock)


async def _load_demo(app) -> None:
    from ..store import Store, StoreError
    from ..store.paths import demo_db_path
    path = demo_db_path()
    if path.exists() and path.resolve() == app.store.path.resolve():
        app.say("This is the demo notebook already.")
        return
    refusal = _refusal(path)
    if refusal:
        app.say(refusal, severity="error")
        return
    app.say("Building the demo notebook…" if not path.exists() else "Opening the demo…")
    try:
        built = await asyncio.to_thread(_build, path, app)
        store = Store(path, create=False, clock=app.clock)
    except (StoreError, OSError) as exc:
        app.say(f"Could not load the demo: {exc}", severity="error")
        return
    await _open(app, store)
    made = f"{built} made-up cases, " if built else ""
    app.say(f"This is the demo notebook: {made}in {path}. Yours is untouched; start "
            "`supportlog` again to come back to it.", title="Demo", timeout=15)


async def _open(app, store) -> None:
    """The app on `store` from the home screen up: the undo stack, the readers, the ranking
    and the screens all belonged to the notebook before."""
    from ..store.readers import ReaderPool
    from ..store.writer import Writer
    from ..undo_actions import drop_all
    drop_all(app)
    readers, writer = app.readers, app.writer
    app.store, app.readers = store, ReaderPool(store.path, app.clock, ready=1)
    app.writer = Writer(store.path, app.clock)
    readers.close()     # the first store stays open until run_app closes it, with this one
    writer.close(wait=False)    # after the writes already queued for the first notebook
    app.ranked, app.stalled = None, None
    while len(app.screen_stack) > 1:
        await app.pop_screen()
    app.notebook_changed()      # the home screen counts and lists again, the ranking follows
    app.screen.post_message(NotebookOpened())
