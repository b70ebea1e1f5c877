"""`supportlog advice`: which cases are stalled, why, and what to do next; `supportlog snooze`:
quiet a case's findings until a date."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import click

from ..store import Case, NotFound
from ..store.advice_queries import PAGE
from ..store.wording import plural
from .output import EXIT_INPUT, EXIT_STALLED, Failure, echo_json, echo_json_array
from .output import for_terminal as tty
from .shapes import case_record

if TYPE_CHECKING:  # the advice itself is imported by the command that advises
    from ..advice import Assessment, Finding


def _failure(message: str):
    return Failure(message, EXIT_INPUT)


def _case_id(store, ref: str) -> int:
    try:
        return store.resolve_case(ref)
    except NotFound as exc:
        raise _failure(str(exc)) from None


def _finding_record(f: Finding) -> dict:
    return {"rule": f.rule, "score": f.score, "evidence": list(f.evidence), "advice": f.advice,
            "headline": f.headline, "press_restart": f.press_restart,
            "terms": [{"label": label, "value": value} for label, value in f.terms]}


def _paired(store, assessments: list[Assessment]) -> Iterator[tuple[Assessment, Case]]:
    """Each assessment with its case, in order, the cases read a page at a time (assess_all
    carries only the facts the rules read); each is let go from the list once given."""
    assessments.reverse()       # pop() from the end, most urgent first
    while assessments:
        page = [assessments.pop() for _ in range(min(PAGE, len(assessments)))]
        cases = store.cases_by_id(a.case_id for a in page)
        yield from ((a, cases[a.case_id]) for a in page if a.case_id in cases)


def _record(a: Assessment, case: Case) -> dict:
    return {"case_id": a.case_id, "case_uid": case.uid, "title": case.title,
            "company": case.company, "status": case.status, "stalled": a.stalled,
            "score": a.score, "snoozed_until": a.snoozed_until,
            "findings": [_finding_record(f) for f in a.findings]}


def _echo_case(a: Assessment, case: Case) -> None:
    from ..advice.words import moment
    note = f"  (snoozed until {moment(a.snoozed_until)})" if a.snoozed else ""
    click.echo(f"{a.score:g}  #{case.id}  {tty(case.company)}  {tty(case.title)}{note}")
    for f in a.findings:
        restart = "  [press restart]" if f.press_restart else ""
        click.echo(f"  {f.rule}: {tty(f.headline)}{restart}")
        for line in f.evidence:
            click.echo(f"      {tty(line)}")
        click.echo(f"    score {tty(f.breakdown)}")
        click.echo(f"    Advice: {tty(f.advice)}")


def _echo_all(store, assessments: list[Assessment]) -> None:
    stalled = [a for a in assessments if a.stalled]
    rest = len(assessments) - len(stalled)
    if not assessments:
        click.echo("No open or waiting cases.")
        return
    other = "other " if stalled else ""
    for a, case in _paired(store, stalled):
        _echo_case(a, case)
        click.echo("")
    snoozed = sum(1 for a in assessments if a.snoozed)
    if rest:
        extra = f" ({snoozed} of them snoozed)" if snoozed else ""
        click.echo(f"Nothing to report on {plural(rest, other + 'open or waiting case')}"
                   f"{extra}.")


def _echo_one(a: Assessment) -> None:
    case = a.case
    if a.findings:
        _echo_case(a, case)
    else:
        click.echo(f"#{case.id}  {tty(case.company)}  {tty(case.title)}: nothing to report "
                   f"({case.status}).")


@click.command()
@click.argument("case", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the assessments as JSON.")
@click.option("--fail-on-stall", is_flag=True,
              help="Exit with code 1 when any case is stalled (for scripts and cron).")
@click.pass_obj
def advice(env, case: str | None, as_json: bool, fail_on_stall: bool) -> None:
    """What needs you: stalled cases by score, with the evidence and what to do.

    With CASE (its id or uid), just that case, whatever its status."""
    from ..advice import ConfigError, assess, assess_all, load_playbook
    try:
        playbook = load_playbook(env.config_path)
    except ConfigError as exc:
        raise _failure(str(exc)) from None
    store = env.store(create=False)
    if case is not None:
        detail = store.get_detail(_case_id(store, case))
        assessments = [assess(detail, env.now(), playbook,
                              history=lambda: store.channel_stats(detail.case.company_id))]
    else:
        assessments = assess_all(store, env.now(), playbook)
    stalled = any(a.stalled for a in assessments)
    if as_json:
        _echo_json(store, assessments)
    elif case is not None:
        _echo_one(assessments[0])
    else:
        _echo_all(store, assessments)
    if fail_on_stall and stalled:
        raise click.exceptions.Exit(EXIT_STALLED)


def _echo_json(store, assessments: list[Assessment]) -> None:
    """The list written one case at a time, each let go once written: worded, 25k cases'
    findings took 313 MB when dumped as one document."""
    echo_json_array(_record(a, case) for a, case in _paired(store, assessments))


@click.command()
@click.argument("case")
@click.argument("until")
@click.option("--json", "as_json", is_flag=True, help="Print the case as `show --json` does.")
@click.pass_obj
def snooze(env, case: str, until: str, as_json: bool) -> None:
    """Quiet CASE's findings until UNTIL (2026-12-01, friday, in 10 working days: to the
    end of that day), or `off` to wake it.

    A snoozed case keeps its findings but leaves the stalled list; it wakes by itself."""
    store = env.store(create=False)
    case_id = _case_id(store, case)
    wake = until.strip().lower() == "off"
    updated = store.snooze(case_id, None if wake else until)
    if as_json:
        echo_json(case_record(store, case_id))
    elif updated.snoozed_until:
        from ..advice.words import moment
        click.echo(f"Case {case_id} snoozed until {moment(updated.snoozed_until)}: its "
                   "findings stay visible but it leaves the stalled list until then.")
    else:
        click.echo(f"Case {case_id} is awake: its findings count again.")


COMMANDS = [advice, snooze]
