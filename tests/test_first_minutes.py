"""A newcomer's first minutes: README's set-up lines and commands work as written, the CLI
starts without importing what it does not use, and without a terminal or colours it says so."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import pty
import re
import select
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

import tui.commands
from tui.cli import NO_TERMINAL, cli
from tui.commands import COMMANDS

from conftest import NOW_ISO, Cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent


def sh_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.S)


def readme_commands() -> list[list[str]]:
    """Every `supportlog ...` README shows: code block lines (continuations joined, comments
    dropped) and inline code spans."""
    found = []
    for block in sh_blocks(README):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["supportlog"]:
                found.append(words)
    for span in re.findall(r"`(supportlog(?: [^`]*)?)`", README):
        found.append(shlex.split(span))
    return found


def steps(line: str) -> list[str]:
    return [s.strip() for s in line.split("&&")]


# -- README's set-up lines ------------------------------------------------------------------

def set_up_lines() -> list[str]:
    section = README[README.index("## Set up"):README.index("\n## ", README.index("## Set up"))]
    return [b.strip() for b in sh_blocks(section)]


def test_set_up_is_two_lines_that_put_supportlog_on_path():
    app_line, test_line = set_up_lines()  # exactly two
    for line in (app_line, test_line):
        assert "\n" not in line
        first, *rest = steps(line)
        assert first == "python3 -m venv .venv"
        # Activated before anything is installed or run, so `supportlog ...` works after it.
        assert rest[0] == ". .venv/bin/activate"
    assert steps(app_line)[-1] == "supportlog"
    assert steps(test_line)[-1].startswith("pytest")


def test_the_test_line_is_what_ci_runs():
    """README's test line, with the venv's programs spelled out, is the steps of .ci/run."""
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.startswith("#")]
    ci = [" ".join(w for w in line.split() if w != "--quiet") for line in ci]
    spelled = []
    for step in steps(set_up_lines()[1]):
        if step == ". .venv/bin/activate":
            continue
        word, _, args = step.partition(" ")
        spelled.append(f".venv/bin/{word} {args}".strip() if word in ("pip", "pytest") else step)
    assert all(step in ci for step in spelled), (spelled, ci)
    assert ci[-1] == spelled[-1], "the last thing CI runs is README's test command"


@pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="the tests do not run in a venv")
def test_activating_the_venv_puts_supportlog_on_path(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)}
    env["PATH"] = "/usr/bin:/bin"
    proc = subprocess.run(["sh", "-c", f". {shlex.quote(str(BIN / 'activate'))} && "
                           "supportlog --version"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("supportlog, version ")


def test_every_command_readme_shows_is_a_real_command_and_option():
    shown = readme_commands()
    assert len(shown) > 25  # the tour, the stall and record blocks, the inline mentions
    named = set()
    for words in shown:
        args = words[1:]
        if not args:
            continue  # bare `supportlog`: the app
        # Parsing checks every command, option and choice without running anything.
        group_ctx = click.Context(cli, info_name="supportlog")
        name, *rest = args
        if name.startswith("-"):  # an option of supportlog itself (--version, --db PATH)
            assert name in {opt for param in cli.params for opt in param.opts}, words
            continue
        command = cli.get_command(group_ctx, name)
        assert command is not None, f"README shows `{' '.join(words)}`: no command {name!r}"
        named.add(name)
        try:
            # A placeholder (FILE) stands for a value; "..." for the rest of the line.
            command.make_context(name, ["x" if w.isupper() else w for w in rest
                                        if w != "..."], parent=group_ctx)
        except click.UsageError as exc:
            if "does not exist" not in str(exc):  # README's example files are not here
                pytest.fail(f"README shows `{' '.join(words)}`: {exc.format_message()}")
    assert {"demo", "new", "log", "list", "show", "search", "advice", "where"} <= named


@pytest.mark.parametrize("name", sorted({w[1] for w in readme_commands()
                                         if len(w) > 1 and not w[1].startswith("-")}))
def test_each_readme_command_answers_help(run, name):
    result = run(name, "--help")
    assert result.exit_code == 0 and result.stdout.startswith("Usage: "), result.output


# -- a CLI that starts fast -----------------------------------------------------------------

def modules_after(tmp_path, *args: str) -> set[str]:
    """The modules a fresh interpreter has loaded once `supportlog ARGS` has run."""
    code = ("import sys, json\nfrom tui.cli import cli\n"
            f"cli.main({list(args)!r}, prog_name='supportlog', standalone_mode=False)\n"
            "print('MODULES=' + json.dumps(sorted(sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.split("MODULES=")[-1]))


@pytest.mark.parametrize("args", [["--version"], ["--db", "nb.db", "where"], ["--help"]])
def test_a_command_that_does_not_advise_imports_no_advice_and_no_textual(tmp_path, args):
    loaded = modules_after(tmp_path, *args)
    assert "tui.cli" in loaded  # the probe really ran the CLI
    assert not {m for m in loaded if m == "tui.advice" or m.startswith("tui.advice.")}
    assert not {m for m in loaded if m.split(".")[0] in ("textual", "rich")}


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_version_and_help_import_no_command_and_no_store(tmp_path, args):
    loaded = modules_after(tmp_path, *args)
    assert not {m for m in loaded if m.startswith(("tui.commands.", "tui.store"))}, loaded


# What only some commands use: evidence hashing, a big import's worker, MIME types, and the
# platform's folders (a notebook named by --db needs none of them).
NOT_FOR_READING = ("hashlib", "multiprocessing", "mimetypes", "platformdirs")


@pytest.mark.parametrize("args", [["list", "--limit", "1"], ["show", "1"], ["list"]])
def test_list_and_show_import_no_textual_no_advice_and_nothing_for_writing(
        tmp_path, run, db_path, args):
    run.ok("new", "--company", "Acme", "--title", "Router keeps dropping")
    run.ok("log", "1", "--channel", "phone", "--outcome", "transferred")
    loaded = modules_after(tmp_path, "--db", str(db_path), "--now", NOW_ISO, *args)
    assert "tui.store.reader" in loaded  # the probe really opened the notebook
    assert not {m for m in loaded if m.split(".")[0] in ("textual", "rich")}
    assert not {m for m in loaded if m == "tui.advice" or m.startswith("tui.advice.")}
    assert not loaded & set(NOT_FOR_READING), sorted(loaded & set(NOT_FOR_READING))


def test_version_imports_neither_the_store_nor_sqlite_nor_pathlib(tmp_path):
    loaded = modules_after(tmp_path, "--version")
    assert not loaded & {"sqlite3", "pathlib", "tui.store"}, sorted(
        loaded & {"sqlite3", "pathlib", "tui.store"})


@pytest.mark.parametrize("args", [["advice", "--fail-on-stall"], ["list", "--stalled"]])
def test_a_check_of_fresh_kept_advice_opens_only_the_reader(tmp_path, run, db_path, args):
    """What cron runs every few minutes, on an unchanged notebook: the kept rows read on
    the bare reader, without the Store's opening, the playbook, pathlib or platformdirs."""
    run.ok("new", "--company", "Acme", "--title", "Router keeps dropping")
    run.ok("advice")     # assesses and keeps every case
    loaded = modules_after(tmp_path, "--db", str(db_path), "--now", NOW_ISO, *args)
    assert {"tui.store.reader", "tui.store.kept"} <= loaded     # it read the kept rows
    heavy = {"tui.store.db", "tui.store.summaries", "tui.advice.engine", "tui.advice.playbook",
             "tomllib", "pathlib", "platformdirs", "textual"}
    assert not loaded & heavy, sorted(loaded & heavy)


