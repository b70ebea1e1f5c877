"""The playbook: the packaged data file (tips, channel guides, rule texts, ladder, brief
wording, default thresholds and weights) plus the user's overrides from config.toml."""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..store.wording import plural

DATA_FILE = "playbook.toml"
LETTER_KINDS = ("complaint", "chargeback", "ombudsman", "follow-up")
# What every letter text may use (letters.py fills each); a *_line text has its own too.
LETTER_FIELDS = ("name", "company", "title", "about", "account", "refs", "wanted", "amount",
                 "deadline", "days", "today", "contacts", "first", "last", "broken", "dates",
                 "recipient", "issuer", "ombudsman", "case_id")


class ConfigError(Exception):
    """config.toml has a value the advice cannot use; the message is one line naming the
    file and the key."""

    def __init__(self, path: Path | str | None, message: str, key: str | None = None):
        where = f"config file {path}" if path else "config"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.key = key


@dataclass(frozen=True, slots=True)
class ChannelGuide:
    """When a channel serves, where it is weak, what to have ready, and why to try it next."""

    channel: str
    label: str
    by: str             # "by chat", "in a letter": how a sentence names the channel
    serves: str
    weak: str
    ready: str
    why_next: str

    @property
    def text(self) -> str:
        return f"{self.serves} Weak spots: {self.weak} Have ready: {self.ready}"


@cache
def _packaged() -> dict[str, Any]:
    raw = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    return tomllib.loads(raw)


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


def _guides() -> Mapping[str, ChannelGuide]:
    return _frozen({name: ChannelGuide(name, **g) for name, g in _packaged()["channels"].items()})


def _letters_default() -> Mapping[str, Any]:
    return _frozen({k: _frozen(v) if isinstance(v, dict) else v
                    for k, v in _packaged()["letters"].items()})


def _default(key: str, build=None):
    """A dataclass default read from the packaged file, so `Playbook()` is the full default
    playbook (the UI may build one without loading config)."""
    return field(default_factory=lambda: build() if build else _frozen(_packaged()[key]))


@dataclass(frozen=True)
class Playbook:
    tips: tuple[tuple[str, str], ...] = _default(
        "tips", lambda: tuple((t["title"], t["text"]) for t in _packaged()["tips"]))
    channel_guides: Mapping[str, str] = _default(
        "channels", lambda: _frozen({k: g.text for k, g in _guides().items()}))
    thresholds: Mapping[str, int] = _default("thresholds")
    ladder: Mapping[str, str] = _default("ladder")                 # rung -> what it means
    weights: Mapping[str, float] = _default("weights")
    channels: Mapping[str, ChannelGuide] = _default("channels", _guides)
    texts: Mapping[str, Mapping[str, str]] = _default("rules")     # rule -> template name -> text
    moves: Mapping[str, str] = _default("moves")                   # next-move templates
    default_order: tuple[str, ...] = _default(
        "suggest", lambda: tuple(_packaged()["suggest"]["default_order"]))
    brief: Mapping[str, Any] = _default("brief")
    # The letters' wording: shared texts, and a table per kind (LETTER_KINDS).
    letters: Mapping[str, Any] = _default("letters", _letters_default)
    tip_keys: tuple[str, ...] = _default(
        "tips", lambda: tuple(t["key"] for t in _packaged()["tips"]))
    config_path: Path | None = None     # where the overrides came from, if anywhere
    # The deadline clocks in force (clocks.Rules) read with the config; None: the pack's.
    rules: Any = None

    def tip(self, key: str) -> tuple[str, str]:
        return self.tips[self.tip_keys.index(key)]

    def text(self, rule: str, name: str, **values: Any) -> str:
        """A rule's text with its placeholders filled in."""
        return self.texts[rule][name].format_map(values)

    def move(self, name: str, **values: Any) -> str:
        """A next-move template with its placeholders filled in."""
        return self.moves[name].format_map(values)

    def letter(self, kind: str | None, text: str, /, **values: Any) -> str:
        """A letter text (of `kind`'s table, or shared with kind None), filled in."""
        table = self.letters[kind] if kind else self.letters
        return table[text].format_map(values)

    def by(self, channel: str) -> str:
        """'by chat', 'in a letter'."""
        guide = self.channels.get(channel)
        return guide.by if guide else f"by {channel}"

    def label(self, channel: str) -> str:
        guide = self.channels.get(channel)
        return guide.label if guide else channel


