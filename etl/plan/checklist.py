"""The year's work plan as a checklist on a date: the library entry point of `etl plan` and the 工作计划 page.

result = checklist(con, "实验学校党支部", 2025, as_of=dt.date(2025, 6, 30))
result.items            one row per item: status, done / required, due, next checkpoint, counts
result.units            one row per item and unit (month, quarter, group, year, window)
result.evidence_of(key) the rows behind an item: date, what, subject, file, sheet, row
result.missing_of(key)  the members a per-member item still lacks, in pinyin order
due_within(result, 30)  the units not yet met that fall due in the next 30 days
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from etl.db import require_branch
from etl.plan import build, status
from etl.plan import evidence as ev
from etl.plan.plan_file import Plan, plan_for
from etl.rules import Rules, rules_for, today

ITEM_COLUMNS = [
    "key",
    "name",
    "per",
    "status",
    "done",
    "required",
    "measure",
    "progress",
    "due",
    "next_checkpoint",
    "checkpoint_count",
    "evidence_count",
    "missing_count",
]
ITEM_HEADERS = {  # the item columns in Chinese: `etl plan --format csv` and a snapshot report's 工作计划 sheet
    "key": "事项键",
    "name": "事项",
    "per": "频次",
    "status": "状态",
    "done": "完成",
    "required": "要求",
    "measure": "单位",
    "progress": "进度",
    "due": "到期",
    "next_checkpoint": "下一检查点",
    "checkpoint_count": "检查点次数",
    "evidence_count": "证据行数",
    "missing_count": "缺少人数",
}
UNIT_COLUMNS = ["key", "name", "unit", "start", "end", "due", "required", "done", "status", "checkpoint", "rate"]


@dataclass(frozen=True)
class Checklist:
    branch: str
    year: int
    as_of: dt.date
    title: str
    plan_source: str
    plan_sha256: str
    rules_source: str
    rules_sha256: str
    items: pd.DataFrame  # ITEM_COLUMNS, in the plan's order
    units: pd.DataFrame  # UNIT_COLUMNS
    evidence: pd.DataFrame  # build.EVIDENCE_COLUMNS
    missing: pd.DataFrame  # build.MISSING_COLUMNS
    notes: tuple[str, ...] = field(default=())

    def evidence_of(self, key: str) -> pd.DataFrame:
        return self.evidence[self.evidence["key"] == key].reset_index(drop=True)

    def missing_of(self, key: str) -> pd.DataFrame:
        return self.missing[self.missing["key"] == key].reset_index(drop=True)


def checklist(
    con: duckdb.DuckDBPyConnection,
    branch: str,
    year: int,
    as_of: dt.date | None = None,
    rules: Rules | None = None,
    plan: Plan | None = None,
) -> Checklist:
    """Every item of the branch's plan for ``year`` on ``as_of`` (default: today in Asia/Shanghai), with
    the branch's rules (exempt months, 三会一课 requirements) unless ``rules`` is given."""
    as_of = as_of or today()
    rules = rules or rules_for(branch)
    plan = plan or plan_for(branch, year)
    branch_id = require_branch(con, branch)
    notes: list[str] = []
    lines = build.lines_of(plan, rules, notes)
    exempt = list(rules["branch"].get("exempt_months", []))
    first, last = build.date_range(lines, year)
    events = ev.events(con, branch_id, build.selectors(lines, rules), first, last)
    comp = ev.compliance(con, branch_id, year, rules) if any(x.kind == "compliance" for x in lines) else None
    parts = [
        build.compliance_parts(lines, comp, events, as_of) if comp is not None else None,
        build.event_parts(con, branch_id, lines, events, year, as_of, exempt),
        build.study_parts(con, branch_id, lines, year, as_of, rules),
    ]
    parts = [p for p in parts if p is not None]
    units = _with_status(_concat([p.units for p in parts], build.UNIT_COLUMNS), lines, as_of)
    evidence = _concat([p.evidence for p in parts], build.EVIDENCE_COLUMNS)
    order = {line.key: i for i, line in enumerate(lines)}
    evidence = (
        evidence.assign(_o=evidence["key"].map(order), _d=pd.to_datetime(evidence["date"]))
        .sort_values(["_o", "_d", "file", "sheet", "row"], kind="stable")
        .drop(columns=["_o", "_d"])
        .reset_index(drop=True)
    )
    missing = _concat([p.missing for p in parts], build.MISSING_COLUMNS)
    for line in lines:
        if not (units["key"] == line.key).any():
            notes.append(f"“{line.name}”本年没有要求（规则文件的豁免月份，或支部没有支委会）")
    items = _items(lines, units, evidence, missing, as_of)
    units = units.assign(_o=units["key"].map(order)).sort_values(["_o", "due", "unit"], kind="stable")
    return Checklist(
        branch=branch,
        year=year,
        as_of=as_of,
        title=plan.title,
        plan_source=plan.source,
        plan_sha256=plan.sha256,
        rules_source=rules.source,
        rules_sha256=rules.sha256,
        items=items,
        units=units.drop(columns="_o").reset_index(drop=True)[UNIT_COLUMNS],
        evidence=evidence,
        missing=missing,
        notes=tuple(notes),
    )


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def _with_status(units: pd.DataFrame, lines, as_of: dt.date) -> pd.DataFrame:
    """Each unit's status (status.py) and its next checkpoint on or after the as-of date."""
    kinds = {line.key: line.kind for line in lines}
    names = {line.key: line.name for line in lines}
    units = units.reset_index(drop=True).assign(name=units["key"].map(names).values)
    units["status"] = [
        status.SHOWN if kinds[k] == "study" else status.unit_status(int(d), int(r), due, as_of, cps)
        for k, d, r, due, cps in zip(units["key"], units["done"], units["required"], units["due"], units["checkpoints"])
    ]
    upcoming = [min([(by, n) for by, n in cps if by >= as_of], default=(None, None)) for cps in units["checkpoints"]]
    units["checkpoint"] = [by for by, _ in upcoming]
    units["checkpoint_count"] = [n for _, n in upcoming]
    return units


