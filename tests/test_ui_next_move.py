"""The app's side of the next move (issue 12): the case screen leads with one move and shows
the findings as its reasons, whose turn and the rung; what they asked of you is listed apart
from their promises and marked with the same keys; the home attention list is the kept
ranking (the order of `list --sort attention`), its "Why now" the next move's line."""

from __future__ import annotations

from textual.widgets import Select
from ui_fixtures import (  # noqa: F401
    open_case,
    SIZE,
    app_factory,
    clock,
    debug_errors,
    messages,
    plain,
    settle,
    table_text,
    ui,
)

from tui.advice import ranking
from tui.store import Store


def seed_cases(db_path, clock) -> dict[str, int]:
    """A bank that asked for a document (your move, overdue), a telco with two dead ends in
    a row (press restart), a shop gone quiet."""
    with Store(db_path, clock=clock) as s:
        bank = s.create_case("Northbank", "Card dispute", want="refund", category="billing",
                             opened_at="2026-10-20T09:00:00Z")
        s.log_interaction(bank.id, "phone", "promised", started_at="2026-10-28T10:00:00Z",
                          duration="25m", agent="Priya", reference="HB-1",
                          promise="decide on the dispute", promise_due="2026-12-20",
                          asked="send the cancellation confirmation", asked_due="2026-11-09")
        telco = s.create_case("Telco", "Line dead", opened_at="2026-11-01T09:00:00Z")
        for hour in (10, 11):
            s.log_interaction(telco.id, "phone", "transferred", duration="5m",
                              started_at=f"2026-11-24T{hour}:00:00Z", agent=f"A{hour}")
        shop = s.create_case("Shop", "Quiet order", opened_at="2026-11-01T09:00:00Z")
        s.log_interaction(shop.id, "email", "info", started_at="2026-11-10T10:00:00Z",
                          duration="5m")
        return {"bank": bank.id, "telco": telco.id, "shop": shop.id}


def keys(table) -> list[int]:
    return [int(str(table.coordinate_to_cell_key((i, 0)).row_key.value))
            for i in range(table.row_count)]


