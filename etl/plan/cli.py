"""`python -m etl plan` (docs/cli.md, docs/plan.md): parse, call etl.plan.checklist, print.

Results go to stdout; notes and refusals to stderr. Exit 0 ok; 1 when the database or the branch is
missing; 2 for usage: a bad date or year, a plan or rules file that cannot be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import unicodedata
from pathlib import Path

import pandas as pd

from etl import writers
from etl.db import existing
from etl.errors import EXIT_OK, UsageError
from etl.plan.checklist import ITEM_HEADERS

CSV_HEADERS = {**ITEM_HEADERS, "missing_names": "缺少的党员"}  # "per" is dropped before renaming


def as_of_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"无法识别的日期“{value}”：请写成 2025-06-30") from None


def _plain(value):
    """A cell as JSON has it: dates as YYYY-MM-DD, missing values as null, numpy numbers as Python's."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()[:10]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _rows(frame: pd.DataFrame, drop=("key",)) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items() if k not in drop} for row in frame.to_dict("records")]


def _checkpoint_text(when, count) -> str:
    return "" if when is None or pd.isna(when) else f"{when} 前 {int(count)} 次"


def _missing_names(result) -> dict[str, str]:
    """Per item key, in the plan's order: the missing members' names, joined by 、 (pinyin order)."""
    grouped = dict(tuple(result.missing.groupby("key", sort=False)["name"]))
    return {key: "、".join(grouped[key]) for key in result.items["key"] if key in grouped}


def cmd_plan(args) -> int:
    from etl.plan.checklist import checklist, due_within
    from etl.plan.plan_file import plan_for
    from etl.rules import rules_for

    rules = rules_for(args.branch, args.rules)
    if not rules.year_in_window(args.year):
        first, last = rules.date_window()
        raise UsageError(f"--year {args.year} 不在合理范围内（{first.year} 至 {last.year}）")
    plan = plan_for(args.branch, args.year, args.plan)  # a bad plan is a usage error before the database opens
    db = existing(args.db)
    with db.connect() as con:
        result = checklist(con, args.branch, args.year, as_of=args.as_of, rules=rules, plan=plan)
    for note in result.notes:
        print(f"  · {note}", file=sys.stderr)
    if args.format == "csv":
        frame = result.items.assign(missing_names=result.items["key"].map(_missing_names(result)).fillna(""))
        sys.stdout.write(writers.csv_text(frame.drop(columns="per").rename(columns=CSV_HEADERS)))
    elif args.format == "json":
        print(json.dumps(_json(result), ensure_ascii=False, indent=2))
    else:
        print(_table(result, due_within(result, 30), args.evidence))
    return EXIT_OK


def _json(result) -> dict:
    items = []
    for item in _rows(result.items, drop=()):
        key = item["key"]
        items.append(
            {
                **item,
                "units": _rows(result.units[result.units["key"] == key], drop=("key", "name")),
                "evidence": _rows(result.evidence_of(key)),
                "missing": _rows(result.missing_of(key)),
            }
        )
    return {
        "branch": result.branch,
        "year": result.year,
        "as_of": result.as_of.isoformat(),
        "title": result.title,
        "plan": {"source": result.plan_source, "sha256": result.plan_sha256},
        "rules": {"source": result.rules_source, "sha256": result.rules_sha256},
        "notes": list(result.notes),
        "items": items,
    }


def _width(text: str) -> int:
    """Columns a terminal gives the text: two for a Chinese character or a full-width sign."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _aligned(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(_width(cell) for cell in column) for column in zip(header, *rows)]
    return [
        "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows]
    ]


def _table(result, soon: pd.DataFrame, with_evidence: bool) -> str:
    items = result.items
    rows = [
        [state, name, progress, _plain(due) or "", _checkpoint_text(when, count)]
        for state, name, progress, due, when, count in zip(
            items["status"],
            items["name"],
            items["progress"],
            items["due"],
            items["next_checkpoint"],
            items["checkpoint_count"],
        )
    ]
    lines = [f"{result.branch} {result.year} 年{result.title}落实情况（截至 {result.as_of}）", ""]
    lines += _aligned(["状态", "事项", "进度", "到期", "下一检查点"], rows) if rows else ["（计划中没有事项）"]
    names = dict(zip(items["key"], items["name"]))
    missing = _missing_names(result)
    if missing:
        lines += ["", "还缺少的党员（按拼音）："]
        done = dict(zip(items["key"], items["done"]))
        progress = dict(zip(items["key"], items["progress"]))
        lines += [f"  {names[k]}（{progress[k]}）：{v if done[k] else '还没有任何记录'}" for k, v in missing.items()]
    lines += ["", f"未来 30 天内到期（{result.as_of} 至 {result.as_of + dt.timedelta(days=30)}）："]
    lines += [f"  {r.due} {r.name} {r.unit}：{r.done}/{r.required}，{r.status}" for r in soon.itertuples()] or ["  无"]
    if with_evidence:
        lines += ["", "证据："]
        for key, name in names.items():
            rows = result.evidence_of(key)
            lines.append(f"  {name}：{len(rows)} 行")
            lines += [
                f"    {_plain(r.date) or '（无日期）'} {r.what}{'（' + r.subject + '）' if r.subject else ''}"
                f" — {r.file} / {r.sheet or ''} / 第 {_plain(r.row) or '?'} 行"
                for r in rows.itertuples()
            ]
    lines += ["", f"计划：{result.plan_source}（sha256:{result.plan_sha256[:16]}）"]
    lines.append(f"规则：{result.rules_source}（sha256:{result.rules_sha256[:16]}）")
    return "\n".join(lines)


def register(sub, db_arg, branch_name) -> None:
    """The `plan` command, on the main parser's subparsers."""
    about = "年度工作计划的落实情况：每个事项的状态、证据行与缺少的党员（见 docs/plan.md）"
    p = sub.add_parser("plan", help=about, description=about)
    p.set_defaults(func=cmd_plan)
    db_arg(p)
    p.add_argument("--branch", required=True, type=branch_name, help="党支部名称")
    p.add_argument("--year", required=True, type=int, help="计划的年度，如 2025")
    p.add_argument(
        "--as-of",
        type=as_of_date,
        help="按这一天的情况判断状态（YYYY-MM-DD；默认今天，北京时间）：这天之后的记录不计",
    )
    p.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="输出格式：table（默认，给人看）、csv（每个事项一行）、json（含每个单元、证据行与缺少的党员）",
    )
    p.add_argument(
        "--plan",
        type=Path,
        help="计划文件（默认 data/plans/<支部>/<年度>.toml，没有则用 data/plan.toml）",
    )
    p.add_argument("--rules", type=Path, help="规则文件（默认 data/rules/<支部>.toml，没有则用 data/rules.toml）")
    p.add_argument(
        "--evidence", action="store_true", help="table 格式下列出每个事项的证据行（日期、内容、文件、工作表、行）"
    )
