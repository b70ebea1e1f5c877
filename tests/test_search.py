"""Full-text search: ranked, quoted user input, never an FTS syntax error."""

from __future__ import annotations

import pytest

from ui_fixtures import SIZE, app_factory, clock, debug_errors, settle, ui  # noqa: F401

from tui.store import MARK_END, MARK_START


@pytest.fixture
def filled(store):
    a = store.create_case("Amazon", "Package never arrived", refs=[("order", "order-123")],
                          notes="the cat's toy was inside")
    store.log_interaction(a.id, "chat", "promised", agent="Priya", notes="refunds take 5 days",
                          promise="a refund",
                          transcript_text="Agent: I have issued the refund [bold]today[/]")
    b = store.create_case("Comcast", "Router refund", want="refund")
    store.log_interaction(b.id, "phone", "transferred", agent="Sam AND Max", reference="T-55")
    return store, a, b


@pytest.mark.parametrize("query", ["", "   ", '"', "'", "*", "-", "((", "^", '" "'])
def test_blank_or_symbol_queries_mean_most_recent(filled, query):
    store, a, b = filled
    hits = store.search(query)
    assert {h.case_id for h in hits} == {a.id, b.id}
    assert all(h.interaction_id is None for h in hits)


def test_words_that_are_fts_syntax_are_plain_words(filled):
    store, a, b = filled
    for query in ("NEAR(", "a:b", "title:x", '"unbalanced', "x AND", "-x", "{a b}"):
        assert store.search(query) == []  # a search, not a syntax error
    assert [h.interaction_id is not None for h in store.search("AND")] == [True]
    assert store.search("OR") == []
    assert store.search("NOT") == []


@pytest.mark.parametrize("query, case_title", [
    ("order-123", "Package never arrived"),
    ("cat's", "Package never arrived"),
    ("[bold]", "Package never arrived"),
    ("T-55", "Router refund"),
    ("priya", "Package never arrived"),
    ("Comcast", "Router refund"),
])
def test_finds(filled, query, case_title):
    store, a, b = filled
    hits = store.search(query)
    assert hits and hits[0].case_title == case_title


def test_prefix_and_stemming_and_ranking(filled):
    store, a, b = filled
    titles = [h.case_title for h in store.search("refund*")]
    assert set(titles) == {"Package never arrived", "Router refund"}
    assert titles[0] == "Router refund"  # a title match outranks a body match
    assert store.search("refunding")  # porter stemming
    assert store.search("refu") == []  # no prefix without *


def test_snippet_marks_the_match(filled):
    store, *_ = filled
    hit = store.search("issued")[0]
    assert f"{MARK_START}issued{MARK_END}" in hit.snippet


def test_filters_combine_with_search(filled):
    store, a, b = filled
    store.set_status(b.id, "resolved")
    assert {h.case_id for h in store.search("refund*", status="active")} == {a.id}
    assert {h.case_id for h in store.search("refund*", company="Comcast")} == {b.id}


def test_edits_reach_the_index(filled):
    store, a, b = filled
    store.update_case(a.id, title="Parcel lost", notes="zebra")
    assert store.search("zebra")[0].case_id == a.id
    assert not [h for h in store.search("arrived") if h.interaction_id is None]
    store.update_company("Amazon", name="Amazon EU")
    assert store.search("EU")[0].case_id == a.id
    iid = store.get_detail(a.id).interactions[0].id
    store.edit_interaction(iid, notes="quokka")
    assert store.search("quokka")[0].interaction_id == iid
    assert store.search("issued")  # the transcript is still indexed after a notes edit


def test_common_words_rank_among_the_most_recent_matches(store, monkeypatch):
    from tui.store import search
    monkeypatch.setattr(search, "SEARCH_CAP", 3)
    case = store.create_case("Bank", "statement")
    store.log_interaction(case.id, "email", "info", notes="refund refund refund refund",
                          started_at="2026-10-01T09:00:00Z")  # the best match, written first
    for n in range(6):
        store.log_interaction(case.id, "email", "info", notes=f"refund note {n}",
                              started_at=f"2026-11-0{n + 1}T10:00:00Z")
    hits = store.search("refund")
    assert len(hits) == 3  # only the three most recently written matches were ranked
    assert {h.when[:10] for h in hits} == {"2026-11-04", "2026-11-05", "2026-11-06"}
    monkeypatch.setattr(search, "SEARCH_CAP", 2000)
    assert store.search("refund")[0].when == "2026-10-01T09:00:00Z"  # below the cap: exact


