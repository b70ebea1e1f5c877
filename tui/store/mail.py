"""Mail and chat transcripts read into plain records: .eml, .mbox, a Maildir folder, .txt
and .html, with the standard library's `email` package (policy `default`), every charset
and transfer encoding decoded and HTML turned into readable text by html2text.

Nothing here writes: mail_import.py links the records to cases and stores them.
"""

from __future__ import annotations

import email
import email.utils
import hashlib
import mailbox
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import timezone
from email.message import EmailMessage
from email.policy import default as POLICY
from html.parser import HTMLParser
from pathlib import Path

from .times import from_iso, to_iso
from .userfiles import TEXT_BYTES, UnreadableFile, decode, read_bytes

# Headers a message must have one of to be read as mail rather than as plain text.
_MAIL_HEADERS = ("from", "to", "subject", "date", "message-id")


class MailError(Exception):
    """A file that cannot be read as mail: one line naming the file."""


@dataclass
class Attachment:
    """A file inside a message (a real attachment or an inline image), with its bytes."""
    name: str
    type: str
    size: int
    data: bytes = field(default=b"", repr=False)
    part: int = 0                  # its place in the message's parts: the same on re-import


@dataclass
class Message:
    source: str                    # the file (and, in a mailbox, which message)
    kind: str                      # "email", or "chat" for a chat transcript
    text: str                      # the decoded body
    subject: str | None = None
    from_name: str | None = None
    from_addr: str | None = None
    to_addr: str | None = None
    date: str | None = None        # ISO UTC, "2026-11-20T09:14:00Z"
    message_id: str | None = None
    in_reply_to: str | None = None
    refs: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)   # what a best effort assumed
    agent: str | None = None       # who spoke for the company, when the message says
    raw: bytes = field(default=b"", repr=False)   # the message as received
    raw_name: str = ""             # a file name for `raw`: the file's, or one per message
    raw_type: str = "message/rfc822"

    @property
    def key(self) -> str:
        """What makes the message the same one imported again: its Message-ID, else a hash
        of what it says."""
        if self.message_id:
            return self.message_id
        digest = hashlib.sha256("\x00".join(
            (self.from_addr or "", self.subject or "", self.date or "", self.text))
            .encode("utf-8")).hexdigest()
        return f"sha256:{digest}"

    def transcript(self) -> str:
        """The text stored for search and reading: the headers that matter, the body, and
        the attachments by name (their content is not stored)."""
        lines = [f"{label}: {value}" for label, value in (
            ("From", _person(self.from_name, self.from_addr)), ("To", self.to_addr),
            ("Date", self.date), ("Subject", self.subject)) if value]
        body = "\n".join([*lines, "", self.text.strip()]) if lines else self.text.strip()
        if self.attachments:
            body += "\n\nAttachments (kept as evidence files, not searched):\n" + "\n".join(
                f"- {a.name} ({a.type}, {a.size:,} bytes)" for a in self.attachments)
        return body


def _person(name: str | None, addr: str | None) -> str | None:
    if name and addr:
        return f"{name} <{addr}>"
    return name or addr


def read_messages(path: Path) -> list[Message]:
    """Every message in the file or Maildir folder at `path`, each with the bytes it was
    read from (`raw`); MailError names the file."""
    try:
        if path.is_dir():
            return _read_mailbox(path, mailbox.Maildir(path, factory=None, create=False))
        if not path.is_file():
            raise MailError(f"{path}: no such file")
        if path.stat().st_size > TEXT_BYTES:
            raise MailError(f"{path}: is {path.stat().st_size:,} bytes; the limit is "
                            f"{TEXT_BYTES:,}")
        suffix = path.suffix.lower()
        if suffix == ".mbox":
            return _read_mailbox(path, mailbox.mbox(path, factory=None, create=False))
        raw, _ = read_bytes(path)    # a regular file of the user's, bounded in size and time
        if suffix in (".html", ".htm"):
            m = _chat_page(str(path), raw)
        elif suffix == ".txt" and not _looks_like_mail(raw):
            m = _plain_text(str(path), raw)
        else:
            m = _from_bytes(str(path), raw)
        m.raw, m.raw_name = raw, path.name
        return [m]
    except UnreadableFile as exc:
        raise MailError(f"{path}: {exc.reason}") from None
    except OSError as exc:
        raise MailError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _read_mailbox(path: Path, box: mailbox.Mailbox) -> list[Message]:
    out = []
    for n, key in enumerate(sorted(box.keys()) if isinstance(box, mailbox.Maildir)
                            else box.keys(), 1):
        raw = box.get_bytes(key)     # one message's bytes at a time, never the whole box
        m = _from_bytes(f"{path} (message {n})", raw)
        m.raw, m.raw_name = raw, f"{path.stem or path.name}-{n}.eml"
        out.append(m)
    box.close()
    if not out:
        raise MailError(f"{path}: holds no messages")
    return out


