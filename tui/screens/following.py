"""What every screen that shows notebook data does when the notebook changes."""

from __future__ import annotations

from textual.screen import Screen


class FollowingScreen(Screen):
    """A screen whose `load()` reads what it shows: loaded again when the notebook changes
    (watch the app's version with `_data_changed`), at once while the screen is showing, else
    when it is next resumed."""

    _stale = False

    def load(self) -> None:
        raise NotImplementedError

    def _data_changed(self) -> None:
        if self.app.screen is self:
            self.load()
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.load()
