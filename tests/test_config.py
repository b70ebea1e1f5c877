"""config.toml as one place for settings: read once, unknown sections and keys refused in one
line naming the file and the key, `supportlog config` and `config edit`, and the app's theme
and key map taken from it."""

from __future__ import annotations

import os
import re
import stat
import sys
import tomllib

import pytest
from ui_fixtures import SIZE, app_factory, clock, messages, plain, settle, ui  # noqa: F401

from tui.advice.settings import parse_count
from tui.screens.help import HelpScreen
from tui.screens.stats import StatsScreen
from tui.store import Store


@pytest.fixture
def config(tmp_path):
    """Write the test's config.toml (XDG_CONFIG_HOME is the test's own, see conftest)."""
    path = tmp_path / "xdg-config" / "supportlog" / "config.toml"

    def write(text: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path
    write.path = path
    return write


def one_line_error(result, *names: str) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


@pytest.mark.parametrize("text, key", [
    ("[threshold]\nquiet_days = 3\n", "[threshold]"),
    ("[thresholds]\nquiet_dayz = 3\n", "'quiet_dayz'"),
    ("[me]\nnmae = \"Asha\"\n", "'nmae'"),
    ("[rules]\njurisdiction = [\"UK\"]\n", "'jurisdiction'"),
    ("theme = 3\n", "theme = 3"),
    ("[keys]\n\"case.resolve\" = 5\n", "case.resolve"),
])
@pytest.mark.parametrize("command", [("config",), ("rules",)])
def test_unknown_or_wrong_settings_are_one_line_naming_file_and_key(run, config, text, key,
                                                                    command):
    path = config(text)
    one_line_error(run(*command), str(path), key)


def test_a_misspelled_section_is_named_with_the_right_one(run, config):
    config("[threshold]\nquiet_days = 3\n")
    assert "did you mean [thresholds]?" in one_line_error(run("config"))


def test_an_unknown_binding_id_is_refused(run, config):
    path = config('[keys]\n"case.resolv" = "x"\n')
    line = one_line_error(run("config"), str(path), "'case.resolv'")
    assert "did you mean case.resolve?" in line


def test_config_prints_the_effective_settings_as_toml(run, config):
    path = config('theme = "nord"\n[thresholds]\nquiet_days = 3\n[keys]\n'
                  'case.resolve = "R"\n[me]\nname = "Asha Verma"\n')
    out = run.ok("config")
    assert out.splitlines()[0] == f"# {path}"
    shown = tomllib.loads(out)
    assert shown["theme"] == "nord"
    assert shown["thresholds"]["quiet_days"] == 3
    assert shown["thresholds"]["dead_end_streak"] == 2         # a default, merged
    assert shown["rules"]["jurisdictions"]
    assert shown["me"] == {"name": "Asha Verma", "emails": []}
    assert shown["keys"]["case"]["resolve"] == "R"            # the file's
    assert shown["keys"]["home"]["search"] == "slash"         # a default
    assert shown["keys"]["app"]["quit"] == "ctrl+q"


def test_config_without_a_file_prints_the_defaults(run, config):
    out = run.ok("config")
    assert out.splitlines()[0] == f"# {config.path} (not there yet: these are the defaults)"
    assert tomllib.loads(out)["theme"] == "textual-dark"
    assert not config.path.exists()


def test_config_edit_creates_the_file_then_opens_the_editor(run, config, tmp_path,
                                                            monkeypatch):
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf \'theme = "nord"\\n\' >> "$1"\n')
    editor.chmod(0o700)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor))
    out = run.ok("config", "edit")
    assert str(config.path) in out
    text = config.path.read_text()
    assert text.startswith(f"# {config.path}\n")
    assert "# [thresholds]" in text and "# quiet_days = " in text    # commented defaults
    assert stat.S_IMODE(os.stat(config.path).st_mode) == 0o600
    assert tomllib.loads(text) == {"theme": "nord"}       # only the editor's line is live
    assert tomllib.loads(run.ok("config"))["theme"] == "nord"
    monkeypatch.setenv("EDITOR", "true")
    run.ok("config", "edit")                             # an existing file is kept as it is
    assert config.path.read_text() == text


