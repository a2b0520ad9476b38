"""The district comparison at 300 branches' snapshots (issue 11: "renders in under 1 s"), against the
same on the small demo's six branches, in one run. Not a test: appends a section to bench/results.md.

    .venv/bin/python bench/bench_snapshots.py [--copies 50] [--runs 7] [--work DIR] [--browser] [--rounds 3] [--results FILE]

1. The small demo (`etl demo --scale small`): six branches, their signed snapshots of 2024–2025 and a
   district database fed by them — the baseline.
2. 300 branches: the six repeated ``--copies`` times under distinct names and schools
   ("城南实验小学党支部 03", "城南实验小学（03）"), each with its own Ed25519 key, for 2025-Q3 and 2025-Q4
   (so the comparison has a previous period), or with --quarters 8 for every quarter of 2024–2025 (so the
   page's trend, too, is as long as a district's would be). Each source branch's tables are computed once per
   period (tables.compute and the plan checklist, plan.items_frame) and every copy's zip is built from them by export.build under the copy's
   name, school and key — the same bytes an export of that branch would write. The xlsx report that
   build makes beside each zip is for people, never imported: it is stubbed while the copies are
   built (600 reports at ≈0.3 s each would triple the build and measure nothing of the district).
   Then each copy is added with its school, its key trusted, and all 600 files imported through
   etl.snapshot.importer, timed.
3. On both district databases: dashboard.queries.district_comparison(2025-Q4) and district_trend of
   the eight quarters 2024-Q1…2025-Q4, cold (a fresh connection each time: DuckDB's buffers and
   catalog loaded anew) and warm (the same connection again), median of --runs; the 区级总览 page's
   script in Streamlit's AppTest, cold (st.cache_data cleared, as after an import changes the data
   version) and warm (the app's caches hit); with --browser, a real Chromium against `streamlit run`
   (bench/bench_pages.py's timing: click → run over): opening 区级总览 first on a new server, then again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from dashboard import queries  # noqa: E402
from etl import branches, demo_small  # noqa: E402
from etl.db import Database, engine_settings, require_branch, statement  # noqa: E402
from etl.rules import rules_for, today  # noqa: E402
from etl.scope import DISTRICT  # noqa: E402
from etl.scoring.period import parse  # noqa: E402
from etl.snapshot import export, importer, keys, manifest, plan, report, tables, trust  # noqa: E402

RESULTS = ROOT / "bench" / "results.md"
COMPARED = parse("2025-Q4")
TREND = [parse(f"{y}-Q{q}") for y in (2024, 2025) for q in range(1, 5)]
USER = "基准"


def copy_name(name: str, school: str, n: int) -> tuple[str, str]:
    return f"{name} {n:02d}", f"{school}（{n:02d}）"


def source_frames(db: Database, periods: list) -> dict:
    """Per source branch: its school, rules, live loads and, per copied period, its tables and plan file."""
    sources = {}
    with db.connect() as con:
        for c in demo_small.CHARACTERS:
            cursor = con.execute(
                statement("etl.sql", "snapshot/source_loads"), {"branch_id": require_branch(con, c.name)}
            )
            columns = [d[0] for d in cursor.description]
            rules = rules_for(c.name)
            frames, plans = {}, {}
            for p in periods:
                frames[p] = tables.compute(con, c.name, p, rules)
                frames[p]["plan_items"], plans[p] = plan.items_frame(con, c.name, p, rules, plan.as_of_for(p, today()))
            sources[c.name] = {
                "school": c.school,
                "rules": rules,
                "loads": [dict(zip(columns, row)) for row in cursor.fetchall()],
                "frames": frames,
                "plans": plans,
            }
    return sources


def build_copies(sources: dict, folder: Path, copies: int, periods: list) -> list[tuple[str, str, Path, list[Path]]]:
    """Every copy's key and signed zips: (name, school, public key, zips)."""
    created_at = dt.datetime.now(manifest.SHANGHAI)
    made = []
    with mock.patch.object(report, "workbook", lambda *args, **kwargs: b""):  # the report: see the module's doc
        for n in range(1, copies + 1):
            for source, s in sources.items():
                name, school = copy_name(source, s["school"], n)
                private = folder / "keys" / f"{name}.key"
                private.parent.mkdir(parents=True, exist_ok=True)
                public, _ = keys.keygen(private)
                key = keys.load_private(private)
                zips = []
                for p in periods:
                    built = export.build(
                        s["frames"][p],
                        branch=name,
                        school=school,
                        period=p,
                        rules=s["rules"],
                        source_loads=s["loads"],
                        anonymized=False,
                        created_at=created_at,
                        key=key,
                        plan_source=s["plans"][p],
                    )
                    path = folder / f"{export.file_stem(name, p)}.zip"
                    path.write_bytes(built.zip_bytes)
                    zips.append(path)
                made.append((name, school, public, zips))
    return made


