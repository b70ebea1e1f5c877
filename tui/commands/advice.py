"""`supportlog advice`: the next move on the most urgent stalled cases, with the findings as
its reasons; `supportlog snooze`: quiet a case's findings until a date."""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Iterable, Iterator

import click

from ..store import NotFound
from ..store.wording import plural
from .output import EXIT_INPUT, EXIT_STALLED, Failure
from .output import for_terminal as tty

if TYPE_CHECKING:  # the advice itself is imported by the command that advises
    from ..advice import Assessment, Finding
    from ..store import Case

DEFAULT_LIMIT = 20
TURN_WORDS = {"theirs": "their turn", "yours": "your turn", "nobody": "nobody's turn"}
PAGE = 500  # cases worded, or kept entries read, at a time


def _failure(message: str):
    return Failure(message, EXIT_INPUT)


def _case_id(store, ref: str) -> int:
    try:
        return store.resolve_case(ref)
    except NotFound as exc:
        raise _failure(str(exc)) from None


# -- the JSON shape (tui/schema/supportlog.schema.json, "advice") -----------------------------
def _finding_record(f: Finding) -> dict:
    return {"rule": f.rule, "score": f.score, "evidence": list(f.evidence), "advice": f.advice,
            "headline": f.headline, "press_restart": f.press_restart,
            "terms": [{"label": label, "value": value} for label, value in f.terms]}


def _record(a: Assessment, case: Case) -> dict:
    m = a.next_move
    return {"case_id": a.case_id, "case_uid": case.uid, "title": case.title,
            "company": case.company, "status": case.status, "stalled": a.stalled,
            "score": a.score, "snoozed_until": a.snoozed_until, "turn": a.turn, "rung": a.rung,
            "next_move": {"text": m.text, "who": m.who, "channel": m.channel, "due": m.due,
                          "rung": m.rung, "line": m.line},
            "findings": [_finding_record(f) for f in a.findings]}


class Advising:
    """One advice command's notebook: the kept rows alone (read on Env.reader's connection)
    while they are fresh, the full store once something has to be assessed or worded."""

    def __init__(self, env, now):
        from ..advice.source import source_fingerprint
        from ..store.kept import KeptReader
        from ..store.times import to_iso
        self.env, self.now, self.iso = env, now, to_iso(now)
        self.source = source_fingerprint(env.config_name)
        self._playbook, self.fresh = None, []
        quick = KeptReader(env.reader(), lambda: now)
        if quick.advice_fresh(self.iso, self.source):
            self.store, self.quick, self.saved = quick, True, True
        else:
            self.store, self.quick, self.saved = None, False, None

    @property
    def playbook(self):
        if self._playbook is None:
            from ..advice import ConfigError, load_playbook
            try:
                self._playbook = load_playbook(self.env.config_path)
            except ConfigError as exc:
                raise _failure(str(exc)) from None
        return self._playbook

    def full(self):
        """The full store (what assessing and wording read); the kept rows brought up to
        date first, and `saved` telling whether the notebook kept them."""
        if self.store is None or self.quick:
            self.store, self.quick = self.env.store(create=False), False
        if self.saved is None:
            from ..advice import refresh
            self.fresh, self.saved = refresh(self.store, self.now, self.playbook,
                                             source=self.source)
        return self.store

    def kept(self):
        """A store whose kept rows are all fresh, or None (read-only and stale)."""
        if self.saved is None:
            self.full()
        return self.store if self.saved else None

    def worded(self, entries: Iterable[tuple[int, str | None]]) -> Iterator[str]:
        """The `advice --json` entries of these (case id, kept entry or None) rows, in
        order, a page at a time; the cases without one are worded now and kept, best
        effort."""
        entries = iter(entries)
        while page := list(islice(entries, PAGE)):
            missing = [i for i, text in page if text is None]
            made = self._word(missing) if missing else {}
            yield from (text or made[i] for i, text in page if text or i in made)

    def _word(self, ids: list[int]) -> dict[int, str]:
        """These cases' `advice --json` entries made now, and kept, best effort."""
        from .output import json_text
        store = self.full()
        mark = store.advice_mark()
        made = {rec["case_id"]: json_text(rec, indent=None)
                for rec in _records(store, ids, self.now, self.playbook)}
        store.save_worded(made, mark)
        return made


