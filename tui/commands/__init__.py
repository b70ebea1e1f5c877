"""Headless subcommands, one module per role; each module exposes its commands as COMMANDS.

`COMMANDS` here is what the CLI knows before importing any of them: each command's name, the
module that holds it and its short help, so a command imports only its own module and
`supportlog --help` imports none (tests/test_first_minutes.py keeps it true to the modules).
"""

COMMANDS: dict[str, tuple[str, str]] = {
    "advice": ("advice", "What needs you: the next move on the most urgent stalled cases, "
               "with the reasons."),
    "attach": ("attach", "Keep files with a case as evidence (a receipt, a photo, a PDF): "
               "copied into the notebook's evidence folder; the same file twice is stored "
               "once."),
    "backup": ("files", "Write a consistent copy of the notebook (0600), safe while the app "
               "is running."),
    "calendar": ("calendar", "Write what falls due as an iCalendar (.ics) file, to import "
                 "into a calendar."),
    "company": ("companies", "The company directory: routes (phone, chat, e-mail...), "
                "escalation contacts, policies."),
    "config": ("config", "Print the settings in force (config.toml over the defaults); "
               "`config edit` opens the file in $EDITOR."),
    "demo": ("files", "Open the app on a demo notebook (its own file, never yours)."),
    "detach": ("attach", "Remove an evidence file from its case (the stored copy goes when "
               "nothing else uses it)."),
    "doctor": ("doctor", "Check the notebook: the file, its WAL, integrity, schema version, "
               "permissions, evidence files, paths."),
    "due": ("due", "What falls due: promises, asks, deadlines and snoozes, overdue first, "
            "in date order."),
    "edit": ("cases", "Change a case's fields; only the options given change."),
    "evidence": ("attach", "List a case's evidence files: name, size, when added, contact, "
                 "note and hash."),
    "export": ("export", "Export the notebook, or the given cases."),
    "import": ("files", "Import a supportlog/1 JSON file: all or nothing, merged by uid field "
               "by field (the side changed later wins); twice changes nothing."),
    "import-mail": ("mail", "Import e-mail and chat transcripts (.eml, .mbox, Maildir, .txt, "
                    ".html) as contacts."),
    "letter": ("letter", "Draft the letter the next rung calls for: a complaint, a chargeback "
               "request, an ombudsman referral or a follow-up."),
    "list": ("listing", "List cases, most recent activity first (or by attention)."),
    "log": ("contacts", "Log a contact with a company against CASE and print its id (and "
            "what they asked of you, with its label)."),
    "new": ("cases", "Open a new case and print its id."),
    "promise": ("contacts", "Record a promise (or, with --mine, what they asked of you), or "
                "mark one kept or broken (or back to pending)."),
    "rules": ("rules", "The deadline clocks in force for your jurisdictions, each with its "
              "source."),
    "schema": ("json_schema", "Print the JSON Schema of every --json output and of `export "
               "--format json`."),
    "search": ("cases", "Full-text search over titles, notes, agents, references and "
               "transcripts."),
    "serve": ("serve", "Open the notebook in a browser: the app served on "
              "http://127.0.0.1:8000 (needs the web extra, pip install 'supportlog[web]')."),
    "show": ("show", "Show a case: details, references, timeline, promises and what they "
             "asked of you."),
    "snooze": ("advice", "Quiet CASE's findings until UNTIL (2026-12-01, friday, in 10 "
               "working days: to the end of that day), or `off` to wake it."),
    "stats": ("stats", "Per company and channel: contacts, progress, hold, promises, days to "
              "resolution."),
    "status": ("cases", "Set a case's status: open, waiting, resolved or abandoned."),
    "where": ("files", "Print where the notebook, the config and the data folder are."),
}