def _looks_like_mail(raw: bytes) -> bool:
    head = raw.lstrip()[:2000].decode("latin-1").lower()
    first = head.split("\n", 1)[0]
    return ":" in first and first.split(":", 1)[0].strip() in _MAIL_HEADERS


def _from_bytes(source: str, raw: bytes) -> Message:
    msg = email.message_from_bytes(raw, policy=POLICY)
    if not any(msg.get(h) for h in _MAIL_HEADERS):
        raise MailError(f"{source}: is not an e-mail message (no From, To, Subject or Date "
                        "header)")
    guesses: list[str] = []
    text, html_only = _body(msg, guesses)
    from_name, from_addr = _address(msg, "from", guesses)
    subject = _header(msg, "subject", guesses)
    # An e-mailed chat transcript is the chat it records, not an e-mail exchange.
    lowered = (subject or "").lower()
    kind = "chat" if "chat" in lowered and (html_only or "transcript" in lowered) else "email"
    return Message(
        source=source, kind=kind, text=text, subject=subject, from_name=from_name,
        agent=_agent(kind, subject, text) or from_name,
        from_addr=from_addr, to_addr=", ".join(a for a in _addresses(msg, "to", guesses)),
        date=_date(msg, guesses), message_id=_msgid(_header(msg, "message-id", guesses)),
        in_reply_to=_msgid(_header(msg, "in-reply-to", guesses)),
        refs=[i for i in map(_msgid, (_header(msg, "references", guesses) or "").split()) if i],
        attachments=_attachments(msg), guesses=guesses)


def _header(msg: EmailMessage, name: str, guesses: list[str]) -> str | None:
    try:
        value = msg.get(name)
    except (ValueError, IndexError, TypeError):
        guesses.append(f"the {name} header could not be read; left out")
        return None
    value = " ".join(str(value).split()) if value is not None else ""
    return value or None


def _msgid(value: str | None) -> str | None:
    value = (value or "").strip().strip("<>").strip()
    return value or None


def _address(msg: EmailMessage, name: str, guesses: list[str]) -> tuple[str | None, str | None]:
    raw = _header(msg, name, guesses)
    if not raw:
        return None, None
    real, addr = email.utils.parseaddr(raw)
    return real.strip() or None, addr.strip().lower() or None


def _addresses(msg: EmailMessage, name: str, guesses: list[str]) -> list[str]:
    raw = _header(msg, name, guesses)
    return [a.lower() for _, a in email.utils.getaddresses([raw]) if a] if raw else []


def _date(msg: EmailMessage, guesses: list[str]) -> str | None:
    raw = _header(msg, "date", guesses)
    if not raw:
        guesses.append("it has no Date header; dated when it was imported")
        return None
    try:
        moment = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        guesses.append(f"its Date header {raw!r} is not a date; dated when it was imported")
        return None
    if moment.tzinfo is None:
        guesses.append("its Date header has no time zone; read it as UTC")
        moment = moment.replace(tzinfo=timezone.utc)
    return to_iso(moment)


