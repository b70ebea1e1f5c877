"""A printable document as plain blocks (headings, paragraphs, tables, lists, quoted and
preformatted text), rendered to Markdown or to a self-contained HTML page.

The dossier and the letters are written once as blocks; each renderer decides how user text
is made safe: Markdown escapes what it would read as markup, HTML escapes every character
that means something there. Text is user text unless wrapped in `Raw` (the product's own
words and figures, already safe in Markdown); `Strong` and `Code` mark emphasis and hashes.
"""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Raw:
    """Text of the product's own, left as it is in Markdown (still escaped in HTML)."""
    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Code:
    text: str


Span = str | Raw | Strong | Code
Text = Span | tuple[Span, ...]


@dataclass(frozen=True)
class Heading:
    text: Text
    level: int = 2


@dataclass(frozen=True)
class Para:
    text: Text


@dataclass(frozen=True)
class Quote:
    lines: tuple[Text, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[Text, ...]          # an empty tuple of "" makes a header-less look in md
    rows: tuple[tuple[Text, ...], ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[Text, ...]


@dataclass(frozen=True)
class Pre:
    """Text shown exactly as it is, line by line (a transcript)."""
    text: str


@dataclass(frozen=True)
class Footer:
    text: Text


Block = Heading | Para | Quote | Table | Bullets | Pre | Footer


def md_text(text: str | None) -> str:
    """User text for Markdown: one line, pipes and what Markdown reads mid-line escaped."""
    if not text:
        return ""
    one_line = " / ".join(part.strip() for part in str(text).splitlines() if part.strip())
    out = []
    for ch in one_line:
        if ch in "\\`*_[]<>|~":  # what Markdown reads mid-line; plain text stays readable
            out.append("\\" + ch)
        elif not ch.isprintable():
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _spans(text: Text) -> tuple[Span, ...]:
    return text if isinstance(text, tuple) else (text,)


def _md_span(span: Span) -> str:
    if isinstance(span, Raw):
        return span.text
    if isinstance(span, Strong):
        return f"**{md_text(span.text)}**"
    if isinstance(span, Code):
        return f"`{span.text.replace('`', '')}`"
    return md_text(span)


def _md(text: Text) -> str:
    return "".join(_md_span(s) for s in _spans(text))


def _fence(text: str) -> str:
    # A line of backticks closes a fence even indented or followed by spaces (CommonMark).
    runs = [line.strip() for line in text.splitlines()]
    longest = max((len(run) for run in runs if set(run) == {"`"}), default=0)
    ticks = "`" * max(3, longest + 1)
    return ticks


def to_markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    for b in blocks:
        if lines:
            lines.append("")
        if isinstance(b, Heading):
            lines.append("#" * b.level + " " + _md(b.text))
        elif isinstance(b, Para):
            lines.append(_md(b.text))
        elif isinstance(b, Quote):
            lines += [f"> {_md(line)}" for line in b.lines]
        elif isinstance(b, Table):
            lines.append("| " + " | ".join(_md(c) for c in b.columns) + " |"
                         if any(b.columns) else "|" + " |" * len(b.columns))
            lines.append("|" + "---|" * len(b.columns))
            lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in b.rows]
        elif isinstance(b, Bullets):
            lines += [f"- {_md(item)}" for item in b.items]
        elif isinstance(b, Pre):
            fence = _fence(b.text)
            lines += [fence + "text", *b.text.splitlines(), fence]
        elif isinstance(b, Footer):
            lines += ["---", _md(b.text)]
    return "\n".join(lines) + "\n"


def _html_span(span: Span) -> str:
    if isinstance(span, Strong):
        return f"<strong>{html.escape(span.text)}</strong>"
    if isinstance(span, Code):
        return f"<code>{html.escape(span.text)}</code>"
    return html.escape(span.text if isinstance(span, Raw) else str(span))


def _html(text: Text) -> str:
    return "".join(_html_span(s) for s in _spans(text))


STYLE = """
body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6em; margin-bottom: .4em; }
h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #bbb; }
h3 { font-size: 1.05em; margin-top: 1.2em; }
table { border-collapse: collapse; width: 100%; margin: .6em 0; font-size: .95em; }
th, td { border: 1px solid #bbb; padding: .25em .45em; text-align: left;
         vertical-align: top; overflow-wrap: anywhere; }
th { background: #eee; }
blockquote { margin: .6em 0; padding-left: .8em; border-left: 3px solid #bbb; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f6;
      border: 1px solid #ddd; padding: .6em; font-size: .9em; }
code { font-size: .9em; overflow-wrap: anywhere; }
footer { margin-top: 2em; border-top: 1px solid #bbb; color: #444; font-size: .9em; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
               tr, pre { break-inside: avoid-page; } }
"""


def to_html(blocks: list[Block], title: str) -> str:
    """A whole page: no scripts, no outside resources, styles inline, printable."""
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{html.escape(title)}</title>", f"<style>{STYLE}</style>", "</head>",
           "<body>"]
    for b in blocks:
        if isinstance(b, Heading):
            level = min(max(b.level, 1), 6)
            out.append(f"<h{level}>{_html(b.text)}</h{level}>")
        elif isinstance(b, Para):
            out.append(f"<p>{_html(b.text)}</p>")
        elif isinstance(b, Quote):
            out.append("<blockquote>" + "<br>".join(_html(x) for x in b.lines)
                       + "</blockquote>")
        elif isinstance(b, Table):
            out.append("<table>")
            if any(b.columns):
                out.append("<thead><tr>" + "".join(f"<th>{_html(c)}</th>" for c in b.columns)
                           + "</tr></thead>")
            out.append("<tbody>")
            out += ["<tr>" + "".join(f"<td>{_html(c)}</td>" for c in row) + "</tr>"
                    for row in b.rows]
            out.append("</tbody></table>")
        elif isinstance(b, Bullets):
            out.append("<ul>" + "".join(f"<li>{_html(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Pre):
            out.append(f"<pre>{html.escape(b.text)}</pre>")
        elif isinstance(b, Footer):
            out.append(f"<footer><p>{_html(b.text)}</p></footer>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
