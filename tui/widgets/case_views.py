"""Read-only views of one case: its header (with whose turn and the rung), the next move and
the findings under it as its reasons, the brief, and the home preview. Everything the user
typed goes through `lit()`; styles are ours."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ..store import CaseDetail
from ..store.fields import CASE, Field
from .text import ago, day, labelled, lit, money, when, words

if TYPE_CHECKING:
    from ..advice import Assessment, Brief, NextMove

# The ladder's rungs in order (tui.advice.model.RUNGS; not imported: the advice layer loads
# after the first paint).
RUNGS = ("first_contact", "another_agent", "another_channel", "supervisor", "formal_complaint",
         "ombudsman", "chargeback")
RUNG_WORDS = {"ombudsman": "ombudsman or regulator"}
TURN_WORDS = {"theirs": "theirs: they owe the next step", "yours": "yours: you act next",
              "nobody": "nobody's"}
WHO_WORDS = {"you": "You", "them": "Them", "nobody": "Nobody"}

PRESS_RESTART = ("⟳ Press restart: end this contact and try again with another agent, "
                 "or switch channel.")


def case_header(detail: CaseDetail, assessment: Assessment | None,
                now: datetime) -> Content:
    """Company, whose turn and the rung, what you want, references, dates, amount, seller,
    status; the company's route for the channel in use and its policy windows."""
    case = detail.case
    refs = ", ".join(f"{r.kind}: {r.value}" for r in detail.refs)
    dates = " · ".join(f"{f.short} {value}" for f, value in header_fields(case, "dates"))
    status = case.status + (f" since {day(case.closed_at)}" if case.closed_at else "")
    # What a decision needs comes first, several facts a line, so a short terminal keeps
    # them; the route and the policy windows follow.
    groups = [[("Company", case.company), ("Status", status), *header_pairs(case, "facts")],
              [("References", refs), ("Dates", dates)]]
    if assessment is not None:
        groups.append([("Turn", TURN_WORDS.get(assessment.turn, assessment.turn)),
                       ("Rung", rung_words(assessment.rung))])
    groups.append(header_pairs(case, "more"))
    lines = [inline(group) for group in groups]
    if (company := company_lines(detail, now)) is not None:
        lines.append(company)
    return Content("\n").join(line for line in lines if line.plain)


def header_fields(case, group: str) -> list[tuple[Field, object]]:
    """The registry's fields of one header group that the case has, with their values."""
    return [(f, getattr(case, f.name)) for f in CASE if f.header == group
            and getattr(case, f.name)]


def header_pairs(case, group: str) -> list[tuple[str, object]]:
    """(label, value shown) for the fields of one header group, each shown by its kind."""
    return [(f.short[:1].upper() + f.short[1:], shown(f, value, case))
            for f, value in header_fields(case, group)]


def shown(f: Field, value, case) -> object:
    if f.kind == "choice":
        return words(value)
    if f.kind == "amount":
        return money(value, case.currency)
    return day(value) if f.kind == "when" else value


def inline(pairs: list[tuple[str, object]]) -> Content:
    """'Label: value · Label: value' on one line (wrapped where the width ends)."""
    return Content(" · ").join(labelled([pair]) for pair in pairs
                               if pair[1] not in (None, "", "—"))


def channel_in_use(detail: CaseDetail) -> str | None:
    """The channel of the live contact, else of the last one."""
    live = next((i for i in detail.interactions if i.live), None)
    last = live or (detail.interactions[-1] if detail.interactions else None)
    return last.channel if last else None


def company_lines(detail: CaseDetail, now: datetime,
                  channel: str | None = None) -> Content | None:
    """The company's route for the channel in use and its policy windows with days left,
    with the guidance line; None when the directory has neither."""
    company = detail.company
    if company is None or not (company.routes or company.policies):
        return None
    from ..advice.brief import policy_guidance, policy_windows
    from ..advice.channels import routes_line
    channel = channel or channel_in_use(detail)
    pairs = []
    if channel:
        pairs.append((f"Route ({channel.replace('_', ' ')})",
                      routes_line(company, channel) or "none in the directory (g: company)"))
    windows = policy_windows(detail, now)
    pairs.append(("Windows", " · ".join(windows)))
    out = labelled(pairs)
    if windows:
        out = Content.assemble(out, "\n", lit(policy_guidance(detail), "dim italic"))
    return out if out.plain else None


def rung_words(rung: str | None) -> str:
    """'another channel (3 of 7)'."""
    if not rung:
        return "—"
    name = RUNG_WORDS.get(rung, rung.replace("_", " "))
    return f"{name} ({RUNGS.index(rung) + 1} of {len(RUNGS)})" if rung in RUNGS else name


def due_words(iso: str) -> str:
    """A due time: the day alone when it is the end of that day (a bare-date due)."""
    shown = when(iso)
    return shown[:10] if shown.endswith(" 23:59") else shown


def move_facts(move: NextMove) -> str:
    """'you · by 2026-11-27 · phone · climbs to: supervisor'."""
    parts = [WHO_WORDS.get(move.who, move.who).lower()]
    if move.due:
        parts.append(f"by {due_words(move.due)}")
    if move.channel:
        parts.append(move.channel.replace("_", " "))
    if move.rung:
        parts.append(f"climbs to: {RUNG_WORDS.get(move.rung, move.rung.replace('_', ' '))}")
    return " · ".join(parts)


