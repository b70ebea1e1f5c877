"""The command line: bare `supportlog` opens the app; subcommands are headless.

Exit codes: 0 ok; 1 stalled cases found (advice --fail-on-stall); 2 bad input or usage;
3 a problem with the notebook file. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

import click

from . import __version__
from .advice.playbook import ConfigError
from .store import NotFound, Store, StoreError, ValidationError
from .store.db import translate
from .store.paths import config_path, resolve_db_path
from .store.validate import now_utc, parse_when
from .commands.output import EXIT_FILE, EXIT_INPUT, EXIT_STALLED, Failure  # noqa: F401

class Env:
    """What every command shares: the notebook path, the clock, the open store."""

    def __init__(self, db: str | None, now: str | None):
        self.db_path = resolve_db_path(db)
        self.fixed_now: datetime | None = None
        if now:
            try:
                self.fixed_now = datetime.fromisoformat(parse_when("--now", now).replace(
                    "Z", "+00:00"))
            except ValidationError as exc:
                raise Failure(str(exc), EXIT_INPUT) from None
        self._store: Store | None = None

    @property
    def config_path(self) -> Path:
        return config_path()

    def now(self) -> datetime:
        return self.fixed_now or now_utc()

    def store(self, create: bool = False) -> Store:
        """The notebook; read-only commands pass create=False and never make a file."""
        if self._store is None:
            self._store = Store(self.db_path, create=create,
                                clock=(lambda: self.fixed_now) if self.fixed_now else None)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


class Group(click.Group):
    """Turns every store, file and unexpected error into one line and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (ValidationError, NotFound, ConfigError) as exc:
            raise Failure(str(exc), EXIT_INPUT) from None
        except StoreError as exc:
            raise Failure(str(exc), EXIT_FILE) from None
        except BrokenPipeError:
            # `supportlog list | head`: the reader has what it wanted. Nothing to say, and
            # stdout pointed at /dev/null so the interpreter's final flush is quiet too.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(0) from None
        except sqlite3.Error as exc:
            path = ctx.obj.db_path if isinstance(ctx.obj, Env) else "the notebook"
            raise Failure(str(translate(exc, path)), EXIT_FILE) from None
        except OSError as exc:
            # The notebook's own OS errors arrive as StoreError; this one is about the file it
            # names (a transcript, an output) or, naming none, the output being written.
            raise Failure(str(translate(exc, exc.filename or "the output")), EXIT_FILE) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - last line of defence: no tracebacks
            if os.environ.get("SUPPORTLOG_DEBUG"):
                raise
            raise Failure(f"internal error ({type(exc).__name__}: {exc}); run with "
                          "SUPPORTLOG_DEBUG=1 for details and please report it", EXIT_FILE
                          ) from None
        finally:
            if isinstance(ctx.obj, Env):
                ctx.obj.close()


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
    ctx.obj = Env(db, now)
    if ctx.invoked_subcommand is None:
        from .app import run_app  # Textual is imported only when the UI is wanted
        run_app(ctx.obj.db_path, now=ctx.obj.fixed_now)


def register() -> None:
    from .commands import advice, cases, contacts, files, json_schema, stats
    for module in (cases, contacts, files, advice, stats, json_schema):
        for command in module.COMMANDS:
            cli.add_command(command)


register()


def main() -> None:
    cli(prog_name="supportlog")


if __name__ == "__main__":
    main()
