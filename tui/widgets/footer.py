"""A footer that fits its line: when the screen's keys do not all fit, the ones the screen
names as said elsewhere (a panel's title shows them) are left out first, so quit, help and
the main actions stay whole at 80 columns while a wide terminal shows every key."""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    """Textual's footer, minus two restyles per key: a new FooterKey starts compact and is
    then bound to the footer's value, so each key of every recompose was styled three
    times; here a bound key starts with the footer's value (the palette key, unbound,
    stays compact as Textual draws it)."""

    _recompose_due = False

    def bindings_changed(self, screen) -> None:
        # Under another screen (a form pushed over this one) the keys wait: its resume
        # refreshes its bindings, and until then those drawn still stand for this screen
        # (none yet: the form's veil shows an empty line, which the first key fills).
        if screen is not self.app.screen and self._bindings_ready:
            return
        self._bindings_ready = True
        # As Textual's, but changes that come before the footer gets to it share one
        # recompose. On the footer's own queue, not after a refresh: Textual hands those
        # callbacks to the top screen, and they are lost if that screen closes first.
        if screen.app.app_focus and self.is_attached and screen is self.screen \
                and not self._recompose_due:
            self._recompose_due = True
            self.call_later(self._recompose_when_due)

    async def _recompose_when_due(self) -> None:
        self._recompose_due = False
        if self.screen is not self.app.screen:
            return      # a screen pushed since: as above, the resume draws them
        await self.recompose()

    def compose(self):
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget


class FitFooter(Footer):
    """`spare`: actions whose keys may be left out, the first one first."""

    def __init__(self, *, spare: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(**kwargs)
        self.spare = spare

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self.fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit)

    def fit(self) -> None:
        """Leave out spare keys, in order, until the rest fit in the width."""
        keys = list(self.query("FooterKey"))
        # Those the stylesheet hides (the palette key when narrow) stay out of the count.
        shown = [key for key in keys if key.has_class("-left-out") or key.styles.display != "none"]
        for key in shown:
            key.remove_class("-left-out")
        need = {key: key.render().cell_len + key.styles.margin.width for key in shown}
        # The palette key is docked right behind a one-cell edge.
        total = sum(need.values()) + sum(key.has_class("-command-palette") for key in shown)
        for action in self.spare:
            if total <= self.size.width:
                break
            for key in shown:
                if key.action == action and not key.has_class("-left-out"):
                    key.add_class("-left-out")
                    total -= need[key]
