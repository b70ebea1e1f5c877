"""A screen styled once as it opens, not twice or three times: the app's breakpoint classes
(-narrow/-wide, -short/-tall) put on it as it is made, from the terminal's size (Textual adds
them at the screen's first resize, after every widget has been styled once, and so styles them
all again), and its first resume not restyling what its mount has just styled."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.screen import Screen


class StyledOnce(Screen):
    """Textual's Screen restyles every widget on each resume; the first one follows the
    mount that has just styled them all, so it need not. Later resumes (back from another
    screen) restyle as before, and a theme change restyles every screen by itself."""

    _resumed = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Screen's own handler (Textual walks the classes most derived first).
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False


def presize(screen: Screen, app: App) -> None:
    """The breakpoint classes the first resize would add, set before the screen is styled,
    so that resize finds them in place (a later resize updates them as before). The app
    calls it for every screen it puts up (SupportlogApp.push_screen)."""
    own = (screen.HORIZONTAL_BREAKPOINTS, screen.VERTICAL_BREAKPOINTS)
    for points, extent in ((app.HORIZONTAL_BREAKPOINTS if own[0] is None else own[0],
                            app.size.width),
                           (app.VERTICAL_BREAKPOINTS if own[1] is None else own[1],
                            app.size.height)):
        reached = [(at, name) for at, name in points or [] if extent >= at]
        if reached:
            screen.add_class(max(reached)[1], update=False)
