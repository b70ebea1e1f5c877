"""`supportlog import-mail`: real mail fixtures decoded, linked to cases, stored once."""

from __future__ import annotations

import json
import mailbox
import shutil
import sqlite3
from pathlib import Path

import pytest

from jsonschema import Draft202012Validator

from tui.commands.json_schema import definition, load_schema
from tui.store.schema import schema_version
from tui.store import Store
from tui.store.companies import CompanyChanges
from tui.store.mail import MailError, read_messages

from conftest import NOW

MAIL = Path(__file__).parent / "fixtures" / "mail"
FIXTURES = Path(__file__).parent / "fixtures"


def _case(db_path, company="Acme Energy", title="Bill doubled", refs=(), email=None) -> int:
    store = Store(db_path, clock=lambda: NOW)
    case = store.create_case(company, title, refs=refs, opened_at="2026-11-01")
    if email:
        store.edit_company(company, CompanyChanges(routes=[{"kind": "email", "value": email}]))
    store.close()
    return case.id


def _me(tmp_path, *emails):
    config = tmp_path / "xdg-config" / "supportlog" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[me]\nemails = [" + ", ".join(f'"{e}"' for e in emails) + "]\n")


def _contacts(db_path):
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT i.case_id, i.channel, i.direction, i.agent, i.started_at, "
                        "i.reference, t.text FROM interactions i LEFT JOIN transcripts t "
                        "ON t.interaction_id = i.id ORDER BY i.id").fetchall()
    conn.close()
    return rows


def _dump(db_path):
    conn = sqlite3.connect(db_path)
    out = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
           for t in ("cases", "interactions", "transcripts", "messages", "search_index")}
    conn.close()
    return out


@pytest.mark.parametrize("name, words", [
    ("qp-utf8.eml", ["Zoë from Acme Energy", "धन्यवाद", "approved on the 3rd of December"]),
    ("base64.eml", ["TCK-90817 is open", "Schöne Grüße"]),
    ("latin1.eml", ["café crème est expédié", "À bientôt, Renée"]),
    ("cp1252.eml", ["We “agreed” a credit of €45 – it shows"]),
    ("html-only.eml", ["Reference: CHT-77410", "Hello, I’m Priya.", "€120 back"]),
    ("chat.html", ["Marta: Your reference is GLX-20551.", "8 and 12 — guäranteed"]),
])
def test_every_charset_and_transfer_encoding_is_decoded(name, words):
    m, = read_messages(MAIL / name)
    for word in words:
        assert word in m.text
    for raw in ("=C3", "=\n", "<td", "<b>", "&euro;", "&rsquo;"):
        assert raw not in m.text
    assert m.guesses == []


def test_headers_that_matter_are_decoded():
    m, = read_messages(MAIL / "qp-utf8.eml")
    assert (m.from_name, m.from_addr, m.subject, m.message_id, m.date) == (
        "Zoë Martin", "zoe.martin@acme-energy.example", "Your refund for ORD-55123 – approved",
        "qp-1@acme-energy.example", "2026-11-20T08:14:00Z")   # +0100 read as UTC
    third, = read_messages(MAIL / "thread-3.eml")
    assert (third.in_reply_to, third.refs) == ("t2@parcels.example",
                                               ["t1@home.example", "t2@parcels.example"])


def test_search_finds_decoded_words_and_cards_are_masked(run, db_path):
    case = _case(db_path)
    assert run.ok("import-mail", str(MAIL / "qp-utf8.eml"), "--case", str(case)).startswith(
        "1 imported: case 1")
    assert "case 1, contact 1" in run.ok("search", "Zoë")
    assert "case 1, contact 1" in run.ok("search", "धन्यवाद")
    assert "nothing found" in run.ok("search", "4111")
    text = _contacts(db_path)[0][6]
    assert "•••• 1111" in text and "4111 1111" not in text
    assert "Zo=C3=AB" not in text and "Subject: Your refund for ORD-55123 – approved" in text


def test_importing_twice_changes_nothing(run, db_path):
    case = _case(db_path)
    files = [str(MAIL / n) for n in ("qp-utf8.eml", "ten.mbox", "chat.html", "malformed.eml")]
    run.ok("import-mail", *files, "--case", str(case))
    before = _dump(db_path)
    assert len(before["interactions"]) == 13
    out = run.ok("import-mail", *files, "--case", str(case), now="2026-11-25T13:00:00Z")
    assert out.count("already imported") == 13
    assert _dump(db_path) == before


