"""A real `streamlit run` on localhost and Debian's Chromium driven by Playwright (never a
downloaded browser). Screenshots land in test-output/screenshots/, the servers' logs in
test-output/e2e-logs/. The helpers tests use (App, open_app, wait_for_app, goto, upload, kpi, shot)
live in tests/e2e/helpers.py, with the rules for staying in step with Streamlit.

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

from tests.e2e.helpers import TIMEOUT_MS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
CPU_THROTTLE = float(os.environ.get("VANGUARD_E2E_CPU_THROTTLE") or 1)

# Every `expect(...)` retries this long: the first render of a page computes scores, and a slow
# or busy machine must not turn that into a failure.
expect.set_options(timeout=TIMEOUT_MS)


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
