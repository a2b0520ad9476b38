"""Page interactions on the demo database, timed from click to rendered (Streamlit idle), median of
REPEATS, in a real Chromium. Appends to bench/results.md. Not a test: `make bench`."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from dashboard import strings as S  # noqa: E402
from etl import demo  # noqa: E402
from etl.db import Database  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, App, wait_idle  # noqa: E402

REPEATS = 5
PAGES = [S.PAGE_INDEX, S.PAGE_STARS, S.PAGE_ORGLIFE, S.PAGE_STUDY, S.PAGE_MEMBER, S.PAGE_UPLOAD, S.PAGE_OVERVIEW]


def timed_click(page, locator) -> float:
    started = time.perf_counter()
    locator.click()
    page.wait_for_timeout(30)
    wait_idle(page, stable_ms=300)
    return time.perf_counter() - started - 0.3  # less the quiet interval that proves it finished


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "demo.duckdb")
        demo.build(db, files_dir=Path(tmp) / "files")
        app = App(db.path, demo=True)
        results: dict[str, list[float]] = {}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                started = time.perf_counter()
                page.goto(app.url)
                wait_idle(page, stable_ms=300)
                first_load = time.perf_counter() - started - 0.3
                for _ in range(REPEATS):
                    for title in PAGES:
                        results.setdefault(f"open {title}", []).append(
                            timed_click(page, page.get_by_role("link", name=title, exact=True))
                        )
                    for grain in ("季度", "年", "月"):
                        results.setdefault(f"总览: switch to {grain}", []).append(
                            timed_click(page, page.get_by_text(grain, exact=True))
                        )
                browser.close()
        finally:
            app.stop()
    lines = [
        "",
        f"# Page interactions ({time.strftime('%Y-%m-%d')}, demo branch, click → rendered, median of {REPEATS})",
        "",
        f"First load of 总览 with cold caches: {first_load:.2f} s",
        "",
        "| interaction | median s | max s |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {statistics.median(v):.2f} | {max(v):.2f} |" for name, v in results.items()]
    with (ROOT / "bench" / "results.md").open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
