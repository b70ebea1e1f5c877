"""Read-only views of one case: its header, its findings, its brief, and the home preview.
Everything the user typed goes through `lit()`; styles are ours."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ..store import CaseDetail
from .text import ago, day, labelled, lit, money, when, words

if TYPE_CHECKING:
    from ..advice import Assessment, Brief

PRESS_RESTART = ("⟳ Press restart: end this contact and try again with another agent, "
                 "or switch channel.")


def case_header(detail: CaseDetail) -> Content:
    """Company, what you want, references, dates, amount, seller, status."""
    case = detail.case
    refs = ", ".join(f"{r.kind}: {r.value}" for r in detail.refs)
    dates = " · ".join(f"{label} {value}" for label, value in (
        ("purchased", case.purchased_on), ("delivered", case.delivered_on),
        ("due", case.due_on)) if value)
    status = case.status + (f" since {day(case.closed_at)}" if case.closed_at else "")
    pairs = [("Company", case.company), ("Want", words(case.want)),
             ("Category", words(case.category)), ("Status", status),
             ("References", refs), ("Dates", dates),
             ("Amount", money(case.amount, case.currency)), ("Seller", case.seller),
             ("Opened", day(case.opened_at))]
    if case.snoozed_until:
        pairs.append(("Snoozed until", day(case.snoozed_until)))
    company = detail.company
    if company:
        routes = " · ".join(v for v in (company.phone, company.chat_url, company.email,
                                        company.hours) if v)
        pairs.append(("Contact routes", routes))
    return labelled(pairs)


def findings_content(assessment: Assessment | None) -> Content:
    """Every finding: headline, its term in the score, evidence lines, advice."""
    if assessment is None:
        return Content.styled("Checking…", "dim")
    if not assessment.findings:
        return Content.styled("Nothing stalled: no finding for this case.", "dim")
    parts: list[Content] = []
    total = Content.assemble(("Stall score ", "bold"), (f"{assessment.score:.1f}", "bold"),
                             " = " + " + ".join(f"{f.rule} {f.score:.1f}"
                                               for f in assessment.findings))
    if assessment.snoozed:
        total += Content.styled(f"  (snoozed until {day(assessment.snoozed_until)})", "dim")
    parts.append(total)
    for finding in sorted(assessment.findings, key=lambda f: -f.score):
        title = finding.headline or finding.rule.replace("_", " ")
        parts.append(Content.assemble(("\n● ", "$warning"), lit(title, "bold"),
                                      (f"  +{finding.score:.1f}", "dim")))
        for line in finding.evidence:
            parts.append(Content.assemble("  · ", lit(line)))
        if finding.advice:
            parts.append(Content.assemble(("  → ", "$accent"), lit(finding.advice, "italic")))
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
    return bool(assessment and assessment.stalled
                and any(f.press_restart for f in assessment.findings))


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
        self.query_one("#preview-title", Static).update(Content.styled(message, "dim"))
        self.query_one("#preview-restart").display = False
        self.query_one("#preview-finding", Static).update("")
        self.query_one("#preview-body", Static).update("")

    def show(self, detail: CaseDetail, assessment: Assessment | None, now: datetime) -> None:
        case = detail.case
        self.query_one("#preview-title", Static).update(
            Content.assemble(lit(case.title, "bold"), ("\n", ""), lit(case.company, "$accent"),
                             (f"  #{case.id} · {case.status}", "dim")))
        self.query_one("#preview-restart").display = needs_restart(assessment)
        top = assessment.top if assessment and assessment.stalled else None
        finding = Content("")
        if top is not None:
            finding = Content.assemble(
                ("Top finding: ", "bold $warning"),
                lit(top.headline or top.rule.replace("_", " "), "bold"),
                *(Content.assemble("\n  · ", lit(e)) for e in top.evidence[:4]),
                *((Content.assemble(("\n  → ", "$accent"), lit(top.advice, "italic")),)
                  if top.advice else ()))
        self.query_one("#preview-finding", Static).update(finding)
        body = [case_header(detail)]
        if detail.interactions:
            last = detail.interactions[-1]
            body.append(Content.assemble(
                ("\nLast contact: ", "bold"),
                f"{when(last.started_at)} ({ago(last.started_at, now)}) {last.channel} → ",
                lit(last.outcome or "live"),
                *((" with ", lit(last.agent)) if last.agent else ())))
        pending = [p for p in detail.promises if p.status == "pending"]
        for promise in pending[:3]:
            body.append(Content.assemble(("Promise: ", "bold"), lit(promise.text),
                                         f" (due {day(promise.due_at)})"))
        if case.notes:
            body.append(Content.assemble(("\nNotes: ", "bold"), lit(case.notes[:600])))
        self.query_one("#preview-body", Static).update(Content("\n").join(body))
