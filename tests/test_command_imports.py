"""Import-cost guards for the advice commands' fast paths: on a notebook whose kept advice is
fresh, `advice --fail-on-stall` reads the kept rows alone (no playbook, no engine, none of the
store's other operations, no Textual), and `list --stalled` reads no playbook."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from advice_helpers import ago, contacts, new_case
from conftest import NOW_ISO

PROBE = ("import atexit, json, sys\n"
         "out = sys.argv[1]\n"
         "atexit.register(lambda: open(out, 'w').write(json.dumps(sorted(sys.modules))))\n"
         "from tui.cli import main\n"
         "sys.argv = ['supportlog', *sys.argv[2:]]\n"
         "main()\n")


def modules_of(tmp_path, db_path, *args: str) -> tuple[int, set[str]]:
    out = tmp_path / "modules.json"
    env = {**os.environ, "SUPPORTLOG_DB": str(db_path), "SUPPORTLOG_NOW": NOW_ISO,
           "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-c", PROBE, str(out), *args], env=env,
                          capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, set(json.loads(out.read_text()))


@pytest.fixture
def warm(store, db_path, tmp_path):
    case = new_case(store, "Acme", "Router keeps dropping", opened=ago(days=4))
    contacts(store, case.id, ["transferred", "disconnected"], start_days_ago=2)
    store.close()
    code, _ = modules_of(tmp_path, db_path, "advice", "--fail-on-stall")   # keeps the rows
    assert code == 1
    return db_path


NOT_ON_THE_FAST_PATH = ("textual", "tui.store.interchange", "tui.store.cases",
                        "tui.store.facts", "tui.advice.playbook", "tui.advice.engine",
                        "tomllib")


def test_fail_on_stall_on_a_warm_notebook_reads_the_kept_rows_alone(warm, tmp_path):
    code, loaded = modules_of(tmp_path, warm, "advice", "--fail-on-stall")
    assert code == 1
    assert not loaded & set(NOT_ON_THE_FAST_PATH), sorted(loaded & set(NOT_ON_THE_FAST_PATH))


def test_a_changed_config_is_read_again(warm, tmp_path):
    """The kept rows are fresh only for the config file they were made under."""
    config = tmp_path / "xdg-config" / "supportlog" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[thresholds]\nquiet_days = 99\n", encoding="utf-8")
    _, loaded = modules_of(tmp_path, warm, "advice", "--fail-on-stall")
    assert "tui.advice.playbook" in loaded
    _, loaded = modules_of(tmp_path, warm, "advice", "--fail-on-stall")
    assert "tui.advice.playbook" not in loaded    # kept again, under the new config


def test_list_stalled_on_a_warm_notebook_reads_no_playbook(warm, tmp_path):
    _, loaded = modules_of(tmp_path, warm, "list", "--stalled")
    assert not loaded & {"textual", "tui.advice.playbook", "tomllib", "tui.advice.engine"}


def test_top_20_on_a_warm_notebook_words_nothing_again(warm, tmp_path):
    modules_of(tmp_path, warm, "advice")                 # words the case and keeps it
    _, loaded = modules_of(tmp_path, warm, "advice")
    assert not loaded & {"textual", "tui.advice.playbook", "tui.advice.engine"}
