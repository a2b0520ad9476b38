"""A real `streamlit run` on localhost and Debian's Chromium driven by Playwright (never a
downloaded browser). Screenshots land in test-output/screenshots/, the servers' logs in
test-output/e2e-logs/. The helpers tests use (App, open_app, wait_for_app, expect_settled, goto,
upload, kpi, shot) live in tests/e2e/helpers.py, with the rules for staying in step with Streamlit.

Environment knobs, all off by default:
  VANGUARD_E2E_TIMEOUT=<seconds>       timeout of every wait and expect (default 60)
  VANGUARD_E2E_CPU_THROTTLE=<rate>     slow Chromium's CPU down <rate> times (CDP), to reproduce a
                                       slow machine, e.g. 4
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from etl.db import Database
from tests.e2e.helpers import APP, EXCEPTION, SHOTS, TIMEOUT_MS, App

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CPU_THROTTLE = float(os.environ.get("VANGUARD_E2E_CPU_THROTTLE") or 1)
TEST_TIMEOUT = 900
"""pytest-timeout's ceiling for one browser test (the project's default, 300 s, is for unit tests):
a test is a dozen page runs, each of which may take a while on a loaded machine."""

# Every `expect(...)` retries this long: the first render of a page computes scores, and a slow
# or busy machine must not turn that into a failure.
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (own cookies, own Streamlit session) with a wide window and a
    Chinese locale; actions (click, fill, goto) get the same generous timeout as `expect`.
    With VANGUARD_E2E_CPU_THROTTLE set, Chromium's CPU is slowed down through CDP."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    pg = context.new_page()
    if CPU_THROTTLE > 1:
        cdp = context.new_cdp_session(pg)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_THROTTLE})
    yield pg
    context.close()


@pytest.fixture
def fresh_app(tmp_path):
    """The app on a new, empty database of its own (tmp_path/app.duckdb). A fixture rather than a
    try/finally in the test so the server is still running when a failure is reported (see
    pytest_runtest_makereport)."""
    db = Database(tmp_path / "app.duckdb")
    db.init()
    app = App(db.path)
    yield app
    app.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, say what the app was doing: a screenshot of the page as it was
    (test-output/screenshots/FAILED-<test>.png), the app's state attributes, any exception the
    page shows, and for each app the test used the Python stacks of its server and its log's tail.
    That tells a slow or stuck script run (state `running`, a stack in a query) or a broken app
    (an exception) from a test that waited for the wrong thing."""
    report = yield
    if report.when != "call" or not report.failed:
        return report
    page = item.funcargs.get("page")
    if page is not None and not page.is_closed():
        try:
            SHOTS.mkdir(parents=True, exist_ok=True)
            name = item.name.replace("/", "_").replace("[", "-").replace("]", "")
            page.screenshot(path=str(SHOTS / f"FAILED-{name}.png"), full_page=True, timeout=10_000)
            root = page.locator(APP)
            state = (
                {
                    a: root.get_attribute(a, timeout=2_000)
                    for a in ("data-test-connection-state", "data-test-script-state")
                }
                if root.count()
                else {}
            )
            shown = page.locator(EXCEPTION).all_inner_texts()
            report.sections.append(
                (
                    "browser",
                    f"url: {page.url}\nstApp: {state}\nexceptions on the page:\n" + ("\n\n".join(shown) or "(none)"),
                )
            )
        except Exception as exc:  # diagnostics must never hide the failure itself
            report.sections.append(("browser", f"(could not inspect the page: {exc!r})"))
    for app in {id(v): v for v in item.funcargs.values() if isinstance(v, App)}.values():
        try:
            tail = app.log_tail()  # before the stacks are appended to the log
            report.sections.append((f"streamlit :{app.port} log ({app.log})", tail))
            report.sections.append((f"streamlit :{app.port} stacks", app.dump_stacks()))
        except Exception as exc:
            report.sections.append((f"streamlit :{app.port}", f"(could not inspect the server: {exc!r})"))
    return report


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """The demo branch's year in a database of its own, served by one app for a whole test module,
    with one account per role (tests sign in with helpers.sign_in)."""
    from etl import demo

    folder = tmp_path_factory.mktemp("e2e-demo")
    db = Database(folder / "demo.duckdb")
    demo.build(db, files_dir=folder / "files")
    app = App(db.path, demo=True, accounts=True)
    yield app
    app.stop()
