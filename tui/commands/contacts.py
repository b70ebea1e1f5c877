"""Contact commands: log an interaction, manage promises."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..store import userfiles
from ..store.fields import CONTACT_FLAGGED, METAVARS
from ..store.wording import plural
from . import formats
from ..store.times import local_time
from .output import EXIT_INPUT, Failure, clean, echo_json, for_terminal
from .shapes import contact_record, promise_record


# What `log` cannot do without; the start defaults to "it just ended".
LOG_REQUIRED = ("channel", "outcome")


def contact_options(command):
    """The options of `log`: one per flagged contact field (fields.CONTACT), named by its
    field, so they arrive as the store's keywords."""
    words = {k: v for k, v in vars(formats).items() if k.isupper()}
    for f in reversed(CONTACT_FLAGGED):
        extra: dict = {"metavar": f.metavar or METAVARS.get(f.kind)}
        if f.choices:
            extra = {"type": click.Choice(f.choices)}
            if f.default:
                extra.update(default=f.default, show_default=True)
        command = click.option(f.flag, f.name, required=f.name in LOG_REQUIRED,
                               help=f.help.format_map(words) or None, **extra)(command)
    return command


@click.command()
@click.argument("case")
@contact_options
@click.option("--duration", metavar="D", help="How long it took: 25m, 1h10m, 90s.")
@click.option("--transcript-file", metavar="FILE",
              type=click.Path(allow_dash=True, path_type=Path),
              help="Import the transcript text from a file ('-' for stdin).")
@click.option("--promise", help="What they promised (with --due).")
@click.option("--due", metavar="WHEN", help=f"When the promise is due: {formats.DEADLINE}.")
@click.option("--asked", metavar="TEXT",
              help="What they asked you to do: send documents, ship it back, call back.")
@click.option("--asked-due", metavar="WHEN",
              help=f"When what they asked of you is due: {formats.DEADLINE}.")
@click.option("--formal-complaint", is_flag=True, help="This contact was your formal complaint.")
@click.option("--final-response", is_flag=True,
              help="This contact was the company's final response to your complaint.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the contact as `show --json` lists it, with the promise and the ask "
                   "it made.")
@click.pass_obj
def log(env, case, channel, outcome, duration, transcript_file, promise, due, asked, asked_due,
        formal_complaint, final_response, as_json, **fields):
    """Log a contact with a company against CASE and print its id (and what they asked of
    you, with its label)."""
    if due and not promise:
        raise Failure("--due needs --promise: what did they promise?", EXIT_INPUT)
    if outcome == "promised" and not promise:
        raise Failure("outcome promised needs the promise: add --promise TEXT [--due D]",
                      EXIT_INPUT)
    if asked_due and not (asked or "").strip():
        raise Failure("--asked-due needs --asked: what did they ask you to do?", EXIT_INPUT)
    if formal_complaint and final_response:
        raise Failure("--formal-complaint and --final-response exclude each other: a contact is "
                      "your complaint or their final response, not both", EXIT_INPUT)
    milestone = ("formal_complaint" if formal_complaint else
                 "final_response" if final_response else None)
    text = transcript_text(transcript_file) if transcript_file else None
    store = env.store()
    interaction = store.log_interaction(
        store.resolve_case(case), channel, outcome, duration=duration, promise=promise,
        promise_due=due, asked=asked, asked_due=asked_due, milestone=milestone,
        transcript_text=text, **fields)
    for warning in store.take_warnings():
        click.echo(f"supportlog: warning: {warning}", err=True)
    if as_json:
        echo_json(contact_record(store, interaction.case_id, interaction.id))
        return
    asks = [p for p in store.get_detail(interaction.case_id).promises
            if p.interaction_id == interaction.id and p.party == "me"]
    # The id comes first, so `id=$(supportlog log ... | cut -d' ' -f1)` keeps working.
    click.echo(" ".join([str(interaction.id), *(f"(they asked you: p{p.id} {clean(p.text, 60)}"
                                                f"{_due_words(p.due_at)})" for p in asks)]))


