"""Who you are, from config.toml's [me] table: the sender of a letter and your own e-mail
addresses (which tell a message you sent from one you received)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .playbook import ConfigError

# key -> what it must be, as the error says it
KEYS = {"name": 'your name as a text, like name = "Asha Verma"',
        "address": 'your postal address as a text (lines may be split with \\n), like '
                   'address = "12 Elm Road\\nHarbour City"',
        "emails": 'a list of your addresses, like emails = ["me@example.com"]',
        "phone": 'your phone number as a text, like phone = "+44 20 7946 0000"'}


@dataclass(frozen=True, slots=True)
class Profile:
    name: str | None = None
    address: str | None = None          # newlines between its lines
    emails: tuple[str, ...] = ()
    phone: str | None = None

    def missing(self) -> list[str]:
        """The [me] keys a letter's sender block needs and the profile lacks."""
        return [k for k, v in (("name", self.name), ("address", self.address),
                               ("emails", self.emails)) if not v]


def profile_from(path: Path, config: Mapping) -> Profile:
    """The [me] table of an already parsed config, checked."""
    me = config.get("me", {})
    if not isinstance(me, dict):
        raise ConfigError(path, "[me] must be a table of settings (name, address, emails, "
                                "phone)", "me")
    for key in me:
        if key not in KEYS:
            raise ConfigError(path, f"unknown key {key!r} in [me]; known keys: "
                                    f"{', '.join(KEYS)}", key)
    emails = me.get("emails", [])
    if isinstance(emails, str):      # one address written without the list
        emails = [emails]
    if not isinstance(emails, list) or not all(isinstance(e, str) for e in emails):
        raise _bad(path, "emails", emails)
    return Profile(name=_text(path, me, "name"), address=_text(path, me, "address"),
                   emails=tuple(e.strip() for e in emails if e.strip()),
                   phone=_text(path, me, "phone"))


def _text(path: Path, me: dict, key: str) -> str | None:
    value = me.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad(path, key, value)
    return value.strip() or None


def _bad(path: Path, key: str, value: Any) -> ConfigError:
    return ConfigError(path, f"[me] {key} = {value!r} is not usable; it must be {KEYS[key]}",
                       key)
