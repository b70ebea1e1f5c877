"""Card numbers and security codes are never stored (issue 10, D3): the masking rule both
ways, every text path and every file the product writes, secure_delete, doctor --scan."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from tui.store import Store, ValidationError
from tui.store import cards
from tui.store.card_scan import scan_file, scan_notebook
from tui.store.cards import MAX_SPANS_PER_GROUP, find_cards, luhn_ok, mask_cards

from conftest import NOW, NOW_ISO

SUPPORTLOG = Path(sys.executable).with_name("supportlog")


def complete(prefix: str) -> str:
    """`prefix` and the one check digit that makes it pass Luhn."""
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


def digits_of(text: str) -> str:
    """Every decimal digit of `text`, in any script, as ASCII."""
    return "".join(str(unicodedata.decimal(c)) for c in text if c.isdecimal())


EIGHT = complete("800012345678901")   # Luhn-valid 16-digit numbers no scheme starts with
NINE = complete("912345678901234")
NINETEEN = next(n for n in (complete(f"6212345678901234{k:02d}") for k in range(100))
                if not luhn_ok(n[:16]))  # its first 16 digits are no card of their own
FULL = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def fours(number: str, sep: str = " ") -> str:
    return sep.join(number[i:i + 4] for i in range(0, len(number), 4))


# (name, as typed, the card's digits): every form of issue 10's D3 list and more.
FORMS = [
    ("card then its CVV", "4111 1111 1111 1111 123", "4111111111111111"),
    ("contiguous", "4111111111111111", "4111111111111111"),
    ("dashes", "5555-5555-5555-4444", "5555555555554444"),
    ("dots", "4012.8888.8888.1881", "4012888888881881"),
    ("slashes", "5105/1051/0510/5100", "5105105105105100"),
    ("underscores", "6011_1111_1111_1117", "6011111111111117"),
    ("double spaces", "3530  1113  3330  0000", "3530111333300000"),
    ("spaced dashes", "4111 - 1111 - 1111 - 1111", "4111111111111111"),
    ("mixed separators", "4111-1111 1111.1111", "4111111111111111"),
    ("tabs", fours("4111111111111111", "\t"), "4111111111111111"),
    ("no-break spaces", fours("5555555555554444", "\u00a0"), "5555555555554444"),
    ("narrow no-break spaces", fours("5555555555554444", "\u202f"), "5555555555554444"),
    ("thin spaces", fours("4012888888881881", "\u2009"), "4012888888881881"),
    ("ideographic spaces", fours("4012888888881881", "\u3000"), "4012888888881881"),
    ("zero-width spaces", fours("4111111111111111", "\u200b"), "4111111111111111"),
    ("zero-width non-joiners", fours("4111111111111111", "\u200c"), "4111111111111111"),
    ("zero-width joiners", fours("4111111111111111", "\u200d"), "4111111111111111"),
    ("word joiners", fours("4111111111111111", "\u2060"), "4111111111111111"),
    ("BOMs", fours("4111111111111111", "\ufeff"), "4111111111111111"),
    ("zero-width inside a group", "41\u200b11111111111111", "4111111111111111"),
    ("space and zero-width", fours("4111111111111111", " \u200b"), "4111111111111111"),
    ("full-width digits", fours("4111111111111111").translate(FULL), "4111111111111111"),
    ("full-width contiguous", "5555555555554444".translate(FULL), "5555555555554444"),
    ("Arabic-Indic digits", "4111111111111111".translate(ARABIC), "4111111111111111"),
    ("a line break inside", "4111 1111\n1111 1111", "4111111111111111"),
    ("a CRLF inside", "4111 1111\r\n1111 1111", "4111111111111111"),
    ("Diners 4-6-4", "3056 930902 5904", "30569309025904"),
    ("Amex 4-6-5", "3782 822463 10005", "378282246310005"),
    ("Amex contiguous", "371449635398431", "371449635398431"),
    ("13 digits", "4222222222222", "4222222222222"),
    ("13 digits in fours", "4222 2222 2222 2", "4222222222222"),
    ("19 digits", f"{fours(NINETEEN[:16])} {NINETEEN[16:]}", NINETEEN),
    ("16 digits starting 8", fours(EIGHT), EIGHT),
    ("16 digits starting 9", NINE, NINE),
    ("a leading reference", "ref 12 4111 1111 1111 1111", "4111111111111111"),
    ("a leading group of four", "0042 4111 1111 1111 1111", "4111111111111111"),
    ("glued to a word", "card4111111111111111", "4111111111111111"),
    ("after a hash", "#4111111111111111", "4111111111111111"),
    ("digit by digit", " ".join("4111111111111111"), "4111111111111111"),
    ("expiry and CVV after", "4111 1111 1111 1111 12/27 123", "4111111111111111"),
]
IDS = [f[0] for f in FORMS]


@pytest.mark.parametrize("name, typed, number", FORMS, ids=IDS)
def test_every_form_is_masked(name, typed, number):
    assert luhn_ok(number)
    masked = mask_cards(f"Paid with {typed} yesterday.")
    assert number[:-4] not in digits_of(masked), masked
    assert f"•••• {number[-4:]}" in masked
    assert masked.startswith("Paid with ") and masked.endswith(" yesterday.")
    assert mask_cards(masked) == masked  # masking twice changes nothing


def test_a_trailing_code_goes_too():
    assert mask_cards("4111 1111 1111 1111 123") == "•••• 1111 ***"
    assert mask_cards("4111 1111 1111 1111 12/27 123") == "•••• 1111 **/** ***"


def test_two_cards_in_one_run_are_both_masked():
    assert mask_cards("4111 1111 1111 1111 5555 5555 5555 4444") == "•••• 1111 •••• 4444"


def test_a_longer_group_after_a_card_is_kept():
    assert mask_cards("4111 1111 1111 1111 / 112-5550001-7654321") == \
        "•••• 1111 / 112-5550001-7654321"


# Numbers that are not cards and must come back exactly: (what, text).
KEEP = [
    ("Amazon order", "order 112-5550001-7654321"),
    ("Amazon order, another", "112-8746321-4421097 and 114-1111111-1111111"),
    ("UPS", "1Z999AA10123456784"),
    ("UPS spaced", "1Z 999 AA1 01 2345 678 4"),
    ("USPS contiguous", "9400100000000000000000"),
    ("USPS in fours", "9400 1000 0000 0000 0000 00"),
    ("IMpb", "420902109400109699938765432108"),
    ("FedEx 12", "449044304137821"[:12]),
    ("Royal Mail", "AB123456789GB"),
    ("DHL", "JD014600006281230004"),
    ("UK phone", "+44 20 7946 0958"),
    ("US phone", "1 (877) 586-3230"),
    ("two phones", "020 7946 0958 / 020 7946 0959"),
    ("date", "2026-11-25"),
    ("dates", "2026-11-25 2026-11-26 2026-11-27"),
    ("date and time", "25/11/2026 14:30:00"),
    ("ISO timestamp", "2026-11-25T14:03:00Z"),
    ("ISO timestamps", "2026-11-25T14:03:00Z 2026-11-25T14:03:00+01:00"),
    ("amount", "$1,234,567.89"),
    ("amounts", "12.99, 4.50, 3.20, 100.00, 7.25, 8.80"),
    ("a list of ids", "ids 1011,1012,1013,1014,1015"),
    ("years", "2019; 2020; 2021; 2022"),
    ("ticket", "ticket 1234567890123"),
    ("uid", "uid 5053810694881a2b"),
    ("hash", "sha 3f786850e387550fdab836ed7e6dc881de23001b"),
    ("message id", "<CAKx4111111111111111abc@mail.gmail.com>"),
    ("masked already", "card •••• 1111, cvv ***"),
    ("all zeros", "0000 0000 0000 0000"),
    ("fails Luhn", "4111 1111 1111 1112"),
    ("twenty digits", "41111111111111111111"),
]


@pytest.mark.parametrize("what, text", KEEP, ids=[k[0] for k in KEEP])
def test_other_numbers_are_kept(what, text):
    assert mask_cards(text) == text


CODES = [
    ("cvv is 737", "cvv is ***"),
    ("CVV-123", "CVV-***"),
    ("CVV code 123", "CVV code ***"),
    ("CVV2: 123", "CVV2: ***"),
    ("CVC 1234", "CVC ***"),
    ("cvc2=555", "cvc2=***"),
    ("CSC 123", "CSC ***"),
    ("CV2 321", "CV2 ***"),
    ("my cvv, 123 ok", "my cvv, *** ok"),
    ("security code 321", "security code ***"),
    ("Security Code: 4321", "Security Code: ***"),
    ("card verification value 998", "card verification value ***"),
    ("3-digit code on back: 123", "3-digit code on back: ***"),
    ("three digit code 456", "three digit code ***"),
    ("the code on the back is 123", "the code on the back is ***"),
    ("the number on the back of the card is 123", "the number on the back of the card is ***"),
    ("737 (CVV)", "*** (CVV)"),
    ("123 is the cvv", "*** is the cvv"),
    ("cvv/cvc 123", "cvv/cvc ***"),
    ("código de seguridad 123", "código de seguridad ***"),
    ("Prüfnummer 123", "Prüfnummer ***"),
]
NOT_CODES = ["code 123", "promo code 123", "discount code 1234", "error code 123",
             "the code on the box says 8812", "verification code 1234", "zip code 12345",
             "area code 020", "cvv 12345", "xcvv 123", "room 123 at the back"]


@pytest.mark.parametrize("text, masked", CODES, ids=[c[0] for c in CODES])
def test_security_codes_are_masked(text, masked):
    assert mask_cards(text) == masked


@pytest.mark.parametrize("text", NOT_CODES)
def test_other_codes_are_kept(text):
    assert mask_cards(text) == text


@settings(max_examples=200, deadline=None)
@given(st.sampled_from("0123456789"), st.integers(12, 18),
       st.sampled_from([" ", "-", ".", "", "\u00a0", "\u200b", "/"]), st.randoms())
def test_any_card_in_fours_or_contiguous_is_masked(first, length, sep, rnd):
    number = complete(first + "".join(rnd.choice("0123456789") for _ in range(length - 1)))
    if not number.strip("0"):
        return
    typed = fours(number, sep) if len(number) in (13, 14, 15, 16) else number
    masked = mask_cards(f"my card is {typed}.")
    assert number[:-4] not in digits_of(masked)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 -./,x\n\u200b•*"), max_size=80))
def test_masking_is_idempotent_and_leaves_no_card(text):
    once = mask_cards(text)
    assert mask_cards(once) == once
    assert next(find_cards(once), None) is None


def test_work_is_bounded_per_group():
    """The candidate spans per group are bounded, so work is linear in the text, even for
    a run that is nothing but digits (here: 200,000 groups in one run)."""
    for text in ("1 " * 200_000, "1111 " * 200_000, "1111 111111 11111 " * 70_000,
                 "2026-11-25 14:30:00 " * 20_000):
        groups = [len(g) for g in text.split() for g in g.replace("-", " ").replace(
            ":", " ").split()]
        chains = cards._chains(groups)
        spans = [len(cards._layout_ends(groups, i, chains[i], True))
                 for i in range(len(groups))]
        assert max(spans) <= MAX_SPANS_PER_GROUP
        assert sum(spans) <= 3 * len(groups)
        assert mask_cards(text) == text


# -- every text path and every file ------------------------------------------------------

def needles(typed: str, number: str) -> list[bytes]:
    """What must not be in any file: the number as typed, its digits, its first twelve."""
    out = [number.encode(), number[:-4].encode(), typed.encode("utf-8")]
    head = typed
    while len(digits_of(head)) > len(number) - 4:
        head = head[:-1]
    return out + [head.encode("utf-8")]


def assert_clean(blob: bytes, typed: str, number: str, where: str) -> None:
    for needle in needles(typed, number):
        assert needle not in blob, f"{needle!r} in {where}"


@pytest.fixture(scope="module")
def blank_notebook(tmp_path_factory) -> Path:
    """An empty notebook made by the Store once, copied where a test only needs a new one."""
    path = tmp_path_factory.mktemp("blank") / "notebook.db"
    Store(path, clock=lambda: NOW).close()
    return path


@pytest.mark.parametrize("name, typed, number", FORMS, ids=IDS)
def test_no_form_reaches_any_file(name, typed, number, run, db_path, tmp_path,
                                  blank_notebook):
    """Every CLI text path with the card in it; then the notebook, its WAL, a backup,
    every export and search output hold none of its digits."""
    shutil.copy(blank_notebook, db_path)  # the text paths are the subject, not making one
    text = f"paid with {typed} ok"
    case = run.ok("new", "--company", "Acme", "--title", f"title {text}", "--note",
                  f"note {text}", "--seller", f"seller {text}", "--ref", f"order:{text}").strip()
    keeper = sqlite3.connect(db_path)  # keeps the WAL in place while the commands run
    keeper.execute("SELECT count(*) FROM cases").fetchone()
    transcript = tmp_path / "chat.txt"
    transcript.write_text(f"Agent: card please\nMe: {text}\n", encoding="utf-8")
    run.ok("log", case, "--channel", "chat", "--outcome", "promised", "--agent",
           f"agent {text}", "--agent-id", text, "--reference", text, "--transcript",
           f"mail {text}", "--transcript-file", str(transcript), "--note", f"log {text}",
           "--promise", f"promise {text}", "--due", "2026-12-01")
    run.ok("promise", case, "--add", f"another {text}")
    run.ok("edit", case, "--note", f"edited {text}", "--add-ref", f"ticket:{text}")
    run.ok("status", case, "open", "--note", f"status {text}")
    wal = Path(f"{db_path}-wal").read_bytes()
    assert wal, "the WAL was checkpointed away before it could be looked at"
    assert_clean(wal, typed, number, "the WAL")
    for fmt in ("json", "md", "csv"):
        out = tmp_path / f"export.{fmt}"
        run.ok("export", "--format", fmt, "-o", str(out))
        assert_clean(out.read_bytes(), typed, number, f"the {fmt} export")
        assert_clean(run.ok("export", "--format", fmt).encode(), typed, number, f"{fmt} stdout")
    run.ok("backup", "-o", str(tmp_path / "backup.db"))
    for word in ("paid", number[-4:], "Acme"):
        assert_clean(run.ok("search", word).encode(), typed, number, f"search {word}")
        assert_clean(run.ok("search", word, "--json").encode(), typed, number, "search json")
    assert_clean(run.ok("show", case).encode(), typed, number, "show")
    keeper.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    keeper.close()
    for path in (db_path, tmp_path / "backup.db"):
        assert_clean(path.read_bytes(), typed, number, str(path))
        # As doctor --scan runs it: a uid of 16 hex characters is all digits now and then.
        with sqlite3.connect(path) as conn:
            assert scan_notebook(path, conn) == []


def test_import_masks_every_field(run, db_path, tmp_path):
    typed = "4111 1111 1111 1111 123"
    doc = {"format": "supportlog/1", "companies": [{"name": f"Acme {typed}",
                                                      "notes": typed}],
           "cases": [{"company": f"Acme {typed}", "title": typed, "notes": typed,
                      "opened_at": "2026-11-01T10:00:00Z", "seller": typed,
                      "refs": [{"kind": "order", "value": typed}],
                      "interactions": [{"uid": "i1", "channel": "chat", "outcome": "info",
                                        "started_at": "2026-11-02T10:00:00Z",
                                        "agent": typed, "reference": typed, "notes": typed,
                                        "transcript_ref": typed, "transcript_text": typed}],
                      "promises": [{"text": typed, "interaction_uid": "i1"}]}]}
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    run.ok("import", str(src))
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert_clean(db_path.read_bytes(), typed, "4111111111111111", "the notebook")
    assert b"123" not in db_path.read_bytes().split(b"1111")[-1][:8]


def test_an_imported_uid_holding_a_card_is_refused(run, tmp_path):
    doc = {"format": "supportlog/1", "cases": [{"uid": "card-4111 1111 1111 1111",
                                                "company": "Acme", "title": "t",
                                                "opened_at": "2026-11-01T10:00:00Z"}]}
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    result = run("import", str(src))
    assert result.exit_code == 2
    assert "uid: contains a payment-card number" in result.stderr


def test_an_amount_that_is_a_card_is_refused(run):
    result = run("new", "--company", "Acme", "--title", "t", "--amount", "4111111111111111")
    assert result.exit_code == 2 and "card" in result.stderr


def test_forms_and_the_store_mask_too(store):
    """The forms call the Store, whose every text field goes through validate.text."""
    case = store.create_case("Acme", "4111 1111 1111 1111 123", notes="cvv is 737")
    assert case.title == "•••• 1111 ***" and case.notes == "cvv is ***"
    i = store.log_interaction(case.id, "phone", None, notes="5555 5555 5555 4444")
    done = store.finish_contact(i.id, "promised", promise="refund to 4012 8888 8888 1881",
                                notes="said CVC 1234")
    assert done.notes == "said CVC ***"
    assert [p.text for p in store.get_detail(case.id).promises] == ["refund to •••• 1881"]
    store.set_status(case.id, "resolved", "card 3782 822463 10005")
    assert store.get_case(case.id).notes.endswith("card •••• 0005")


def test_a_5mb_note_masks_in_bounded_time(tmp_path, db_path, run):
    """Through the real CLI: a 5 MB transcript with cards and codes in it."""
    line = "Agent: please read the card. Me: 4111 1111 1111 1111, cvv is 737, order " \
           "112-5550001-7654321 on 2026-11-25.\n"
    big = tmp_path / "big.txt"
    big.write_text(line * (5_000_000 // len(line)), encoding="utf-8")
    env = {"SUPPORTLOG_DB": str(db_path), "PATH": "/usr/bin:/bin"}
    case = run.ok("new", "--company", "Acme", "--title", "big")  # the log is the subject
    # A process with a timeout: a masking that grew with the text would fail, not hang.
    subprocess.run([SUPPORTLOG, "--now", NOW_ISO, "log", case.strip(), "--channel", "chat",
                    "--outcome", "info", "--transcript-file", str(big)],
                   env=env, capture_output=True, text=True, timeout=60, check=True)
    with Store(db_path) as store:
        text = store.conn.execute("SELECT text FROM transcripts").fetchone()[0]
    assert "4111 1111" not in text and "737" not in text
    assert text.count("•••• 1111") == text.count("cvv is ***") == 5_000_000 // len(line)
    assert text.count("112-5550001-7654321") == 5_000_000 // len(line)


# -- secure_delete -------------------------------------------------------------------------

def test_edited_and_deleted_text_does_not_linger(db_path):
    """secure_delete: the old text is zeroed, not left in free pages of the file."""
    store = Store(db_path, clock=lambda: NOW)
    case = store.create_case("Acme", "t", notes="zqxj marker phrase one")
    i = store.log_interaction(case.id, "phone", "info", notes="zqxj marker phrase two",
                              transcript_text="zqxj marker phrase three")
    gone = store.create_case("Acme", "zqxj marker phrase four")
    store.update_case(case.id, notes="replaced")
    store.edit_interaction(i.id, notes="other", transcript_text="other")
    store.delete_case(gone.id)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"zqxj marker phrase" not in db_path.read_bytes()
    store.close()


def test_every_connection_that_writes_has_secure_delete(store):
    assert store.conn.execute("PRAGMA secure_delete").fetchone()[0] == 1


# -- doctor --scan -------------------------------------------------------------------------

def plant(db_path: Path, sql: str, *args) -> None:
    """Write straight into the file with sqlite3, around every check of the store."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(sql, args)
    conn.close()


