"""Undo and resume that keep everything: an undone delete brings the case back under its own
number with every row it held; a hold running when the app died resumes running, or is
closed at the last autosave when the app was gone too long (issue 11, item 6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from textual.widgets import OptionList
from ui_fixtures import (  # noqa: F401
    NOW,
    SIZE,
    Clock,
    app_factory,
    clock,
    debug_errors,
    make_app,
    messages,
    plain,
    seeded,
    settle,
    ui,
)

from tui.screens.case import CaseScreen
from tui.screens.dialogs import ConfirmScreen
from tui.screens.live_resume import ResumeLiveScreen
from tui.screens.live import LiveScreen
from tui.store import Store, StoreError, live_hold, undo


# -- undo: the store -------------------------------------------------------------------------
def rich_case(store: Store, title: str = "Router never arrived"):
    """A case with something in every table a case owns."""
    case = store.create_case("Acme", title, refs=[("order", "A-1"), ("ticket", "T-9")],
                             want="refund", amount="129,99", opened_at="2026-11-01T09:00:00Z",
                             notes="bought online")
    store.log_interaction(case.id, "phone", "transferred", started_at="2026-11-02T10:00:00Z",
                          duration="25m", hold="12m", agent="Priya", reference="R-1")
    chat = store.log_interaction(case.id, "chat", "promised", started_at="2026-11-03T10:00:00Z",
                                 duration="10m", agent="Sam", promise="refund by Friday",
                                 promise_due="2026-11-06", transcript_text="Sam: refund approved")
    with store.write() as conn:   # imported mail's headers (import-mail) go back too
        conn.execute("INSERT INTO messages (interaction_id, message_id, subject) "
                     "VALUES (?, 'm1@acme.example', 'Refund')", (chat.id,))
    store.attach_bytes(case.id, b"%PDF receipt", "receipt.pdf", interaction_id=chat.id)
    store.set_status(case.id, "resolved", note="refund arrived", at="2026-11-10T09:00:00Z")
    store.set_status(case.id, "open", note="refund bounced", at="2026-11-12T09:00:00Z")
    return case, chat


def every_row(store: Store, case_id: int) -> dict:
    """Every row the case owns, column by column (ids, uids, times, counters)."""
    return undo.snapshot(store.conn, case_id)["rows"]


def channel_counts(store: Store) -> list[tuple]:
    return store.conn.execute("SELECT * FROM company_channels ORDER BY 1, 2").fetchall()


def test_undo_keeps_the_case_number_and_every_row(store):
    """The repro: with 30 cases, case 14 deleted and undone came back as 31."""
    for n in range(1, 31):
        if n == 14:
            case, _ = rich_case(store)
        else:
            store.create_case("Acme", f"case {n}")
    assert case.id == 14
    rows, record = every_row(store, 14), store.case_record(14)
    counts, found = channel_counts(store), store.search("approved")
    assert {t for t, r in rows.items() if r} == {t for t, *_ in undo.OWNED}   # all exercised
    deleted = store.delete_case(14)
    assert store.count_cases() == 29 and store.search("approved") == []
    assert store.restore_case(deleted) == 14
    assert every_row(store, 14) == rows          # ids, uids, times, updated_at, counters
    assert store.case_record(14) == record and channel_counts(store) == counts
    assert store.search("approved") == found
    assert store.get_case(14).status == "open" and store.count_cases() == 30


def test_undo_when_the_number_was_taken(store):
    """The deleted case had the largest number, and a case created after the delete took
    it (ids have no AUTOINCREMENT): it comes back under a new number, and its contacts and
    promise whose ids were taken too come back under new ids, still linked."""
    store.create_case("Acme", "first")
    gone, chat = rich_case(store)
    before = store.get_detail(gone.id)
    deleted = store.delete_case(gone.id)
    newer = store.create_case("Acme", "created after the delete")
    assert newer.id == gone.id
    mine = store.log_interaction(newer.id, "email", "promised", promise="call back",
                                 started_at="2026-11-20T09:00:00Z", transcript_text="other")
    assert mine.id == before.interactions[0].id           # its contact id was taken too
    back = store.restore_case(deleted)
    assert back == newer.id + 1
    after = store.get_detail(back)
    assert [(i.uid, i.started_at, i.hold_seconds, i.outcome) for i in after.interactions] == \
        [(i.uid, i.started_at, i.hold_seconds, i.outcome) for i in before.interactions]
    contacts = {i.id: i.uid for i in after.interactions}
    assert [(contacts[p.interaction_id], p.uid, p.created_at) for p in after.promises] == \
        [(chat.uid, p.uid, p.created_at) for p in before.promises]
    restored_chat = next(i for i in after.interactions if i.uid == chat.uid)
    assert store.transcript(restored_chat.id) == "Sam: refund approved"
    assert [h.case_id for h in store.search("approved")] == [back]
    assert replace(after.case, id=back) == replace(before.case, id=back)
    untouched = store.get_detail(newer.id)           # the newer case kept what it had
    assert [i.id for i in untouched.interactions] == [mine.id]
    assert store.transcript(mine.id) == "other" and untouched.promises[0].text == "call back"


def test_undo_twice_is_refused_and_changes_nothing(store):
    case, _ = rich_case(store)
    deleted = store.delete_case(case.id)
    store.restore_case(deleted)
    rows = every_row(store, case.id)
    with pytest.raises(StoreError, match="in the notebook already"):
        store.restore_case(deleted)
    assert every_row(store, case.id) == rows and store.count_cases() == 1


def test_undo_brings_back_a_running_hold(store):
    """A live contact on hold in the deleted case: its hold comes back running with it."""
    case, _ = rich_case(store)
    live = store.start_contact(case.id, "phone", started_at="2026-11-25T11:00:00Z")
    running = live_hold.running_at(NOW, NOW + timedelta(seconds=40))
    store.edit_interaction(live.id, hold=40, running_hold=running)
    deleted = store.delete_case(case.id)
    assert store.meta_get(live_hold.key(live.uid)) is None      # nothing left behind
    store.restore_case(deleted)
    assert live_hold.parse(store.meta_get(live_hold.key(live.uid))) == running
    assert store.get_interaction(live.id).hold_seconds == 40


def test_every_table_a_case_owns_is_restored(store):
    """A table added later with rows pointing at a case or a contact would be lost by an
    undo: undo.OWNED must name it."""
    owned = {t for t, *_ in undo.OWNED}
    tables = [r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
    pointing = {t for t in tables for fk in store.conn.execute(f"PRAGMA foreign_key_list({t})")
                if fk[2] in ("cases", "interactions")}
    assert pointing and pointing - set(undo.KEPT_BY_TRIGGERS) <= owned


# -- undo: the app ---------------------------------------------------------------------------
def fourteen_cases(db_path, clock) -> None:
    with Store(db_path, clock=clock) as s:
        for n in range(1, 15):
            if n == 14:
                rich_case(s)
            else:
                s.create_case("Acme", f"case {n}")


async def delete_on_the_case_screen(app, pilot, case_id: int) -> None:
    await settle(pilot)
    app.open_case(case_id)
    await settle(pilot)
    assert isinstance(app.screen, CaseScreen)
    await pilot.press("d")
    await settle(pilot)
    assert isinstance(app.screen, ConfirmScreen)
    assert "its 2 contacts and 1 promise?" in plain(app.screen.query_one(".dialog-question"))
    await pilot.press("y")
    await settle(pilot)
    assert not isinstance(app.screen, CaseScreen)


def home_ids(app) -> list[int]:
    return [int(str(k.value)) for k in app.screen.query_one("#cases").rows]


@ui
async def test_app_undo_brings_case_14_back_as_14(app_factory, db_path, clock):
    fourteen_cases(db_path, clock)
    with Store(db_path) as s:
        rows = every_row(s, 14)
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await delete_on_the_case_screen(app, pilot, 14)
        with Store(db_path) as s:
            assert s.count_cases() == 13
        await pilot.press("u")
        await settle(pilot)
        with Store(db_path) as s:
            assert every_row(s, 14) == rows                    # the timeline as it was
        assert "Restored case 14, “Router never arrived”, with everything in it." in \
            messages(app)
        app.query_one("#cases")      # the home screen, listing it again
        assert 14 in home_ids(app)


@ui
async def test_app_undo_names_both_numbers_when_14_was_taken(app_factory, db_path, clock):
    fourteen_cases(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await delete_on_the_case_screen(app, pilot, 14)
        with Store(db_path, clock=clock) as cli:           # another process: `supportlog new`
            assert cli.create_case("Acme", "logged meanwhile").id == 14
        await pilot.press("u")
        await settle(pilot)
        assert ("Restored “Router never arrived” as case 15: its number 14 was given to a case "
                "created after the delete.") in messages(app)
        with Store(db_path) as s:
            assert s.get_case(15).title == "Router never arrived"
            assert len(s.get_detail(15).interactions) == 2
            assert s.get_case(14).title == "logged meanwhile"
        assert {14, 15} <= set(home_ids(app))


# -- a hold running when the app dies --------------------------------------------------------
def test_the_resume_rule():
    since = NOW
    saved = since + timedelta(seconds=45)          # the last autosave: 45 s of it counted
    running = live_hold.running_at(since, saved)
    for gone, still_running in ((0, True), (600, True), (601, False), (3600, False)):
        resumed = live_hold.resume(75, running, saved + timedelta(seconds=gone))
        if still_running:
            assert (resumed.closed, resumed.since) == (30, since)
            assert resumed.note == "hold resumed: running since 12:00"
        else:
            assert (resumed.closed, resumed.since) == (75, None)
            assert resumed.note == (f"hold closed at the last autosave, 12:00: the app was gone "
                                    f"{gone // 60} min, too long to tell when the hold ended")
    assert live_hold.resume(75, None, saved) == live_hold.Resumed(75, None, "")
    assert live_hold.resume(75, running, NOW + timedelta(days=1)).note.startswith(
        "hold closed at the last autosave, 2026-11-25 12:00:")


def test_the_running_hold_is_kept_with_the_contact(store):
    case = store.create_case("Acme", "t", opened_at="2026-11-20T09:00:00Z")
    live = store.start_contact(case.id, "phone", started_at="2026-11-25T11:00:00Z")
    key = live_hold.key(live.uid)
    running = live_hold.running_at(NOW, NOW + timedelta(seconds=40))
    store.edit_interaction(live.id, hold=40, running_hold=running)
    assert live_hold.parse(store.meta_get(key)) == running
    store.edit_interaction(live.id, notes="from the command line")   # leaves it
    assert live_hold.parse(store.meta_get(key)) == running
    store.edit_interaction(live.id, hold=50)                          # a hold set: it ended
    assert store.meta_get(key) is None
    store.edit_interaction(live.id, hold=50, running_hold=running)
    store.finish_contact(live.id, "info")                             # finished: ended
    assert store.meta_get(key) is None and store.get_interaction(live.id).hold_seconds == 50
    other = store.start_contact(case.id, "chat")
    store.edit_interaction(other.id, hold=5, running_hold=running)
    store.delete_interaction(other.id)
    assert store.meta_get(live_hold.key(other.uid)) is None


def contact(path, interaction_id):
    with Store(path) as s:
        return s.get_interaction(interaction_id)


async def start_live(app, pilot, case_id: int) -> LiveScreen:
    # Straight to the live screen: the way there (the case screen's c) is tested in
    # test_ui_live, and nothing here depends on the screens below it.
    await settle(pilot)
    app.start_live(case_id, "phone")
    await settle(pilot)
    assert isinstance(app.screen, LiveScreen)
    return app.screen


async def crash_mid_hold(app, pilot, case_id, db_path, crashed, clock: Clock) -> int:
    """Start a live contact, hold 30 s, talk 60 s, hold again and let the autosave run
    45 s into it; the notebook as the app leaves it if killed then is copied to `crashed`
    (every committed write, nothing after). Returns the contact's id."""
    live = await start_live(app, pilot, case_id)
    for key, seconds in (("f2", 30), ("f2", 60), ("f2", 45)):
        await pilot.press(key)
        clock.advance(seconds)
    live.tick()                                         # the autosave of the running hold
    await settle(pilot)                                 # which lands on the writer thread
    assert contact(db_path, live.contact.id).hold_seconds == 75
    with Store(db_path) as s:
        s.backup(crashed)
    clock.advance(20)                                   # the app dies 20 s later
    return live.contact.id


