"""`python -m etl brief` (docs/cli.md, docs/plan.md): parse, call etl.plan.brief, write the file, print.

Like `etl ledger` and `etl backup`, it never replaces a file unless asked (--force): a brief on disk may
be the copy the secretary has edited for the meeting. The file is written under a temporary name and
renamed, so an interrupted run leaves no half-written document.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from etl.db import existing
from etl.errors import EXIT_OK, EXIT_REJECTED, UsageError


def period_arg(value: str):
    from etl.errors import BadPeriod
    from etl.scoring.period import parse

    try:
        return parse(value)
    except BadPeriod as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_brief(args) -> int:
    from etl.plan import brief, brief_text
    from etl.rules import rules_for

    rules = rules_for(args.branch, args.rules)
    if not rules.year_in_window(args.period.year):
        first, last = rules.date_window()
        raise UsageError(f"--period {args.period.label} 不在合理范围内（{first.year} 至 {last.year}）")
    out: Path = args.out
    if out.suffix.lower() != ".docx":
        raise UsageError(f"简报写成 .docx 文件：{out} 请以 .docx 结尾")
    if out.exists() and not args.force:
        print(f"✘ {out} 已存在。换一个文件名，或加 --force 覆盖它", file=sys.stderr)
        return EXIT_REJECTED
    with existing(args.db).connect() as con:
        facts = brief.brief_facts(con, args.branch, args.period, rules=rules, as_of=args.as_of)
    partial = out.with_name(out.name + ".partial")
    try:
        partial.write_bytes(brief.render(facts))
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        print(f"✘ 无法写出 {out}：{exc.strerror}", file=sys.stderr)
        return EXIT_REJECTED
    print(f"✔ {brief_text.title(facts)} → {out}：{brief_text.headline(facts)}")
    return EXIT_OK


def register(sub, db_arg, branch_name) -> None:
    """The `brief` command, on the main parser's subparsers."""
    from etl.plan.cli import as_of_date  # the same date option as etl plan

    about = "写出支委会一页纸的工作简报（.docx）：堡垒指数及变化、三会一课、需帮扶的党员、工作计划、学习强国"
    p = sub.add_parser("brief", help=about, description=about)
    p.set_defaults(func=cmd_brief)
    db_arg(p)
    p.add_argument("--branch", required=True, type=branch_name, help="党支部名称")
    p.add_argument(
        "--period",
        required=True,
        type=period_arg,
        help="统计期：2025-11（月）、2025-Q4（季度）或 2025（年）",
    )
    p.add_argument("--out", required=True, type=Path, metavar="FILE.docx", help="写出的简报文件（.docx）")
    p.add_argument(
        "--as-of",
        type=as_of_date,
        metavar="YYYY-MM-DD",
        help="工作计划按这一天的情况（YYYY-MM-DD）；默认统计期结束后的第二天，统计期未结束时为今天（北京时间）",
    )
    p.add_argument("--rules", type=Path, help="规则文件（默认 data/rules/<支部>.toml，没有则用 data/rules.toml）")
    p.add_argument("--force", action="store_true", help="文件已存在时覆盖它（默认拒绝）")
