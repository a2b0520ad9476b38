"""Time to load a 200k-row xlsx against a bare pandas.read_excel(engine="calamine") of the same file,
measured in one run. Writes bench/results.md. Not a test: run it with `make bench`."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import xlsxwriter

from etl import pipeline
from etl.db import Database
from etl.sources import bounds

ROWS, MEMBERS, REPEATS = 200_000, 600, 3
BRANCH = "基准测试党支部"


def write_files(folder: Path) -> tuple[Path, Path]:
    rng = random.Random(7)
    names = [f"党员{i:04d}" for i in range(MEMBERS)]
    roster = folder / "roster.xlsx"
    with xlsxwriter.Workbook(roster) as book:
        sheet = book.add_worksheet("名册")
        sheet.write_row(0, 0, ["姓名", "党小组", "党员类别"])
        for i, name in enumerate(names, start=1):
            sheet.write_row(i, 0, [name, f"第{i % 6 + 1}党小组", "正式"])
    study = folder / "study_200k.xlsx"
    with xlsxwriter.Workbook(study, {"constant_memory": True}) as book:
        sheet = book.add_worksheet("积分明细")
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.merge_range(0, 0, 0, 3, "学习强国积分明细（基准测试）")
        sheet.write_row(1, 0, ["姓名", "所属组织", "日期", "当日积分"])
        start = dt.date(2020, 1, 1)
        for r in range(ROWS):
            sheet.write(r + 2, 0, names[r % MEMBERS])
            sheet.write(r + 2, 1, BRANCH)
            sheet.write_datetime(
                r + 2, 2, dt.datetime.combine(start + dt.timedelta(days=r // MEMBERS), dt.time()), date_format
            )
            sheet.write(r + 2, 3, rng.randint(0, 50))
    return roster, study


def naive_load(study: Path, target: Path) -> int:
    """What a first attempt would do: openpyxl, every row a Python tuple, inserted row by row."""
    import duckdb
    import openpyxl

    book = openpyxl.load_workbook(study, read_only=True)
    rows = list(book.active.iter_rows(min_row=3, values_only=True))
    con = duckdb.connect(str(target))
    con.execute("CREATE TABLE study (name VARCHAR, org VARCHAR, day TIMESTAMP, points DOUBLE)")
    con.executemany("INSERT INTO study VALUES (?, ?, ?, ?)", rows)
    con.close()
    return len(rows)


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        roster, study = write_files(folder)
        data = study.read_bytes()
        bare, bounds_check, read, check, write = [], [], [], [], []
        for i in range(REPEATS):
            db = Database(folder / f"bench{i}.duckdb")
            db.init()
            pipeline.commit(
                db, pipeline.validate(db, BRANCH, pipeline.read_file(roster.read_bytes(), roster.name)), "bench"
            )
            bare.append(timed(lambda: pd.read_excel(study, engine="calamine", header=1))[0])
            bounds_check.append(timed(lambda: bounds.check_xlsx(data))[0])
            t, parsed = timed(lambda: pipeline.read_file(data, study.name))
            read.append(t)
            t, prepared = timed(lambda db=db, parsed=parsed: pipeline.validate(db, BRANCH, parsed))
            check.append(t)
            t, result = timed(lambda db=db, prepared=prepared: pipeline.commit(db, prepared, "bench"))
            write.append(t)
            assert result.rows_loaded == ROWS, result
        naive = timed(lambda: naive_load(study, folder / "naive.duckdb"))[0]  # once: it is slow
        med = statistics.median
        total = [a + b + c for a, b, c in zip(read, check, write)]
        lines = [
            f"# Load benchmark ({dt.date.today()}, {ROWS:,} rows, {study.stat().st_size / 1e6:.1f} MB xlsx, median of {REPEATS})",
            "",
            "| stage | seconds | × bare read_excel |",
            "|---|---|---|",
            f'| bare `pandas.read_excel(engine="calamine")` | {med(bare):.2f} | 1.00 |',
            f"| read (bounds check, calamine grid, merged cells, header, records) | {med(read):.2f} | {med(read) / med(bare):.2f} |",
            f"| … of which the bounds check (zip sizes, streaming XML scan) | {med(bounds_check):.2f} | {med(bounds_check) / med(bare):.2f} |",
            f"| validate (dates, points, member matching) | {med(check):.2f} | {med(check) / med(bare):.2f} |",
            f"| load (one transaction, replaced count) | {med(write):.2f} | {med(write) / med(bare):.2f} |",
            f"| **whole load** | **{med(total):.2f}** | **{med(total) / med(bare):.2f}** |",
            f"| naive baseline: openpyxl read-only, rows inserted one by one (`executemany`), once | {naive:.2f} | {naive / med(bare):.2f} |",
            "",
            f"The whole load is {naive / med(total):.1f}× faster than the naive baseline.",
        ]
    out = Path(__file__).with_name("results.md")
    out.write_text(
        "# Benchmarks (`make bench`, one run; every ratio is against a baseline measured in the same run)\n\n"
        + "\n".join(lines)
        + "\n",
        encoding="utf-8",
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