def feed(path: Path, made: list) -> tuple[float, float, int]:
    """(seconds to add and trust every branch, seconds to import every file, files imported)."""
    db = Database(path)
    db.init()
    with db.held():
        started = time.perf_counter()
        for name, school, public, _ in made:
            branches.add(db, name, school)
            trust.trust(db, name, public, None, USER)
        trusted = time.perf_counter() - started
        started, count = time.perf_counter(), 0
        for *_, zips in made:
            for z in zips:
                count += importer.import_file(db, z, allow_unsigned=False, user=USER).outcome == "imported"
        return trusted, time.perf_counter() - started, count


def interleaved(fns: dict[tuple[str, str], Callable[[], object]], runs: int) -> dict[str, dict[str, float]]:
    """Median seconds of each function, the functions taking turns run after run — the baseline's and
    the big database's alternate, so a change in the machine's load falls on both alike.
    Keys are (database, measurement); the result is {database: {measurement: seconds}}."""
    samples: dict[tuple[str, str], list[float]] = {key: [] for key in fns}
    for _ in range(runs):
        for key, fn in fns.items():
            started = time.perf_counter()
            fn()
            samples[key].append(time.perf_counter() - started)
    out: dict[str, dict[str, float]] = {}
    for (db, what), values in samples.items():
        out.setdefault(db, {})[what] = statistics.median(values)
    return out


def time_queries(paths: dict[str, Path], runs: int) -> dict[str, dict[str, float]]:
    """district_comparison and district_trend, cold (a fresh connection per call) and warm."""
    fns, held = {}, []
    for name, path in paths.items():
        db = Database(path)
        with db.connect() as con:  # untimed: the modules imported, the file's pages in the OS cache
            rows = queries.district_comparison(con, COMPARED, scope=DISTRICT)["branches"]
        assert rows["index"].notna().all(), "every branch should be compared"
        con = duckdb.connect(str(path), config=engine_settings())  # the warm one, kept open
        held.append(con)
        comparison = lambda c: queries.district_comparison(c, COMPARED, scope=DISTRICT)  # noqa: E731
        trend = lambda c: queries.district_trend(c, TREND, scope=DISTRICT)  # noqa: E731
        comparison(con), trend(con)

        def cold(fn, db=db):
            def once():
                with db.connect() as c:
                    fn(c)

            return once

        fns[(name, "comparison cold")] = cold(comparison)
        fns[(name, "trend cold")] = cold(trend)
        fns[(name, "comparison warm")] = lambda c=con, f=comparison: f(c)
        fns[(name, "trend warm")] = lambda c=con, f=trend: f(c)
    try:
        return interleaved(fns, runs)
    finally:
        for con in held:
            con.close()