def test_advice_still_loads_the_advice(tmp_path, run, db_path):
    run.ok("new", "--company", "Acme", "--title", "t")
    assert "tui.advice" in modules_after(tmp_path, "--db", str(db_path), "--now", NOW_ISO,
                                         "advice")


def command_modules() -> dict[str, click.Command]:
    found = {}
    for info in pkgutil.iter_modules(tui.commands.__path__):
        module = importlib.import_module(f"tui.commands.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            found[command.name] = (info.name, command)
    return found


def test_the_command_table_is_true_to_the_modules():
    """Every command a module defines is in the table, under its module, with its help."""
    real = command_modules()
    assert set(real) == set(COMMANDS)
    for name, (module, command) in real.items():
        assert COMMANDS[name][0] == module, name
        for limit in (30, 45, 62, 200):
            table = click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit)
            assert table == command.get_short_help_str(limit), (name, limit)


def test_help_lists_every_command_with_its_short_help(run):
    out = run.ok("--help")
    for name in COMMANDS:
        assert re.search(rf"^  {name} +\S", out, flags=re.M), name


# -- without a terminal, without colours ----------------------------------------------------

def test_bare_supportlog_without_a_terminal_says_so_and_exits_2(tmp_path):
    """It used to start the UI with nobody to type: it hung until killed."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "TERM": "xterm"}
    leader, follower = pty.openpty()
    try:
        for stdin, stdout in ((subprocess.DEVNULL, subprocess.PIPE),   # supportlog < x | y
                              (follower, subprocess.PIPE),             # supportlog | less
                              (subprocess.DEVNULL, follower)):         # supportlog < /dev/null
            proc = subprocess.run([str(BIN / "supportlog")], stdin=stdin, stdout=stdout,
                                  stderr=subprocess.PIPE, env=env, timeout=30)
            assert proc.returncode == 2
            assert proc.stderr.decode() == f"supportlog: {NO_TERMINAL}\n"
    finally:
        os.close(leader)
        os.close(follower)
    assert not (tmp_path / "data").exists()  # and it made no notebook


def on_a_terminal(args: list[str], **env: str) -> bytes:
    """What `supportlog ARGS` writes to a real terminal (a pty) with ENV."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([str(BIN / "supportlog"), *args], stdout=follower,
                            stderr=follower, stdin=subprocess.DEVNULL,
                            env={**os.environ, "TERM": "xterm", **env})
    os.close(follower)
    out = b""
    try:
        while select.select([leader], [], [], 30)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the command is done
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(leader)
        assert proc.wait(timeout=30) == 0, out
    return out