async def resume_in_a_new_app(pilot, app) -> LiveScreen:
    await settle(pilot)
    assert isinstance(app.screen, ResumeLiveScreen)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, LiveScreen)
    return app.screen


@ui
async def test_hold_running_at_a_crash_resumes_running(app_factory, seeded, db_path, clock,
                                                       tmp_path):
    crashed = tmp_path / "crashed.db"
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        held_from = clock.now + timedelta(seconds=90)
        iid = await crash_mid_hold(app, pilot, seeded.quiet, db_path, crashed, clock)
    clock.advance(3 * 60)                               # restarted 3 min later
    again = make_app(crashed, clock)
    try:
        async with again.run_test(size=SIZE, notifications=True) as pilot:
            live = await resume_in_a_new_app(pilot, again)
            assert live.hold_since == held_from and live.hold_total == 30
            assert plain(live.query_one("#live-note")) == "hold resumed: running since 12:01"
            assert "Hold resumed: running since 12:01." in messages(again)
            assert "ON HOLD 0:04:05 (total 4m35s)" in plain(live.query_one("#live-hold"))
            clock.advance(15)
            await pilot.press("f2")                     # off hold: 30 + 45 + 20 + 180 + 15
            assert contact(crashed, iid).hold_seconds == 290
            await pilot.press("f9")
            await settle(pilot)
            again.screen.query_one(OptionList).highlighted = 3      # info
            await pilot.press("enter")
            await settle(pilot)
        done = contact(crashed, iid)
        assert (done.outcome, done.hold_seconds) == ("info", 290)
        with Store(crashed) as s:
            assert s.meta_get(live_hold.key(done.uid)) is None
    finally:
        again.store.close()


