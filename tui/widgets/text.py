"""Turning records into display text. User text is always wrapped as literal Content / Rich
Text here, never parsed as markup, so "[/]" or "[link=x]" in a title shows as typed; and
cleaned for the terminal (tui.clean_text), so an escape sequence in it is never obeyed."""

from __future__ import annotations

from datetime import datetime, timezone

from rich.highlighter import Highlighter
from rich.text import Text
from textual.content import Content

from ..clean_text import for_terminal, visible
from ..store import MARK_END, MARK_START
from ..store.times import format_duration, local_moment, short_span

STATUS_STYLES = {"open": "bold", "waiting": "italic", "resolved": "dim", "abandoned": "dim strike"}
OUTCOME_STYLES = {"resolved": "green", "promised": "cyan", "escalated": "cyan", "info": "cyan",
                  "restarted": "yellow"}
PROMISE_STYLES = {"pending": "", "kept": "green", "broken": "red"}
SNIPPET_STYLE = "bold reverse"


def lit(text: object, style: str = "") -> Content:
    """User text as Content: literal, optionally with one style of ours."""
    value = for_terminal(text or "", multiline=True)
    return Content.styled(value, style) if style else Content(value)


def cell(text: object, style: str = "", limit: int | None = None) -> Text:
    """User text for a DataTable cell (Rich Text never parses markup)."""
    value = one_line(for_terminal(text or ""), limit)
    return Text(value, style=style, no_wrap=True, overflow="ellipsis")


def one_line(value: str, limit: int | None = None) -> str:
    value = " ".join(value.split())
    if limit and len(value) > limit:
        return value[:limit - 1] + "…"
    return value


def local(iso: str | None) -> datetime | None:
    """times.local_moment, or None for a missing or unreadable value (a screen shows a dash)."""
    if not iso:
        return None
    try:
        return local_moment(iso)
    except ValueError:
        return None


def when(iso: str | None) -> str:
    """A stored UTC time shown in local time, to the minute."""
    dt = local(iso)
    return dt.strftime("%Y-%m-%d %H:%M") if dt else "—"


def when_short(iso: str | None, now: datetime) -> str:
    """Like `when`, without the year when it is this year (for narrow columns)."""
    dt = local(iso)
    if not dt:
        return "—"
    return dt.strftime("%m-%d %H:%M" if dt.year == now.astimezone().year else "%Y-%m-%d")


def day(iso: str | None) -> str:
    dt = local(iso)
    return dt.strftime("%Y-%m-%d") if dt else "—"


def ago(iso: str | None, now: datetime) -> str:
    """'3d ago', '5h ago', 'in 2d' from a stored time and the app's clock."""
    dt = local(iso)
    if dt is None:
        return "—"
    seconds = (now.astimezone(timezone.utc) - dt.astimezone(timezone.utc)).total_seconds()
    span = short_span(abs(seconds))
    return f"in {span}" if seconds < 0 else f"{span} ago"


def duration(start: str | None, end: str | None) -> str:
    a, b = local(start), local(end)
    if not a or not b:
        return "—"
    return format_duration(int((b - a).total_seconds()))


def money(amount: str | None, currency: str | None) -> str:
    if not amount:
        return "—"
    return f"{amount} {currency}" if currency else amount


def words(value: str | None) -> str:
    """Vocabulary values for people: 'missing_package' -> 'missing package'."""
    return (value or "—").replace("_", " ")


def split_marks(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet -> [(text, is_match)] from the store's private-use markers."""
    parts: list[tuple[str, bool]] = []
    rest = snippet or ""
    while rest:
        start = rest.find(MARK_START)
        if start < 0:
            parts.append((rest, False))
            break
        if start:
            parts.append((rest[:start], False))
        end = rest.find(MARK_END, start + 1)
        if end < 0:
            parts.append((rest[start + 1:], True))
            break
        parts.append((rest[start + 1:end], True))
        rest = rest[end + 1:]
    return [(" ".join(t.split()) if "\n" in t else t, m) for t, m in parts if t]


SNIPPET_LEAD = 3  # words kept before the first match, so a narrow column still shows it


def snippet_cell(snippet: str) -> Text:
    """Matched words highlighted with a style; the words themselves stay literal. The text
    before the first match is cut to its last few words (the column is narrow)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    parts = split_marks(snippet)
    for n, (part, match) in enumerate(parts):
        if n == 0 and not match and len(parts) > 1:
            words = part.split(" ")
            if len(words) > SNIPPET_LEAD + 1:
                part = "…" + " ".join(words[-SNIPPET_LEAD - 1:])
        text.append(for_terminal(part), style=SNIPPET_STYLE if match else "")
    return text


class ControlsShown(Highlighter):
    """For an Input: control characters shown as visible symbols, one for one, so the cursor
    still lines up; the value itself stays exactly as typed."""

    def highlight(self, text: Text) -> None:
        text.plain = visible(text.plain)


def labelled(pairs: list[tuple[str, object]], label_style: str = "bold") -> Content:
    """'label: value' lines; labels are ours, values are user text kept literal."""
    lines = [Content.assemble((f"{label}: ", label_style), lit(value))
             for label, value in pairs if value not in (None, "", "—")]
    return Content("\n").join(lines)