def test_an_import_cut_short_before_its_headers_is_completed(run, db_path):
    case = _case(db_path)
    run.ok("import-mail", str(MAIL / "thread-1.eml"), "--case", str(case))
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM messages")
    conn.commit()
    conn.close()
    run.ok("import-mail", str(MAIL / "thread-1.eml"))    # found by its contact, no --case
    assert len(_contacts(db_path)) == 1
    assert _dump(db_path)["messages"][0][:2] == (1, "t1@home.example")


def test_a_thread_links_its_replies_and_direction_follows_my_addresses(run, db_path, tmp_path):
    _me(tmp_path, "Sam@Home.example")
    _case(db_path, "Other", "Unrelated")
    case = _case(db_path, "Parcels", "Parcel lost")
    run.ok("import-mail", str(MAIL / "thread-1.eml"), "--case", str(case))
    # The third before the second: it finds the thread by its References.
    out = run.ok("import-mail", str(MAIL / "thread-3.eml"), str(MAIL / "thread-2.eml"))
    assert out.count(f"case {case}, by its thread") == 2
    rows = _contacts(db_path)
    assert [(r[0], r[2], r[3]) for r in rows] == [(case, "out", None), (case, "out", None),
                                                  (case, "in", "Parcels Help")]


def test_a_reference_the_case_holds_links_an_emailed_chat_transcript(run, db_path):
    """The article's scenario: the chat transcript e-mailed to you lands in its case with
    agent, time and reference filled, its words searchable."""
    _case(db_path, "Globex", "Engineer visit")
    case = _case(db_path, refs=[("chat", "CHT-77410")])
    out = run.ok("import-mail", str(MAIL / "html-only.eml"))
    assert out == f"1 imported: case {case}, by its reference: Your chat transcript CHT-77410\n"
    (case_id, channel, direction, agent, started, reference, text), = _contacts(db_path)
    assert (case_id, channel, direction, agent, started, reference) == (
        case, "chat", "in", "Priya", "2026-11-21T09:10:00Z", "CHT-77410")   # "Priya (agent)"
    assert "<td" not in text
    assert f"case {case}, contact 1" in run.ok("search", "guarantee")


def test_a_domain_match_alone_refuses_and_names_the_candidates(run, db_path):
    case = _case(db_path, "Parcels", "Parcel lost", email="help@parcels.example")
    result = run("import-mail", str(MAIL / "thread-2.eml"))
    assert result.exit_code == 2
    assert result.stdout == ""
    line, = result.stderr.splitlines()
    assert "thread-2.eml" in line and f"{case} (Parcel lost)" in line and "--case" in line
    assert _contacts(db_path) == []


def test_one_unlinked_message_writes_none_of_the_batch(run, db_path):
    _case(db_path, refs=[("chat", "CHT-77410")])
    result = run("import-mail", str(MAIL / "html-only.eml"), str(MAIL / "cp1252.eml"))
    assert result.exit_code == 2 and "cp1252.eml" in result.stderr
    assert _contacts(db_path) == []


def test_mbox_of_ten_and_a_maildir_folder(run, db_path, tmp_path):
    case = _case(db_path)
    run.ok("import-mail", str(MAIL / "ten.mbox"), "--case", str(case))
    rows = _contacts(db_path)
    assert len(rows) == 10 and [r[4][:10] for r in rows] == [
        f"2026-11-{n:02d}" for n in range(1, 11)]
    assert ">From the warehouse" in rows[0][6]
    box = mailbox.Maildir(tmp_path / "Maildir")
    for n in (1, 2, 3):
        box.add((MAIL / f"thread-{n}.eml").read_bytes())
    box.close()
    out = run.ok("import-mail", str(tmp_path / "Maildir"), "--case", str(case))
    assert out.count("imported") == 3 and len(_contacts(db_path)) == 13


