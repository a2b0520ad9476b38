"""Page interactions in a real Chromium against a real `streamlit run`, timed from the click until
the app's run for it is over and until its charts are drawn, against the same interactions on a
bare Streamlit app (bench/floor_app.py) in the same run. Appends a section to bench/results.md and prints it. Not a test:
`make bench`, or

    .venv/bin/python bench/bench_pages.py [--db PATH] [--repeats N] [--label TEXT]

Without --db it builds the one-branch demo database in a temporary folder (`etl.demo.build`); with
--db it runs against that database (e.g. a large district one) as the dashboard would, on the
branch the sidebar picks by default.

What is measured:

* the first view of the default page (总览) on a freshly started server (once: one server start);
* a new browser session's first view of 总览 on a server that has served a session, once per round,
  and a second tab's (a new Streamlit session whose browser cache already holds the app's scripts:
  a returning reader);
* per round, in that session: opening every page in the navigation, then every page again, then on
  总览 switching the sidebar's 统计粒度 radio to 季度, 年 and 月. A page's first visit in a tab costs
  the browser more than a return to it (its code paths compiled, its charts' kinds and glyphs drawn
  for the first time in that tab: every round is a new browser context), so both are reported.

How it waits: exactly as the browser tests do (tests/e2e/helpers.py), never with a sleep or a quiet
interval. A first view is `open_app` (the run state reads `initial` until the first run has
started, `notRunning` once it is over) and then its title; a page is `goto` (the click, the h1
becoming the page's title, then `expect_settled`); a grain switch is the click, the sidebar's 统计期
showing a period of the new grain (a value only the rerun sets: the old period is no longer an
option), then `expect_settled`.

How it times: Playwright's `expect` retries with a back-off that ends at one look every 500 ms, so
the moment it returns can be up to half a second after the condition held. The page itself
therefore records the times (an init script): a capturing `pointerdown` listener for the click; a
MutationObserver on stApp's `data-test-script-state` for the moment it last turned `notRunning`, and
on the document for the moment the last chart's SVG (`.main-svg`) was inserted; a listener on the
app's WebSocket for the moment the page handled the server's last message (a run quick enough to be
drawn in one batch never shows `running`, so there that message, the run's end, is the measure).
They are read once the helpers and then `expect_drawn` have returned, i.e. once the run is known to
be over and every chart drawn. A first view counts from the navigation's start (`performance.now()`'s origin).
Before each click the bench waits, untimed, for the browser to finish drawing the previous state
(`expect_drawn`: no skeletons, every plotly chart has its SVG), or the click itself would wait for
the main thread and the previous interaction's drawing would be counted in this one.
The table's last column is the same interaction timed in Python around the helper call, for
comparison.

Waits time out after VANGUARD_E2E_TIMEOUT seconds (default 60): raise it for a database whose first
view computes for longer."""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright  # noqa: E402

from dashboard import strings as S  # noqa: E402
from etl import demo  # noqa: E402
from etl.db import Database, statement  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.helpers import (  # noqa: E402
    APP,
    TIMEOUT_MS,
    App,
    expect_drawn,
    expect_settled,
    goto,
    open_app,
    session_cookies,
    title,
)

PAGES = [
    S.PAGE_INDEX,
    S.PAGE_STARS,
    S.PAGE_ORGLIFE,
    S.PAGE_STUDY,
    S.PAGE_MEMBER,
    S.PAGE_GLOSSARY,
    S.PAGE_UPLOAD,
    S.PAGE_OVERVIEW,
]
GRAINS = ["quarter", "year", "month"]  # from the default, 月, and back to it
PERIOD_SHAPES = {  # what the 统计期 box shows for each grain (dashboard/state.py, etl/scoring/period.py)
    "month": re.compile(r"^\d{4}年\d{1,2}月$"),  # the picker shows periods as a reader says them
    "quarter": re.compile(r"^\d{4}年第[一二三四]季度$"),
    "year": re.compile(r"^\d{4}年$"),
}
RESULTS = ROOT / "bench" / "results.md"
LOAD_AT_START = os.getloadavg()[0]
FIRST_VIEW = f"first view of {S.PAGE_OVERVIEW}, new session, warm server"
FIRST_VIEW_CACHED = f"first view of {S.PAGE_OVERVIEW}, new session, browser cache warm"

# Runs in every document before Streamlit's scripts: records when a click starts (once armed) and
# every time the app's run state turns `notRunning`. It only observes; the waiting is the helpers'.
MARKS = """(() => {
  const marks = { armed: false, armedAt: 0, start: null, end: null, message: null, drawn: null };
  window.__benchMarks = marks;
  document.addEventListener("pointerdown", () => {
    if (marks.armed) { marks.armed = false; marks.start = performance.now(); }
  }, true);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => { marks.message = performance.now(); });
    }
  };
  new MutationObserver((records) => {
    const now = performance.now();
    for (const r of records) {
      if (r.type === "attributes" && r.attributeName === "data-test-script-state") {
        if (r.target.matches(__APP__) && r.oldValue !== "notRunning"
            && r.target.getAttribute("data-test-script-state") === "notRunning") marks.end = now;
        continue;
      }
      for (const added of r.addedNodes) {  // plotly inserts a chart's SVG once, when it first draws it
        if (added.nodeType === 1 && (added.matches(".main-svg") || added.querySelector(".main-svg"))) {
          marks.drawn = now;
        }
      }
    }
  }).observe(document, {
    subtree: true, childList: true, attributes: true, attributeOldValue: true, attributeFilter: ["data-test-script-state"],
  });
})();""".replace("__APP__", json.dumps(APP))
ARM = (
    "() => { const m = window.__benchMarks; m.armed = true; m.start = null; m.end = null; m.message = null;"
    " m.drawn = null; m.armedAt = performance.now(); }"
)
READ = "() => { const m = window.__benchMarks; return [m.start ?? m.armedAt, m.end, m.message, m.drawn]; }"

