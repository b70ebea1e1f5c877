"""Transcript references: what opens where (pure functions, no app needed)."""

from __future__ import annotations

from tui.screens.transcript import classify, read_transcript


def test_references_are_classified_without_running_anything(tmp_path):
    note = tmp_path / "chat log.txt"
    note.write_text("Agent: hello [b]\n")
    assert classify(str(note)) == ("file", str(note))
    assert classify(f"file://{note}".replace(" ", "%20")) == ("file", str(note))
    assert classify("https://shop.example/chat/1") == ("link", "https://shop.example/chat/1")
    assert classify("mailto:help@shop.example") == ("link", "mailto:help@shop.example")
    for other in ("Re: your order 55", "chat-8812", "$(rm -rf ~)", "javascript:alert(1)",
                  str(tmp_path / "missing.txt"), "ftp://x.example/f"):
        assert classify(other) == ("text", other)


def test_plain_text_and_eml_files_are_read_for_the_viewer(tmp_path):
    plain = tmp_path / "t.txt"
    plain.write_bytes("héllo [/]\n".encode() + b"\xff")
    heading, text = read_transcript(plain)   # not UTF-8: read as a guess, which is said
    assert text == "hÃ©llo [/]\nÿ" and heading.endswith("read as Windows-1252 (cp1252))")
    eml = tmp_path / "m.eml"
    eml.write_text(
        "From: Shop <help@shop.example>\nSubject: Your chat\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="b"\n\n--b\n'
        "Content-Type: text/html; charset=utf-8\n\n<p>html <b>only</b> part</p>\n--b--\n")
    text = read_transcript(eml)[1]
    assert "From: Shop <help@shop.example>" in text and "Subject: Your chat" in text
    assert "html only part" in text and "<p>" not in text
