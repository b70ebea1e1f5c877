"""Transcript references: a local file opens in a viewer here (plain text; .eml parsed with
the stdlib `email` package: headers and the text body); an http(s) or mailto link goes to
the system opener with a list argv (never a shell); anything else is shown, not run."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from ..store import userfiles
from ..widgets.text import PlainTextArea, lit

MAX_BYTES = 5_000_000          # a viewer, not an editor: show the first 5 MB
EML_HEADERS = ("From", "To", "Cc", "Date", "Subject", "Message-ID")
LINK_SCHEMES = ("http", "https", "mailto")


def classify(ref: str) -> tuple[str, str]:
    """('link', url) | ('file', path) | ('text', ref)."""
    ref = ref.strip()
    parsed = urlparse(ref)
    if parsed.scheme.lower() in LINK_SCHEMES and (parsed.netloc or parsed.scheme == "mailto"):
        return "link", ref
    if parsed.scheme.lower() == "file":
        return "file", unquote(parsed.path)
    candidate = Path(os.path.expanduser(ref))
    if ref and candidate.is_file():
        return "file", str(candidate)
    return "text", ref


def system_open(url: str) -> bool:
    """Hand a link to the desktop's opener; False when there is none (e.g. over ssh)."""
    if sys.platform == "darwin":
        argv = ["open", url]
    elif sys.platform.startswith("win"):
        os.startfile(url)  # type: ignore[attr-defined]  # noqa: S606 - no shell involved
        return True
    else:
        opener = shutil.which("xdg-open")
        if not opener or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            return False
        argv = [opener, url]
    subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,  # noqa: S603
                     stderr=subprocess.DEVNULL, start_new_session=True)
    return True


def open_reference(app, ref: str | None) -> None:
    if not ref or not ref.strip():
        app.say("This contact has no transcript reference.")
        return
    kind, target = classify(ref)
    if kind == "file":
        app.push_screen(TranscriptViewer(Path(target)))
    elif kind == "link":
        opener = app.url_opener or system_open
        try:
            opened = opener(target)
        except OSError as exc:
            opened = False
            app.say(f"Could not open the link: {exc}", severity="warning")
        if not opened:
            app.copy_to_clipboard(target)
            app.say(f"No browser to open it here; the link is copied to the clipboard: {target}",
                    timeout=10)
        else:
            app.say(f"Opened {target}", timeout=4)
    else:
        app.copy_to_clipboard(target)
        app.say(f"Transcript reference (not a file or a link, copied to the clipboard): "
                f"{target}", timeout=10)


def read_transcript(path: Path) -> tuple[str, str]:
    """(heading, text) for a file: an .eml becomes its headers and text body. Read as any
    file the user names is (store/userfiles.py: a regular file of theirs, in bounds, text
    decoded or refused); userfiles.UnreadableFile says why not."""
    data, cut = userfiles.read_bytes(path, MAX_BYTES, cut_ok=True)
    heading = str(path)
    if path.suffix.lower() == ".eml":
        text = _email_text(data)
    else:
        text, guess = userfiles.decode(data, heading, cut=cut)
        if guess:
            heading += f"  (not UTF-8: read as {guess})"
    if cut:
        text += f"\n\n[… only the first {MAX_BYTES // 1_000_000} MB are shown]"
    return heading, text


def _email_text(data: bytes) -> str:
    message = email.message_from_bytes(data, policy=email.policy.default)
    lines = [f"{name}: {message[name]}" for name in EML_HEADERS if message[name]]
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        content = "(no text body)"
    else:
        try:
            content = body.get_content()
        except (LookupError, UnicodeError):
            content = body.get_payload(decode=True).decode("utf-8", errors="replace")
        if body.get_content_type() == "text/html":
            content = _strip_html(content)
    attachments = [part.get_filename() for part in message.iter_attachments()
                   if part.get_filename()]
    if attachments:
        lines.append("Attachments: " + ", ".join(attachments))
    return "\n".join(lines) + "\n\n" + content


def _strip_html(html: str) -> str:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return "".join(parser.parts)


class TranscriptViewer(Screen):
    """A read-only view of a transcript file, or of imported transcript text."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("q", "app.pop_screen",
                                                                      "Back", show=False)]

    def __init__(self, path: Path | None = None, *, title: str = "", text: str | None = None):
        super().__init__()
        self.path, self.title_text, self.text = path, title, text

    def compose(self) -> ComposeResult:
        yield Static(lit(self.title_text or str(self.path or "Transcript"), "bold"),
                     id="viewer-title")
        yield PlainTextArea(self.text or "", read_only=True, soft_wrap=True, id="viewer-text",
                            show_line_numbers=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        if self.path is not None and self.text is None:
            self.load()

    @work(exclusive=True, group="viewer")
    async def load(self) -> None:
        path = self.path
        try:
            heading, text = await asyncio.to_thread(read_transcript, path)
        except (OSError, userfiles.UnreadableFile) as exc:
            reason = exc.reason if isinstance(exc, userfiles.UnreadableFile) else \
                exc.strerror or str(exc)
            self.query_one("#viewer-title", Static).update(
                Content.assemble(("Cannot open ", "bold $error"), lit(str(path)),
                                 ": ", lit(reason)))
            return
        self.query_one("#viewer-title", Static).update(lit(heading, "bold"))
        self.query_one(TextArea).text = text