def _body(msg: EmailMessage, guesses: list[str]) -> tuple[str, bool]:
    """The message's readable text (plain preferred, else HTML as text) and whether it
    came from HTML alone."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        if msg.get_content_maintype() == "multipart" or msg.is_attachment():
            return "", False
        part = msg
    content = _decoded(part, guesses)
    if part.get_content_subtype() == "html":
        return html_to_text(content), True
    return content, False


def _decoded(part: EmailMessage, guesses: list[str]) -> str:
    """A text part decoded by its transfer encoding and charset; a charset that is unknown
    or wrong is a best effort that says what it did."""
    charset = part.get_content_charset() or "us-ascii"
    for defect in part.defects:
        guesses.append(f"{type(defect).__name__}: {defect}".rstrip(": "))
    try:
        text = part.get_content()
    except (LookupError, UnicodeDecodeError, AssertionError, ValueError):
        text = None
    payload = part.get_payload(decode=True) or b""
    # get_content replaces what its charset cannot decode: say so and decode it better.
    if text is not None and ("\ufffd" not in text or b"\xef\xbf\xbd" in payload):
        return text
    for guess in ("utf-8", "windows-1252"):
        try:
            text = payload.decode(guess)
        except UnicodeDecodeError:
            continue
        if guess != charset.lower():
            guesses.append(f"its text is not valid {charset}; read it as {guess}")
        return text
    guesses.append(f"its text is not valid {charset}; undecodable bytes shown as \ufffd")
    return payload.decode("utf-8", errors="replace")


def _attachments(msg: EmailMessage) -> list[Attachment]:
    """Every real attachment (Content-Disposition attachment) and every other part that is
    not text (an inline image, a PDF); the text/plain and text/html bodies are not."""
    out = []
    for index, part in enumerate(msg.walk()):
        if part.is_multipart():
            continue
        if not part.is_attachment() and part.get_content_maintype() == "text":
            continue
        payload = part.get_payload(decode=True) or b""
        kind = part.get_content_type()
        out.append(Attachment(_file_name(part, kind, len(out) + 1), kind, len(payload),
                              payload, index))
    return out


def _file_name(part: EmailMessage, kind: str, n: int) -> str:
    """The part's own file name without any folder, else one made from its type and place
    ("image-2.png", "attachment-3.pdf")."""
    try:
        given = part.get_filename()
    except (ValueError, IndexError, TypeError):
        given = None
    name = "".join(c for c in (given or "") if c.isprintable())
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    if name:
        return name
    ext = mimetypes.guess_extension(kind, strict=False) or ".bin"
    major = kind.partition("/")[0]
    return f"{major if major in ('image', 'audio', 'video') else 'attachment'}-{n}{ext}"


# "Agent: Zoë", "Agent name | Zoë" (a table row as text), "Priya (agent)", and a subject's
# "transcript with Zoë" ("chat with Globex" names the company, not who spoke for it).
_AGENT_LINE = re.compile(r"^\W*agent(?: name)?\W*[:|]\s*([^\W\d][\w.' -]{0,40}?)\s*\|?\s*$",
                         re.IGNORECASE | re.MULTILINE)
_AGENT_MARK = re.compile(r"([^\W\d][\w.'-]{0,30})\s*\((?:agent|advisor|adviser)\)",
                         re.IGNORECASE)
_CHAT_WITH = re.compile(r"\btranscript with ([^\W\d][\w.'-]{0,30})", re.IGNORECASE)


def _agent(kind: str, subject: str | None, text: str) -> str | None:
    """Who spoke for the company in a chat transcript, as the transcript names them."""
    if kind != "chat":
        return None
    for pattern, where in ((_AGENT_LINE, text), (_AGENT_MARK, text),
                           (_CHAT_WITH, subject or "")):
        found = pattern.search(where)
        if found:
            return found.group(1).strip()
    return None


def html_to_text(html: str) -> str:
    """HTML as the readable text a person would see (links kept, no tags, no wrapping)."""
    import html2text  # only imports of HTML need it
    converter = html2text.HTML2Text()
    converter.body_width = 0           # wrapping would break words apart in search snippets
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.unicode_snob = True      # keep "Zoë", not "Zoe"
    return converter.handle(html).strip()


class _PageFacts(HTMLParser):
    """A chat page's title and the first machine-readable time on it."""

    def __init__(self):
        super().__init__()
        self.title, self.when, self._in_title = "", None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "time" and self.when is None and attrs.get("datetime"):
            self.when = attrs["datetime"]
        elif tag == "meta" and self.when is None and attrs.get("name") == "date":
            self.when = attrs.get("content")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _decode_file(raw: bytes, guesses: list[str]) -> str:
    text, guessed = decode(raw, "the file")
    if guessed:
        guesses.append(f"it is not UTF-8; read it as {guessed}")
    return text


def _chat_page(source: str, raw: bytes) -> Message:
    guesses: list[str] = []
    page = _decode_file(raw, guesses)
    facts = _PageFacts()
    facts.feed(page)
    when = None
    if facts.when:
        try:
            moment = from_iso(facts.when.strip())
            moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
            when = to_iso(moment)
        except ValueError:
            pass
    if when is None:
        guesses.append("the page gives no time (<time datetime>); dated when it was imported")
    text, subject = html_to_text(page), " ".join(facts.title.split()) or None
    return Message(source=source, kind="chat", text=text, subject=subject, date=when,
                   agent=_agent("chat", subject, text), guesses=guesses, raw_type="text/html")


def _plain_text(source: str, raw: bytes) -> Message:
    guesses: list[str] = ["a text file without mail headers; dated when it was imported"]
    text = _decode_file(raw, guesses)
    return Message(source=source, kind="chat", text=text, agent=_agent("chat", None, text),
                   guesses=guesses, raw_type="text/plain")
