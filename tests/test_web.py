"""`supportlog serve`: the real server in a subprocess, opened in the system's headless
Chromium through Playwright; and what it refuses before serving anything."""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.cli import cli
from tui.commands.serve import NO_EXTRA, is_local, refusal
from tui.store import Store

from conftest import NOW_ISO
from ui_fixtures import SIZE, app_factory, clock, debug_errors, seeded  # noqa: F401
from ui_fixtures import messages, open_case, settle, ui

SUPPORTLOG = str(Path(sys.executable).with_name("supportlog"))
# As the machine notes say to start it: headless, and nothing that reaches for the network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# What textual-serve writes to the page is terminal output: styles and cursor moves.
ESCAPES = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_line(proc: subprocess.Popen, needle: str, timeout: float) -> str:
    """Standard output up to the line holding `needle` (the server saying it listens)."""
    seen, deadline = "", time.monotonic() + timeout
    while needle not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or proc.poll() is not None:
            pytest.fail(f"supportlog serve did not start: {seen!r} {proc.stderr.read()!r}")
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if ready:
            seen += os.read(proc.stdout.fileno(), 4096).decode(errors="replace")
    return seen


LINK = "https://transcripts.example/chat/4242"


def supportlog(*args: str) -> str:
    proc = subprocess.run([SUPPORTLOG, "--now", NOW_ISO, *args], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.fixture
def demo_db(tmp_path) -> Path:
    """The demo notebook, and one case more whose only contact's transcript is a link."""
    path = tmp_path / "demo.db"
    supportlog("demo", "--db", str(path), "--no-ui")
    case = supportlog("--db", str(path), "new", "--company", "Acme", "--title",
                      "Weblink parcel case")
    supportlog("--db", str(path), "log", case, "--channel", "chat", "--outcome", "info",
               "--transcript", LINK)
    return path


@pytest.fixture
def server(demo_db):
    port = free_port()
    proc = subprocess.Popen([SUPPORTLOG, "--db", str(demo_db), "--now", NOW_ISO, "serve",
                             "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        said = wait_for_line(proc, "ctrl+c stops", timeout=20)
        assert f"http://127.0.0.1:{port}/" in said
        yield f"http://127.0.0.1:{port}/"
    finally:
        # The server and the app processes it started for the page: one process group.
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


class Screen:
    """What the app has sent the page so far, as text: the page draws it on a canvas, so
    the test reads the websocket frames the browser received."""

    def __init__(self, page) -> None:
        self.data = bytearray()
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        if isinstance(payload, bytes):      # text frames are the page's own (pong, links)
            self.data += payload

    def text(self, since: int = 0) -> str:
        return ESCAPES.sub("", self.data[since:].decode("utf-8", errors="replace"))

    def wait_for(self, page, *needles: str, since: int = 0, timeout: float = 20) -> str:
        """The first of `needles` the page was sent (after byte `since`), waiting up to
        `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.text(since)
            found = next((n for n in needles if n in shown), None)
            if found is not None:
                return found
            if time.monotonic() > deadline:
                pytest.fail(f"none of {needles[:3]!r}… reached the page; it shows: "
                            f"{' '.join(shown.split())[-800:]!r}")
            page.wait_for_timeout(100)


def test_the_served_app_opens_in_a_browser_and_takes_keys(server, demo_db):
    browser_path = chromium()
    if browser_path is None:
        pytest.skip("no Chromium on this machine: install it (apt-get install chromium) to "
                    "run the browser test")
    from playwright.sync_api import sync_playwright
    with Store(demo_db) as store:
        # The list cuts titles to its column: their first words are on screen whole.
        titles = [c.title[:14] for c in store.iter_cases(sort="id")]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            # The page asks a font service for its typeface; nothing leaves this machine.
            page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
            screen = Screen(page)
            page.goto(server)
            screen.wait_for(page, "need attention", timeout=30)   # the ranking is done
            screen.wait_for(page, *titles)
            assert "internal error" not in screen.text()
            page.locator(".xterm-screen").click()
            before = len(screen.data)
            assert "made progress" not in screen.text()
            page.keyboard.press("s")
            screen.wait_for(page, "made progress", since=before)

            # A case's dossier is a download in the browser (App.deliver_text)...
            home = len(screen.data)
            page.keyboard.press("Escape")
            screen.wait_for(page, "Attention", since=home)
            palette = len(screen.data)
            page.keyboard.press("Control+p")
            page.keyboard.type("Weblink")
            # The palette's hit, not the home list's row (redrawn dimmed under the palette).
            screen.wait_for(page, "Case  Weblink parcel case", since=palette)
            page.keyboard.press("Enter")
            screen.wait_for(page, "Timeline", since=palette)
            downloads, opened = [], []
            page.on("download", lambda download: downloads.append(download))
            page.context.on("request", lambda request: opened.append(request.url))
            page.keyboard.press("x")
            wait_until(page, lambda: downloads)
            assert re.fullmatch(r"case-\d+-dossier\.html", downloads[0].suggested_filename)
            dossier = Path(downloads[0].path()).read_text(encoding="utf-8")
            assert "<title>Case record: Weblink parcel case</title>" in dossier
            # ...and a transcript link opens in a tab of the browser (App.open_url), not on
            # the server.
            page.keyboard.press("t")
            wait_until(page, lambda: LINK in opened)
        finally:
            browser.close()


def wait_until(page, condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the browser never saw it")
        page.wait_for_timeout(100)


# -- what serve refuses, before it listens --------------------------------------------------

@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.0.1", "localhost", "::1", "[::1]"])
def test_loopback_hosts_are_local(host):
    assert is_local(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.org", ""])
def test_other_hosts_are_not(host):
    assert not is_local(host)


def test_a_host_other_machines_reach_is_refused_without_public(run, db_path):
    result = run("serve", "--host", "0.0.0.0")
    assert result.exit_code == 2
    assert "--host 0.0.0.0 is reachable from other machines" in result.stderr
    assert "--public" in result.stderr and result.stderr.count("\n") == 1
    assert not db_path.exists()  # refused before anything was opened


def test_public_warns_that_anyone_who_reaches_the_port_reads_the_notebook(run):
    # A port held here makes the server stop at once, after the warning.
    with socket.socket() as held:
        held.bind(("0.0.0.0", 0))
        port = held.getsockname()[1]
        result = run("serve", "--host", "0.0.0.0", "--port", str(port), "--public")
    assert "warning: serving on 0.0.0.0" in result.stderr
    assert f"anyone who reaches port {port} reads and changes your notebook" in result.stderr
    assert result.exit_code == 2
    assert f"cannot listen on 0.0.0.0 port {port}" in result.stderr


def test_a_port_in_use_is_one_line(run):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = run("serve", "--port", str(port))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"supportlog: cannot listen on 127.0.0.1 port {port}: ")
    assert "pick another --port" in result.stderr and result.stderr.count("\n") == 1


def test_without_the_web_extra_serve_says_what_to_install(tmp_path):
    # None in sys.modules makes `import textual_serve` fail as if it were not installed.
    code = ("import sys; sys.modules['textual_serve'] = None\n"
            "from tui.cli import main; main()")
    proc = subprocess.run([sys.executable, "-c", code, "--db", str(tmp_path / "nb.db"),
                           "serve"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr == f"supportlog: {NO_EXTRA}\n"
    assert "pip install 'supportlog[web]'" in proc.stderr


def test_serve_stops_at_a_notebook_it_cannot_open(run, tmp_path):
    bad = tmp_path / "not-a-notebook.db"
    bad.write_text("hello, not SQLite")
    result = run.runner.invoke(cli, ["--db", str(bad), "serve", "--port", str(free_port())])
    assert result.exit_code == 3
    assert str(bad) in result.stderr and result.stderr.count("\n") == 1


# -- the dossier in a terminal --------------------------------------------------------------

@ui
async def test_x_on_a_case_saves_the_dossier_to_downloads_never_over_a_file(
        app_factory, seeded, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    downloads = tmp_path / "home" / "Downloads"
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(app, pilot, seeded.stalled)
        for _ in range(2):
            await pilot.press("x")
            await settle(pilot)
    first = downloads / f"case-{seeded.stalled}-dossier.html"
    second = downloads / f"case-{seeded.stalled}-dossier-2.html"
    for saved in (first, second):
        assert saved.stat().st_mode & 0o777 == 0o600
        page = saved.read_text(encoding="utf-8")
        assert "<title>Case record: Package never arrived</title>" in page
        assert "112-3345" in page   # the case's reference: the whole dossier, not a stub
    assert f"Saved the dossier to {second}" in " ".join(messages(app))


def ask(url: str, headers: dict[str, str]) -> int:
    """The status of a GET to the server, with the given headers."""
    import http.client
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", parts.path or "/", headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


def test_other_sites_cannot_reach_in(server):
    """A site whose name points here (DNS rebinding) or a page of another site opening the
    websocket would read the notebook: both are refused; the page itself is served."""
    here = server.split("//")[1].rstrip("/")
    websocket = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                 "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    assert ask(server, {"Host": here}) == 200
    assert ask(server, {"Host": f"localhost:{here.split(':')[1]}"}) == 200
    assert ask(server, {"Host": f"rebound.example:{here.split(':')[1]}"}) == 403
    assert ask(server + "ws", {"Host": here, "Origin": "http://evil.example", **websocket}) == 403
    assert ask(server + "ws", {"Host": "rebound.example", **websocket}) == 403


@pytest.mark.parametrize(("host", "origin", "public", "refused"), [
    ("127.0.0.1:8000", None, False, False),
    ("127.0.0.1:8000", "http://127.0.0.1:8000", False, False),
    ("[::1]:8000", "http://[::1]:8000", False, False),
    ("evil.example:8000", None, False, True),
    ("evil.example:8000", None, True, False),        # --public: any name that reaches it
    ("127.0.0.1:8000", "http://evil.example", False, True),
    ("203.0.113.5:8000", "http://evil.example", True, True),
])
def test_refusal(host, origin, public, refused):
    assert (refusal(host, origin, public) is not None) is refused