def test_attachments_are_listed_in_the_text_not_searched(run, db_path):
    case = _case(db_path)
    doc = json.loads(run.ok("import-mail", str(MAIL / "pdf-attachment.eml"), "--case",
                            str(case), "--json"))
    Draft202012Validator(definition(load_schema(), "import-mail")).validate(doc)
    assert doc["imported"][0]["attachments"] == [
        {"name": "invoice-1108.pdf", "type": "application/pdf", "size": 77,
         "attachment_id": 1}]
    assert doc["imported"][0]["original_id"] is None
    text = _contacts(db_path)[0][6]
    assert "invoice-1108.pdf (application/pdf, 77 bytes)" in text
    assert "JVBERi" not in text and "%PDF" not in text       # neither base64 nor the bytes


def test_chat_page_is_a_chat_contact_at_its_time(run, db_path):
    case = _case(db_path)
    run.ok("import-mail", str(MAIL / "chat.html"), "--case", str(case))
    (_, channel, _, _, started, _, text), = _contacts(db_path)
    assert (channel, started) == ("chat", "2026-11-19T15:20:00Z")
    assert "<div" not in text and "Marta: Tuesday between 8 and 12" in text


def test_malformed_message_is_a_best_effort_that_says_what_it_guessed(run, db_path):
    case = _case(db_path)
    result = run("import-mail", str(MAIL / "malformed.eml"), "--case", str(case))
    assert result.exit_code == 0
    assert "malformed.eml: its text is not valid utf-8; read it as windows-1252" in result.stderr
    assert "malformed.eml: it has no Date header; dated when it was imported" in result.stderr
    (_, _, _, _, started, _, text), = _contacts(db_path)
    assert started == "2026-11-25T12:00:00Z" and "Résumé attached" in text


@pytest.mark.parametrize("content, says", [
    (b"\x00\x01garbage that is no mail\n", "is not an e-mail message"),
    (None, "no such file"),
])
def test_unreadable_files_fail_in_one_line_naming_the_file(run, db_path, tmp_path, content,
                                                           says):
    case = _case(db_path)
    bad = tmp_path / "bad.eml"
    if content is not None:
        bad.write_bytes(content)
    result = run("import-mail", str(bad), "--case", str(case))
    assert result.exit_code == 2
    assert result.stderr == f"supportlog: {bad}: {says}" + result.stderr.split(says, 1)[1]
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    with pytest.raises(MailError):
        read_messages(bad)


def test_a_bad_me_emails_setting_is_one_line_naming_the_config(run, db_path, tmp_path):
    case = _case(db_path)
    config = tmp_path / "xdg-config" / "supportlog" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[me]\nemails = 3\n")
    result = run("import-mail", str(MAIL / "thread-1.eml"), "--case", str(case))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"supportlog: config file {config}: [me] emails = 3 is "
                                    "not usable; it must be a list of your addresses")


def test_schema_6_upgrade_adds_messages(tmp_path):
    copy = tmp_path / "old.db"
    shutil.copy(FIXTURES / "notebook-v5.db", copy)
    store = Store(copy, clock=lambda: NOW)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    assert [r[1] for r in store.conn.execute("PRAGMA table_info(messages)")] == [
        "interaction_id", "message_id", "in_reply_to", "refs", "subject", "from_addr",
        "to_addr", "date"]
    store.close()


def test_undoing_a_case_delete_brings_its_messages_back(run, db_path):
    case = _case(db_path)
    run.ok("import-mail", str(MAIL / "thread-1.eml"), str(MAIL / "thread-2.eml"), "--case",
           str(case))
    before = _dump(db_path)["messages"]
    store = Store(db_path, clock=lambda: NOW)
    deleted = store.delete_case(case)
    assert store.conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    store.restore_case(deleted)
    store.close()
    assert _dump(db_path)["messages"] == before
    # So the reply still finds its thread, and the import knows them.
    assert run.ok("import-mail", str(MAIL / "thread-3.eml")).endswith(
        f"case {case}, by its thread: Re: Parcel never arrived\n")


def test_a_message_dated_ahead_of_the_clock_names_its_file(run, db_path):
    case = _case(db_path)
    result = run("import-mail", str(MAIL / "qp-utf8.eml"), "--case", str(case),
                 now="2026-11-18T12:00:00Z")
    assert result.exit_code == 2
    line, = result.stderr.splitlines()
    assert line.startswith(f"supportlog: {MAIL / 'qp-utf8.eml'}: at: ")