def _due_words(due_at: str | None) -> str:
    return f", due {local_time(due_at)}" if due_at else ""


def transcript_text(path: Path) -> str:
    """A transcript file's text (userfiles: regular files only, size cap, decoding); a
    guessed encoding is said on stderr, a file that cannot be read fails the command."""
    name = "standard input" if str(path) == "-" else str(path)
    try:
        if str(path) == "-":
            text, guess = userfiles.read_text_stream(sys.stdin.buffer, name)
        else:
            text, guess = userfiles.read_text(path)
    except userfiles.UnreadableFile as exc:
        raise Failure(f"--transcript-file: {exc}", EXIT_INPUT) from None
    if guess:
        click.echo(f"supportlog: warning: {for_terminal(name)} is not UTF-8; read it as "
                   f"{guess}", err=True)
    return text


@click.command()
@click.argument("target")
@click.argument("state", required=False, type=click.Choice(("kept", "broken", "pending")))
@click.option("--add", "text", metavar="TEXT", help="Record a new promise on case TARGET.")
@click.option("--due", metavar="WHEN", help=f"When the new promise is due: {formats.DEADLINE}.")
@click.option("--mine", is_flag=True,
              help="It is asked of you, not promised to you: they asked you to send, ship, "
                   "reply or call (with a case TARGET: its one ask, not its one promise).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the promise as `show --json` lists it.")
@click.pass_obj
def promise(env, target, state, text, due, mine, as_json):
    """Record a promise (or, with --mine, what they asked of you), or mark one kept or broken
    (or back to pending).

    \b
    supportlog promise CASE --add "refund within 5 days" --due "in 5 working days"
    supportlog promise CASE --add "send the receipt" --due fri --mine
    supportlog promise p12 kept          (a promise as `show` lists it, or its uid)
    supportlog promise CASE broken       (the case's one pending promise)
    supportlog promise CASE kept --mine  (the case's one pending ask: you did it)
    supportlog promise p12 pending       (undoes kept or broken)"""
    store = env.store()
    party = "me" if mine else "company"
    if text:
        if state:
            raise Failure("use either --add or kept/broken, not both", EXIT_INPUT)
        p = store.add_promise(store.resolve_case(target), text, due, party=party)
        echo_json(promise_record(store, p.case_id, p.id)) if as_json else click.echo(f"p{p.id}")
        return
    if not state:
        raise Failure("say kept or broken (pending undoes either), or --add TEXT to record a "
                      "new promise", EXIT_INPUT)
    promise_id = _promise_for(store, target, settled=state == "pending", party=party)
    p = store.set_promise_status(promise_id, state)
    if as_json:
        echo_json(promise_record(store, p.case_id, p.id))
    else:
        click.echo(f"{'ask' if p.party == 'me' else 'promise'} {p.id} is {p.status}")


def _promise_for(store, target: str, settled: bool = False, party: str = "company") -> int:
    """`p3` (as `show` prints promises) or a promise uid names a promise; a case id or uid
    names that case's one pending promise of `party` (one kept or broken, when `settled`)."""
    if target[:1] in "pP" and target[1:].isdigit():
        return store.resolve_promise(target[1:])
    if not target.isdigit():
        row = store.conn.execute("SELECT id FROM promises WHERE uid = ?", (target,)).fetchone()
        if row:
            return row[0]
    detail = store.get_detail(store.resolve_case(target))
    matching = [p for p in detail.promises
                if (p.status != "pending") == settled and p.party == party]
    if len(matching) != 1:
        ids = ", ".join(f"p{p.id}" for p in matching) or "none"
        noun = "ask" if party == "me" else "promise"
        kind = f"kept or broken {noun}" if settled else f"pending {noun}"
        state = "pending" if settled else "kept"
        raise Failure(f"case {detail.case.id} has {plural(len(matching), kind)} ({ids}); "
                      f"name one, e.g. `supportlog promise p12 {state}`", EXIT_INPUT)
    return matching[0].id


COMMANDS = [log, promise]