def test_scan_is_clean_on_a_clean_notebook(run, db_path):
    case = run.ok("new", "--company", "Acme", "--title", "order 112-5550001-7654321",
                  "--note", "call +44 20 7946 0958 on 2026-11-25, card 4111 1111 1111 1111")
    run.ok("log", case.strip(), "--channel", "phone", "--outcome", "info", "--note",
           "cvv is 737, ticket 1234567890123")
    result = run("doctor", "--scan")
    assert result.exit_code == 0, result.stdout
    assert "no card numbers" in result.stdout
    report = json.loads(run.ok("doctor", "--scan", "--json"))
    assert report["cards"] == [] and report["ok"]


def test_scan_finds_a_card_planted_with_sqlite(run, db_path):
    case = run.ok("new", "--company", "Acme", "--title", "t").strip()
    plant(db_path, "UPDATE cases SET notes = ? WHERE id = ?",
          "paid 5555\u00a05555\u00a05555\u00a04444 thanks", int(case))
    result = run("doctor", "--scan")
    assert result.exit_code == 3
    assert "card number ending 4444 in cases.notes rowid 1" in result.stdout
    assert "search_index_content.c4" in result.stdout  # the search index's copy
    assert f"{db_path}" in result.stdout and "at byte" in result.stdout
    assert "5555" not in result.stdout
    report = json.loads(run("doctor", "--scan", "--json").stdout)
    assert not report["ok"]
    where = {(f["where"], f.get("table"), f["last4"]) for f in report["cards"]}
    assert ("column", "cases", "4444") in where and ("file", None, "4444") in where


