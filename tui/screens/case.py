"""One case: header (with whose turn and the rung), timeline, the promise ledger and what they
asked of you, the next move with its reasons (press restart up front) and the brief."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Static

from .following import FollowingScreen
from ..store import CaseDetail, Interaction
from ..store.times import format_duration
from ..store.wording import plural
from ..widgets.case_table import FitTable
from ..widgets.footer import FitFooter
from ..widgets.case_views import (
    PRESS_RESTART,
    brief_content,
    case_header,
    is_ask,
    needs_restart,
    next_move_content,
)
from ..widgets.text import OUTCOME_STYLES, PROMISE_STYLES, cell, day, duration, lit, when_short

# The fixed columns are as wide as their cells (or label), so on a narrow terminal the room
# an outcome like "info" does not use goes to the references and their headers.
TIMELINE_COLUMNS = (("when", "When", 11, 0), ("channel", "Channel", 7, 0),
                    ("agent", "Agent", 5, 2), ("length", "Time (hold)", 11, 0),
                    ("outcome", "Outcome", 7, 0), ("reference", "Reference", 6, 2),
                    ("transcript", "Transcript", 6, 2))
PROMISE_COLUMNS = (("due", "Due", 10, 0), ("promise", "Promise", 20, 3),
                   ("status", "Status", 7, 0), ("made", "Made", 10, 1))
ASK_COLUMNS = (("due", "Due", 10, 0), ("ask", "They asked you to", 20, 3),
               ("status", "Status", 7, 0), ("made", "Asked", 10, 1))
# An ask's status as the ledger words it (stored as a promise's: kept / broken).
ASK_STATUS = {"pending": "pending", "kept": "done", "broken": "missed"}
ASK_STYLES = {"pending": "bold", "kept": "green", "broken": "red"}
STACK_UNDER = 120   # columns under which the advice and brief go below the record


class CaseScreen(FollowingScreen):
    """Everything about one case, and the keys to act on it."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="case.back"),
        # here, not last: at 80 columns it stays in sight
        Binding("f1", "app.help", "Help", id="case.help"),
        Binding("l", "log", "Log", id="case.log", tooltip="Log a contact after the fact"),
        Binding("c", "contact", "Contact", id="case.contact",
                tooltip="Start a live contact (or resume one)"),
        Binding("p", "promise", "Promise", id="case.promise",
                tooltip="Add a promise, or what they asked of you"),
        Binding("k", "promise_status('kept')", "Kept", id="case.promise_kept",
                tooltip="Mark the promise kept (an ask: done)"),
        Binding("b", "promise_status('broken')", "Broken", id="case.promise_broken",
                tooltip="Mark the promise broken (an ask: missed)"),
        Binding("y", "copy_brief", "Copy brief", id="case.copy_brief"),
        Binding("r", "status('resolved')", "Resolve", id="case.resolve"),
        Binding("a", "status('abandoned')", "Abandon", id="case.abandon", show=False),
        Binding("o", "status('open')", "Reopen", id="case.reopen", show=False),
        Binding("e", "edit", "Edit", id="case.edit"),
        Binding("g", "company", "Company", id="case.company",
                tooltip="The company's routes and policy windows"),
        Binding("z", "snooze", "Snooze", id="case.snooze", show=False,
                tooltip="Quiet the findings until a date (they said: wait)"),
        Binding("d", "delete", "Delete", id="case.delete", show=False),
        Binding("u", "app.undo", "Undo", id="case.undo", show=False,
                tooltip="Undo the last status change, promise mark or delete"),
        Binding("t", "transcript", "Transcript", id="case.transcript", show=False,
                tooltip="Open the highlighted contact's transcript"),
        # The footer is full at every size: these are listed in F1 help and the palette.
        Binding("f", "evidence", "Evidence", id="case.evidence", show=False,
                tooltip="Evidence files: receipts, photos, mail parts"),
        Binding("m", "import_mail", "Import mail", id="case.import_mail", show=False,
                tooltip="Import e-mail or a chat transcript"),
        Binding("w", "letter", "Letter", id="case.letter", show=False,
                tooltip="Write a letter for the next rung"),
        Binding("x", "dossier", "Dossier", id="case.dossier", show=False,
                tooltip="Download the dossier, a page to print (in a terminal: to Downloads)"),
        Binding("backspace", "back", "Back", id="case.back", show=False),
    ]

    def __init__(self, case_id: int, interaction_id: int | None = None) -> None:
        super().__init__()
        self.case_id = case_id
        self.focus_interaction = interaction_id
        self.detail: CaseDetail | None = None
        self.brief = None

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Loading…", "dim"), id="case-title")
        with Horizontal(id="case-body"):
            with Vertical(id="case-left"):
                yield Static(id="case-header", classes="panel")
                yield FitTable(TIMELINE_COLUMNS, id="timeline", opens=self._open_interaction)
                yield FitTable(PROMISE_COLUMNS, id="promises")
                yield FitTable(ASK_COLUMNS, id="asks")
            with VerticalScroll(id="case-right"):
                yield Static(PRESS_RESTART, id="case-restart", classes="press-restart")
                yield Static(id="case-advice", classes="panel")
                yield Static(id="case-notes", classes="panel")
                yield Static(id="case-brief", classes="panel")
        # Said in the panels' titles: left out first where the footer is short of room.
        yield FitFooter(spare=("copy_brief", "promise", "promise_status('broken')",
                               "promise_status('kept')"))

    def on_resize(self) -> None:
        self.set_class(self.size.width < STACK_UNDER, "-stacked")

    def on_mount(self) -> None:
        self.on_resize()
        timeline = self.query_one("#timeline", DataTable)
        timeline.border_title = "Timeline  (Enter opens a contact)"
        promises = self.query_one("#promises", DataTable)
        promises.border_title = "Promises  (k kept · b broken · again: pending · p new)"
        asks = self.query_one("#asks", DataTable)
        asks.border_title = "They asked you  (k done · b missed · again: pending)"
        asks.display = False
        self.query_one("#case-header").border_title = "Case"
        self.query_one("#case-advice").border_title = "Advice"
        self.query_one("#case-notes").border_title = "Notes  (e edits)"
        self.query_one("#case-notes").display = False
        self.query_one("#case-brief").border_title = "Brief  (y copies)"
        self.query_one("#case-restart").display = False
        self.watch(self.app, "data_version", self._data_changed, init=False)
        self.load()
        timeline.focus()

    @work(exclusive=True, group="case")
    async def load(self) -> None:
        view = await self.app.load_case(self.case_id, brief=True)
        if view is None:
            if self.is_current:  # deleted elsewhere (or by us, already on the way out)
                self.app.say(f"Case {self.case_id} no longer exists.", severity="warning")
                self.dismiss()
            return
        self.detail, self.brief = view.detail, view.brief
        case = view.detail.case
        self.query_one("#case-title", Static).update(Content.assemble(
            (f"#{case.id}  ", "dim"), lit(case.title, "bold"), "  ",
            (f" {case.status} ", f"reverse {'$success' if case.status == 'resolved' else ''}")))
        self.query_one("#case-header", Static).update(
            case_header(view.detail, view.assessment, self.app.now()))
        self.query_one("#case-restart").display = needs_restart(view.assessment)
        self.query_one("#case-advice", Static).update(next_move_content(view.assessment))
        notes = self.query_one("#case-notes", Static)
        notes.display = bool(case.notes and case.notes.strip())
        notes.update(lit(case.notes))
        self.query_one("#case-brief", Static).update(brief_content(view.brief))
        self._fill_timeline(view.detail.interactions)
        self._fill_promises(view.detail)

    def _fill_timeline(self, interactions: tuple[Interaction, ...]) -> None:
        now = self.app.now()
        table = self.query_one("#timeline", FitTable)
        keep, place = table.cursor_row, _place(table)
        table.clear()
        for i in interactions:
            outcome = i.outcome or "● live"
            agent = " ".join(x for x in (i.agent, f"({i.agent_id})" if i.agent_id else "") if x)
            table.add_row(cell(when_short(i.started_at, now)), cell(i.channel),
                          cell(agent, limit=40),
                          cell(duration(i.started_at, i.ended_at) + (
                              f" ({format_duration(i.hold_seconds)})" if i.hold_seconds else "")),
                          cell(outcome, OUTCOME_STYLES.get(i.outcome or "", "bold")
                               if not i.dead_end else "red"),
                          cell(i.reference, limit=30),
                          cell(("📎 " if i.has_transcript else "") + (i.transcript_ref or ""),
                               limit=40), key=str(i.id))
        table.border_subtitle = "" if interactions else "no contacts yet: l logs one, c starts one"
        target = str(self.focus_interaction) if self.focus_interaction else None
        if target and target in table.rows:
            table.move_cursor(row=table.get_row_index(target))
            self.focus_interaction = None
        elif not _back_to(table, place) and table.row_count:
            table.move_cursor(row=min(max(keep, 0), table.row_count - 1) if keep >= 0
                              else table.row_count - 1)

    def _fill_promises(self, detail: CaseDetail) -> None:
        """Their promises, and apart from them what they asked of you (shown when any)."""
        asks = [p for p in detail.promises if is_ask(p)]
        self._fill_ledger("#promises", detail, [p for p in detail.promises if not is_ask(p)],
                          {}, PROMISE_STYLES)
        self._fill_ledger("#asks", detail, asks, ASK_STATUS, ASK_STYLES)
        table = self.query_one("#asks", DataTable)
        if table.display != bool(asks):
            if table.has_focus and not asks:
                self.query_one("#promises").focus()
            table.display = bool(asks)

    def _fill_ledger(self, table_id: str, detail: CaseDetail, promises: list, words: dict,
                     styles: dict) -> None:
        table = self.query_one(table_id, FitTable)
        keep, place = table.cursor_row, _place(table)
        table.clear()
        made_in = {i.id: i for i in detail.interactions}
        for p in promises:
            # The contact that made it says when and who; the row's own date is only when
            # it was written down (an import, a back-dated log).
            source = made_in.get(p.interaction_id) if p.interaction_id else None
            made = (f"{day(source.started_at)} {source.agent or ''}".strip() if source
                    else day(p.created_at))
            table.add_row(cell(day(p.due_at)), cell(p.text, limit=120),
                          cell(words.get(p.status, p.status), styles.get(p.status, "")),
                          cell(made, limit=30), key=str(p.id))
        if not _back_to(table, place) and table.row_count and keep >= 0:
            table.move_cursor(row=min(keep, table.row_count - 1))

    # -- helpers -------------------------------------------------------------------------
    def _selected(self, table_id: str) -> int | None:
        table = self.query_one(table_id, FitTable)
        key = table.highlighted_key
        return int(key) if key and key.isdigit() else None

    def _interaction(self) -> Interaction | None:
        iid = self._selected("#timeline")
        if self.detail is None or iid is None:
            return None
        return next((i for i in self.detail.interactions if i.id == iid), None)

    # -- actions -------------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss()

    def action_log(self) -> None:
        self.app.log_contact(self.case_id)

    def action_contact(self) -> None:
        live = next((i for i in (self.detail.interactions if self.detail else ()) if i.live),
                    None)
        if live:
            from .live import LiveScreen
            self.app.push_screen(LiveScreen(live))
        else:
            self.app.start_live(self.case_id)

    def action_promise(self) -> None:
        from .contact_form import PromiseForm
        self.app.push_screen(PromiseForm(self.case_id))

    def action_snooze(self) -> None:
        from .contact_form import SnoozeForm
        until = self.detail.case.snoozed_until if self.detail else None
        self.app.push_screen(SnoozeForm(self.case_id, until))

    def _ledger(self) -> str:
        """The table k and b act on: what they asked of you when it has the focus (or is
        all there is), else their promises."""
        asks = self.query_one("#asks", FitTable)
        promises = self.query_one("#promises", FitTable)
        if asks.display and (asks.has_focus or not promises.row_count):
            return "#asks"
        return "#promises"

    def action_promise_status(self, status: str) -> None:
        table = self._ledger()
        pid = self._selected(table)
        if pid is None:
            self.app.say("No promise selected: p adds one.")
            return
        from ..undo_actions import mark_promise
        mark_promise(self.app, self.case_id, pid, status)   # the same key again: pending

    def action_status(self, status: str) -> None:
        if self.detail and self.detail.case.status == status:
            self.app.say(f"The case is already {status}.")
            return
        from ..undo_actions import set_status
        if status != "resolved":
            set_status(self.app, self.case_id, status)
            return
        from .resolve import ResolveDialog

        def resolve(note: str | None) -> None:   # None: cancelled; "" resolves without a note
            if note is not None:
                set_status(self.app, self.case_id, status, note or None)
        title = self.detail.case.title if self.detail else ""
        self.app.push_screen(ResolveDialog(self.case_id, title), resolve)

    def action_company(self) -> None:
        from .companies import CompaniesScreen
        company = self.detail.case.company if self.detail else None
        self.app.push_screen(CompaniesScreen(company))

    def action_edit(self) -> None:
        from .case_form import CaseForm
        self.app.push_screen(CaseForm(self.case_id))

    def action_copy_brief(self) -> None:
        brief = self.brief
        text = brief.text if brief and brief.text else brief_content(brief).plain
        self.app.copy_to_clipboard(text)
        self.app.say("Brief copied to the clipboard.")

    def action_transcript(self) -> None:
        from .transcript import TranscriptViewer, classify
        interaction = self._interaction()
        ref = interaction.transcript_ref if interaction else None
        if interaction is None or not (ref or interaction.has_transcript):
            self.app.say("This contact has no transcript reference.")
        elif interaction.has_transcript and (not ref or classify(ref)[0] == "text"):
            # Imported mail keeps its Message-ID as the reference: the text is here.
            self.app.push_screen(TranscriptViewer(interaction_id=interaction.id))
        else:
            self.app.open_transcript(ref)

    def action_evidence(self) -> None:
        from .evidence import EvidenceScreen
        self.app.push_screen(EvidenceScreen(self.case_id))

    def action_import_mail(self) -> None:
        from .mail_pick import MailImportScreen
        self.app.push_screen(MailImportScreen(self.case_id))

    def action_letter(self) -> None:
        from .letter import LetterKindPicker
        self.app.push_screen(LetterKindPicker(self.case_id))

    @work(exclusive=True, group="dossier")
    async def action_dossier(self) -> None:
        from .letter import deliver_dossier
        await deliver_dossier(self.app, self.case_id)

    def _open_interaction(self, _key: str | None = None) -> None:
        interaction = self._interaction()
        if interaction is None:
            return
        if interaction.live:
            from .live import LiveScreen
            self.app.push_screen(LiveScreen(interaction))
        else:
            self.app.push_screen(_interaction_screen(interaction))

    def action_delete(self) -> None:
        from .dialogs import ConfirmScreen
        if self.detail is None:
            return
        case = self.detail.case
        asks = sum(is_ask(p) for p in self.detail.promises)
        kept = [plural(len(self.detail.interactions), "contact"),
                plural(len(self.detail.promises) - asks, "promise")]
        if asks:
            kept.append(plural(asks, "thing") + " they asked of you")
        question = Content.assemble("Delete the case ", lit(case.title, "bold"),
                                    f" and its {', '.join(kept[:-1])} and {kept[-1]}?")
        self.app.push_screen(ConfirmScreen(question, yes="Delete"), self._confirmed_delete)

    def _confirmed_delete(self, yes: bool | None) -> None:
        from ..undo_actions import delete_case
        if yes:
            delete_case(self.app, self.case_id, then=self._deleted)

    def _deleted(self) -> None:
        if self.is_current:     # dismiss() pops the top screen, whichever it is
            self.dismiss()


def _place(table: FitTable) -> tuple[str | None, float]:
    """The highlighted row's key and the scroll, to put back once the table is refilled."""
    return table.highlighted_key, table.scroll_y


def _back_to(table: FitTable, place: tuple[str | None, float]) -> bool:
    """The cursor back on the row it was on (a reload after a write, here or elsewhere),
    at the same scroll; False when that row is gone."""
    key, scroll = place
    if key is None or key not in table.rows:
        return False
    table.move_cursor(row=table.get_row_index(key), animate=False)
    table.call_after_refresh(table.scroll_to, y=scroll, animate=False)
    return True


def _interaction_screen(interaction: Interaction):
    from .interaction import InteractionScreen
    return InteractionScreen(interaction.id)