def test_config_edit_says_when_the_edit_is_not_usable(run, config, tmp_path, monkeypatch):
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf \'[threshold]\\n\' >> "$1"\n')
    editor.chmod(0o700)
    monkeypatch.setenv("VISUAL", str(editor))
    one_line_error(run("config", "edit"), str(config.path), "[threshold]")


def test_config_edit_without_an_editor_says_how_to_set_one(run, config, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    assert "$EDITOR" in one_line_error(run("config", "edit"), str(config.path))


def test_a_letter_parses_the_config_once(run, config):
    config('[me]\nname = "Asha Verma"\naddress = "12 Elm Road"\nemails = ["a@example.org"]\n'
           '[thresholds]\nquiet_days = 3\n[rules]\njurisdictions = ["UK"]\n')
    case_id = run.ok("new", "--company", "Acme", "--title", "Refund for the kettle").strip()
    before = parse_count()
    run.ok("letter", case_id, "--kind", "complaint")
    assert parse_count() - before == 1


def test_version_still_loads_no_advice_and_no_textual():
    import subprocess
    probe = ("import sys\nfrom tui.cli import main\nsys.argv = ['supportlog', '--version']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.startswith(('tui.advice', 'textual'))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


# -- the app ---------------------------------------------------------------------------------
@ui
async def test_the_key_map_from_config_is_applied(app_factory, config):
    config('[keys]\n"home.stats" = "x"\n')
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")              # the old key does nothing now
        await settle(pilot)
        assert not isinstance(app.screen, StatsScreen)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape", "f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)       # F1 help shows the key in force
        keys = "\n".join(plain(panel) for panel in app.screen.query("#help-keys > Static"))
        assert re.search(r"^ +x +Stats$", keys, flags=re.M), keys


@ui
async def test_an_unknown_binding_id_is_said_and_the_default_keys_stay(app_factory, config):
    path = config('[keys]\n"home.statz" = "x"\n')
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        said = [m for m in messages(app) if "home.statz" in m]
        assert said and str(path) in said[0] and "default keys" in said[0]
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)


@ui
async def test_the_theme_comes_from_config_and_a_palette_change_lasts_the_session(
        app_factory, config, db_path):
    config('theme = "nord"\n')
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
        app.theme = "gruvbox"
        await settle(pilot)
        assert any('theme = "gruvbox"' in m for m in messages(app))
    assert config.path.read_text() == 'theme = "nord"\n'     # the app never rewrites it
    again = app_factory()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


@ui
async def test_a_theme_kept_in_an_old_notebook_is_used_once(app_factory, config, db_path):
    with Store(db_path) as s:
        s.meta_set("theme", "nord")
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
        assert any('put theme = "nord" in' in m for m in messages(app))
    with Store(db_path) as s:
        assert s.meta_get("theme") is None
    again = app_factory()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "textual-dark"


@ui
async def test_an_unusable_config_is_said_once_and_the_app_starts(app_factory, config):
    path = config("[threshold]\nquiet_days = 3\n")
    app = app_factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        said = [m for m in messages(app) if "[threshold]" in m]
        assert len(said) == 1 and str(path) in said[0]
        assert app.theme == "textual-dark"


def test_every_binding_has_an_id_the_key_map_can_name():
    import importlib
    import pkgutil

    from textual.binding import Binding

    from tui.keymap import BINDING_MODULES, BINDING_PACKAGES
    missing = []
    for package in BINDING_PACKAGES:
        root = importlib.import_module(package)
        names = [f"{package}.{m.name}" for m in pkgutil.iter_modules(root.__path__)]
        for name in [*BINDING_MODULES, *names]:
            ours = [c for c in vars(importlib.import_module(name)).values()
                    if isinstance(c, type) and c.__module__ == name]
            for cls in ours:
                for binding in cls.__dict__.get("BINDINGS", ()):
                    if isinstance(binding, Binding) and not binding.id:
                        missing.append(f"{cls.__name__} {binding.key}")
    assert not missing, missing
