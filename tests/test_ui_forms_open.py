"""Keys typed while a form opens reach the form: typed in one burst after `n` (as a fast
typist or a paste does), they used to go to the screen below and were lost."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tui.screens.case_form import CaseForm
from tui.screens import form as forms

from ui_fixtures import (SIZE, app_factory, clock, debug_errors, open_case, seeded,  # noqa: F401
                         settle, ui)


def burst(app, keys: str) -> None:
    """Keys as a terminal delivers them: all queued at once, nothing waits for a screen."""
    for key in keys:
        app.post_message(events.Key(key, key))


@ui
async def test_text_typed_right_after_n_lands_in_the_company_field(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "nAcme")
        await settle(pilot)
        assert isinstance(app.screen, CaseForm)
        assert app.screen.query_one("#company", Input).value == "Acme"
        await pilot.press("x")                      # typed after it opened: after the burst
        assert app.screen.query_one("#company", Input).value == "Acmex"


@ui
async def test_the_forms_styles_are_ready_before_the_first_form(app_factory, seeded):
    """Once start-up is done, opening a form adds no stylesheet to parse (the home screen
    has no button, label or text area; the new-case form has all three)."""
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = set(app.stylesheet.source)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CaseForm)
        assert set(app.stylesheet.source) - before == set()


@ui
async def test_a_form_over_a_screen_leaves_that_screens_footer_as_it_was(app_factory, seeded):
    """The screen under a form keeps its footer's keys (the form's are not drawn on it) and
    shows them again, the same, once it is closed."""
    from tui.screens.contact_form import ContactForm
    from tui.widgets.footer import Footer
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        case = await open_case(app, pilot, seeded.quiet)
        footer = case.query_one(Footer)
        shown = [(k.key, k.description) for k in footer.shown()]
        assert ("r", "Resolve") in shown and ("ctrl+s", "Save") not in shown
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, ContactForm)
        under, _palette = footer.layout_keys(footer.size.width)
        assert [(k.key, k.description) for k in under] == shown[:len(under)]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is case
        assert [(k.key, k.description) for k in footer.shown()] == shown


@ui
async def test_a_key_map_change_under_a_form_shows_once_the_form_closes(app_factory, seeded):
    """The footer draws the keys as they are when it paints: keys remapped while a form is
    up (config.toml's [keys] apply after the first paint) show on the screen below as soon
    as it is back, each with its new key drawn and a click on it pressing that key."""
    from tui.screens.contact_form import ContactForm
    from tui.screens.resolve import ResolveDialog
    from tui.widgets.footer import Footer
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        case = await open_case(app, pilot, seeded.quiet)
        footer = case.query_one(Footer)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, ContactForm)
        app.set_keymap({"case.resolve": "ctrl+r"})
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is case
        drawn = "".join(s.text for s in footer.render_line(0))
        keys = {k.key: k for k in footer.shown()}
        assert "r" not in keys and keys["ctrl+r"].description == "Resolve"
        resolve = keys["ctrl+r"]
        assert drawn[resolve.start:resolve.end] == resolve.key_text + resolve.text
        assert "^r" in resolve.key_text
        await pilot.click(Footer, offset=(resolve.start + 1, 0))   # presses ctrl+r: resolve
        await settle(pilot)
        assert isinstance(app.screen, ResolveDialog)           # it asks for a resolution note


@ui
async def test_the_footer_shows_a_keys_tooltip_under_the_mouse(app_factory, seeded):
    """Hovering a key shows its binding's tooltip, as Textual's footer does; off the keys,
    none."""
    from tui.widgets.footer import Footer
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        keys = {k.key: k for k in footer.shown()}
        await pilot.hover(Footer, offset=(keys["l"].start + 1, 0))
        assert footer.tooltip == "Log a contact on the highlighted case"
        await pilot.hover(Footer, offset=(keys["l"].end, 0))      # the next key's own
        assert footer.tooltip == "Start a live contact on the highlighted case"
        await pilot.hover(Footer, offset=(keys["n"].start, 0))    # a key with none
        assert footer.tooltip is None


@ui
async def test_l_typed_right_after_enter_logs_on_the_case_it_opened(app_factory, seeded):
    """Enter on the home list opens the case at once: an `l` typed straight after it opens
    the contact form over that case (it used to open over home, under the case screen)."""
    from tui.screens.case import CaseScreen
    from tui.screens.contact_form import ContactForm
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        opened = int(app.screen.query_one("#cases").highlighted_key)
        app.post_message(events.Key("enter", "\r"))       # as a terminal delivers them
        burst(app, "l")
        await settle(pilot)
        assert isinstance(app.screen, ContactForm) and app.screen.case_id == opened
        assert isinstance(app.screen_stack[-2], CaseScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == opened


@ui
async def test_text_typed_right_after_edit_on_the_case_screen_lands_in_the_form(
        app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, seeded.quiet)
        burst(app, "eB")
        await settle(pilot)
        assert isinstance(app.screen, CaseForm)
        # The prefilled name is selected on focus: typing replaces it, as once open.
        assert app.screen.query_one("#company", Input).value == "B"


@ui
async def test_a_key_the_field_took_is_not_typed_twice(app_factory, seeded):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("A", "b")
        assert app.screen.query_one("#company", Input).value == "Ab"
        assert not forms.give_typed_key(app.screen.query_one("#company"), events.Key("a", "a"))


def send(app, *keys: str) -> None:
    """Named keys (ctrl+s, escape) as a terminal delivers them: queued at once."""
    for key in keys:
        app.post_message(events.Key(key, None))


@ui
async def test_ctrl_s_right_after_typing_saves_what_was_typed(app_factory, seeded):
    """Seen in tmux: " (edited)" then ctrl+s at once left the edit form open with "must not
    be empty"; the priority binding ran before the field had taken the keys."""
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, seeded.quiet)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        form.query_one("#title", Input).focus()
        await pilot.pause()
        form.query_one("#title", Input).action_end()
        burst(app, " (edited)")
        send(app, "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, CaseForm)
        assert app.store.get_case(seeded.quiet).title == "Broken toaster (edited)"


@ui
async def test_the_first_frame_holds_the_first_field_and_the_rest_follow(app_factory, seeded):
    app = app_factory()
    frames: list[tuple[int, str | None]] = []
    painted = app.post_display_hook

    def post_display_hook() -> None:
        painted()
        if isinstance(app.screen, CaseForm):
            focused = app.screen.focused
            frames.append((len(app.screen.query(".field")), focused.id if focused else None))
    app.post_display_hook = post_display_hook
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert frames[0] == (1, "company")
        every = len(app.screen.query(".field"))
        assert every > 10 and frames[-1] == (every, "company")
        assert app.screen.query_one("#title", Input).value == ""


def on_first_form_frame(app, act) -> list[bool]:
    """Run `act(form)` once, on the case form's first frame; the list says whether the form
    was whole then."""
    pressed: list[bool] = []
    painted = app.post_display_hook

    def post_display_hook() -> None:
        painted()
        if isinstance(app.screen, CaseForm) and not pressed:
            pressed.append(app.screen.whole)
            act(app.screen)
    app.post_display_hook = post_display_hook
    return pressed


@ui
async def test_ctrl_s_as_the_form_appears_waits_for_the_rest_of_it(app_factory, seeded):
    app = app_factory()
    # ctrl+s on its first frame: its other fields still to come
    pressed = on_first_form_frame(app, lambda form: send(app, "ctrl+s"))
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, seeded.quiet)
        await pilot.press("e")
        await settle(pilot)
        assert pressed == [False]
        assert not isinstance(app.screen, CaseForm)     # saved unchanged, and closed
        assert app.store.get_case(seeded.quiet).title == "Broken toaster"