def test_the_cap_keeps_the_newest_cases_and_contacts_that_pass_the_filters(store, monkeypatch):
    from tui.store import search
    monkeypatch.setattr(search, "SEARCH_CAP", 2)
    best = store.create_case("Bank", "walrus walrus walrus walrus")    # the oldest case
    cases = [store.create_case("Bank", f"walrus {n}") for n in range(3)]
    done = store.create_case("Bank", "walrus done")
    store.set_status(done.id, "resolved")
    contacts = [store.log_interaction(cases[0].id, "email", "info", notes=f"walrus {n}").id
                for n in range(3)]
    hits = store.search("walrus")
    assert {h.case_id for h in hits if h.interaction_id is None} == {cases[2].id, done.id}
    assert {h.interaction_id for h in hits} - {None} == set(contacts[1:])
    active = store.search("walrus", status="active")     # the cap counts what the filter keeps
    assert {h.case_id for h in active if h.interaction_id is None} == {cases[1].id, cases[2].id}
    monkeypatch.setattr(search, "SEARCH_CAP", 2000)
    assert store.search("walrus")[0].case_id == best.id  # below the cap: every match ranked
    assert len(store.search("walrus")) == 8


def test_search_pages_with_offset(store):
    case = store.create_case("Bank", "statement")
    for n in range(7):
        store.log_interaction(case.id, "email", "info", notes=f"walrus {n}")
    whole = [h.interaction_id for h in store.search("walrus", limit=50)]
    paged = [h.interaction_id for off in (0, 3, 6) for h in store.search("walrus", limit=3,
                                                                         offset=off)]
    assert len(whole) == 7 and paged == whole
    assert [h.case_id for h in store.search("", limit=1, offset=0)] == [case.id]
    assert store.search("", limit=1, offset=1) == []


def test_prefix_listed_as_words_finds_what_the_native_prefix_finds(store, monkeypatch):
    case = store.create_case("Bank", "Supervisor callback", notes="ask the SUPERVISING team")
    store.log_interaction(case.id, "phone", "escalated", notes="supervisors were busy")
    store.log_interaction(case.id, "chat", "info", notes="Supervisión pendiente")  # accented
    store.log_interaction(case.id, "chat", "promised", notes="they promised; promises, promises",
                          promise="a call back")
    store.log_interaction(case.id, "chat", "info", notes="nothing relevant")
    # "supervis" and "promis" are stems that porter would stem again if quoted as they are
    assert store._prefix_words("superv") and store._prefix_words("promis")
    listed = {q: {(h.case_id, h.interaction_id, h.snippet) for h in store.search(q)}
              for q in ("superv*", "promis*", "Superv*")}
    monkeypatch.setattr(type(store), "_prefix_words", lambda self, prefix: None)
    native = {q: {(h.case_id, h.interaction_id, h.snippet) for h in store.search(q)}
              for q in listed}
    assert listed == native
    assert len(native["superv*"]) == 3 and len(native["promis*"]) == 1
    assert all(MARK_START in snippet for hits in native.values() for *_, snippet in hits)


@pytest.mark.parametrize("query", ["refund courier*", "courier* refund", "cour* ref*",
                                   "AND cour*", "courier* OR", '"cour* -ref*'])
def test_prefixes_combine_with_other_words(store, query):
    case = store.create_case("Bank", "statement")
    store.log_interaction(case.id, "email", "info", notes="the courier lost it; refund asked")
    store.log_interaction(case.id, "email", "info", notes="courier only")
    store.log_interaction(case.id, "email", "info", notes="refund only")
    hits = store.search(query)   # never an FTS syntax error, whatever the words
    if "AND" not in query and "OR" not in query:
        assert [h.snippet.count(MARK_START) for h in hits] == [2]


