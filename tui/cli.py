"""The command line: bare `supportlog` opens the app; subcommands are headless.

Exit codes: 0 ok; 1 stalled cases found (advice --fail-on-stall); 2 bad input or usage;
3 a problem with the notebook file. Errors are one line on stderr, never a traceback.

Only click is imported up front: each subcommand's module (and the store or the advice it
needs) is imported when that command runs, so `--version`, `--help` and `where` start fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING

import click

from . import __version__
from .commands import COMMANDS

if TYPE_CHECKING:  # pathlib comes with the store: --version and --help do without it
    from pathlib import Path

NO_TERMINAL = ("the app needs a terminal; run a subcommand (supportlog --help) or start "
               "supportlog from a terminal")


def plain_output() -> bool:
    """Whether the user asked for no escape codes (NO_COLOR set, or a dumb terminal)."""
    return bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"


def has_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _one_line(exc: Exception, ctx: click.Context):
    """An error a command let through as the one-line Failure people and scripts see, or
    None when it is none of the kinds we know."""
    from .commands.env import Env
    from .commands.output import EXIT_FILE, EXIT_INPUT, Failure
    from .store import NotFound, StoreError, ValidationError
    from .store.opening import translate
    # A config error can only come from the advice's playbook once it is loaded: looking it
    # up rather than importing it keeps the advice out of commands that do not advise.
    playbook = sys.modules.get(f"{__package__}.advice.playbook")
    config_error = (playbook.ConfigError,) if playbook else ()
    if isinstance(exc, (ValidationError, NotFound, *config_error)):
        return Failure(str(exc), EXIT_INPUT)
    if isinstance(exc, StoreError):
        return Failure(str(exc), EXIT_FILE)
    # Looked up for the same reason: an error can be SQLite's only once SQLite is loaded.
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is not None and isinstance(exc, sqlite3.Error):
        path = ctx.obj.db_path if isinstance(ctx.obj, Env) else "the notebook"
        return Failure(str(translate(exc, path)), EXIT_FILE)
    if isinstance(exc, OSError):
        # The notebook's own OS errors arrive as StoreError; this one is about the file it
        # names (a transcript, an output) or, naming none, the output being written.
        return Failure(str(translate(exc, exc.filename or "the output")), EXIT_FILE)
    return None


class Group(click.Group):
    """Imports a subcommand's module only when it runs (the LazyGroup of click's docs) and
    turns every store, file and unexpected error into one line and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module = importlib.import_module(f".commands.{COMMANDS[cmd_name][0]}", __package__)
            for command in module.COMMANDS:
                self.add_command(command)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The table's short help, cut as click would cut it: --help imports no command.
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = [(name, (self.commands.get(name) or click.Command(name, help=COMMANDS[name][1]))
                 .get_short_help_str(limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # `supportlog list | head`: the reader has what it wanted. Nothing to say, and
            # stdout pointed at /dev/null so the interpreter's final flush is quiet too.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(0) from None
        except Exception as exc:  # noqa: BLE001 - last line of defence: no tracebacks
            failure = _one_line(exc, ctx)
            if failure is not None:
                raise failure from None
            if os.environ.get("SUPPORTLOG_DEBUG"):
                raise
            from .commands.output import EXIT_FILE, Failure
            raise Failure(f"internal error ({type(exc).__name__}: {exc}); run with "
                          "SUPPORTLOG_DEBUG=1 for details and please report it", EXIT_FILE
                          ) from None
        finally:
            from .commands.env import Env   # here, not up front: --help loads no command module
            if isinstance(ctx.obj, Env):
                ctx.obj.close()


def _check_notebook(path: Path) -> None:
    """Report a notebook the app could not open as the app would, without creating one."""
    from .store import Store
    from .store.opening import check_file
    from .store.paths import data_dir
    if check_file(path) is None and not path.parent.exists() and path.parent != data_dir():
        Store(path, create=True)  # refuses a missing folder before it creates anything


@click.group(cls=Group, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="PATH", envvar="SUPPORTLOG_DB",
              help="Notebook file (default: the platform's data folder; env SUPPORTLOG_DB).")
@click.option("--now", metavar="ISO", envvar="SUPPORTLOG_NOW",
              help="Fix the clock (for advice and tests; env SUPPORTLOG_NOW).")
@click.version_option(__version__, prog_name="supportlog")
@click.pass_context
def cli(ctx: click.Context, db: str | None, now: str | None) -> None:
    """supportlog: a terminal notebook for dealing with customer service.

    Run it bare to open the notebook; the subcommands work headless."""
    if plain_output():
        ctx.color = False  # click.echo then strips every style, here and in subcommands
    from .commands.env import Env
    ctx.obj = Env(db, now)
    if ctx.invoked_subcommand is None:
        if not has_terminal():
            # Without a terminal the UI would wait forever for keys no one can type.
            _check_notebook(ctx.obj.db_path)
            from .commands.output import EXIT_INPUT, Failure
            raise Failure(NO_TERMINAL, EXIT_INPUT)
        from .app import run_app  # Textual is imported only when the UI is wanted
        run_app(ctx.obj.db_path, now=ctx.obj.fixed_now)


def main() -> None:
    cli(prog_name="supportlog")


if __name__ == "__main__":
    main()
