"""Shared fixtures: real notebooks in temporary folders, a fixed clock, the real CLI."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import cli
from tui.store import Store

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
NOW_ISO = "2026-11-25T12:00:00Z"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Test folders in memory (/dev/shm) where the machine has a roomy one that runs
    programs (a container's may be 64 MB, noexec): every commit of the suite's thousands of
    notebooks otherwise waits for the disk to sync. The workers get folders under the one
    made here, removed at the end; `--basetemp` still chooses (and keeps them)."""
    if (config.option.basetemp is None and not hasattr(config, "workerinput")
            and _roomy_memory_folder("/dev/shm")):
        config.option.basetemp = tempfile.mkdtemp(prefix="supportlog-tests-", dir="/dev/shm")
        config._supportlog_basetemp = config.option.basetemp


def _roomy_memory_folder(path: str) -> bool:
    try:
        st = os.statvfs(path)
    except OSError:
        return False
    return (os.access(path, os.W_OK) and not st.f_flag & os.ST_NOEXEC
            and st.f_bavail * st.f_frsize >= 2 << 30)


def pytest_unconfigure(config):
    made = getattr(config, "_supportlog_basetemp", None)
    if made:
        shutil.rmtree(made, ignore_errors=True)


@pytest.fixture(autouse=True, scope="session")
def stylesheets_parsed_once():
    """Textual keeps parsed stylesheets per app, so each of the suite's hundreds of apps
    parsed the same CSS again; here they share one parse per stylesheet and theme, as the
    screens of one long-running app do. Parsed rules are only read after parsing."""
    from textual.css.stylesheet import Stylesheet
    parsed: dict[tuple, list] = {}
    parse_rules = Stylesheet._parse_rules

    def shared(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        key = (css, read_from, is_default_rules, tie_breaker, scope,
               tuple(self._variables.items()))
        if key not in parsed:
            parsed[key] = parse_rules(self, css, read_from, is_default_rules, tie_breaker,
                                      scope)
        return parsed[key]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Stylesheet, "_parse_rules", shared)
        yield


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Keep every test away from the real data and config folders."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("SUPPORTLOG_DB", raising=False)
    monkeypatch.delenv("SUPPORTLOG_NOW", raising=False)
    monkeypatch.setenv("TZ", "UTC")  # local time is UTC in tests, so expected values are exact
    time.tzset()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "notebook.db"


@pytest.fixture
def store(db_path):
    s = Store(db_path, clock=lambda: NOW)
    yield s
    s.close()


class Cli:
    """Runs the real click CLI against one notebook with a fixed clock."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, now: str = NOW_ISO):
        return self.runner.invoke(cli, ["--db", str(self.db_path), "--now", now, *args],
                                  input=input, catch_exceptions=False)

    def ok(self, *args: str, **kw) -> str:
        result = self(*args, **kw)
        assert result.exit_code == 0, (result.exit_code, result.output, result.stderr)
        return result.stdout


@pytest.fixture
def run(db_path) -> Cli:
    return Cli(db_path)


@pytest.fixture(autouse=True, scope="session")
def quick_idle_checks():
    """Textual's pilot waits for the app to go idle after every key and pause, checking in
    steps of 20 ms; the suite's thousands of keys spent most of their time asleep. Steps of
    2 ms ask the same question (is the process still working?) ten times as often; a step
    counts as idle under a quarter of its time on the CPU, as one timer's tick in so short
    a step would otherwise read as work and run the wait to its one-second limit."""
    from textual import _wait
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_wait, "SLEEP_GRANULARITY", 0.002)
        patch.setattr(_wait, "SLEEP_IDLE", 0.002 / 4)
        yield