def test_scan_finds_a_card_in_the_wal_and_in_free_pages(db_path, tmp_path):
    with Store(db_path) as store:
        store.create_case("Acme", "t")
    keeper = sqlite3.connect(db_path)
    keeper.execute("SELECT 1 FROM cases").fetchone()
    plant(db_path, "INSERT INTO meta (key, value) VALUES ('x', ?)", "4111111111111111")
    assert [last4 for _, last4 in scan_file(Path(f"{db_path}-wal"))] == ["1111"]
    # Deleted without secure_delete (as an old version would): the bytes stay behind.
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA secure_delete = OFF")
    with conn:
        conn.execute("DELETE FROM meta WHERE key = 'x'")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    keeper.close()
    with Store(db_path) as store:
        findings = scan_notebook(db_path, store.conn)
    assert [f["where"] for f in findings] == ["file"]  # in no row, still in the file


def test_scan_reads_in_chunks_with_overlap(tmp_path):
    blob = bytearray(b"\x00" * 3000)
    for at in (10, 1017, 2040):  # the middle one straddles the 1,024-byte chunk edge
        blob[at:at + 19] = b"4111 1111 1111 1111"
    path = tmp_path / "raw.bin"
    path.write_bytes(bytes(blob))
    assert list(scan_file(path, chunk=1024)) == [(10, "1111"), (1017, "1111"),
                                                  (2040, "1111")]


