"""`supportlog rules`: the deadline clocks in force (the rules pack, the jurisdictions chosen
in config.toml and the user's rules.toml), each with its source."""

from __future__ import annotations

import click

from .output import echo_json
from .output import for_terminal as tty

KIND_WORDS = {"closes": "closes: act before it ends", "opens": "opens: a door once it is over"}
PARTY_WORDS = {"me": "", "company": " (a deadline the company must meet)"}


def _header(rules) -> list[str]:
    chosen = ", ".join(rules.jurisdictions) or "none"
    how = "from" if rules.chosen else "the default; choose them in"
    lines = [f"Jurisdictions: {chosen} ({how} {rules.config_path} [rules] jurisdictions)"]
    user = rules.user_path or rules.config_path.with_name("rules.toml")
    lines.append(f"Your clocks: {user}" + ("" if rules.user_path else " (none yet)"))
    return lines


def _clock_lines(rules, clock) -> list[str]:
    lines = [f"{tty(clock.key)}: {tty(clock.name)} [{tty(clock.jurisdiction)}]"]
    why_not = rules.why_not(clock)
    if why_not:
        lines.append(f"  not in force: {why_not}")
    lines.append(f"  {clock.period} from {tty(clock.starts_text)}; {KIND_WORDS[clock.kind]}"
                 f"{PARTY_WORDS[clock.party]}")
    if clock.sooner_on:
        lines.append("  opens at once on: " + ", ".join(s.replace("_", " ")
                                                       for s in clock.sooner_on))
    lines.append(f"  {tty(clock.action)}")
    if clock.rung:
        lines.append(f"  Next rung: {clock.rung.replace('_', ' ')}")
    if clock.note:
        lines.append(f"  {tty(clock.note)}")
    if clock.applies.as_dict():
        lines.append("  only for " + "; ".join(f"{k}: {', '.join(map(tty, v))}"
                                              for k, v in clock.applies.as_dict().items()))
    lines.append(f"  {tty(clock.guidance)}")
    return lines


@click.command("rules")
@click.option("--all", "show_all", is_flag=True,
              help="Every known clock, with why one is not in force.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def rules(env, show_all, as_json):
    """The deadline clocks in force for your jurisdictions, each with its source."""
    from ..advice.settings import load_rules
    loaded = load_rules(env.config_path)
    shown = loaded.clocks if show_all else loaded.active
    if as_json:
        echo_json({"jurisdictions": list(loaded.jurisdictions),
                   "jurisdictions_chosen": loaded.chosen,
                   "config": str(loaded.config_path),
                   "user_file": str(loaded.user_path) if loaded.user_path else None,
                   "clocks": [{**c.as_dict(), "in_force": loaded.in_force(c)} for c in shown]})
        return
    for line in _header(loaded):
        click.echo(line)
    if not shown:
        click.echo("\nno clocks in force; `supportlog rules --all` lists every known one")
    for clock in shown:
        click.echo()
        for line in _clock_lines(loaded, clock):
            click.echo(line)


COMMANDS = [rules]