def test_prefix_listing_follows_writes_and_caps_broad_prefixes(store, monkeypatch):
    from tui.store import search_words
    case = store.create_case("Bank", "statement")
    assert store.search("walr*") == []
    store.log_interaction(case.id, "email", "info", notes="walrus")
    assert len(store.search("walr*")) == 1  # the cached word list was dropped by the write
    monkeypatch.setattr(search_words, "PREFIX_WORDS", 2)
    for notes in ("wax", "wax", "wax", "wane", "wane", "wander"):
        store.log_interaction(case.id, "email", "info", notes=notes)
    assert store._prefix_words("wa") == ['"wax"', '"wane"']  # the most frequent ones
    assert store._prefix_words("ünï") is None and store._prefix_words("a-b") is None


def test_a_prefix_is_listed_once_until_the_notebook_changes(store, tmp_path):
    from tui.store import Store
    case = store.create_case("Bank", "statement")
    store.log_interaction(case.id, "email", "info", notes="walrus")
    words = store._prefix_words("walr")
    assert store._prefix_words("walr") is words       # remembered, not listed again
    other = Store(store.path)                          # another writer's commit
    other.log_interaction(case.id, "email", "info", notes="walrein")
    other.close()
    assert store._prefix_words("walr") is not words
    assert len(store.search("walr*")) == 2
    again = store._prefix_words("walr")
    assert store._prefix_words("walr") is again
    store.log_interaction(case.id, "email", "info", notes="walrock")   # our own write
    assert store._prefix_words("walr") is not again


def test_prefix_search_on_a_read_only_notebook(tmp_path):
    from tui.store import Store
    (tmp_path / "a?b#c%20 d").mkdir()
    path = tmp_path / "a?b#c%20 d" / "ro.db"     # a path SQLite's URIs would misread
    with Store(path) as store:
        store.log_interaction(store.create_case("Bank", "x").id, "email", "info",
                              notes="supervisor")
    path.chmod(0o400)
    with Store(path, create=False) as store:
        assert store.read_only and len(store.search("superv*")) == 1


def test_search_reads_on_its_own_connection_when_the_helper_cannot(filled, monkeypatch):
    store = filled[0]
    queries = ["refund", "rout*", "Amazon package", "T-55"]
    both = {q: store.search(q) for q in queries}      # the cases ranked beside, in a thread
    assert store.helper() is not None and all(both.values())
    assert {h.interaction_id is None for h in both["refund"]} == {True, False}
    monkeypatch.setattr(store, "helper", lambda: None)
    assert {q: store.search(q) for q in queries} == both
    monkeypatch.undo()
    store.helper().close()                             # a helper that fails to read
    assert {q: store.search(q) for q in queries} == both


@pytest.mark.parametrize("typed, searched", [
    ("tele", "tele*"), ("te", "te"), ("refund te", "refund te"), ("refund tel", "refund tel*"),
    ("tele ", "tele "), ("tele*", "tele*"), ("", ""), ("x-", "x-"),
])
def test_search_as_you_type_prefixes_words_of_three_letters(typed, searched):
    from tui.screens.home import as_you_type
    assert as_you_type(typed) == searched


# -- as you type: the quick ranking, snippets on demand, prefixes listed once ------------------
def test_typed_search_ranks_the_newest_matches_and_enter_ranks_them_all(store, monkeypatch):
    from tui.store import search
    monkeypatch.setattr(search, "QUICK_CAP", 2)
    case = store.create_case("Bank", "statement")
    best = store.log_interaction(case.id, "email", "info", notes="walrus walrus walrus walrus",
                                 started_at="2026-10-01T09:00:00Z")   # the best, written first
    newer = [store.log_interaction(case.id, "email", "info", notes=f"walrus note {n}").id
             for n in range(4)]
    quick = store.search("walrus", quick=True)
    assert {h.interaction_id for h in quick} == set(newer[-2:])   # the two newest, ranked
    assert store.search("walrus")[0].interaction_id == best.id    # the full ranking finds it
    assert len(store.search("walrus")) == 5


def test_typed_search_keeps_filters_and_rows_matched_past_the_text_it_ranks_on(store,
                                                                               monkeypatch):
    from tui.store import search
    monkeypatch.setattr(search, "QUICK_TEXT", 20)
    a = store.create_case("Bank", "statement")
    b = store.create_case("Shop", "parcel")
    near = store.log_interaction(a.id, "email", "info", notes="walrus at the start").id
    far = store.log_interaction(a.id, "email", "info", notes="x " * 40 + "walrus").id
    other = store.log_interaction(b.id, "email", "info", notes="walrus elsewhere").id
    hits = store.search("walrus", quick=True, company="Bank")
    assert [h.interaction_id for h in hits] == [near, far]   # found past the cut: ranked last
    assert other in {h.interaction_id for h in store.search("walrus", quick=True)}


