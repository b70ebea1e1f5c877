"""The app's breakpoint classes (-narrow/-wide, -short/-tall) put on a screen as it is made,
from the terminal's size: Textual adds them at the screen's first resize, after every widget
has been styled once, and so styles them all again."""

from __future__ import annotations

from textual.app import App
from textual.screen import Screen


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