def _records(store, ids: list[int], now, playbook) -> Iterator[dict]:
    """Each case worded as its JSON record, in the order given, a page at a time: only one
    page of worded assessments is held at once."""
    from ..advice import explain_pages
    for assessed in explain_pages(store, ids, now, playbook, page=PAGE):
        cases = store.cases_by_id(a.case_id for a in assessed)
        yield from (_record(a, cases[a.case_id]) for a in assessed if a.case_id in cases)


def _write_json(texts: Iterable[str], lines: bool) -> None:
    """One document on one line, as json.dumps writes the list, or with `lines` one object
    per line; written a page at a time as the entries come. color=True: JSON escapes every
    control character, so click.echo need not look for styles to strip."""
    texts = iter(texts)
    opened = False
    while page := list(islice(texts, PAGE)):
        click.echo("\n".join(page) + "\n" if lines else ("[" if not opened else ", ")
                   + ", ".join(page), nl=False, color=True)
        opened = True
    if not lines:
        click.echo("]" if opened else "[]", color=True)


# -- the text ---------------------------------------------------------------------------------
def _echo_case(rec: dict, snoozed: bool = False) -> None:
    """The next move first, then the case, then the findings as its reasons (from the JSON
    record, kept or just made)."""
    click.echo(tty(rec["next_move"]["text"]))
    facts = [rec["status"], TURN_WORDS.get(rec["turn"], rec["turn"]),
             "rung: " + rec["rung"].replace("_", " ")]
    findings = rec["findings"]
    if findings:
        facts.append(f"score {rec['score']:g}")
    if snoozed:
        from ..advice.words import moment
        facts.append(f"snoozed until {moment(rec['snoozed_until'])}")
    click.echo(f"  #{rec['case_id']}  {tty(rec['company'])}  {tty(rec['title'])}  "
               f"({'; '.join(facts)})")
    if not findings:
        click.echo("  Nothing to report.")
        return
    from ..advice.model import score_line
    click.echo("  Why:")
    for f in findings:
        restart = "  [press restart]" if f["press_restart"] else ""
        click.echo(f"  - {f['rule']}: {tty(f['headline'])}{restart}")
        for line in f["evidence"]:
            click.echo(f"      {tty(line)}")
        terms = tuple((t["label"], t["value"]) for t in f["terms"])
        click.echo(f"      score {tty(score_line(terms, f['score']))}")


def _echo_stalled(adv: Advising, limit: int | None) -> bool:
    """The most urgent stalled cases, and what was left out; whether any is stalled."""
    store = adv.kept()
    if store is not None:
        import json
        records = (json.loads(t) for t in adv.worded(
            store.ranked_worded(stalled_only=True, limit=limit)))
        # adv.store, not store: wording a case may have opened the full store since.
        count_stalled = lambda: adv.store.count_advice(stalled_only=True)  # noqa: E731
        count_active = lambda: adv.store.count_advice(stalled_only=False)  # noqa: E731
    else:
        records, count_stalled, count_active = _stalled_unkept(adv, limit)
    shown = 0
    for rec in records:
        _echo_case(rec)
        click.echo("")
        shown += 1
    total = shown if limit is None else count_stalled()   # every one shown, or how many
    if total > shown:
        left = total - shown
        click.echo(f"{left:,} more stalled {'case' if left == 1 else 'cases'} not shown: "
                   "--all")
    elif not total:
        active = count_active()
        click.echo(f"Nothing to report on {plural(active, 'open or waiting case')}."
                   if active else "No open or waiting cases.")
    elif (others := count_active() - total) > 0:
        click.echo(f"Nothing to report on {plural(others, 'other open or waiting case')}.")
    return total > 0


def _stalled_unkept(adv: Advising, limit: int | None):
    """_echo_stalled's cases when the notebook could not keep the fresh rows (read-only,
    busy): the fresh rows merged with the kept ones here, in the same order."""
    from ..advice import attention_order
    store, fresh = adv.store, adv.fresh
    renewed = {r.case_id for r in fresh}
    rows = attention_order([r for r in store.ranked_advice(stalled_only=True)
                            if r.case_id not in renewed] + [r for r in fresh if r.stalled],
                           adv.iso)
    records = _records(store, [r.case_id for r in rows[:limit]], adv.now, adv.playbook)
    return records, lambda: len(rows), lambda: len(renewed) + sum(
        1 for r in store.ranked_advice() if r.case_id not in renewed)