def test_snippets_for_the_first_hits_and_the_rest_on_demand(store):
    case = store.create_case("Bank", "statement")
    for n in range(6):
        store.log_interaction(case.id, "email", "info", notes=f"the walrus said {n}")
    whole = store.search("walrus")
    some = store.search("walrus", snippets=2)
    assert [h.interaction_id for h in some] == [h.interaction_id for h in whole]
    assert [h.snippet for h in some[:2]] == [h.snippet for h in whole[:2]]
    assert all(MARK_START in h.snippet for h in whole) and all(h.snippet == "" for h in some[2:])
    assert [(h.case_title, h.company, h.when) for h in some] == \
        [(h.case_title, h.company, h.when) for h in whole]
    rest = store.search_snippets("walrus", [h.interaction_id for h in some[2:]])
    assert rest == {h.interaction_id: h.snippet for h in whole[2:]}
    assert store.search_snippets("", [1]) == {}


def test_a_longer_prefix_is_filtered_from_the_shorter_listing(store, monkeypatch):
    from tui.store.search_words import PrefixWords
    case = store.create_case("Bank", "statement")
    store.log_interaction(case.id, "email", "info",
                          notes="refund refunded referral reference promise promised")
    fresh = {p: store._prefix_words(p) for p in ("refu", "refer", "refx", "promis")}
    store.log_interaction(case.id, "email", "info", notes="unrelated")   # forgets the listings
    looked_up = []
    real = PrefixWords._lookup
    monkeypatch.setattr(PrefixWords, "_lookup",
                        lambda self, low: looked_up.append(low) or real(self, low))
    assert store._prefix_words("ref") and store._prefix_words("prom")
    assert {p: store._prefix_words(p) for p in fresh} == fresh   # the same terms ...
    assert looked_up == ["ref", "prom"]                          # ... with no lookup of theirs


@pytest.mark.parametrize("quick", [True, False])
def test_a_search_writing_scratch_tables_keeps_the_prefix_listing(store, quick):
    case = store.create_case("Bank", "statement")
    store.log_interaction(case.id, "email", "info", notes="walrus " * 400)  # a long row's snippet
    words = store._prefix_words("walr")
    assert store.search("walr*", quick=quick)
    assert store._prefix_words("walr") is words    # the scratch writes are no notebook change


# -- as you type, in the app ------------------------------------------------------------------
class Gate:
    """Holds the real search of chosen queries in its worker thread until released."""

    def __init__(self, monkeypatch, held):
        import threading

        from tui.store import Store
        self.started, self.release = threading.Event(), threading.Event()
        real = Store.search

        def search(store, query, **kwargs):
            if held(query, kwargs):
                self.started.set()
                self.release.wait(10)
            return real(store, query, **kwargs)
        monkeypatch.setattr(Store, "search", search)

    async def wait_started(self, pilot) -> None:
        for _ in range(200):
            if self.started.is_set():
                return
            await pilot.pause(0.02)
        raise AssertionError("the held search never started")


def _notebook(db_path, clock, notes):
    from tui.store import Store
    with Store(db_path, clock=clock) as s:
        case = s.create_case("Bank", "statement", opened_at="2026-11-01T09:00:00Z")
        return [s.log_interaction(case.id, "email", "info", notes=text,
                                  started_at=f"2026-11-02T09:{n % 60:02d}:00Z").id
                for n, text in enumerate(notes)]


def _shown(app) -> list[int]:
    table = app.screen.query_one("#hits")
    return [int(table.coordinate_to_cell_key((i, 0)).row_key.value.split(":")[1])
            for i in range(table.row_count)]


async def _type(pilot, text: str) -> None:
    """`text` into the open search box as one insertion (one Input.Changed, as the last of its
    keys would give), where the typing itself is not what the test is about."""
    pilot.app.screen.query_one("#search").insert_text_at_cursor(text)
    await pilot.pause()


async def _until(pilot, condition) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never got there")


