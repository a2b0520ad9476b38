"""District scale, measured in one run (`make bench`; not a test). Appends to bench/results.md.

1. The district demo (`etl demo --scale district`) built in a child process: rows/s of the load and
   the child's peak memory.
2. The CSV load of some branches (read → validate → load, the bulk path) ÷ a bare DuckDB read_csv of
   UTF-8 copies of the same files into a table.
3. Scoring at district scale, each ÷ the bare member × month aggregate of the same rows in the same
   process: one branch-month, one branch-year, all branches' year; the one-branch numbers again on a
   10-branch database.
4. Each page's queries for one branch, p50 / p95 over RUNS: cold (every query runs) and warm (the
   second call of the same key, as the app's cache serves it).

    python bench/bench_district.py [--branches 300] [--members 60] [--work DIR] [--runs 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from dashboard import queries  # noqa: E402
from etl import demo_district, pipeline  # noqa: E402
from etl.db import Database, engine_settings  # noqa: E402
from etl.rules import rules_for  # noqa: E402
from etl.scope import DISTRICT, SECRETARY  # noqa: E402
from etl.scoring import engine  # noqa: E402
from etl.scoring.period import month, parse  # noqa: E402
from etl.sources.workbook import decode_csv_bytes  # noqa: E402

YEAR = demo_district.YEAR
BARE = """
SELECT member_id, month(date) AS m, count(*), sum(points) FROM study_daily
WHERE list_contains($ids, branch_id) AND date BETWEEN $start AND $end GROUP BY ALL
UNION ALL
SELECT member_id, month(date), count(*), count(*) FILTER (WHERE status = '出席') FROM attendance
WHERE list_contains($ids, branch_id) AND date BETWEEN $start AND $end GROUP BY ALL
"""


def timed(fn, repeats: int = 5) -> float:
    """Median seconds of fn over repeats (after one untimed call that warms DuckDB's buffers)."""
    fn()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def machine() -> str:
    mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    gib = int(mem.split()[1]) / 1024 / 1024
    s = engine_settings()
    return (
        f"{os.cpu_count()} cores, {gib:.0f} GiB; Python {sys.version.split()[0]}, DuckDB {duckdb.__version__}; "
        f"DuckDB memory_limit {s['memory_limit']}, threads {s['threads']}"
    )


def build(work: Path, branches: int, members: int) -> tuple[str, float]:
    """Build the district in a child: its own output line and its peak memory (GiB)."""
    db = work / f"district{branches}.duckdb"
    if db.exists():
        db.unlink()
    out = subprocess.run(
        [sys.executable, "-m", "etl", "demo", "--scale", "district", "--branches", str(branches)]
        + ["--members", str(members), "--db", str(db), "--files", str(work / f"files{branches}")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    return out.stdout.strip().splitlines()[-1], peak


def csv_load_ratio(work: Path, sample: int) -> tuple[float, float, int]:
    """(whole load s, bare read_csv s, rows) for the CSVs of the first `sample` branches."""
    folders = sorted((work / "files300").iterdir() if (work / "files300").exists() else [])[:sample]
    if not folders:
        folders = sorted(next(work.glob("files*")).iterdir())[:sample]
    db = Database(work / "csv_ratio.duckdb")
    if db.path.exists():
        db.path.unlink()
    db.init()
    whole, rows = 0.0, 0
    copies = work / "utf8"
    copies.mkdir(exist_ok=True)
    for index, folder in enumerate(folders):
        name = demo_district.branch_names(index + 1)[index]
        roster = next(folder.glob("*名册.xlsx"))
        pipeline.commit(db, pipeline.validate(db, name, pipeline.read_file(roster.read_bytes(), roster.name)), "b")
        for path in sorted(folder.glob("*.csv")):
            data = path.read_bytes()
            (copies / f"{index}_{path.name}").write_text(decode_csv_bytes(data)[0], encoding="utf-8")
            started = time.perf_counter()
            result = pipeline.commit(db, pipeline.validate(db, name, pipeline.read_file(data, path.name)), "b")
            whole += time.perf_counter() - started
            rows += result.rows_loaded
    con = duckdb.connect()
    started = time.perf_counter()
    for i, path in enumerate(sorted(copies.iterdir())):
        con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv(?, all_varchar = true)", [str(path)])
    bare = time.perf_counter() - started
    return whole, bare, rows


def scoring(db: Database) -> dict[str, tuple[float, float]]:
    """(seconds, ÷ bare aggregate of the same rows) of one branch-month, one branch-year, all branches."""
    rules = rules_for("")
    out = {}
    with db.connect() as con:
        ids = [r[0] for r in con.execute("SELECT branch_id FROM branches ORDER BY branch_id").fetchall()]
        one = ids[len(ids) // 2]
        cases = {
            "one branch-month": ([one], parse(f"{YEAR}-06")),
            "one branch-year": ([one], parse(str(YEAR))),
            f"all {len(ids)} branches' year": (ids, parse(str(YEAR))),
        }
        for label, (branch_ids, period) in cases.items():

            def score(branch_ids=branch_ids, period=period):
                members = engine.member_frames(con, branch_ids, [period], rules)
                compliance = engine.compliance_frames(con, branch_ids, [period], rules)
                return engine.branch_frames(members, compliance, rules)

            floor = timed(
                lambda branch_ids=branch_ids, period=period: con.execute(
                    BARE, {"ids": branch_ids, "start": period.start, "end": period.end}
                ).fetchall()
            )
            seconds = timed(score, repeats=3 if len(branch_ids) > 1 else 5)
            out[label] = (seconds, seconds / floor)
    return out


def page_calls(branch: str, period, member_id: int) -> dict[str, list[tuple]]:
    """Each page's data calls as the views make them: (query, branch, args, with_rules)."""
    year = period.year
    scores = ("page_scores", branch, (period,), True)  # every dashboard page reads this one pass
    return {
        "总览": [scores, ("veto_watch", branch, (period,), True)],
        "先锋指数": [scores],
        "评星定级": [scores],
        "组织生活": [
            ("compliance", branch, (parse(str(year)),), True),
            ("attendance_matrix", branch, (period,), False),
            ("absence_trend", branch, (year,), False),
        ],
        "学习": [scores],
        "党员档案": [
            ("member_options", branch, (), False),
            scores,
            ("member_explanation", branch, (period, member_id), True),
        ],
        "数据上传": [("load_history", branch, (), False), ("branches", None, (), False)],
        "侧栏（每页）": [("branches", None, (), False), ("data_months", branch, (), False)],
    }


def pages(db: Database, runs: int) -> list[tuple[str, float, float, float, float]]:
    """(page, cold p50, cold p95, warm p50, warm p95) in seconds, through the app's own cached door
    (dashboard.data._run, st.cache_data): cold with a data version never seen (every query runs, as
    after an upload), warm with the same key again (served from the cache)."""
    import logging

    from dashboard import data

    logging.getLogger("streamlit").setLevel(logging.ERROR)  # bare mode: no "missing ScriptRunContext"
    sha = rules_for("").sha256
    with db.connect() as con:
        names = queries.branches(con, scope=DISTRICT)
        branch = names[len(names) // 2]
        member_id = int(queries.member_options(con, branch, scope=SECRETARY)["member_id"].iloc[0])
    period = month(YEAR, 11)
    out = []
    for page, calls in page_calls(branch, period, member_id).items():
        cold, warm = [], []
        for run in range(runs):
            version = f"bench-{page}-{run}-{time.time_ns()}"
            for samples in (cold, warm):
                started = time.perf_counter()
                for name, b, args, with_rules in calls:
                    data._run(name, str(db.path), version, sha if b else "", b, args, with_rules)
                samples.append(time.perf_counter() - started)
        out.append(
            (page, statistics.median(cold), percentile(cold, 0.95), statistics.median(warm), percentile(warm, 0.95))
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--branches", type=int, default=300)
    parser.add_argument("--members", type=int, default=60)
    parser.add_argument("--work", type=Path, help="keep the databases and files here (default: a temp dir)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        line, peak = build(work, args.branches, args.members)
        build(work, 10, args.members)
        whole, bare, rows = csv_load_ratio(work, 10)
        big = scoring(Database(work / f"district{args.branches}.duckdb"))
        small = scoring(Database(work / "district10.duckdb"))
        page_rows = pages(Database(work / f"district{args.branches}.duckdb"), args.runs)
    lines = [
        "",
        f"# District scale ({dt.date.today()}, {args.branches} branches × {args.members} members)",
        "",
        f"Machine: {machine()}",
        "",
        f"- District demo, written and loaded in a child process: {line}",
        f"- Peak memory of that process (ru_maxrss): {peak:.2f} GiB",
        f"- CSV load of 10 branches' CSVs ({rows:,} rows, read → validate → load, bulk path): {whole:.2f} s, "
        f"{rows / whole:,.0f} rows/s; bare DuckDB `read_csv` of UTF-8 copies into tables: {bare:.2f} s; "
        f"**{whole / bare:.1f}×**",
        "",
        "| scoring (member_frames + compliance_frames + branch_frames) | at | seconds | ÷ bare aggregate |",
        "|---|---|---|---|",
    ]
    lines += [f"| {k} | {args.branches} branches | {s:.3f} | {r:.1f}× |" for k, (s, r) in big.items()]
    lines += [f"| {k} | 10 branches | {s:.3f} | {r:.1f}× |" for k, (s, r) in small.items()]
    lines += [
        "",
        f"Each page's queries for one branch at {args.branches} branches, {args.runs} runs (seconds):",
        "",
        "| page | cold p50 | cold p95 | warm p50 | warm p95 |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {n} | {a:.3f} | {b:.3f} | {c:.4f} | {d:.4f} |" for n, a, b, c, d in page_rows]
    with (ROOT / "bench" / "results.md").open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