def _json_all(adv: Advising, limit: int | None, lines: bool) -> bool:
    """Every open or waiting case (the first `limit`) in the attention order, from the kept
    entries (the missing ones worded now); whether any is stalled (they come first)."""
    store = adv.kept()
    if store is not None:
        _write_json(adv.worded(store.ranked_worded(limit=limit, now=adv.iso)), lines)
        return adv.store.any_stalled()    # adv.store: wording may have opened the full one
    from ..advice import attention_order
    from .output import json_text
    renewed = {r.case_id for r in adv.fresh}
    rows = attention_order([r for r in adv.store.ranked_advice(now=adv.iso)
                            if r.case_id not in renewed] + adv.fresh, adv.iso)
    _write_json((json_text(rec, indent=None) for rec in _records(
        adv.store, [r.case_id for r in rows[:limit]], adv.now, adv.playbook)), lines)
    return bool(rows) and rows[0].stalled


@click.command()
@click.argument("case", required=False)
@click.option("--limit", type=click.IntRange(1, 1_000_000), metavar="N",
              help=f"At most N cases (default: the {DEFAULT_LIMIT} most urgent stalled ones; "
                   "with --json, every open or waiting case).")
@click.option("--all", "all_", is_flag=True, help="Every stalled case, however many.")
@click.option("--json", "as_json", is_flag=True,
              help="Every open or waiting case as one compact JSON array, most urgent first.")
@click.option("--jsonl", "as_jsonl", is_flag=True,
              help="The same as --json, one object per line.")
@click.option("--fail-on-stall", is_flag=True,
              help="Exit with code 1 when any case is stalled (for scripts and cron); alone, "
                   "it prints one line, and only when something is stalled.")
@click.pass_obj
def advice(env, case: str | None, limit: int | None, all_: bool, as_json: bool,
           as_jsonl: bool, fail_on_stall: bool) -> None:
    """What needs you: the next move on the most urgent stalled cases, with the reasons.

    With CASE (its id or uid), just that case, whatever its status."""
    if as_json and as_jsonl:
        raise _failure("use --json or --jsonl, not both")
    if all_ and limit is not None:
        raise _failure("use --limit N or --all, not both")
    now = env.now()
    if case is not None:
        store = env.store(create=False)
        stalled = _one_case(store, _case_id(store, case), now, _playbook(env),
                            "jsonl" if as_jsonl else "json" if as_json else None)
    else:
        adv = Advising(env, now)    # its connections are env's, closed by the CLI
        if as_json or as_jsonl:
            stalled = _json_all(adv, limit, as_jsonl)
        elif fail_on_stall and not all_ and limit is None:
            # Decided from the kept rows, nothing worded: cron mails only when there is news.
            stalled = _any_stalled(adv)
            if stalled:
                click.echo("Some cases are stalled: `supportlog advice` shows the next moves.")
        else:
            stalled = _echo_stalled(adv, None if all_ else limit or DEFAULT_LIMIT)
    if fail_on_stall and stalled:
        raise click.exceptions.Exit(EXIT_STALLED)


def _any_stalled(adv: Advising) -> bool:
    store = adv.kept()
    if store is not None:
        return store.any_stalled()
    renewed = {r.case_id for r in adv.fresh}
    return any(r.stalled for r in adv.fresh) or any(
        r.case_id not in renewed for r in adv.store.ranked_advice(stalled_only=True))


def _playbook(env):
    from ..advice import ConfigError, load_playbook
    try:
        return load_playbook(env.config_path)
    except ConfigError as exc:
        raise _failure(str(exc)) from None


def _one_case(store, case_id: int, now, playbook, form: str | None) -> bool:
    """One case, whatever its status, in full words; whether it is stalled."""
    from ..advice import assess
    detail = store.get_detail(case_id)
    a = assess(detail, now, playbook,
               history=lambda: store.channel_stats(detail.case.company_id))
    if form is None:
        _echo_case(_record(a, detail.case), a.snoozed)
    else:
        from .output import json_text
        _write_json([json_text(_record(a, detail.case), indent=None)], form == "jsonl")
    return a.stalled


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
        from .output import echo_json
        from .shapes import case_record
        echo_json(case_record(store, case_id))
    elif updated.snoozed_until:
        from ..advice.words import moment
        click.echo(f"Case {case_id} snoozed until {moment(updated.snoozed_until)}: its "
                   "findings stay visible but it leaves the stalled list until then.")
    else:
        click.echo(f"Case {case_id} is awake: its findings count again.")


COMMANDS = [advice, snooze]