expect.set_options(timeout=TIMEOUT_MS)


def new_session(browser: Browser, app: App | None = None) -> tuple[BrowserContext, Page]:
    """A fresh browser context (own cookies, own Streamlit session), as the tests' `page` fixture,
    signed in as a secretary when the app has accounts (over HTTP, so the app is not loaded yet)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    if app is not None and app.accounts:
        context.add_cookies(session_cookies(app))
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_init_script(MARKS)
    return context, context.new_page()


def first_view(page: Page, url: str) -> None:
    open_app(page, url)
    expect(title(page)).to_have_text(S.PAGE_OVERVIEW)  # the default page


def switch_grain(page: Page, grain: str) -> None:
    """Click the sidebar's 统计粒度 option for `grain` and wait until the rerun is over. The anchor
    is the 统计期 box showing a period of that grain, which must not hold before the click."""
    period = page.get_by_role("combobox", name=S.PERIOD)
    expect(period).not_to_have_value(PERIOD_SHAPES[grain])
    (
        page.get_by_test_id("stSidebar")
        .get_by_role("radiogroup", name=S.GRAIN)
        .get_by_test_id("stRadioOption")
        .filter(has_text=re.compile(f"^{re.escape(S.GRAINS[grain])}$"))
        .click()
    )
    expect(period).to_have_value(PERIOD_SHAPES[grain])
    expect_settled(page)


Sample = tuple[float, float, float]
"""Seconds to (run over, charts drawn, the helper's return timed in Python)."""


def marked(page: Page, start: float | None, wall: float) -> Sample:
    """Seconds from the recorded click (or `start`, ms on the page's clock) to the run being over in
    the page and to the charts being drawn (read once `expect_drawn` has returned).

    Run over: the run state last turned `notRunning`, or, for a run quick enough to be drawn in one
    batch (it never shows `running`), the moment the page handled the server's last message of
    it (its end). Charts drawn: the last chart's SVG inserted (plotly's first drawing of it), if later."""
    clicked, ended, message, drawn = page.evaluate(READ)
    begun = clicked if start is None else start
    over = max(t for t in (ended, message, begun) if t is not None)
    if over <= begun:
        raise RuntimeError(f"the page recorded no run after the action (start {begun})")
    return (over - begun) / 1000, (max(over, drawn or 0) - begun) / 1000, wall


def timed_first_view(page: Page, url: str) -> Sample:
    """A first view, from the navigation's start."""
    started = time.perf_counter()
    first_view(page, url)
    wall = time.perf_counter() - started
    expect_drawn(page)
    return marked(page, 0.0, wall)


def timed_action(page: Page, action: Callable[..., None], *args) -> Sample:
    """`action(page, *args)`, from its click. It starts from a page the browser has finished drawing
    (`expect_drawn`), so the last interaction's charts neither delay the click nor count towards it."""
    expect_drawn(page)
    page.evaluate(ARM)
    started = time.perf_counter()
    action(page, *args)
    wall = time.perf_counter() - started
    expect_drawn(page)
    return marked(page, None, wall)


def p95(values: list[float]) -> float:
    """The 95th percentile, interpolated between the samples (with few samples, close to the max)."""
    return values[0] if len(values) == 1 else statistics.quantiles(values, n=20, method="inclusive")[-1]


def branch_count(db_path: Path) -> int:
    """The branches the dashboard lists (its own statement)."""
    with Database(db_path).connect() as con:
        return len(con.execute(statement("dashboard.sql", "branches")).fetchall())


Samples = dict[str, list[Sample]]


def measure(db_path: Path, demo_banner: bool, repeats: int) -> tuple[Sample, Samples]:
    results: Samples = {}
    app = App(db_path, demo=demo_banner, accounts=True)  # signs in as the tests do: helpers.session_cookies
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context, page = new_session(browser, app)
                cold = timed_first_view(page, app.url)
                context.close()
                for _ in range(repeats):
                    context, page = new_session(browser, app)
                    results.setdefault(FIRST_VIEW, []).append(timed_first_view(page, app.url))
                    # A returning reader: a new tab is a new Streamlit session, with the browser's
                    # cache of the app's scripts (plotly's among them) already filled.
                    again = context.new_page()
                    results.setdefault(f"first view of {S.PAGE_OVERVIEW}, new session, browser cache warm", []).append(
                        timed_first_view(again, app.url)
                    )
                    again.close()
                    for name in PAGES:  # each page's first visit in this tab
                        results.setdefault(f"open {name}", []).append(timed_action(page, goto, name))
                    for name in PAGES:  # and a return to it, as a reader going back and forth does
                        results.setdefault(f"open {name} again", []).append(timed_action(page, goto, name))
                    for grain in GRAINS:
                        results.setdefault(f"{S.PAGE_OVERVIEW}: {S.GRAIN} → {S.GRAINS[grain]}", []).append(
                            timed_action(page, switch_grain, grain)
                        )
                    context.close()
            finally:
                browser.close()
    except BaseException:
        print(f"streamlit log ({app.log}):\n{app.log_tail()}", file=sys.stderr)
        raise
    finally:
        app.stop()
    return cold, results


def measure_floor(repeats: int) -> Samples:
    """The same interactions on bench/floor_app.py: a bare Streamlit app (see its docstring)."""
    results: Samples = {}
    app = App(ROOT / "bench" / "floor_app.py", script=ROOT / "bench" / "floor_app.py")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for _ in range(repeats):
                    context, page = new_session(browser)
                    results.setdefault(FIRST_VIEW, []).append(timed_first_view(page, app.url))
                    again = context.new_page()
                    results.setdefault(FIRST_VIEW_CACHED, []).append(timed_first_view(again, app.url))
                    again.close()
                    for name in (S.PAGE_GLOSSARY, S.PAGE_OVERVIEW):
                        results.setdefault(f"open {name}", []).append(timed_action(page, goto, name))
                    context.close()
            finally:
                browser.close()
    finally:
        app.stop()
    return results


def _floor_of(name: str, floor: Samples) -> list[Sample] | None:
    """The floor's samples to set against an interaction: its own page switches stand for every
    page switch (a page with charts against 总览, one without against 指标说明)."""
    name = name.removesuffix(" again")  # the floor's pages are opened once a round
    if name in floor:
        return floor[name]
    if name.startswith("open "):
        return floor[f"open {S.PAGE_GLOSSARY}"]
    return None


def report(
    label: str, database: str, branches: int, repeats: int, cold: Sample, results: Samples, floor: Samples
) -> str:
    lines = [
        "",
        f"# Page interactions ({time.strftime('%Y-%m-%d')}, {label}: {database}, "
        f"{branches} branch{'' if branches == 1 else 'es'}, {repeats} rounds)",
        "",
        f"First view of {S.PAGE_OVERVIEW} on a freshly started server: run over {cold[0]:.2f} s, "
        f"charts drawn {cold[1]:.2f} s (Python side {cold[2]:.2f} s)",
        "",
        f"Machine load (1-minute average) at the start and the end of the run: {LOAD_AT_START:.2f} / "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; a load above the cores means other work shared them.",
        "",
        "Times recorded in the page from the click (a first view: from the navigation's start), see "
        "bench/bench_pages.py: *run over* as the page shows it, *drawn* once every chart's SVG is in. "
        "*floor*: the same interaction on bench/floor_app.py, a bare Streamlit app with one small chart "
        "(every page switch is set against its switch to a text page), in the same run. The last column "
        "times the helper call from Python, which Playwright's polling can add up to 0.5 s to.",
        "",
        "| interaction | run over median s | p95 s | max s | drawn median s | drawn p95 s "
        "| floor run over / drawn median s | run over ÷ floor | median s, Python side |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, samples in results.items():
        over, drawn, wall = ([s[i] for s in samples] for i in range(3))
        base = _floor_of(name, floor)
        if base:
            base_over, base_drawn = statistics.median(s[0] for s in base), statistics.median(s[1] for s in base)
            floor_cells = f"{base_over:.2f} / {base_drawn:.2f} | {statistics.median(over) / base_over:.1f}×"
        else:
            floor_cells = "— | —"
        lines.append(
            f"| {name} | {statistics.median(over):.2f} | {p95(over):.2f} | {max(over):.2f} "
            f"| {statistics.median(drawn):.2f} | {p95(drawn):.2f} | {floor_cells} | {statistics.median(wall):.2f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="database to run against (default: a fresh demo database)")
    parser.add_argument("--repeats", type=int, default=5, help="rounds of every interaction (default 5)")
    parser.add_argument("--label", help="what this run is, for the results heading")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    with tempfile.TemporaryDirectory() as tmp:
        if args.db is None:
            db = Database(Path(tmp) / "demo.duckdb")
            demo.build(db, files_dir=Path(tmp) / "files")
            db_path, database, label = db.path, "demo database (etl.demo.build)", args.label or "demo branch"
        else:
            db_path = args.db.resolve()
            if not db_path.is_file():
                parser.error(f"no database at {db_path}")
            database, label = f"`{db_path}` ({db_path.stat().st_size / 1e6:.0f} MB)", args.label or db_path.stem
        branches = branch_count(db_path)  # before the server opens the file
        cold, results = measure(db_path, demo_banner=args.db is None, repeats=args.repeats)
        floor = measure_floor(args.repeats)

    section = report(label, database, branches, args.repeats, cold, results, floor)
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
