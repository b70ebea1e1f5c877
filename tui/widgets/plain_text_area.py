"""The TextArea the forms and the transcript viewer use: its own module, as TextArea's
import (documents, syntax themes) is not worth paying for a screen that shows none."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import TextArea

from ..clean_text import visible


class PlainTextArea(TextArea):
    """A TextArea whose control characters show as visible symbols (the text stays exact):
    drawn raw, an escape sequence in a pasted or imported note would reach the terminal."""

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        line.plain = visible(line.plain)
        return line