def test_scan_reports_utf8_offsets(tmp_path):
    path = tmp_path / "raw.bin"
    path.write_bytes("é€ ".encode() + fours("4111111111111111").translate(FULL).encode())
    assert list(scan_file(path)) == [(6, "1111")]


def test_uids_are_not_cards(store, db_path):
    """A uid of supportlog's shape may be all digits (one in 1,800); it is no finding."""
    uid = complete("411111111111111")
    store.create_case("Acme", "t", uid=uid)
    assert scan_notebook(db_path, store.conn) == []


def test_validate_keeps_its_names():
    from tui.store import validate
    assert validate.mask_cards is mask_cards and validate.luhn_ok is luhn_ok
    with pytest.raises(ValidationError):
        validate.text("note", "\x00")


def test_the_upgrade_masks_what_older_versions_stored(tmp_path, run):
    """Older versions let a card followed by its CVV, dotted cards and 'cvv is 737' through:
    the upgrade to schema 3 masks every stored text again, search index included."""
    path = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "notebook-v2.db", path)
    typed = {"4111 1111 1111 1111 123": "4111111111111111",
             "5555.5555.5555.4444": "5555555555554444",
             "4012\u00a08888\u00a08888\u00a01881": "4012888888881881",
             "\uff15\uff10\uff10\uff15" * 3 + "\uff10\uff10\uff10\uff12": "5005500550050002"}
    with sqlite3.connect(path) as old:  # written as the old code let it be
        case_id, iid = old.execute("SELECT case_id, id FROM interactions LIMIT 1").fetchone()
        cards = list(typed)
        old.execute("UPDATE cases SET notes = ? WHERE id = ?",
                    (f"paid with {cards[0]}, cvv is 737", case_id))
        old.execute("UPDATE interactions SET notes = ? WHERE id = ?", (f"card {cards[1]}", iid))
        old.execute("INSERT INTO case_refs (case_id, kind, value) VALUES (?, 'other', ?)",
                    (case_id, cards[2]))
        old.execute("UPDATE promises SET text = ? WHERE id = (SELECT min(id) FROM promises)",
                    (f"card {cards[3]}",))
    with Store(path, clock=lambda: NOW) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] >= 3
        assert "•••• 1111" in store.get_case(case_id).notes
        assert "737" not in store.get_case(case_id).notes
        assert not store.search("4012888888881881") and store.search("1881")
        assert not any(cards[3] in p for (p,) in store.conn.execute("SELECT text FROM promises"))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = path.read_bytes()
    for number in typed.values():
        for needle in needles(next(t for t, n in typed.items() if n == number), number):
            assert needle not in raw, needle
    result = run("--db", str(path), "doctor", "--scan")
    assert result.exit_code == 0, result.output
