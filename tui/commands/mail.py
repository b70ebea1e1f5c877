"""`supportlog import-mail`: e-mail and chat transcripts into the notebook as contacts."""

from __future__ import annotations

from pathlib import Path

import click

from .output import EXIT_INPUT, Failure, clean, echo_json


@click.command("import-mail")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--case", metavar="CASE", help="The case every message belongs to (else each is "
              "linked by its thread or a reference the case holds).")
@click.option("--keep-original", is_flag=True, help="Also keep each message as received as "
              "an evidence file (it cannot be masked: card numbers in it stay).")
@click.option("--json", "as_json", is_flag=True, help="Print what was imported as JSON.")
@click.pass_obj
def import_mail(env, files, case, keep_original, as_json):
    """Import e-mail and chat transcripts (.eml, .mbox, Maildir, .txt, .html) as contacts.

    Each message becomes a contact on the email channel (chat for a chat transcript),
    dated by its Date header, from you when the sender is one of `[me] emails` in the
    config. Attachments and inline images become evidence files of the case and contact.
    Importing a message again changes nothing."""
    from ..store.mail import MailError, read_messages
    from ..store.mail_import import import_messages
    messages = []
    for path in files:
        try:
            messages.extend(read_messages(path))
        except MailError as exc:
            raise Failure(str(exc), EXIT_INPUT) from None
    from ..advice.settings import load_profile
    mine = list(load_profile(env.config_path).emails)
    store = env.store(create=True)
    case_id = store.resolve_case(case) if case else None
    done = import_messages(store, messages, case_id=case_id, me_emails=mine,
                           keep_original=keep_original)
    for item in done:
        for guess in item.warnings:
            click.echo(f"supportlog: warning: {clean(item.message.source)}: {clean(guess)}",
                       err=True)
    if as_json:
        echo_json({"imported": [{
            "source": d.message.source, "case_id": d.case_id,
            "interaction_id": d.interaction_id, "new": d.new, "linked_by": d.linked_by,
            "message_id": d.message.key,
            "subject": d.message.subject, "channel": d.message.kind,
            "attachments": [{"name": a.name, "type": a.type, "size": a.size,
                             "attachment_id": i}
                            for a, i in zip(d.message.attachments, d.attachment_ids)],
            "original_id": d.original_id,
            "warnings": d.warnings} for d in done]})
        return
    for d in done:
        what = "imported" if d.new else "already imported"
        how = "" if d.linked_by in ("case", "before") else f", by its {d.linked_by}"
        subject = clean(d.message.subject, 60) if d.message.subject else "(no subject)"
        files = len(d.attachment_ids) + (d.original_id is not None)
        kept = f"; {files} evidence file{'s' * (files != 1)}" if files else ""
        click.echo(f"{d.interaction_id} {what}: case {d.case_id}{how}: {subject}{kept}")


COMMANDS = [import_mail]
