"""`supportlog serve`: the app in a browser, through textual-serve (the optional `web` extra).

Each browser tab that connects gets its own app process: this same supportlog, on the same
notebook (--db) and config, started by `run_served` below with Textual's web driver.
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from pathlib import Path

import click

from .output import EXIT_FILE, EXIT_INPUT, Failure, clean

NO_EXTRA = "serving in a browser needs the web extra: pip install 'supportlog[web]'"
PUBLIC_WARNING = ("supportlog: warning: serving on {host}, not only on this machine: anyone "
                  "who reaches port {port} reads and changes your notebook, unencrypted")
# The app process a browser tab talks to; its arguments are the notebook and the clock.
SERVED_CODE = "from tui.commands.serve import run_served; run_served()"


def is_local(host: str) -> bool:
    """Whether `host` names this machine only (a loopback address, or localhost)."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def served_command(db_path: Path, now: str | None) -> str:
    """The shell command textual-serve runs for each browser tab (it takes one string)."""
    argv = [sys.executable, "-c", SERVED_CODE, str(db_path.absolute())]
    return shlex.join(argv + ([now] if now else []))


def run_served(argv: list[str] | None = None) -> None:
    """The app under textual-serve: stdin and stdout are its pipes, not a terminal, so this
    skips the CLI's terminal check; a notebook that cannot be opened is one line."""
    from ..app import run_app
    from ..store import StoreError
    from ..store.times import from_iso
    args = sys.argv[1:] if argv is None else argv
    now = from_iso(args[1]) if len(args) > 1 else None
    try:
        run_app(Path(args[0]), now=now)
    except StoreError as exc:
        print(f"supportlog: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_FILE) from None


def refusal(host_header: str, origin: str | None, public: bool) -> str | None:
    """Why a request is refused, or None: without --public only a name of this machine may
    be asked for (a site whose name points here, DNS rebinding, may not), and a page of
    another site may not open the app's websocket (it would read the notebook)."""
    from urllib.parse import urlsplit
    asked = urlsplit(f"//{host_header}").hostname or ""
    if not public and not is_local(asked):
        return f"supportlog serves this machine only, not {asked!r}"
    if origin and urlsplit(origin).netloc.lower() != host_header.lower():
        return "a page of another site may not open supportlog"
    return None


def _server_class():
    from textual_serve.server import Server

    class NotebookServer(Server):
        """textual-serve, saying what it serves in one line and pointing the page back at
        the address the browser used (behind --public, 0.0.0.0 is no address to connect to)."""

        def __init__(self, command: str, *, host: str, port: int, notebook: Path,
                     public: bool) -> None:
            super().__init__(command, host=host, port=port, title="supportlog")
            self.notebook, self.public = notebook, public

        async def _make_app(self):
            from aiohttp import web

            @web.middleware
            async def guard(request, handler):
                why = refusal(request.host, request.headers.get("Origin"), self.public)
                if why:
                    raise web.HTTPForbidden(text=why)
                return await handler(request)
            app = await super()._make_app()
            app.middlewares.append(guard)
            return app

        def initialize_logging(self) -> None:
            import logging
            logging.basicConfig(level="WARNING", format="supportlog serve: %(message)s")

        async def on_startup(self, app) -> None:
            pass    # said once listening (below), not before the port is known to be free

        def serve(self, debug: bool = False) -> None:
            """Server.serve on a loop of its own, saying where once it listens."""
            import asyncio
            import signal

            from aiohttp import web
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, self.request_exit)
            said = f"supportlog: serving {clean(self.notebook)} on {self.public_url}/ " \
                "(ctrl+c stops)"
            try:
                web.run_app(self._make_app(), host=self.host, port=self.port,
                            handle_signals=False, loop=loop,
                            print=lambda *_: click.echo(said))
            finally:
                loop.close()

        async def handle_index(self, request):
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

    return NotebookServer


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; one not on this machine needs --public.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--public", is_flag=True, help="Allow a --host other machines reach: anyone "
              "who reaches the port can read and change the notebook.")
@click.pass_obj
def serve(env, host, port, public):
    """Open the notebook in a browser: the app served on http://127.0.0.1:8000 (needs the
    web extra, pip install 'supportlog[web]')."""
    try:
        server_class = _server_class()
    except ImportError:
        raise Failure(NO_EXTRA, EXIT_INPUT) from None
    if not is_local(host) and not public:
        raise Failure(f"--host {clean(host)} is reachable from other machines, and anyone who "
                      "reaches it reads your notebook; serve on 127.0.0.1, or pass --public "
                      "to mean it", EXIT_INPUT)
    if not is_local(host):
        click.echo(PUBLIC_WARNING.format(host=clean(host), port=port), err=True)
    env.store(create=True)      # a notebook that cannot be opened is said here, once
    env.close()                 # each tab's app opens its own
    now = env.fixed_now.isoformat() if env.fixed_now else None
    host = host.strip("[]")     # an IPv6 address as a URL writes it
    server = server_class(served_command(env.db_path, now), host=host, port=port,
                          notebook=env.db_path, public=public)
    if ":" in host:
        server.public_url = f"http://[{host}]:{port}"
    try:
        server.serve()
    except OSError as exc:
        raise Failure(f"cannot listen on {clean(host)} port {port}: "
                      f"{exc.strerror or exc}; pick another --port", EXIT_INPUT) from None


COMMANDS = [serve]
