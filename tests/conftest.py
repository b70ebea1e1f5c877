"""Shared fixtures: real notebooks in temporary folders, a fixed clock, the real CLI."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import cli
from tui.store import Store

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
NOW_ISO = "2026-11-25T12:00:00Z"


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
