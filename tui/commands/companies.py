"""`supportlog company list|show|add|edit`: the company directory, its routes and policies.

`company list` for people reads plain rows on a bare connection (Env.reader,
tui.store.company_rows); the store's records, parsers and policy wording are imported by the
commands that use them, so it loads none of them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import click

from . import formats
from .output import EXIT_INPUT, Failure, clean, for_terminal, table

if TYPE_CHECKING:
    from ..store.companies import CompanyChanges
    from ..store.records import Company

pass_env = click.pass_obj

# option, its parameter, route kind (None: from the value), purpose, help
ROUTE_OPTIONS = (
    ("--phone", "phone", "phone", "support",
     "A phone line as [LABEL=]NUMBER ('support=+1 555 0100'); repeatable."),
    ("--callback-url", "callback_url", "callback", "support",
     "The page where you ask them to call you back."),
    ("--chat-url", "chat_url", "chat", "support", "The chat page."),
    ("--email", "email", "email", "support", "The support e-mail address."),
    ("--web", "web", "web", "support", "A help or contact page."),
    ("--seller-contact", "seller_contact", "seller_contact", "support",
     "How to reach the seller on a marketplace (e.g. Your Orders > seller > Ask a question)."),
    ("--postal", "postal", "postal", "support", "A postal address for letters."),
    ("--complaints-email", "complaints_email", "email", "complaints",
     "The complaints team's e-mail."),
    ("--executive", "executive", None, "executive",
     "The executive office (e-mail, phone, URL or address)."),
    ("--ombudsman", "ombudsman", None, "ombudsman",
     "The ombudsman or ADR scheme it belongs to (URL, e-mail or name)."),
    ("--regulator", "regulator", None, "regulator", "Its regulator (URL or name)."),
)
# A label is a short word or two before '=' (never part of a URL, an address or a number).
_LABEL = re.compile(r"^\s*([^=:/@?&+\d][^=:/@?&]{0,39})=(.+)$", re.DOTALL)
_PHONE = re.compile(r"^[+\d][\d\s().\-/]{4,}$")


def directory_options(command):
    """The options `add` and `edit` share: routes, hours, policies, notes."""
    options = [click.option(opt, param, multiple=True, metavar="[LABEL=]VALUE", help=help_)
               for opt, param, _, _, help_ in ROUTE_OPTIONS]
    options += [
        click.option("--hours", help="Opening hours of the phone lines given (else of its "
                                     "first phone line): 'Mon-Fri 9-17'."),
        click.option("--policy", "policies", multiple=True, metavar="TEXT",
                     help="A policy window, 'NAME: N days from EVENT' ('return: 30 days from "
                          "delivered'; units: days, working days, weeks, months; events: "
                          "purchased, delivered, opened, statement, cancelled, formal "
                          "complaint, final response, refund promise, due); repeatable; "
                          "one of the same name is replaced."),
        click.option("--policy-source", metavar="URL", help="Where the policies given were "
                                                            "read (a URL or a document)."),
        click.option("--policy-read-on", metavar="DATE",
                     help=f"When they were read: {formats.DAY} (default: today, with a source)."),
        click.option("--policy-note", metavar="TEXT", help="A note on the policies given."),
        click.option("--notes", help="Replace the company's notes."),
        click.option("--account", metavar="NUMBER", help="Your account or customer number "
                     "with them (letters cite it); '' clears it."),
        click.option("--json", "as_json", is_flag=True,
                     help="Print the company as `company show --json` does.")]
    for option in reversed(options):
        command = option(command)
    return command


def _route(option: str, given: str, kind: str | None, purpose: str) -> dict:
    m = _LABEL.match(given)
    label, value = (m.group(1).strip(), m.group(2).strip()) if m else (None, given.strip())
    if not value:
        raise Failure(f"{option} {given!r}: give a value after the label ({option} "
                      f"'LABEL=VALUE')", EXIT_INPUT)
    if kind is None:
        kind = ("web" if re.match(r"^https?://", value, re.I) else "email" if "@" in value
                else "phone" if _PHONE.match(value) else "other")
    return {"kind": kind, "purpose": purpose, "label": label, "value": value}


def _changes(env, kw: dict, *, name: str | None = None,
             remove_routes=(), remove_policies=()) -> CompanyChanges:
    """The options as one set of changes; an error names the option and quotes what was typed."""
    from ..store.companies import CompanyChanges
    from ..store.errors import ValidationError
    from ..store.policies import parse_policy
    from ..store.validate import parse_date
    routes = [_route(opt, given, kind, purpose) for opt, param, kind, purpose, _ in ROUTE_OPTIONS
              for given in kw[param]]
    if kw["hours"] is not None:
        for route in routes:
            if route["kind"] == "phone" and route["purpose"] == "support":
                route["hours"] = kw["hours"]
    policies = []
    for text in kw["policies"]:
        try:
            parsed = parse_policy(text, "--policy")
        except ValidationError as exc:
            raise Failure(f"--policy {text!r}: {exc.message}", EXIT_INPUT) from None
        policies.append({**parsed._asdict(), "note": kw["policy_note"]})
    read_on = None
    if kw["policy_read_on"]:
        try:
            read_on = parse_date("--policy-read-on", kw["policy_read_on"], now=env.now())
        except ValidationError as exc:
            raise Failure(f"--policy-read-on {kw['policy_read_on']!r}: {exc.message}",
                          EXIT_INPUT) from None
    if (kw["policy_source"] or read_on or kw["policy_note"]) and not policies:
        raise Failure("--policy-source, --policy-read-on and --policy-note describe the "
                      "--policy options given with them; add a --policy", EXIT_INPUT)
    return CompanyChanges(
        name=name, notes=kw["notes"], set_notes=kw["notes"] is not None,
        account=kw["account"], set_account=kw["account"] is not None, routes=routes,
        remove=list(remove_routes), policies=policies, policy_source=kw["policy_source"],
        policy_read_on=read_on, remove_policies=list(remove_policies),
        hours=None if any("hours" in r for r in routes) else kw["hours"])


def company_json(company: Company, counts: tuple[int, int] = (0, 0)) -> dict:
    """A company as every `company` command prints it with --json."""
    from ..store.policies import policy_text
    return {"id": company.id, "uid": company.uid, "name": company.name,
            "notes": company.notes, "account": company.account, "cases": counts[0],
            "active": counts[1],
            "routes": [{"id": r.id, "uid": r.uid, "kind": r.kind, "purpose": r.purpose,
                        "label": r.label, "value": r.value, "hours": r.hours, "note": r.note}
                       for r in company.routes],
            "policies": [{"id": p.id, "uid": p.uid, "name": p.name, "days": p.days,
                          "unit": p.unit, "starts": p.starts,
                          "text": policy_text(p.name, p.days, p.unit, p.starts),
                          "note": p.note, "source": p.source, "read_on": p.read_on}
                         for p in company.policies]}


def _shown(store, company: Company, as_json: bool) -> None:
    from ..store.policies import policy_text
    from .output import echo_json
    counts = store.company_case_counts().get(company.id, (0, 0))
    if as_json:
        echo_json(company_json(company, counts))
        return
    click.echo(click.style(clean(company.name), bold=True) + f"  (uid {company.uid})")
    if company.account:
        click.echo(f"  account: {clean(company.account)}")
    click.echo(f"  cases: {counts[0]} ({counts[1]} open or waiting)")
    support = [r for r in company.routes if r.purpose == "support"]
    above = [r for r in company.routes if r.purpose != "support"]
    for heading, routes in (("Routes:", support), ("Escalation:", above)):
        if routes:
            click.echo(f"\n{heading}")
        for r in routes:
            what = r.kind.replace("_", " ") + (f" ({clean(r.label)})" if r.label else "")
            if r.purpose != "support":
                what = f"{r.purpose}, {what}"
            extra = "".join(f"  {k} {clean(x)}" for k, x in (("hours", r.hours),
                                                             ("note", r.note)) if x)
            click.echo(f"  [{r.id}] {what}: {clean(r.value)}{extra}")
    if company.policies:
        click.echo("\nPolicies:")
    for p in company.policies:
        where = ", ".join(x for x in (f"source {clean(p.source)}" if p.source else "",
                                      f"read {p.read_on}" if p.read_on else "") if x)
        click.echo(f"  {clean(policy_text(p.name, p.days, p.unit, p.starts))}"
                   + (f"  ({where})" if where else ""))
        if p.note:
            click.echo(f"      {clean(p.note)}")
    if company.notes:
        click.echo("\nNotes:")
        for line in for_terminal(company.notes, multiline=True).splitlines():
            click.echo(f"  {line}")


@click.group("company")
def company() -> None:
    """The company directory: routes (phone, chat, e-mail...), escalation contacts, policies."""


@company.command("list")
@click.argument("prefix", required=False, default="")
@click.option("--json", "as_json", is_flag=True, help='{"companies": [...]}')
@pass_env
def list_(env, prefix, as_json):
    """List the companies (those whose name starts with PREFIX), by name."""
    if as_json:
        from .output import echo_json
        store = env.store()
        found = store.companies(prefix.strip(), limit=None)
        counts = store.company_case_counts()
        echo_json({"companies": [company_json(c, counts.get(c.id, (0, 0))) for c in found]})
        return
    from ..store.company_rows import directory_rows
    found = directory_rows(env.reader(), prefix.strip())
    if not found:
        click.echo("no companies" + (f" starting with {prefix.strip()!r}" if prefix.strip()
                                     else "; `supportlog company add NAME` adds one"))
        return
    table(("NAME", "CASES", "OPEN", "ROUTES", "POLICIES"), (
        (clean(name, 32), cases, active,
         ", ".join(dict.fromkeys(kind.replace("_", " ") for kind in kinds)) or "-",
         ", ".join(policies) or "-") for name, (cases, active), kinds, policies in found))


@company.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="The company with its routes and policies.")
@pass_env
def show(env, name, as_json):
    """Show a company: its routes, escalation contacts, policies and notes."""
    store = env.store()
    _shown(store, store.get_company(name), as_json)


@company.command()
@click.argument("name")
@directory_options
@pass_env
def add(env, name, as_json, **kw):
    """Add a company to the directory with its routes and policies."""
    store = env.store(create=True)
    _shown(store, store.add_company(name, _changes(env, kw)), as_json)


@company.command()
@click.argument("name")
@click.option("--name", "new_name", metavar="NAME", help="Rename the company.")
@directory_options
@click.option("--remove-route", "remove_routes", multiple=True, metavar="WHICH",
              help="Remove a route: its id (company show lists them), a kind (phone, chat, "
                   "ombudsman...), KIND:LABEL, or its value; repeatable.")
@click.option("--remove-policy", "remove_policies", multiple=True, metavar="NAME",
              help="Remove the policy called NAME; repeatable.")
@pass_env
def edit(env, name, new_name, as_json, remove_routes, remove_policies, **kw):
    """Change a company: only the options given change; a route of the same kind and label
    (and a policy of the same name) is replaced."""
    store = env.store()
    changes = _changes(env, kw, name=new_name, remove_routes=remove_routes,
                       remove_policies=remove_policies)
    _shown(store, store.edit_company(name, changes), as_json)


COMMANDS = [company]
