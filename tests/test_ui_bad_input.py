"""Hostile text and a locked notebook through the app's forms: either saved exactly, or a
clear message with everything typed still there."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, strategies as st
from textual.widgets import Input, TextArea

from tui.screens.case_form import CaseForm
from tui.screens.contact_form import PromiseForm
from tui.store import Store, ValidationError
from tui.store.validate import parse_ref
from ui_fixtures import SIZE, app_factory, clock, plain, seeded, settle, ui  # noqa: F401

AWKWARD = ["emoji 📦🙂‍↔️", "שלום עולם", "ग्राहक सेवा मदद", "e\u0301\u0301 combining",
           "tab\tand\x1b[31m escape", "[/] [bold] [link=x] \\[", "'; DROP TABLE cases; --",
           '"AND" OR NEAR(x)']


@pytest.mark.slow   # half a megabyte typed into a TextArea
@ui
async def test_new_case_form_saves_hostile_text_exactly(app_factory, db_path):
    app = app_factory()
    big = "ग्राहक [b] " * 50_000   # half a megabyte of notes
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for n, text in enumerate(AWKWARD):
            app.push_screen(CaseForm())
            await settle(pilot)
            form = app.screen
            form.query_one("#company", Input).value = text
            form.query_one("#title", Input).value = f"{n} {text}"
            form.query_one("#notes", TextArea).text = text + (big if n == 0 else "")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, CaseForm), n
    with Store(db_path) as s:
        cases = {c.title: c for c in s.iter_cases()}
        for n, text in enumerate(AWKWARD):
            case = cases[f"{n} {text}"]
            assert case.company == text
            assert case.notes == text + (big if n == 0 else "")


@ui
async def test_nul_in_a_form_is_an_inline_error_that_keeps_the_text(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(CaseForm())
        await settle(pilot)
        form = app.screen
        form.query_one("#company", Input).value = "Acme"
        form.query_one("#title", Input).value = "bad\x00byte"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#title", Input).value == "bad\x00byte"
        assert "NUL" in plain(form.query_one("#err-title"))
    with Store(db_path) as s:
        assert s.count_cases() == 0


HOLDER = textwrap.dedent("""
    import sys, time
    from tui.store import Store
    s = Store(sys.argv[1])
    with s.write():
        print("locked", flush=True)
        sys.stdin.readline()   # hold the write lock until told to let go
""")


@ui
async def test_a_locked_notebook_keeps_the_form_and_what_was_typed(app_factory, seeded, db_path,
                                                                   monkeypatch):
    monkeypatch.setenv("SUPPORTLOG_BUSY_TIMEOUT_MS", "200")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PromiseForm(seeded.quiet))
        await settle(pilot)
        form = app.screen
        form.query_one("#promise", Input).value = "call back [b]tomorrow[/b]"
        form.query_one("#promise_due", Input).value = "2026-11-27"
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  env={**os.environ})
        try:
            assert holder.stdout.readline().strip() == "locked"
            await pilot.press("ctrl+s")
            for _ in range(50):     # the save is queued behind the keys, then waits 200 ms
                await settle(pilot)
                said = plain(form.query_one("#err-form"))
                if not form.saving and said and "waiting" not in said:
                    break
            assert app.screen is form  # not lost
            assert "locked by another program" in plain(form.query_one("#err-form"))
            assert form.query_one("#promise", Input).value == "call back [b]tomorrow[/b]"
        finally:
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(timeout=30)
        await pilot.press("ctrl+s")  # the lock is gone: the same press saves it
        await settle(pilot)
        assert app.screen is not form
    with Store(db_path) as s:
        texts = [p.text for p in s.get_detail(seeded.quiet).promises]
        assert texts == ["call back [b]tomorrow[/b]"]


@given(st.sampled_from(["order", "ticket", "claim", "return", "chat", "other"]),
       st.text(min_size=1, max_size=60).filter(lambda s: s.strip() and "\x00" not in s))
def test_references_parse_back_to_what_was_written(kind, value):
    try:
        parsed = parse_ref(f"{kind}:{value}")
    except ValidationError:
        pytest.fail(f"{kind}:{value!r} was refused")
    from tui.store.validate import mask_cards
    assert parsed == (kind, mask_cards(value.strip()))
