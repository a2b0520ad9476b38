"""What the browser tests are built from: a real `streamlit run` on localhost (`App`), and the
ways to act on it and wait for it.

How a test stays in step with Streamlit — read this before writing one:

* `wait_for_app(page)` waits on the app's own state, the attributes Streamlit puts on its root
  element `[data-testid='stApp']` (the same ones Streamlit's own e2e suite waits on, see
  e2e_playwright/shared/app_utils.py `wait_for_app_run`): `data-test-connection-state` becomes
  `CONNECTED`, then `data-test-script-state` is exactly `notRunning`. Straight after `page.goto`
  it reads `initial` (no run has started yet), during a run `running`; so after a `goto` this
  wait cannot return before the first run has drawn everything.
* After a click, a key press or an upload it is different: the state still reads `notRunning`
  for a moment before the rerun starts, and a wait on the state alone cannot tell "not started
  yet" from "finished". So after every action the test first waits, with `expect(...)`, for a
  *changed, positive* outcome that only the new run can produce (a new page title, the "loaded as
  #2" message, a KPI's new value) and only then calls `wait_for_app` / `expect_settled`, which from
  that point means "this run has finished". Absences (no exception) are asserted only after such
  an anchor, never on their own: an absence is trivially true before the run has begun.
* Never `time.sleep` or `page.wait_for_timeout` to synchronise, and never snapshot a count
  (`locator.count() == n`): use `expect(locator).to_have_count(n)` / `to_have_text(...)`, which
  retry until they hold or time out.
* The default timeout (`TIMEOUT_MS`, 60 s, `VANGUARD_E2E_TIMEOUT` seconds to change it) is
  generous on purpose: the first render of a page computes scores and a busy CI machine is slow.
  A green run is not slower for it: auto-waiting returns as soon as the condition holds.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Download, Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
SHOTS = OUTPUT / "screenshots"
LOGS = OUTPUT / "e2e-logs"

TIMEOUT_MS = int(float(os.environ.get("VANGUARD_E2E_TIMEOUT", "60")) * 1000)
"""How long any wait or `expect` may take before the test fails."""

STARTUP_SECONDS = 90
"""How long `streamlit run` may take to answer its health check (importing pandas and plotly on
a loaded machine is slow)."""

APP = "[data-testid='stApp']"
EXCEPTION = "[data-testid='stException']"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    """`streamlit run dashboard/server.py` (the sign-in route in front of dashboard/app.py) on a free
    localhost port, against the database at `db_path`; `demo` sets VANGUARD_DEMO (the demo banner);
    `accounts` makes one account per role to sign in with (`sign_in`); `script` runs another app file
    instead (the page benchmark's bare-Streamlit floor). The server's output goes to
    test-output/e2e-logs/streamlit-<port>.log so a failing test can be diagnosed (the e2e conftest
    adds its tail, and the server's Python stacks, to a failure's report); it is ready when
    /_stcore/health answers. Call `stop()` when done (fixtures do it in their teardown)."""

    def __init__(
        self,
        db_path: Path,
        demo: bool = False,
        script: Path = ROOT / "dashboard" / "server.py",
        accounts: bool = False,
    ):
        self.db_path = Path(db_path)
        # One account per role (names e2e-<role>, fresh random passwords), made before the server
        # starts; sign_in() uses them. Without accounts the app runs in its local mode (no sign-in).
        self.accounts = _e2e_accounts(self.db_path) if accounts else {}
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log = LOGS / f"streamlit-{self.port}.log"
        env = {**os.environ, "VANGUARD_DB": str(db_path), "VANGUARD_DEMO": "1" if demo else "0"}
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.e2e.serve",
                    "run",
                    str(script),
                    "--server.address",
                    "127.0.0.1",
                    "--server.port",
                    str(self.port),
                    "--server.headless",
                    "true",
                    "--browser.gatherUsageStats",
                    "false",
                ],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self) -> None:
        # The one polling loop that synchronises a browser test: it waits for a server process to
        # listen, which nothing in the browser can tell us. Each attempt has its own 2 s timeout.
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(
            f"streamlit did not answer {self.url}/_stcore/health within {STARTUP_SECONDS} s:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def dump_stacks(self, wait: float = 5) -> str:
        """Every thread's Python stack in the running server (tests/e2e/serve.py writes them to
        the log on SIGUSR1): what a script run that never ends is doing. Failure diagnostics only;
        the short poll waits for another process to write its log, not for the app."""
        if self.proc.poll() is not None:
            return f"(the server has exited with {self.proc.returncode})"
        size = self.log.stat().st_size
        os.kill(self.proc.pid, signal.SIGUSR1)
        deadline = time.monotonic() + wait
        text = previous = ""
        while time.monotonic() < deadline:
            time.sleep(0.2)
            with open(self.log, "rb") as f:
                f.seek(size)
                text = f.read().decode(errors="replace")
            if "Thread 0x" in text and text == previous:  # written, and no longer growing
                break
            previous = text
        return text or "(no stacks written)"

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def _e2e_accounts(db_path: Path) -> dict[str, tuple[str, str]]:
    """{role: (username, password)}: e2e-secretary and e2e-leadership of every branch in the database,
    e2e-district; made, or given a new password when a run before made them (a benchmark's database)."""
    import secrets

    from etl import accounts
    from etl.db import Database
    from etl.errors import AccountRefused

    db = Database(db_path)
    db.init()
    with db.connect() as con:
        branches = [r[0] for r in con.execute("SELECT name FROM branches ORDER BY name").fetchall()]
    made = {}
    for role in ("secretary", "leadership", "district"):
        username, password = f"e2e-{role}", secrets.token_urlsafe(12)
        try:
            accounts.add_user(db, username, password, role, [] if role == "district" else branches, by="e2e")
        except AccountRefused:  # taken: this name was made by an earlier run
            accounts.set_password(db, username, password, by="e2e")
        made[role] = (username, password)
    spare = ("e2e-spare", secrets.token_urlsafe(12))  # a leader a test may lock out or disable
    try:
        accounts.add_user(db, *spare, "leadership", branches, by="e2e")
    except AccountRefused:
        accounts.set_password(db, *spare, by="e2e")
    made["spare"] = spare
    return made


def sign_in(page: Page, app: App, role: str = "secretary", path: str = "/") -> None:
    """What a person does with a link while signed out: open it, land on the sign-in form, sign in
    as `role`, and come back to the link's page, drawn. The one way browser tests and the page
    benchmark sign in."""
    from dashboard import strings as S

    username, password = app.accounts[role]
    page.goto(app.url + path)
    expect(page.get_by_role("heading", name=re.compile(S.SIGNIN_TITLE))).to_be_visible()
    page.get_by_label(S.SIGNIN_USERNAME).fill(username)
    page.get_by_label(S.SIGNIN_PASSWORD).fill(password)
    page.get_by_role("button", name=S.SIGNIN_SUBMIT).click()
    expect(page.locator(APP)).to_be_attached()  # the app's page, not the form: the anchor of this action
    expect_settled(page)


def session_cookies(app: App, role: str = "secretary") -> list[dict]:
    """Sign in as `role` through the same /signin form over plain HTTP, and return the session
    cookie for `BrowserContext.add_cookies`: a browser context that starts signed in without having
    loaded the app yet (the page benchmark's first view with a cold browser cache)."""
    import http.cookiejar
    import urllib.parse

    from dashboard import session_cookie

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{app.url}/signin", timeout=30).read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    username, password = app.accounts[role]
    body = urllib.parse.urlencode({"username": username, "password": password, "csrf": csrf, "next": "/"})
    opener.open(f"{app.url}/signin", data=body.encode(), timeout=30).read()  # follows the redirect to /
    found = [c for c in jar if c.name == session_cookie.COOKIE]
    assert found, "signing in over HTTP set no session cookie"
    return [{"name": c.name, "value": c.value, "url": app.url} for c in found]


def wait_for_app(page: Page, timeout: float | None = None) -> None:
    """Wait until the browser is connected to the server and no script run is going on.

    Reliable on its own only straight after `page.goto` (the state reads `initial` until the first
    run has started). After an action, call it only once an `expect` has seen the action's outcome:
    until the rerun has started the state still reads `notRunning` from the previous run."""
    app = page.locator(APP)
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=timeout)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)


