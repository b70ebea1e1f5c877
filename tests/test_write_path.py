"""The app's one write path: every screen writes on the writer thread, so a notebook locked
by another process leaves the screen answering and the save lands when the lock clears; a
case edit with its references is one commit; a refused save keeps the form and its text."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

from textual.widgets import Input

from tui.screens.case_form import CaseForm, RefList
from tui.screens.contact_form import PromiseForm
from tui.store import Store, ValidationError
from tui.store.case_edit import edit_case

from ui_fixtures import (SIZE, app_factory, clock, debug_errors, plain, seeded,  # noqa: F401
                         settle, ui)

LOCK_SECONDS = 2
# Another process takes the write lock, says so, holds it for a while, then lets go.
HOLDER = textwrap.dedent(f"""
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    time.sleep({LOCK_SECONDS})
    conn.execute("COMMIT")
""")


def promise_texts(db_path, case_id: int) -> list[str]:
    with Store(db_path) as s:
        return [p.text for p in s.get_detail(case_id).promises]


@ui
async def test_a_save_under_another_process_lock_lands_after_it_and_the_screen_answers(
        app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PromiseForm(seeded.quiet))
        await settle(pilot)
        form = app.screen
        form.query_one("#promise", Input).value = "Refund by Friday"
        ticks = []
        app.set_interval(0.05, lambda: ticks.append(1))
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)],
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert (await asyncio.to_thread(holder.stdout.readline)).strip() == "locked"
            await pilot.press("ctrl+s")
            form.query_one("#promise_due", Input).focus()
            await pilot.press("1", "2")             # typed while the save waits
            await asyncio.sleep(0.5)
            # All while the other process still holds the lock: the loop ran keys and
            # timers, the form is open and nothing is written yet.
            assert holder.poll() is None
            assert form.query_one("#promise_due", Input).value == "12"
            assert len(ticks) >= 3
            assert app.screen is form and form.saving
            assert "Refund by Friday" not in promise_texts(db_path, seeded.quiet)
            await settle(pilot)                     # the save's worker: after the lock
            assert holder.wait(timeout=30) == 0
        finally:
            if holder.poll() is None:
                holder.kill()
        assert app.screen is not form
    assert "Refund by Friday" in promise_texts(db_path, seeded.quiet)


@ui
async def test_a_case_edit_with_its_references_is_one_commit(app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(CaseForm(seeded.stalled))
        await settle(pilot)
        form = app.screen
        form.query_one("#title", Input).value = "Parcel never arrived"
        refs = form.query_one(RefList)
        refs.highlighted = 0
        refs.action_remove()                        # order:112-3345
        form.query_one("#ref-new", Input).value = "ticket:T-9"
        before = app.writer.commits
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
        assert app.writer.commits - before == 1
    with Store(db_path) as s:
        detail = s.get_detail(seeded.stalled)
        assert detail.case.title == "Parcel never arrived"
        assert [(r.kind, r.value) for r in detail.refs] == [("ticket", "T-9")]


def test_a_refused_reference_leaves_the_case_fields_as_they_were(seeded, db_path, clock):
    with Store(db_path, clock=clock) as s:
        commits = s.commits
        try:
            edit_case(s, seeded.stalled, title="Changed", remove_refs=[("order", "112-3345")],
                      add_refs=[("no such kind", "x")])
        except ValidationError as exc:
            assert exc.field == "ref kind"
        else:
            raise AssertionError("the bad reference kind was accepted")
        detail = s.get_detail(seeded.stalled)
        assert detail.case.title == "Package never arrived"
        assert [(r.kind, r.value) for r in detail.refs] == [("order", "112-3345")]
        assert s.commits == commits


@ui
async def test_a_save_the_store_refuses_keeps_the_form_and_what_was_typed(
        app_factory, seeded, db_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PromiseForm(seeded.quiet))
        await settle(pilot)
        form = app.screen
        form.query_one("#promise", Input).value = "Refund by Friday"
        form.query_one("#promise_due", Input).value = "the twelfth of never"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and not form.saving
        assert form.query_one("#promise", Input).value == "Refund by Friday"
        assert form.query_one("#promise_due", Input).value == "the twelfth of never"
        assert plain(form.query_one("#err-promise_due")).strip()
    assert "Refund by Friday" not in promise_texts(db_path, seeded.quiet)
