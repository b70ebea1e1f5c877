"""Transcript references: a local file opens in a viewer here (plain text; .eml parsed with
the stdlib `email` package: headers and the text body); an http(s) or mailto link goes to
the system opener with a list argv (never a shell); anything else is shown, not run.
A contact's imported transcript is shown with its message headers above the decoded text."""

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
from textual.widgets import Static, TextArea

from ..store import NotFound, userfiles
from ..store.mail_import import message_headers
from ..widgets.plain_text_area import PlainTextArea
from ..widgets.text import labelled, lit, when
from ..widgets.footer import Footer

MAX_BYTES = 5_000_000          # a viewer, not an editor: show the first 5 MB
EML_HEADERS = ("From", "To", "Cc", "Date", "Subject", "Message-ID")
LINK_SCHEMES = ("http", "https", "mailto")
# The lines an imported message's stored text starts with (mail.Message.transcript).
STORED_HEADER_LABELS = ("From", "To", "Date", "Subject")


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
        # Served in a browser, the link opens in the person's browser, not on the server.
        opener = app.url_opener or (
            (lambda url: app.open_url(url) or True) if app.is_web else system_open)
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


def header_pairs(headers) -> list[tuple[str, str]]:
    """A message's headers as the transcript view shows them: the date in local time."""
    return [("From", headers.from_addr), ("To", headers.to_addr),
            ("Date", when(headers.date) if headers.date else None),
            ("Subject", headers.subject),
            ("Message-ID", f"<{headers.message_id.strip('<>')}>" if headers.message_id else None)]


def body_text(text: str, headers) -> str:
    """The decoded text without the header lines stored ahead of it, when the headers are
    shown apart (the stored Date is UTC; the one shown is local)."""
    if headers is None:
        return text
    head, sep, rest = text.partition("\n\n")
    lines = head.split("\n")
    if sep and all(line.partition(": ")[0] in STORED_HEADER_LABELS for line in lines):
        return rest
    return text


def transcript_content(text: str, headers) -> Content:
    """A contact's transcript for a panel: the headers (literal), a blank line, the text."""
    if headers is None:
        return lit(text)
    return Content.assemble(labelled(header_pairs(headers)), "\n\n",
                            lit(body_text(text, headers)))


def contact_transcript(store, interaction_id: int):
    """(heading, MessageHeaders or None, text) of a contact's imported transcript; None when
    the contact is gone or holds none."""
    try:
        i = store.get_interaction(interaction_id)
        case = store.get_case(i.case_id)
    except NotFound:
        return None
    text = store.transcript(interaction_id)
    if text is None:
        return None
    headers = message_headers(store, interaction_id)
    heading = f"{i.channel.replace('_', ' ')} contact, {when(i.started_at)}: {case.title}"
    return heading, headers, body_text(text, headers)


class TranscriptViewer(Screen):
    """A read-only view of a transcript file, or of a contact's imported transcript (its
    message headers above the text)."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="transcript.back"),
                Binding("q", "app.pop_screen", "Back", id="transcript.back", show=False)]

    def __init__(self, path: Path | None = None, *, title: str = "", text: str | None = None,
                 interaction_id: int | None = None):
        super().__init__()
        self.path, self.title_text, self.text = path, title, text
        self.interaction_id = interaction_id

    def compose(self) -> ComposeResult:
        yield Static(lit(self.title_text or str(self.path or "Transcript"), "bold"),
                     id="viewer-title")
        yield Static(id="viewer-headers", classes="panel")
        yield PlainTextArea(self.text or "", read_only=True, soft_wrap=True, id="viewer-text",
                            show_line_numbers=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self.query_one("#viewer-headers").display = False
        if self.interaction_id is not None:
            self.load_contact()
        elif self.path is not None and self.text is None:
            self.load()

    @work(exclusive=True, group="viewer")
    async def load_contact(self) -> None:
        found = await self.app.read(lambda s: contact_transcript(s, self.interaction_id))
        if found is None:
            self.query_one("#viewer-title", Static).update(
                Content.styled("This contact holds no transcript.", "bold $warning"))
            return
        heading, headers, text = found
        self.query_one("#viewer-title", Static).update(lit(heading, "bold"))
        panel = self.query_one("#viewer-headers", Static)
        panel.border_title = "Message"
        panel.display = headers is not None
        if headers is not None:
            panel.update(labelled(header_pairs(headers)))
        self.query_one(TextArea).text = text

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