def open_app(page: Page, url: str) -> None:
    """Load the app, wait for its first run to finish (see `wait_for_app`) and check it raised
    nothing. Here the state itself is the anchor: it reads `initial` until a run has started."""
    page.goto(url)
    expect_settled(page)


def expect_settled(page: Page) -> None:
    """The run is over and it raised nothing. Call it after a positive anchor (see module docs);
    on its own the absence of an exception proves nothing.

    The absence is checked with a short timeout: once the run is over nothing removes an exception,
    so waiting longer could not change the verdict; a failure shows the exception's text."""
    wait_for_app(page)
    exceptions = page.locator(EXCEPTION)
    try:
        expect(exceptions).to_have_count(0, timeout=5_000)
    except AssertionError:
        raise AssertionError(f"the app raised an exception:\n{exceptions.first.inner_text()}") from None


def title(page: Page) -> Locator:
    """The page's `st.title` (the sidebar's app name is an h3, the first h1 is the page's)."""
    return page.locator("h1").first


def goto(page: Page, name: str) -> None:
    """Click the navigation link `name` and wait until that page has been drawn completely.

    The anchor is the page title changing to `name`; so this must be called from another page
    (asserted), otherwise the anchor would hold before the click and prove nothing."""
    expect(title(page)).not_to_have_text(name)
    page.get_by_role("link", name=name, exact=True).click()
    expect(title(page)).to_have_text(name)
    expect_settled(page)


