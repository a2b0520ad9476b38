"""`python -m etl ledger` (docs/cli.md, docs/ledger.md): parse, call etl.plan.ledger, write the file, print.

Like `etl backup`, it never replaces a file unless asked (--force): a 台账 on disk may be the copy
the secretary has signed or annotated. The file is written under a temporary name and renamed, so
an interrupted run leaves no half-written ledger.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from etl.db import existing
from etl.errors import EXIT_OK, EXIT_REJECTED, UsageError


def cmd_ledger(args) -> int:
    from etl.plan import ledger
    from etl.rules import rules_for

    rules = rules_for(args.branch)
    if not rules.year_in_window(args.year):
        first, last = rules.date_window()
        raise UsageError(f"--year {args.year} 不在合理范围内（{first.year} 至 {last.year}）")
    out: Path = args.out
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"台账写成 .xlsx 文件：{out} 请以 .xlsx 结尾")
    if out.exists() and not args.force:
        print(f"✘ {out} 已存在。换一个文件名，或加 --force 覆盖它", file=sys.stderr)
        return EXIT_REJECTED
    with existing(args.db).connect() as con:
        written = ledger.ledger(con, args.branch, args.year)
    partial = out.with_name(out.name + ".partial")
    try:
        partial.write_bytes(written.workbook)
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        print(f"✘ 无法写出 {out}：{exc.strerror}", file=sys.stderr)
        return EXIT_REJECTED
    held = written.meetings["activity_type"].value_counts()
    counts = "、".join(f"{t} {held.get(t, 0)} 次" for t in written.types)
    print(f"✔ {args.branch} {args.year} 年“三会一课”台账 → {out}：{counts}")
    if held.empty:
        print(f"  ⚠ 数据库中没有{args.branch} {args.year} 年的任何考勤记录，台账是空的", file=sys.stderr)
    return EXIT_OK


def register(sub, db_arg, branch_name) -> None:
    """The `ledger` command, on the main parser's subparsers."""
    from etl.snapshot.cli import year

    about = "导出一年的“三会一课”台账（会议台账版式的 xlsx，每种会议一个工作表；可原样装回）"
    p = sub.add_parser("ledger", help=about, description=about)
    p.set_defaults(func=cmd_ledger)
    db_arg(p)
    p.add_argument("--branch", required=True, type=branch_name, help="党支部名称")
    p.add_argument("--year", required=True, type=year, help="年度，如 2025")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.xlsx", help="写出的台账文件（.xlsx）")
    p.add_argument("--force", action="store_true", help="文件已存在时覆盖它（默认拒绝）")