@contextmanager
def env(name: str, value: str):
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def time_page(paths: dict[str, Path], runs: int) -> dict[str, dict[str, float]]:
    """The 区级总览 script in AppTest: cold (cached data cleared before the run) and warm. One AppTest
    per database; VANGUARD_DB is set around each run, since the app reads it on every run."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    fns = {}
    for name, path in paths.items():
        with env("VANGUARD_DB", str(path)):
            at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
            at.run()
            at.switch_page("views/district.py")
            at.run()  # untimed: the page's modules imported and its figures' templates built once
            assert not at.exception, [e.value for e in at.exception]
            assert at.sidebar.selectbox(key="period").value == COMPARED.label

        def run(at=at, path=path, clear=False):
            if clear:
                st.cache_data.clear()
            with env("VANGUARD_DB", str(path)):
                at.run()
            assert not at.exception, [e.value for e in at.exception]

        fns[(name, "page cold")] = lambda run=run: run(clear=True)
        fns[(name, "page warm")] = run
    return interleaved(fns, runs)


def time_browser(paths: dict[str, Path], rounds: int) -> dict[str, dict[str, float]]:
    """Opening 区级总览 in Chromium (bench_pages.py's page-recorded click → run over): the first time on
    a newly started server, then twice again (from 指标说明). A new server per round, the databases
    taking turns."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_pages import new_session, timed_action
    from playwright.sync_api import sync_playwright

    from dashboard import strings as S
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.e2e.helpers import App, goto, open_app

    samples: dict[str, dict[str, list[float]]] = {name: {} for name in paths}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(rounds):
                for name, path in paths.items():
                    app = App(path)
                    try:
                        context, page = new_session(browser)
                        open_app(page, app.url)
                        timings = [timed_action(page, goto, S.PAGE_DISTRICT)]
                        for _ in range(2):
                            goto(page, S.PAGE_GLOSSARY)
                            timings.append(timed_action(page, goto, S.PAGE_DISTRICT))
                        context.close()
                    finally:
                        app.stop()
                    mine = samples[name]
                    for key, (over, drawn, _) in zip(("first", "again", "again"), timings):
                        mine.setdefault(f"browser {key}", []).append(over)
                        mine.setdefault(f"browser {key} drawn", []).append(drawn)
        finally:
            browser.close()
    return {name: {k: statistics.median(v) for k, v in s.items()} for name, s in samples.items()}


def branch_count(path: Path) -> int:
    with Database(path).connect() as con:
        return con.execute("SELECT count(*) FROM branches").fetchone()[0]


def machine() -> str:
    with duckdb.connect() as con:
        version = con.execute("SELECT version()").fetchone()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    settings = ", ".join(f"{k} {v}" for k, v in engine_settings().items())
    return (
        f"{os.cpu_count()} cores, {memory:.0f} GiB; Python {platform.python_version()}, DuckDB {version}; "
        f"DuckDB {settings}"
    )


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


ROWS = [  # (measurement, key, target)
    ("`district_comparison` 2025-Q4, cold (fresh connection)", "comparison cold", 1.0),
    ("`district_comparison` 2025-Q4, warm", "comparison warm", 1.0),
    ("`district_trend`, 8 quarters, cold", "trend cold", None),
    ("`district_trend`, 8 quarters, warm", "trend warm", None),
    ("区级总览 script in AppTest, cold (st.cache_data cleared)", "page cold", 1.0),
    ("区级总览 script in AppTest, warm (cached)", "page warm", None),
    ("Chromium: open 区级总览, first on a new server — run over", "browser first", None),
    ("… charts drawn", "browser first drawn", None),
    ("Chromium: open 区级总览 again — run over", "browser again", 1.0),
    ("… charts drawn", "browser again drawn", None),
]


def building(args, build: dict | None, big: dict) -> list[str]:
    if build is None:
        return [
            f"- Databases built by an earlier run (--reuse): the small demo's district and {big['branches']} branches"
        ]
    return [
        f"- Baseline: `etl demo --scale small` — {build['small']}",
        f"- {big['branches']} branches = the six × {args.copies} (distinct names, schools and keys), "
        f"{'、'.join(p.label for p in TREND[-args.quarters :])}: tables computed once per source branch and period "
        f"{build['frames']:.1f} s; "
        f"{build['zips']} signed zips built by export.build (reports stubbed) {build['build']:.1f} s; "
        f"branches added and keys trusted {build['trust']:.1f} s; **import of {build['zips']} files "
        f"{build['import']:.1f} s ({build['import'] / build['zips']:.3f} s a file)**; database "
        f"{build['size'] / 1e6:.0f} MB",
    ]


def section(args, build: dict | None, base: dict, big: dict, loads: tuple[str, str]) -> str:
    lines = [
        "",
        f"# District comparison at {big['branches']} branches' snapshots, {args.quarters} quarters each "
        f"({time.strftime('%Y-%m-%d')}, bench_snapshots.py, median of {args.runs})",
        "",
        "The two databases take turns, run after run. The page's trend chart shows the last 8 quarters the "
        f"database has: 8 in the baseline, {min(args.quarters, 8)} in the big one; `district_trend` below asks "
        "for all 8 on both.",
        "",
        f"Machine: {machine()}. Load average (1/5/15 min) at the start {loads[0]}, at the end {loads[1]}.",
        "",
        *building(args, build, big),
        "",
        f"| measurement | {base['branches']} branches (baseline), s | {big['branches']} branches, s | ratio | target |",
        "|---|---|---|---|---|",
    ]
    for label, key, target in ROWS:
        if key not in big:
            continue
        ok = "" if target is None else (f"< {target:g} s ✔" if big[key] < target else f"< {target:g} s ✘")
        lines.append(f"| {label} | {base[key]:.3f} | {big[key]:.3f} | {big[key] / base[key]:.1f}× | {ok} |")
    return "\n".join(lines) + "\n"


def big_name(copies: int, quarters: int) -> str:
    return f"district{6 * copies}-{quarters}q.duckdb"


def build_all(work: Path, copies: int, quarters: int) -> tuple[dict[str, Path], dict]:
    """The baseline (the small demo's district) and the big district database, with timings."""
    small = Database(work / "small.duckdb")
    done = demo_small.build(small, progress=lambda line: print(f"  {line}", flush=True))
    s = done["seconds"]
    build = {
        "small": f"{done['snapshots']} snapshots of {done['branches']} branches; write {s['write']:.1f} s, "
        f"load {s['load']:.1f} s, export {s['export']:.1f} s, import {s['import']:.1f} s, "
        f"total {done['total_seconds']:.1f} s",
    }
    started = time.perf_counter()
    periods = TREND[-quarters:]
    sources = source_frames(small, periods)
    build["frames"] = time.perf_counter() - started
    started = time.perf_counter()
    made = build_copies(sources, work / "copies", copies, periods)
    build["build"] = time.perf_counter() - started
    big = work / big_name(copies, quarters)
    build["trust"], build["import"], build["zips"] = feed(big, made)
    build["size"] = big.stat().st_size
    print(f"built {len(made)} branches: {build}", flush=True)
    return {"base": done["out"] / "district.duckdb", "big": big}, build


def measure(paths: dict[str, Path], args) -> tuple[dict, dict]:
    timings = time_queries(paths, args.runs)
    print("queries", timings, flush=True)
    for name, more in time_page(paths, args.runs).items():
        timings[name] |= more
    print("page", timings, flush=True)
    if args.browser:
        for name, more in time_browser(paths, args.rounds).items():
            timings[name] |= more
    for name, path in paths.items():
        timings[name]["branches"] = branch_count(path)
    return timings["base"], timings["big"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=50, help="times the six branches are repeated (default 50)")
    parser.add_argument(
        "--quarters",
        type=int,
        default=2,
        help="quarters of snapshots per copy, the last of 2024–2025 (default 2: Q3, Q4)",
    )
    parser.add_argument("--runs", type=int, default=7, help="runs of each measurement (median; default 7)")
    parser.add_argument("--work", type=Path, help="a new folder for the databases and files (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="measure the databases an earlier run left in --work")
    parser.add_argument("--browser", action="store_true", help="also time the page in Chromium")
    parser.add_argument("--rounds", type=int, default=3, help="browser rounds, a new server each (default 3)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="file the section is appended to")
    args = parser.parse_args(argv)
    if args.reuse and args.work is None:
        parser.error("--reuse needs --work")
    if args.work and not args.reuse and args.work.exists() and any(args.work.iterdir()):
        parser.error(f"{args.work} is not empty: give a new folder, or --reuse to measure what is there")
    started_load = load()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        if args.reuse:
            paths = {
                "base": work / "small-snapshots" / "district.duckdb",
                "big": work / big_name(args.copies, args.quarters),
            }
            build = None
        else:
            work.mkdir(parents=True, exist_ok=True)
            paths, build = build_all(work, args.copies, args.quarters)
        base, big = measure(paths, args)
        text = section(args, build, base, big, (started_load, load()))
    with args.results.open("a", encoding="utf-8") as out:
        out.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