@ui
async def test_esc_after_an_early_ctrl_s_calls_the_save_off(app_factory, seeded):
    app = app_factory()
    # ctrl+s on its first frame, then Esc at once
    pressed = on_first_form_frame(app, lambda form: (form.action_save(), form.action_cancel()))
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, seeded.quiet)
        writes = app.writer.commits
        await pilot.press("e")
        await settle(pilot)
        assert pressed == [False]
        assert not isinstance(app.screen, CaseForm)     # closed: nothing typed
        assert app.writer.commits == writes             # and nothing written


@ui
async def test_prefilled_fields_are_no_edit_but_typing_while_they_mount_is(app_factory,
                                                                          seeded):
    from tui.screens.dialogs import ConfirmScreen
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, seeded.quiet)
        burst(app, "e")
        await settle(pilot)
        assert isinstance(app.screen, CaseForm) and not app.screen.dirty
        await pilot.press("escape")                      # nothing typed: closes at once
        await settle(pilot)
        assert not isinstance(app.screen, (CaseForm, ConfirmScreen))
        burst(app, "eB")                                 # typed while the rest mounts
        await settle(pilot)
        assert app.screen.dirty
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)


@ui
async def test_a_key_and_escape_in_one_burst_ask_before_discarding(app_factory, seeded):
    """Escape right behind a typed key (one burst, as the form opens or later) asks first:
    the binding ran before the field had taken the key, so nothing looked typed and the
    form closed with the key lost."""
    from tui.screens.dialogs import ConfirmScreen
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "nA")                                 # as the form opens
        send(app, "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")                      # "Keep editing"
        await settle(pilot)
        assert isinstance(app.screen, CaseForm)
        assert app.screen.query_one("#company", Input).value == "A"
        await pilot.press("escape", "y")                 # ask again, and discard
        await settle(pilot)
        assert not isinstance(app.screen, (CaseForm, ConfirmScreen))
        burst(app, "n")
        await settle(pilot)
        assert isinstance(app.screen, CaseForm) and app.screen.whole
        burst(app, "b")                                  # once it is whole
        send(app, "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        burst(app, "n")
        await settle(pilot)
        burst(app, "c")                                  # and Tab away in the same burst
        send(app, "tab", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)


@ui
async def test_keys_right_after_enter_reach_what_each_list_opened(app_factory, seeded):
    """Enter on the agenda, the companies and a case's timeline opens at once too: Escape
    typed straight after it closes what Enter opened (it used to close the list's screen,
    and what Enter opened then appeared over the screen below)."""
    from tui.screens.agenda import AgendaScreen
    from tui.screens.case import CaseScreen
    from tui.screens.companies import CompaniesScreen
    from tui.screens.company_form import CompanyForm
    from tui.screens.interaction import InteractionScreen
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        for open_list, opened in (
                (lambda: app.push_screen(AgendaScreen()), CaseScreen),
                (lambda: app.push_screen(CompaniesScreen()), CompanyForm),
                (lambda: app.open_case(1), InteractionScreen)):
            await settle(pilot)
            open_list()
            await settle(pilot)
            listing = app.screen
            app.post_message(events.Key("enter", "\r"))
            await settle(pilot)
            assert isinstance(app.screen, opened), type(listing).__name__
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is listing
            app.post_message(events.Key("enter", "\r"))     # again, Escape in the same burst
            app.post_message(events.Key("escape", "\x1b"))
            await settle(pilot)
            assert app.screen is listing, type(listing).__name__
            await pilot.press("escape")



@ui
async def test_a_click_on_the_highlighted_row_opens_it_once(app_factory, seeded):
    """A click selects through DataTable's RowSelected rather than Enter's action: the
    list opens what Enter opens, once."""
    from tui.screens.agenda import AgendaScreen
    from tui.screens.case import CaseScreen
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        for open_list in (lambda: None, lambda: app.push_screen(AgendaScreen())):
            await settle(pilot)
            open_list()
            await settle(pilot)
            listing, table = app.screen, app.focused
            if isinstance(listing, AgendaScreen):
                while listing.current() is None:        # past the section headings
                    await pilot.press("j")
            inside = table.content_region.offset - table.region.offset   # past a border
            row_y = inside.y + table.header_height + table.cursor_row - int(table.scroll_y)
            await pilot.click(table, offset=(inside.x + 3, row_y))
            await settle(pilot)
            assert isinstance(app.screen, CaseScreen), type(listing).__name__
            assert [type(s) for s in app.screen_stack].count(CaseScreen) == 1
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is listing