def _items(lines, units: pd.DataFrame, evidence: pd.DataFrame, missing: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One row per line from its units: the item status (status.item_status), done and required summed
    as the 堡垒指数 sums compliance (a unit counts at most what it requires), and the due date to show —
    the earliest missed one when overdue, else the next one not yet met, else the last."""
    due = pd.to_datetime(units["due"])
    u = units.assign(
        capped=units[["done", "required"]].min(axis=1),
        overdue_due=due.where(units["status"] == status.OVERDUE),
        next_due=due.where(~units["status"].isin([status.DONE, status.SHOWN]) & (due >= pd.Timestamp(as_of))),
        last_due=due,
    )
    agg = u.groupby("key", sort=False).agg(
        status=("status", status.item_status),
        done=("capped", "sum"),
        required=("required", "sum"),
        overdue_due=("overdue_due", "min"),
        next_due=("next_due", "min"),
        last_due=("last_due", "max"),
    )
    shown_due = agg["overdue_due"].fillna(agg["next_due"]).fillna(agg["last_due"]).dt.date
    points = u.dropna(subset=["checkpoint"]).sort_values("checkpoint").groupby("key").first()
    evidence_count, missing_count = evidence["key"].value_counts(), missing["key"].value_counts()
    rows = []
    for line in (x for x in lines if x.key in agg.index):
        a = agg.loc[line.key]
        measure = "人" if line.per == "member" else "次"
        done, required = int(a["done"]), int(a["required"])
        progress = f"{done}/{required} {measure}"
        if line.kind == "study":
            done, required, measure = None, None, "%"
            progress = _study_progress(units[units["key"] == line.key], line.item.target)
        rows.append(
            {
                "key": line.key,
                "name": line.name,
                "per": line.per,
                "status": a["status"],
                "done": done,
                "required": required,
                "measure": measure,
                "progress": progress,
                "due": None if line.kind == "study" else shown_due[line.key],
                "next_checkpoint": points.at[line.key, "checkpoint"] if line.key in points.index else None,
                "checkpoint_count": points.at[line.key, "checkpoint_count"] if line.key in points.index else None,
                "evidence_count": int(evidence_count.get(line.key, 0)),
                "missing_count": int(missing_count.get(line.key, 0)),
            }
        )
    frame = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    return frame.astype({"done": "Int64", "required": "Int64", "checkpoint_count": "Int64"})


def _study_progress(units: pd.DataFrame, target: float) -> str:
    """The latest month's participation against the target, and how many months fell below it."""
    known = units.dropna(subset=["rate"])
    if known.empty:
        return f"尚无数据，目标 {target:.0%}"
    last, below = known.iloc[-1], int((known["rate"] < target).sum())
    return (
        f"{last['unit']} {last['rate']:.0%}（{int(last['done'])}/{int(last['required'])} 人），目标 {target:.0%}，"
        f"{below} 个月未达到"
    )


def due_between(result: Checklist, first: dt.date, last: dt.date) -> pd.DataFrame:
    """The units not yet met (学习强国 aside) whose due date falls between ``first`` and ``last``."""
    u = result.units
    open_ = ~u["status"].isin([status.DONE, status.SHOWN])
    return u[open_ & (u["due"] >= first) & (u["due"] <= last)].sort_values("due", kind="stable").reset_index(drop=True)


def due_within(result: Checklist, days: int = 30) -> pd.DataFrame:
    """What falls due in the next ``days`` days from the checklist's as-of date, not yet met."""
    return due_between(result, result.as_of, result.as_of + dt.timedelta(days=days))


def overdue(result: Checklist) -> pd.DataFrame:
    """The units due and not met on the as-of date."""
    u = result.units
    return u[u["status"] == status.OVERDUE].sort_values("due", kind="stable").reset_index(drop=True)