@ui
async def test_typing_shows_hits_with_snippets_for_the_rows_in_view(app_factory, db_path,
                                                                    clock):
    from tui.widgets.text import SNIPPET_STYLE
    _notebook(db_path, clock, [f"the walrus said {n}" for n in range(45)])
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"walr")
        await settle(pilot)
        screen, table = app.screen, app.screen.query_one("#hits")
        assert screen._hits[0] == "walr*" and not screen._hits_full   # typed: the quick ranking
        assert table.row_count == 45

        def marked(row: int) -> bool:
            return any(s.style == SNIPPET_STYLE for s in table.get_row_at(row)[4].spans)
        in_view = table.size.height - table.header_height
        assert 10 < in_view < 45
        assert all(marked(r) for r in range(in_view)) and not marked(44)
        table.focus()
        await pilot.press("end")                     # the last rows come into view
        await settle(pilot)
        assert marked(44) and table.cursor_row == 44


@ui
async def test_enter_ranks_fully_and_shows_a_hit_past_the_typing_cap(app_factory, db_path,
                                                                     clock, monkeypatch):
    from tui.store import search
    monkeypatch.setattr(search, "QUICK_CAP", 2)
    best, *newer = _notebook(db_path, clock, ["walrus walrus walrus walrus"]
                             + [f"walrus note {n}" for n in range(4)])
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await _type(pilot, "walrus")
        await settle(pilot)
        assert set(_shown(app)) == set(newer[-2:])      # typed: the newest matches only
        await pilot.press("enter")
        await settle(pilot)
        assert _shown(app)[0] == best and len(_shown(app)) == 5
        assert app.screen._hits_full and app.focused is app.screen.query_one("#hits")


@ui
async def test_an_older_keystroke_never_replaces_a_newer_ones_hits(app_factory, db_path,
                                                                   clock, monkeypatch):
    walrein, walrus = _notebook(db_path, clock, ["a walrein", "a walrus"])
    gate = Gate(monkeypatch, lambda query, kwargs: query == "walr*")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await _type(pilot, "walr")
        await gate.wait_started(pilot)          # "walr*" is being read, and held there
        await pilot.press("u")
        await _until(pilot, lambda: app.screen._hits[0] == "walru*")
        assert _shown(app) == [walrus]
        gate.release.set()                      # the older keystroke's answer arrives late
        await settle(pilot)
        assert app.screen._hits[0] == "walru*" and _shown(app) == [walrus]


@ui
async def test_the_full_ranking_of_an_older_query_never_replaces_newer_hits(app_factory,
                                                                            db_path, clock,
                                                                            monkeypatch):
    walrus, walruses = _notebook(db_path, clock, ["a walrus", "two walruses"])
    gate = Gate(monkeypatch, lambda query, kwargs: not kwargs.get("quick")
                and query == "walru*")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await _type(pilot, "walru")
        await _until(pilot, lambda: app.screen._hits[0] == "walru*")
        await pilot.press("enter")              # the full ranking of "walru*", held
        await gate.wait_started(pilot)
        await pilot.press("slash", "end")       # back in the box: "walruses"
        await _type(pilot, "ses")
        await _until(pilot, lambda: app.screen._hits[0] == "walruses*")
        gate.release.set()
        await settle(pilot)
        assert app.screen._hits[0] == "walruses*" and _shown(app) == [walruses]


@ui
async def test_a_page_of_an_older_query_is_never_added_to_newer_hits(app_factory, db_path,
                                                                    clock, monkeypatch):
    ids = _notebook(db_path, clock, [f"narwhal {n}" for n in range(130)] + ["narwhal zebra"])
    gate = Gate(monkeypatch, lambda query, kwargs: kwargs.get("offset"))
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await _type(pilot, "narwhal")
        await _until(pilot, lambda: app.screen._hits[0] == "narwhal*")
        await pilot.press("enter")
        await _until(pilot, lambda: app.screen._hits_full)
        await pilot.press("end")                   # every hit left: that read is held
        await gate.wait_started(pilot)
        await pilot.press("slash", "end")
        await _type(pilot, " zebra")
        await _until(pilot, lambda: app.screen._hits[0] == "narwhal zebra*")
        gate.release.set()
        await settle(pilot)
        assert _shown(app) == [ids[-1]]
