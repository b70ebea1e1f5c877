"""config.toml as one plain value: read and checked once per version of the file in a
process, so a command that needs the playbook, the profile and the clocks parses it once.

Each section's own loader (playbook, profile, clocks, the app's key map) checks the keys
inside it; this module knows which sections exist and the top-level values' types, and
makes the file into the playbook, the profile and the clocks in force (load_*)."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from .clocks import Rules, pack_clocks, rules_in_force, rules_table
from .playbook import ConfigError, Playbook, default_playbook, overrides
from .profile import Profile, profile_from

# Section -> what it holds, as `supportlog config` and the errors say it.
SECTIONS = {"thresholds": "the stall rules' thresholds (days, counts)",
            "weights": "the attention order's weights",
            "rules": "the jurisdictions whose deadline clocks apply",
            "me": "who you are: the sender of a letter and your e-mail addresses",
            "letters": "the letters' wording",
            "keys": "the key map: binding id = keys",
            "theme": "the app's colour theme"}
TEXT_VALUES = ("theme",)        # top-level values rather than tables

_parses = 0
_cache: dict[Path, tuple[tuple[int, int, int], Settings]] = {}


@dataclass(frozen=True)
class Settings:
    """The file's contents as parsed; sections it lacks are absent."""

    path: Path | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> dict:
        return dict(self.data.get(name, {}))

    @property
    def theme(self) -> str | None:
        return self.data.get("theme")

    @property
    def keys(self) -> dict[str, str]:
        return dict(self.data.get("keys", {}))


def parse_count() -> int:
    """How many times a config file was parsed in this process (tests hold it to one per
    command)."""
    return _parses


def read_settings(config_path: Path | str | None) -> Settings:
    """The settings in `config_path`; no path or no file is empty settings. An unreadable
    file, bad TOML, an unknown section or a top-level value of the wrong type raises
    ConfigError naming the file and the key."""
    if config_path is None:
        return Settings()
    path = Path(config_path)
    try:
        st = path.stat()
    except FileNotFoundError:
        return Settings(path)
    except OSError as exc:
        raise ConfigError(path, f"cannot be read ({exc.strerror or exc})") from None
    version = (st.st_mtime_ns, st.st_size, st.st_ino)
    kept = _cache.get(path)
    if kept and kept[0] == version:
        return kept[1]
    settings = Settings(path, MappingProxyType(_parse(path)))
    _cache[path] = (version, settings)
    return settings


def _parse(path: Path) -> dict:
    global _parses
    _parses += 1
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"is not valid TOML ({exc})") from None
    for name, value in data.items():
        if name not in SECTIONS:
            raise ConfigError(path, f"unknown section [{name}]{_hint(name)}; known sections: "
                                    f"{', '.join(SECTIONS)}", name)
        if name in TEXT_VALUES:
            if not isinstance(value, str):
                raise ConfigError(path, f"{name} = {value!r} is not usable; it must be a text "
                                        f'in quotes, like {name} = "nord"', name)
        elif not isinstance(value, dict):
            raise ConfigError(path, f"[{name}] must be a table of settings ({name} = "
                                    f"{value!r} was given)", name)
    if "keys" in data:
        data["keys"] = _flat(data["keys"])
    for binding, keys in data.get("keys", {}).items():
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(path, f"[keys] {binding} = {keys!r} is not usable; it must be "
                                    f'the keys as a text, like {binding} = "ctrl+f"', binding)
    _check_sections(path, data)
    return data


def load_playbook(config_path: Path | str | None = None) -> Playbook:
    """The default playbook with [thresholds], [weights] and [letters] from `config_path`
    applied, and the clocks in force read with it. No path or a missing file means the
    defaults; anything unusable raises ConfigError."""
    base = default_playbook()
    if config_path is None:
        return base
    path = Path(config_path)
    return replace(base, config_path=path, rules=load_rules(path),
                   **overrides(path, read_settings(path).data))


def load_profile(config_path: Path | str | None) -> Profile:
    """The [me] table of `config_path`; no file or no table is an empty profile, and a value
    of the wrong kind, or a key we do not know, raises ConfigError naming the file and key."""
    if config_path is None:
        return Profile()
    path = Path(config_path)
    return profile_from(path, read_settings(path).data)


def load_rules(config_path: Path | str | None = None) -> Rules:
    """The pack, the `[rules]` table of config.toml and the rules.toml beside it. A missing
    file means the defaults; anything unusable raises ConfigError."""
    if config_path is None:
        return Rules(pack_clocks())
    path = Path(config_path)
    return rules_in_force(path, rules_table(path, read_settings(path).data))


def _check_sections(path: Path, data: dict) -> None:
    """Every section's keys checked by its own loader, so any command that reads the file
    refuses the same mistakes (the binding ids are the app's: tui/keymap.py)."""
    overrides(path, data)
    profile_from(path, data)
    rules_table(path, data)


def _flat(table: dict, prefix: str = "") -> dict:
    """[keys] with `case.resolve = "x"` written bare (TOML reads a table case) as the id."""
    flat = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _hint(name: str) -> str:
    close = difflib.get_close_matches(name, SECTIONS, n=1)
    return f" (did you mean [{close[0]}]?)" if close else ""