@ui
async def test_hold_closed_at_the_last_autosave_when_resumed_much_later(
        app_factory, seeded, db_path, clock, tmp_path):
    crashed = tmp_path / "crashed.db"
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        iid = await crash_mid_hold(app, pilot, seeded.quiet, db_path, crashed, clock)
    clock.advance(40 * 60)                              # restarted 40 min later
    again = make_app(crashed, clock)
    try:
        async with again.run_test(size=SIZE, notifications=True) as pilot:
            live = await resume_in_a_new_app(pilot, again)
            note = ("hold closed at the last autosave, 12:02: the app was gone 40 min, too long "
                    "to tell when the hold ended")
            assert live.hold_since is None and live.hold_total == 75
            assert plain(live.query_one("#live-note")) == note
            assert "hold 1m15s" in plain(live.query_one("#live-hold"))
            with Store(crashed) as s:                   # written so at once
                assert s.meta_get(live_hold.key(live.contact.uid)) is None
                assert s.get_interaction(iid).hold_seconds == 75
            clock.advance(60)
            await pilot.press("f9")
            await settle(pilot)
            again.screen.query_one(OptionList).highlighted = 3      # info
            await pilot.press("enter")
            await settle(pilot)
        assert (contact(crashed, iid).outcome, contact(crashed, iid).hold_seconds) == ("info", 75)
    finally:
        again.store.close()


@ui
async def test_quitting_mid_hold_keeps_it_running_for_the_next_start(app_factory, seeded,
                                                                      db_path, clock):
    """Closing the app mid-hold is no crash: the hold is saved up to the quit."""
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        live = await start_live(app, pilot, seeded.quiet)
        await pilot.press("f2")
        clock.advance(12)                               # under the autosave interval
        iid = live.contact.id
    saved = contact(db_path, iid)
    assert saved.hold_seconds == 12
    with Store(db_path) as s:
        running = live_hold.parse(s.meta_get(live_hold.key(saved.uid)))
    assert running == live_hold.running_at(NOW, NOW + timedelta(seconds=12))
