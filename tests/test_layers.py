"""The layers hold: headless modules load no Textual or Rich, and the import-linter contracts
in pyproject.toml are kept."""

from __future__ import annotations

import json
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tui.commands

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(f"tui.commands.{m.name}" for m in pkgutil.iter_modules(tui.commands.__path__))
HEADLESS = ["tui.store", "tui.advice", "tui.cli", "tui.commands", *COMMANDS]
UI_ONLY = ("textual", "rich")

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {names!r})))
"""


def loaded(module: str, names=UI_ONLY) -> list[str]:
    """The modules of `names` that importing `module` in a fresh interpreter loads."""
    out = subprocess.run([sys.executable, "-c", PROBE.format(names=set(names)), module],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    return json.loads(out)


def test_commands_are_found():
    # A wrong package path would make the parametrised check below vacuous.
    assert "tui.commands.cases" in COMMANDS and len(COMMANDS) >= 5


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_module_loads_no_textual_or_rich(module):
    assert loaded(module) == []


def test_the_probe_sees_textual_when_it_is_loaded():
    # The same probe on the app must report Textual, or the check above proves nothing.
    assert "textual" in loaded("tui.app")


def test_import_linter_contracts_are_kept():
    pytest.importorskip("importlinter", reason="install the test extra: pip install -e '.[test]'")
    beside = Path(sys.executable).with_name("lint-imports")
    lint = str(beside) if beside.exists() else shutil.which("lint-imports")
    result = subprocess.run([lint, "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