def upload(page: Page, *paths: Path) -> None:
    """Hand files to the upload page's file uploader and wait until the uploader lists each of them.

    That is the browser's side only: the rerun that checks the files comes after, so the caller
    must then `expect` what the check reports (e.g. "检查通过") before `expect_settled`."""
    chips = page.locator("[data-testid='stFileChipName']")
    before = chips.count()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files([str(p) for p in paths])
    # Counted, not looked up by name: the uploader shortens a long file name in the middle
    # (城南实验小学党…2025-Q1.zip), so a chip's text is not always the file's name.
    expect(chips).to_have_count(before + len(paths))


def download_of(page: Page, menu: Locator, kind: str | None = None) -> Download:
    """Open a chart's or table's 下载数据 menu (`menu`, a locator of that button) and download its
    file of `kind` (default: the Excel one); the download, to `save_as`."""
    from dashboard import strings as S

    menu.click()
    body = page.get_by_test_id("stPopoverBody")
    with page.expect_download() as caught:
        body.get_by_role("button", name=kind or S.DOWNLOAD_XLSX).click()
    page.keyboard.press("Escape")  # close the menu again, as a reader would
    expect(body).to_have_count(0)
    return caught.value


def download_menus(scope: Page | Locator) -> Locator:
    """Every 下载数据 button in `scope`, in page order."""
    from dashboard import strings as S

    return scope.get_by_role("button", name=S.DOWNLOAD)


def kpi(page: Page, label: str) -> Locator:
    """The value of the KPI card labelled exactly `label`, as a locator to `expect` on
    (`expect(kpi(page, ...)).to_have_text("66.7%")`); `.inner_text()` only once the page is settled."""
    card = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']").filter(has_text=re.compile(f"^{re.escape(label)}$"))
    )
    return card.locator("[data-testid='stMetricValue']")


def expect_drawn(page: Page) -> None:
    """Everything the browser draws after the script has finished has been drawn: lazily loaded
    elements have replaced their skeletons, every plotly chart has its SVG, and the fonts
    (Noto CJK) are loaded. What a screenshot needs, beyond `expect_settled`."""
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0)
    expect(page.locator("[data-testid='stPlotlyChart']:not(:has(.main-svg))")).to_have_count(0)
    page.evaluate("document.fonts.ready.then(() => true)")


def _next_frame(page: Page) -> None:
    """Two animation frames: what the browser needs to lay out and paint after a resize."""
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")


def shot(page: Page, name: str, max_height: int = 8000) -> Path:
    """A screenshot of the whole page in test-output/screenshots/{name}.png, once it has been drawn
    (see `expect_drawn`); animations are stopped so the picture is the final state.

    Streamlit scrolls inside its main container, not the document, so Playwright's `full_page`
    alone stops at the window's height: the window is made as tall as the content for the
    picture (Streamlit does not rerun on a resize) and restored afterwards."""
    expect_drawn(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    viewport = page.viewport_size
    content = page.evaluate("""() => {
        const main = document.querySelector("[data-testid='stMain']");
        return Math.max(main ? main.scrollHeight : 0, document.documentElement.scrollHeight);
    }""")
    tall = viewport is not None and content > viewport["height"]
    if tall:
        page.set_viewport_size({"width": viewport["width"], "height": min(content, max_height)})
        _next_frame(page)
        expect_drawn(page)
    try:
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        if tall:
            page.set_viewport_size(viewport)
            _next_frame(page)
    return path