@ui
async def test_the_case_screen_leads_with_your_move_and_lists_the_ask_apart(
        app_factory, db_path, clock):
    ids = seed_cases(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_case(app, pilot, ids["bank"])
        advice = plain(screen.query_one("#case-advice"))
        assert advice.startswith("Next move  you · by 2026-11-09\nYour move: send the "
                                 "cancellation confirmation"), advice
        assert "Chase" not in advice             # never "chase them" on your own turn
        header = plain(screen.query_one("#case-header"))
        assert "Turn: yours: you act next" in header
        assert "Rung: first contact (1 of 7)" in header
        asks = screen.query_one("#asks")
        assert asks.display
        assert table_text(asks).split() == ["2026-11-09", "send", "the", "cancellation",
                                            "confirmation", "pending", "2026-10-28", "Priya"]
        assert "decide on the dispute" in table_text(screen.query_one("#promises"))
        assert "cancellation" not in table_text(screen.query_one("#promises"))
        asks.focus()
        await pilot.press("k")                   # done: the key that marks a promise kept
        await settle(pilot)
        assert "done" in table_text(screen.query_one("#asks"))
        assert (f"Ask marked done on #{ids['bank']} — u undoes (k again puts it back to "
                "pending)") in messages(app)
        with Store(db_path) as s:
            asked = [p for p in s.get_detail(ids["bank"]).promises if p.party == "me"]
            assert [(p.status, p.settled_at) for p in asked] == [("kept",
                                                                  "2026-11-25T12:00:00Z")]
        advice = plain(screen.query_one("#case-advice"))
        assert not advice.startswith("Next move  you · by 2026-11-09")   # the ask is done
        await pilot.press("b")                   # missed
        await settle(pilot)
        assert "missed" in table_text(screen.query_one("#asks"))
        await pilot.press("b")                   # again: back to pending
        await settle(pilot)
        assert "pending" in table_text(screen.query_one("#asks"))


@ui
async def test_press_restart_shows_when_it_is_the_next_move(app_factory, db_path, clock):
    ids = seed_cases(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, ids["telco"])
        assert screen.query_one("#case-restart").display
        advice = plain(screen.query_one("#case-advice"))
        assert advice.startswith("Next move  you · chat · climbs to: another channel\n"
                                 "Press restart on another channel: 2 dead ends in a row "
                                 "by phone"), advice
        assert "transferred 2026-11-24 10:00 (phone, agent A10)" in advice     # the evidence
        assert not screen.query_one("#asks").display    # no asks: no empty ledger


@ui
async def test_a_live_contact_counts_as_contact_on_the_case_screen(app_factory, db_path,
                                                                   clock):
    ids = seed_cases(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_case(app, pilot, ids["shop"])
        advice = plain(screen.query_one("#case-advice"))
        assert "no word for 15 days" in advice                # gone quiet, before the call
        app.start_live(ids["shop"], "phone")
        await settle(pilot)
        clock.advance(60)
        app.pop_screen()                                      # back to the case, call running
        await settle(pilot)
        advice = plain(screen.query_one("#case-advice"))
        assert advice.startswith("Next move  you · email\nIn contact with Shop now")
        assert "no word" not in advice and "Why" not in advice   # no finding while on it
        assert "● live" in table_text(screen.query_one("#timeline"))


@ui
async def test_the_attention_list_is_the_kept_ranking_with_the_move_line(app_factory, db_path,
                                                                         clock):
    ids = seed_cases(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#cases")
        with Store(db_path, clock=clock) as s:
            order = [r.case_id for r in ranking(s, clock())]
            kept = s.count_advice()
        assert keys(table) == order and kept == 3          # the cache's order, kept for next time
        assert order[0] == ids["bank"]                     # an overdue ask of yours ranks high
        row = {k: table.get_row_at(i) for i, k in enumerate(keys(table))}
        why = row[ids["bank"]][4].plain
        assert why.startswith("Your move: send the cancellation confirmation"), why
        assert row[ids["bank"]][0].plain.strip()           # stalled: a score
        assert "3 need attention" in plain(app.screen.query_one("#topbar"))
        # A write elsewhere in the app: the list follows the new ranking.
        app.open_case(ids["bank"])
        await settle(pilot)
        app.screen.query_one("#asks").focus()
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "2 need attention" in plain(app.screen.query_one("#topbar"))
        assert keys(table)[-1] == ids["bank"]              # no longer stalled: below the rest
        assert not table.get_row_at(2)[0].plain.strip()


@ui
async def test_a_read_only_notebook_still_ranks_the_attention_list(app_factory, db_path, clock):
    ids = seed_cases(db_path, clock)
    db_path.chmod(0o400)
    try:
        app = app_factory()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            table = app.screen.query_one("#cases")
            assert app.store.read_only and app.ranked is not None   # ranked in memory
            assert keys(table)[0] == ids["bank"] and len(keys(table)) == 3
            await pilot.press("2")     # Open: the score and move come from the held ranking
            await settle(pilot)
            row = {k: table.get_row_at(i) for i, k in enumerate(keys(table))}[ids["telco"]]
            assert row[0].plain.strip() and row[4].plain.startswith("Try Telco by chat")
            await pilot.press("1")
            await settle(pilot)
            app.screen.query_one("#channel-filter", Select).value = "email"
            await settle(pilot)
            assert keys(table) == [ids["shop"]]
    finally:
        db_path.chmod(0o600)


@ui
async def test_deleting_a_case_names_what_they_asked_apart(app_factory, db_path, clock):
    ids = seed_cases(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, ids["bank"])
        await pilot.press("d")
        await settle(pilot)
        question = plain(app.screen.query_one(".dialog-question"))
        assert question == ("Delete the case Card dispute and its 1 contact, 1 promise and "
                            "1 thing they asked of you?")
        await pilot.press("n")


@ui
async def test_the_other_tabs_show_the_stalled_cases_score_and_move(app_factory, db_path,
                                                                     clock):
    ids = seed_cases(db_path, clock)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")                    # Open
        await settle(pilot)
        table = app.screen.query_one("#cases")
        row = {k: table.get_row_at(i) for i, k in enumerate(keys(table))}[ids["telco"]]
        assert row[0].plain.strip() and row[4].plain.startswith("Try Telco by chat")