def next_move_content(assessment: Assessment | None) -> Content:
    """The next move first (who, what, by when, channel, rung), then every finding as a
    reason: headline, evidence lines, how its score adds up."""
    if assessment is None:
        return Content.styled("Checking…", "dim")
    move = assessment.next_move
    parts: list[Content] = [
        Content.assemble(("Next move  ", "bold $accent"), (move_facts(move), "dim")),
        lit(move.text, "bold")]
    if not assessment.findings:
        parts.append(Content.styled("\nNothing stalled: no finding for this case.", "dim"))
        return Content("\n").join(parts)
    total = Content.styled(f"\nWhy (stall score {assessment.score:.1f})", "bold")
    if assessment.snoozed:
        total += Content.styled(f" snoozed until {day(assessment.snoozed_until)}: the "
                                "findings stay, the score rests", "dim")
    parts.append(total)
    for finding in assessment.findings:
        title = finding.headline or finding.rule.replace("_", " ")
        parts.append(Content.assemble(("● ", "$warning"), lit(title, "bold"),
                                      (f"  +{finding.score:.1f}", "dim")))
        for line in finding.evidence:
            parts.append(Content.assemble("  · ", lit(line)))
        if len(finding.terms) > 1:
            parts.append(Content.styled(f"  score: {finding.breakdown}", "dim"))
    return Content("\n").join(parts)


def brief_content(brief: Brief | None) -> Content:
    if brief is None:
        return Content.styled("Preparing…", "dim")
    parts: list[Content] = []
    for label, text in brief.lines:
        parts.append(Content.assemble((f"{label}: ", "bold"), lit(text)))
    if not parts and brief.text:
        parts.append(lit(brief.text))
    if brief.checklist:
        parts.append(Content.styled("\nBe prepared:", "bold"))
        parts.extend(Content.assemble("  ☐ ", lit(item)) for item in brief.checklist)
    if not parts:
        return Content.styled("No brief yet.", "dim")
    return Content("\n").join(parts)


def needs_restart(assessment: Assessment | None) -> bool:
    """Press restart is shown when it is the next move's reason, never beside another move."""
    top = assessment.top if assessment and assessment.stalled else None
    return bool(top and top.press_restart)


class CasePreview(VerticalScroll, can_focus=False):
    """The home screen's right pane: the highlighted case and its top finding."""

    def compose(self) -> ComposeResult:
        yield Static(id="preview-title")
        yield Static(PRESS_RESTART, id="preview-restart", classes="press-restart compact")
        yield Static(id="preview-finding")
        yield Static(id="preview-body")

    def on_mount(self) -> None:
        self.clear()

    def clear(self, message: str = "Select a case to see it here.") -> None:
        # The message may hold a typed search query: user text.
        self.query_one("#preview-title", Static).update(lit(message, "dim"))
        self.query_one("#preview-restart").display = False
        self.query_one("#preview-finding", Static).update("")
        self.query_one("#preview-body", Static).update("")

    def show(self, detail: CaseDetail, assessment: Assessment | None, now: datetime) -> None:
        case = detail.case
        self.query_one("#preview-title", Static).update(
            Content.assemble(lit(case.title, "bold"), ("\n", ""), lit(case.company, "$accent"),
                             (f"  #{case.id} · {case.status}", "dim")))
        self.query_one("#preview-restart").display = needs_restart(assessment)
        finding = Content("")
        if assessment is not None:
            move = assessment.next_move
            finding = Content.assemble(("Next move: ", "bold $accent"), lit(move.text, "bold"),
                                       "\n", (move_facts(move), "dim"))
            top = assessment.top if assessment.stalled else None
            if top is not None:
                finding += Content.assemble(
                    ("\nWhy: ", "bold $warning"),
                    lit(top.headline or top.rule.replace("_", " "), "bold"),
                    *(Content.assemble("\n  · ", lit(e)) for e in top.evidence[:4]))
        self.query_one("#preview-finding", Static).update(finding)
        body = [case_header(detail, assessment, now)]
        if detail.interactions:
            last = detail.interactions[-1]
            body.append(Content.assemble(
                ("\nLast contact: ", "bold"),
                f"{when(last.started_at)} ({ago(last.started_at, now)}) {last.channel} → ",
                lit(last.outcome or "live"),
                *((" with ", lit(last.agent)) if last.agent else ())))
        pending = [p for p in detail.promises if p.status == "pending"]
        for promise in pending[:3]:
            label = "They asked you: " if is_ask(promise) else "Promise: "
            body.append(Content.assemble((label, "bold"), lit(promise.text),
                                         f" (due {day(promise.due_at)})"))
        if case.notes:
            body.append(Content.assemble(("\nNotes: ", "bold"), lit(case.notes[:600])))
        self.query_one("#preview-body", Static).update(Content("\n").join(body))


def is_ask(promise) -> bool:
    """Something the company asked of you (party "me"), not a promise it made."""
    return promise.party == "me"