@cache
def default_playbook() -> Playbook:
    return Playbook()


def overrides(path: Path, config: Mapping) -> dict[str, Mapping]:
    """The playbook's fields config.toml changes, checked (ConfigError if unusable)."""
    base = default_playbook()
    return {"thresholds": _override(path, config, "thresholds", base.thresholds,
                                    _whole_number),
            "weights": _override(path, config, "weights", base.weights, _weight),
            "letters": _letters(path, config, base.letters)}


def _whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _weight(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1e6


_EXPECTED = {_whole_number: "a whole number of at least 1", _weight: "a number of 0 or more"}


def _override(path: Path, config: dict, section: str, defaults: Mapping, valid) -> Mapping:
    """`defaults` updated from config[section]; other sections (keys, theme) are not ours."""
    given = config.get(section, {})
    if not isinstance(given, dict):
        raise ConfigError(path, f"[{section}] must be a table of settings", section)
    merged = dict(defaults)
    for key, value in given.items():
        if key not in defaults:
            raise ConfigError(path, f"unknown key {key!r} in [{section}]; known keys: "
                                    f"{', '.join(defaults)}", key)
        if not valid(value):
            raise ConfigError(path, f"[{section}] {key} = {value!r} is not usable; it must be "
                                    f"{_EXPECTED[valid]}", key)
        merged[key] = value
    return _frozen(merged)


def _letters(path: Path, config: dict, defaults: Mapping[str, Any]) -> Mapping[str, Any]:
    """The letters' texts with config's [letters] (and [letters.KIND]) over the defaults:
    only names we know, texts for texts and whole days for `days`, and no placeholder a
    letter does not fill."""
    given = config.get("letters", {})
    if not isinstance(given, dict):
        raise ConfigError(path, "[letters] must be a table of texts", "letters")
    merged = {k: dict(v) if isinstance(v, Mapping) else v for k, v in defaults.items()}
    for key, value in given.items():
        if isinstance(defaults.get(key), Mapping):
            if not isinstance(value, dict):
                raise ConfigError(path, f"[letters.{key}] must be a table of texts", key)
            for name, text in value.items():
                merged[key][name] = _letter_text(path, f"letters.{key}", name, text,
                                                 defaults[key])
        else:
            merged[key] = _letter_text(path, "letters", key, value, defaults)
    return _frozen({k: _frozen(v) if isinstance(v, dict) else v for k, v in merged.items()})


def _letter_text(path: Path, section: str, name: str, value: Any, defaults: Mapping) -> Any:
    if name not in defaults:
        known = [k for k, v in defaults.items() if not isinstance(v, Mapping)]
        raise ConfigError(path, f"unknown key {name!r} in [{section}]; known keys: "
                                f"{', '.join(known)}", name)
    default = defaults[name]
    if isinstance(default, list):       # column headings: as many texts as the default
        if not (isinstance(value, list) and len(value) == len(default)
                and all(isinstance(v, str) for v in value)):
            raise ConfigError(path, f"[{section}] {name} must be a list of "
                                    f"{plural(len(default), 'text')}, like {name} = "
                                    f"{default!r}", name)
        return value
    if isinstance(default, int):
        if not _whole_number(value):
            raise ConfigError(path, f"[{section}] {name} = {value!r} is not usable; it must "
                                    f"be {_EXPECTED[_whole_number]}", name)
        return value
    if not isinstance(value, str):
        raise ConfigError(path, f"[{section}] {name} must be a text in quotes, like "
                                f'{name} = "..."', name)
    allowed = {*LETTER_FIELDS, *_placeholders(default)}
    try:
        used = _placeholders(value)
    except ValueError as exc:
        raise ConfigError(path, f"[{section}] {name}: {exc}; write a literal brace as {{{{ "
                                "or }}", name) from None
    unknown = sorted(used - allowed)
    if unknown:
        raise ConfigError(path, f"[{section}] {name} uses {{{unknown[0]}}}, which a letter "
                                f"does not fill; it can use: "
                                f"{', '.join('{' + f + '}' for f in sorted(allowed))}", name)
    return value


def _placeholders(text: str) -> set[str]:
    """The {names} a text fills in (ValueError on a stray brace)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