@pytest.fixture(scope="module")
def coloured(tmp_path_factory) -> dict:
    """One notebook the commands below only read, and its control run, shared by the cases."""
    return {"folder": tmp_path_factory.mktemp("colours")}


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}, {"NO_COLOR": "yes"}])
def test_no_color_and_a_dumb_terminal_get_no_escape_codes(coloured, env):
    db_path = coloured["folder"] / "notebook.db"
    db = ["--db", str(db_path), "--now", NOW_ISO]
    commands = [[*db, "list"], [*db, "show", "1"], [*db, "search", "refund"], [*db, "stats"]]
    if "commands" not in coloured:   # the first case here builds it (in its own test's env)
        run = Cli(db_path)
        run.ok("new", "--company", "Acme", "--title", "Refund never came")
        run.ok("log", "1", "--channel", "chat", "--outcome", "info", "--note",
               "refund promised by Sam")
        for args in commands:  # the control: a colour terminal does get bold
            assert b"\x1b[" in on_a_terminal(args), args
        coloured["commands"] = commands
    for args in commands:
        out = on_a_terminal(args, **env)
        assert b"\x1b" not in out and b"Acme" in out, (args, out)


def test_demo_without_a_terminal_builds_the_notebook_and_says_so(tmp_path):
    demo = tmp_path / "demo.db"
    result = subprocess.run([sys.executable, "-c", "from tui.cli import main; main()", "demo",
                             "--db", str(demo)], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "needs a terminal" in result.stderr and str(demo) in result.stderr
    assert demo.exists()
