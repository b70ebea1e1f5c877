"""import-mail's evidence: a message's attachments and, with --keep-original, the message as
received become evidence files of its case and contact, once; and the headers a contact was
imported from."""

from __future__ import annotations

import hashlib
import json
import mailbox
import sqlite3
from email.message import EmailMessage
from pathlib import Path

import pytest

from tui.store import Store
from tui.store.attachments import evidence_dir
from tui.store.mail import read_messages
from tui.store.mail_import import MessageHeaders, message_headers

from conftest import NOW

MAIL = Path(__file__).parent / "fixtures" / "mail"
ZOE = MAIL / "chat-transcript-zoe.eml"
# The PDF inside pdf-attachment.eml, decoded from its base64.
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n"
       b"%%EOF\n")


def _case(db_path, company="Acme Energy", title="Bill doubled", refs=()) -> int:
    store = Store(db_path, clock=lambda: NOW)
    case = store.create_case(company, title, refs=refs, opened_at="2026-11-01")
    store.close()
    return case.id


def _rows(db_path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT id, uid, case_id, interaction_id, sha256, name, size, type, "
                        "note, origin FROM attachments ORDER BY id").fetchall()
    conn.close()
    return rows


def _files(db_path) -> dict[str, bytes]:
    folder = evidence_dir(db_path)
    return {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_emailed_chat_transcript_lands_in_its_case_by_its_reference(run, db_path):
    """The article's scenario: "Your chat transcript with Zoë" names the case number in its
    subject; it lands in that case with agent, time and reference filled, words searchable."""
    _case(db_path, "Globex", "Engineer visit", refs=[("other", "87654321")])
    case = _case(db_path, "Acme Energy", "Estimated meter reading",
                 refs=[("other", "12345678")])
    out = run.ok("import-mail", str(ZOE))
    assert out == (f"1 imported: case {case}, by its reference: Your chat transcript with Zoë "
                   "– Case 12345678; 1 evidence file\n")
    conn = sqlite3.connect(db_path)
    row = conn.execute("SELECT case_id, channel, direction, agent, started_at, reference "
                       "FROM interactions").fetchall()
    conn.close()
    assert row == [(case, "chat", "in", "Zoë", "2026-11-24T14:12:03Z", "12345678")]
    store = Store(db_path, clock=lambda: NOW)
    for words in ("goodwill credit", "Zoë", "revised bill", "41,977"):
        hits = store.search(words)
        assert [(h.case_id, h.interaction_id) for h in hits] == [(case, 1)], words
    # The company logo inline in the HTML part is kept as a file, named from its type.
    logo, = store.attachments(case)
    assert (logo.name, logo.type, logo.origin, logo.interaction_id) == (
        "image-1.png", "image/png", "mail", 1)
    assert store.evidence_path(logo.sha256).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    store.close()


def test_a_pdf_attachment_is_an_evidence_file_of_the_case_not_search_text(run, db_path):
    case = _case(db_path)
    doc = json.loads(run.ok("import-mail", str(MAIL / "pdf-attachment.eml"), "--case",
                            str(case), "--json"))
    store = Store(db_path, clock=lambda: NOW)
    pdf, = store.attachments(case)
    assert doc["imported"][0]["attachments"][0]["attachment_id"] == pdf.id
    assert (pdf.name, pdf.type, pdf.size, pdf.sha256, pdf.origin, pdf.interaction_id) == (
        "invoice-1108.pdf", "application/pdf", 77, hashlib.sha256(PDF).hexdigest(), "mail",
        doc["imported"][0]["interaction_id"])
    assert store.evidence_path(pdf.sha256).read_bytes() == PDF
    assert [a.id for a in store.get_detail(case).attachments] == [pdf.id]
    for word in ("Catalog", "Root", "EOF", "JVBERi0xLjQK"):
        assert store.search(word) == [], word
    assert store.search("invoice")               # the message's own words are searched
    store.close()


def test_keep_original_stores_the_message_as_received_unmasked(run, db_path):
    case = _case(db_path)
    doc = json.loads(run.ok("import-mail", str(MAIL / "qp-utf8.eml"), "--case", str(case),
                            "--keep-original", "--json"))
    store = Store(db_path, clock=lambda: NOW)
    original, = store.attachments(case)
    assert doc["imported"][0]["original_id"] == original.id
    assert (original.name, original.type, original.origin, original.interaction_id) == (
        "qp-utf8.eml", "message/rfc822", "original", 1)
    assert "cannot be masked" in original.note
    kept = store.evidence_path(original.sha256).read_bytes()
    assert kept == (MAIL / "qp-utf8.eml").read_bytes()   # card number and all, as received
    assert original.sha256 == hashlib.sha256(kept).hexdigest()
    store.close()


def test_keep_original_of_a_mailbox_keeps_each_message_alone(run, db_path):
    case = _case(db_path)
    run.ok("import-mail", str(MAIL / "ten.mbox"), "--case", str(case), "--keep-original")
    store = Store(db_path, clock=lambda: NOW)
    kept = [a for a in store.attachments(case) if a.origin == "original"]
    box = mailbox.mbox(MAIL / "ten.mbox", create=False)
    expected = [box.get_bytes(key) for key in box.keys()]
    box.close()
    assert [a.name for a in kept] == [f"ten-{n}.eml" for n in range(1, 11)]
    assert [store.evidence_path(a.sha256).read_bytes() for a in kept] == expected
    assert sorted(a.interaction_id for a in kept) == list(range(1, 11))
    store.close()


def test_no_original_is_kept_without_the_flag(run, db_path):
    case = _case(db_path)
    run.ok("import-mail", str(MAIL / "qp-utf8.eml"), "--case", str(case))
    assert _rows(db_path) == [] and _files(db_path) == {}


def test_importing_again_with_attachments_writes_nothing_new(run, db_path):
    case = _case(db_path)
    files = [str(MAIL / n) for n in ("pdf-attachment.eml", "chat-transcript-zoe.eml",
                                     "ten.mbox")]
    first = json.loads(run.ok("import-mail", *files, "--case", str(case), "--keep-original",
                              "--json"))
    rows, stored = _rows(db_path), _files(db_path)
    assert len(rows) == 2 + 12 and len(stored) == 14     # two attachments, twelve originals
    again = json.loads(run.ok("import-mail", *files, "--case", str(case), "--keep-original",
                              "--json", now="2026-11-26T09:00:00Z"))
    assert _rows(db_path) == rows and _files(db_path) == stored
    assert [d["new"] for d in again["imported"]] == [False] * 12
    assert [(d["attachments"], d["original_id"]) for d in again["imported"]] == [
        (d["attachments"], d["original_id"]) for d in first["imported"]]


def test_a_message_imported_before_its_attachments_were_kept_gets_them(run, db_path):
    """A notebook that imported mail before evidence files existed: importing the message
    again adds its attachment, and says it changed something."""
    case = _case(db_path)
    run.ok("import-mail", str(MAIL / "pdf-attachment.eml"), "--case", str(case))
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM attachments")
    conn.commit()
    conn.close()
    out = run.ok("import-mail", str(MAIL / "pdf-attachment.eml"))
    assert out == "1 imported: case 1: Your invoice INV-2026-1108; 1 evidence file\n"
    assert [r[5] for r in _rows(db_path)] == ["invoice-1108.pdf"]
    assert run.ok("import-mail", str(MAIL / "pdf-attachment.eml")).startswith(
        "1 already imported")


def test_which_parts_are_attachments(tmp_path):
    """Bodies (plain and HTML) are not; a real attachment, even a text one, is; an inline
    image without a name gets one from its type; a name never carries a folder."""
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "Shop <help@shop.example>", "Your return"
    msg.set_content("Plain body.")
    msg.add_alternative("<p>HTML body.</p>", subtype="html")
    msg.make_mixed()
    msg.add_attachment(b"\x89PNG\r\n\x1a\nfake", maintype="image", subtype="png",
                       disposition="inline")
    msg.add_attachment("line one\n", subtype="plain", filename="notes.txt")
    msg.add_attachment(b"%PDF-1.4 label", maintype="application", subtype="pdf",
                       filename="../../etc/label.pdf")
    msg.add_attachment(b"\x00\x01", maintype="application", subtype="x-unknown-thing")
    path = tmp_path / "return.eml"
    path.write_bytes(bytes(msg))
    m, = read_messages(path)
    assert m.text.strip() == "Plain body."
    assert [(a.name, a.type, a.data) for a in m.attachments] == [
        ("image-1.png", "image/png", b"\x89PNG\r\n\x1a\nfake"),
        ("notes.txt", "text/plain", b"line one\n"),
        ("label.pdf", "application/pdf", b"%PDF-1.4 label"),
        ("attachment-4.bin", "application/x-unknown-thing", b"\x00\x01")]
    assert len({a.part for a in m.attachments}) == 4
    assert m.raw == path.read_bytes()


def test_message_headers_of_an_imported_contact(run, db_path):
    case = _case(db_path)
    run.ok("import-mail", str(MAIL / "thread-3.eml"), str(MAIL / "chat.html"), "--case",
           str(case))
    run.ok("log", str(case), "--channel", "phone", "--outcome", "info")
    store = Store(db_path, clock=lambda: NOW)
    reply = message_headers(store, 1)
    assert isinstance(reply, MessageHeaders)
    assert (reply.message_id, reply.in_reply_to, reply.refs) == (
        "t3@home.example", "t2@parcels.example", ("t1@home.example", "t2@parcels.example"))
    assert reply.subject == "Re: Parcel never arrived" and reply.date.endswith("Z")
    assert reply.from_addr == "sam@home.example" and reply.to_addr
    page = message_headers(store, 2)            # a chat page: known by a hash, no Message-ID
    assert page.message_id is None and page.subject == "Chat with Globex Support"
    assert message_headers(store, 3) is None    # a phone call has no message
    store.close()


def test_needs_case_keeps_the_message_and_its_text(db_path):
    """NeedsCase used to set `message` to the Message, then ValidationError's __init__ set
    it back to the text: a caller reading the Message got a str."""
    from tui.store.companies import CompanyChanges
    from tui.store.mail_import import NeedsCase, import_messages
    store = Store(db_path, clock=lambda: NOW)
    case = store.create_case("Acme Energy", "Meter", opened_at="2026-11-01")
    store.edit_company("Acme Energy", CompanyChanges(routes=[
        {"kind": "email", "value": "care@acme-energy.example"}]))
    m, = read_messages(ZOE)
    with pytest.raises(NeedsCase) as raised:
        import_messages(store, [m])
    store.close()
    assert raised.value.mail is m and raised.value.candidates == [(case.id, "Meter")]
    assert isinstance(raised.value.message, str) and "--case" in raised.value.message
    assert raised.value.field == str(ZOE)
    assert _rows(db_path) == []
