"""`supportlog config`: the settings in force (the defaults merged with config.toml), and
`config edit` to change them in your editor."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import click

from .output import EXIT_INPUT, Failure

BARE_KEY = re.compile(r"[A-Za-z0-9_.-]+")


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)   # a JSON string is a TOML basic string


def _key(key: str) -> str:
    return key if BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def _table(name: str, values: dict, about: str) -> list[str]:
    lines = ["", f"# {about}", f"[{name}]"]
    for key, value in values.items():
        if isinstance(value, dict):
            continue        # a sub-table is written after its parent's plain keys
        lines.append(f"{_key(key)} = {_value(value)}" if value is not None
                     else f"# {_key(key)} = (not set)")
    for key, value in values.items():
        if isinstance(value, dict):
            lines += _table(f"{name}.{key}", value, f"[{name}.{key}]")[1:]
    return lines


def effective(path: Path) -> list[str]:
    """The settings in force as TOML lines, the file's path first; ConfigError if the file
    cannot be used."""
    from ..advice.playbook import ConfigError
    from ..advice.settings import SECTIONS, load_playbook, load_profile, read_settings
    from ..keymap import DEFAULT_THEME, binding_ids, unknown_binding
    settings = read_settings(path)
    playbook, profile = load_playbook(path), load_profile(path)
    rules = playbook.rules      # read with the playbook: rules.toml once
    unknown = unknown_binding(settings.keys)
    if unknown:
        raise ConfigError(path, unknown[1], unknown[0])
    state = "" if path.exists() else " (not there yet: these are the defaults)"
    lines = [f"# {path}{state}", f"# {SECTIONS['theme']}",
             f"theme = {_value(settings.theme or DEFAULT_THEME)}"]
    lines += _table("thresholds", dict(playbook.thresholds), SECTIONS["thresholds"])
    lines += _table("weights", dict(playbook.weights), SECTIONS["weights"])
    lines += _table("rules", {"jurisdictions": list(rules.jurisdictions)}, SECTIONS["rules"])
    lines += _table("me", {"name": profile.name, "address": profile.address,
                           "emails": list(profile.emails), "phone": profile.phone},
                    SECTIONS["me"])
    letters = settings.section("letters")
    lines += _table("letters", letters, f"{SECTIONS['letters']}: those set here; the rest "
                                        "as in tui/advice/playbook.toml")
    lines += _table("keys", {**binding_ids(), **settings.keys}, SECTIONS["keys"] +
                    " (several keys: comma-separated)")
    return lines


@click.group("config", invoke_without_command=True)
@click.pass_context
def config(ctx):
    """Print the settings in force (config.toml over the defaults); `config edit` opens the
    file in $EDITOR.

    The output is TOML, the file's path on its first line as a comment; [keys] lists every
    binding id with its keys."""
    if ctx.invoked_subcommand is None:
        click.echo("\n".join(effective(ctx.obj.config_path)))


@config.command("edit")
@click.pass_obj
def edit(env):
    """Open config.toml in $VISUAL or $EDITOR (created with the defaults, commented out, if
    it is not there yet), then check it."""
    path = env.config_path
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise Failure(f"no editor: set $VISUAL or $EDITOR (export EDITOR=nano), or edit "
                      f"{path} yourself", EXIT_INPUT)
    if not path.exists():
        _create(path)
    try:
        done = subprocess.run([*shlex.split(editor), str(path)])
    except OSError as exc:
        raise Failure(f"cannot run the editor {editor!r} ($VISUAL/$EDITOR): "
                      f"{exc.strerror or exc}", EXIT_INPUT) from None
    if done.returncode != 0:
        raise Failure(f"the editor {editor!r} exited with {done.returncode}; {path} is as it "
                      "left it", EXIT_INPUT)
    effective(path)     # a mistake is said now, not at the next command
    click.echo(f"{path}: the settings are usable")


def _create(path: Path) -> None:
    """The defaults, every line commented out, written 0600 and renamed into place."""
    from ..store.atomic import atomic_write, private_folder
    lines = effective(path)
    text = "\n".join([lines[0].replace(" (not there yet: these are the defaults)", ""),
                      "# Every setting below is the default; remove the # to change one.",
                      *(f"# {line}" if line and not line.startswith("#") else line
                        for line in lines[1:])]) + "\n"
    private_folder(path.parent)
    with atomic_write(path) as fh:
        fh.write(text)


COMMANDS = [config]
