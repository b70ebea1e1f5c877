"""Any terminal size: below the app's MIN_SIZE a notice covers it, and the screens under the
notice come back as they were when the terminal grows."""

from __future__ import annotations

from typing import Callable

from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Static


class TooSmallScreen(Screen[None]):
    """One message, and no keys but quitting: what is under it cannot be seen, so nothing
    typed may reach it."""

    def compose(self) -> ComposeResult:
        yield Static(id="too-small")

    def on_mount(self) -> None:
        self.show_size()

    def on_resize(self) -> None:
        self.show_size()

    def show_size(self) -> None:
        width, height = self.app.size
        min_width, min_height = self.app.MIN_SIZE
        # Worded to fit in five lines of ten columns, the smallest terminal promised.
        need = Content(f"Make the terminal at least {min_width}x{min_height} (it is "
                       f"{width}x{height}).")
        if width >= 40 and height >= 7:
            need = Content.assemble(("Terminal too small", "bold"), "\n\n", need, "\n",
                                    ("ctrl+q quits", "dim"))
        self.query_one("#too-small", Static).update(need)


class FitsTerminal:
    """For the App (listed before it): shows TooSmallScreen while the terminal is smaller
    than MIN_SIZE, and holds back the screens opened meanwhile."""

    MIN_SIZE: tuple[int, int]       # set by the app, from its layouts

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held_back: list[tuple[Screen | str, Callable | None]] = []

    def on_resize(self, event: Resize) -> None:
        # Runs before App's own handler, so the screen under the notice never gets the size.
        self.fit_terminal(event.size.width, event.size.height)

    def notice_shown(self) -> bool:
        stack = self.screen_stack
        return bool(stack) and isinstance(stack[-1], TooSmallScreen)

    def fit_terminal(self, width: int, height: int) -> None:
        """Cover the app with the notice while the terminal is too small; take it away (and
        show what was opened meanwhile) once the terminal is big enough."""
        small = width < self.MIN_SIZE[0] or height < self.MIN_SIZE[1]
        if small and not self.notice_shown():
            self.push_screen(TooSmallScreen())
        elif not small and self.notice_shown():
            self.pop_screen()
            held, self._held_back = self._held_back, []
            for screen, callback in held:
                self.push_screen(screen, callback)

    def push_screen(self, screen, callback=None, wait_for_dismiss=False, **kwargs):
        """Under the notice, a screen opened by a worker or a callback waits its turn: on top
        it would hide the notice and be laid out at a size its layout cannot take."""
        if (self.notice_shown() and not wait_for_dismiss
                and not isinstance(screen, TooSmallScreen)):
            self._held_back.append((screen, callback))
            return AwaitComplete.nothing()
        return super().push_screen(screen, callback, wait_for_dismiss, **kwargs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Under the notice only quitting works: no key may act on screens out of sight.
        return action in ("quit", "help_quit") or not self.notice_shown()
