"""The app's settings from config.toml: the theme and the key map ([keys]: binding id = keys,
applied with App.set_keymap). The ids are those of every Binding in the app, its screens and
its widgets."""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from textual.binding import Binding

DEFAULT_THEME = "textual-dark"      # Textual's own
# Where the bindings live; loaded by name so the CLI's `config` can list them too.
BINDING_MODULES = ("tui.app",)
BINDING_PACKAGES = ("tui.screens", "tui.widgets")


def binding_ids() -> dict[str, str]:
    """id -> the keys bound to it by default (comma-separated), sorted by id."""
    modules = [importlib.import_module(name) for name in BINDING_MODULES]
    for package in BINDING_PACKAGES:
        root = importlib.import_module(package)
        modules += [importlib.import_module(f"{package}.{info.name}")
                    for info in pkgutil.iter_modules(root.__path__)]
    ids: dict[str, list[str]] = {}
    for module in modules:
        for cls in vars(module).values():
            if not (isinstance(cls, type) and cls.__module__ == module.__name__):
                continue
            for binding in cls.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id:
                    keys = ids.setdefault(binding.id, [])
                    keys += [k for k in binding.key.split(",") if k not in keys]
    return {i: ",".join(ids[i]) for i in sorted(ids)}


def unknown_binding(keys: dict[str, str]) -> tuple[str, str] | None:
    """(id, what is wrong) for the first id in a [keys] table no binding has."""
    if not keys:
        return None
    known = binding_ids()
    for binding_id in keys:
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            return binding_id, (f"unknown binding id {binding_id!r} in [keys]{hint}; "
                                "`supportlog config` lists them")
    return None


def apply_theme(app, theme_meta: str) -> None:
    """Before the first frame: config.toml's theme, saying what it cannot use. A theme an
    older version kept in the notebook's meta is used once, when config.toml names none,
    and then dropped. A file that cannot be used at all is said by the Advisor when it loads
    the playbook, so here it only leaves the defaults."""
    from .store.paths import config_path
    path, old = config_path(), app.store.meta_get(theme_meta)
    settings = _settings(path)
    theme = settings.theme if settings else None
    said = []
    if theme is None and old:
        theme = old
        said.append(f'The theme now lives in config.toml: put theme = "{theme}" in {path} '
                    "to keep it")
    if theme is not None:
        if theme in app.available_themes:
            app.theme = theme
        else:
            said.append(f"config file {path}: theme = {theme!r} is not a theme here; "
                        f"choose one of {', '.join(sorted(app.available_themes))}")
    for line in said:
        app.say(line, severity="warning", timeout=10)
    if old and not app.store.read_only:
        app.write_soon(lambda s: s.meta_set(theme_meta, None), quiet=True)


def apply_keys(app) -> None:
    """After the first frame: config.toml's key map, once every binding id is known (which
    imports every screen module)."""
    from .store.paths import config_path
    path = config_path()
    settings = _settings(path)
    if not settings or not settings.keys:
        return
    unknown = unknown_binding(settings.keys)
    if unknown:
        app.say(f"config file {path}: {unknown[1]} (using the default keys)",
                severity="warning", timeout=10)
    else:
        app.set_keymap(settings.keys)


def _settings(path):
    """config.toml's settings; None when there is no file (the advice layer, which parses
    it, is then not imported before the first frame) or it cannot be used."""
    if not path.exists():
        return None
    from .advice.playbook import ConfigError
    from .advice.settings import read_settings
    try:
        return read_settings(path)
    except ConfigError:
        return None


def theme_changed(app, theme: str) -> None:
    """A theme chosen in the app lasts the session: the app never rewrites config.toml, a
    file people edit by hand."""
    from .store.paths import config_path
    app.say(f'Theme {theme} for this session; put theme = "{theme}" in {config_path()} to '
            "keep it", timeout=6)
