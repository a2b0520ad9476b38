"""The work plan in a snapshot (format 2), and each branch's plan completion for the district.

A snapshot carries its branch's plan checklist (etl/plan/checklist.py) as of its period's end — or
the export day, when the period has not ended yet: one row per plan item, as `etl plan` lists it,
with the count of the item's units due by that date and met. Member-level rows (the missing members,
the evidence rows naming people) stay at the branch: the district compares branches, and a list of
who still lacks a 谈心谈话 is the branch's own work list — the counts travel, the names do not, in a
named and an anonymised snapshot alike.

Plan completion is read from those rows alone (completion()), so a district fed by snapshot files
and one holding the branches' raw rows (which builds the same rows with items_frame()) give the same
numbers:

- plan_due: items (学习强国 aside: shown, never judged) with a unit due on or before the as-of date,
  or already 已完成 ahead of their due date;
- plan_done: of those, items with every unit due by then met (a monthly item whose past months were
  all held counts; an item completed early counts);
- plan_overdue: items 逾期 on the as-of date;
- plan_rate: plan_done / plan_due (none when nothing was due).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from etl.plan import status
from etl.plan.checklist import ITEM_COLUMNS, Checklist, checklist
from etl.rules import Rules
from etl.scoring.period import Period

_i64 = pa.int64()
SCHEMA = pa.schema(
    [
        ("as_of", pa.date32()),
        ("key", pa.string()),
        ("name", pa.string()),
        ("per", pa.string()),
        ("status", pa.string()),
        ("done", _i64),
        ("required", _i64),
        ("measure", pa.string()),
        ("progress", pa.string()),
        ("due", pa.date32()),
        ("next_checkpoint", pa.date32()),
        ("checkpoint_count", _i64),
        ("evidence_count", _i64),
        ("missing_count", _i64),
        ("units", _i64),
        ("units_due", _i64),
        ("units_due_met", _i64),
        ("units_overdue", _i64),
    ]
)
COMPLETION_COLUMNS = ["plan_done", "plan_due", "plan_overdue", "plan_rate"]


def as_of_for(period: Period, today: dt.date) -> dt.date:
    """The date a period's plan statuses describe — the day after it ended (the period as it closed:
    an item due on its last day and not met is overdue), or ``today`` when that comes first — the
    same day the 工作计划 page and the brief judge it on (etl.plan.brief.default_as_of)."""
    return min(period.end + dt.timedelta(days=1), today)


def _unit_counts(result: Checklist) -> pd.DataFrame:
    """Per item: its units, those due by the as-of date, those of them met, and those overdue."""
    u = result.units
    due = pd.Series([d <= result.as_of for d in u["due"]], index=u.index, dtype=bool)
    met = u["status"] == status.DONE
    counts = pd.DataFrame(
        {
            "key": u["key"],
            "units": 1,
            "units_due": due.astype(int),
            "units_due_met": (due & met).astype(int),
            "units_overdue": (u["status"] == status.OVERDUE).astype(int),
        }
    )
    return counts.groupby("key", sort=False).sum()


def items_frame(
    con: duckdb.DuckDBPyConnection, branch: str, period: Period, rules: Rules, as_of: dt.date
) -> tuple[pd.DataFrame, dict]:
    """The plan_items table of ``branch`` for ``period`` on ``as_of`` (SCHEMA's columns), and the plan
    file it follows ({"source", "sha256", "as_of"}) for the manifest."""
    result = checklist(con, branch, period.start.year, as_of=as_of, rules=rules)
    counts = _unit_counts(result)
    items = result.items[ITEM_COLUMNS].merge(counts, left_on="key", right_index=True, how="left")
    items = items.fillna(dict.fromkeys(counts.columns, 0)).astype(dict.fromkeys(counts.columns, int))
    items.insert(0, "as_of", as_of)
    source = {"source": Path(result.plan_source).name, "sha256": result.plan_sha256, "as_of": as_of}
    return items[SCHEMA.names].reset_index(drop=True), source


def completion(items: pd.DataFrame, by: str = "branch_id") -> pd.DataFrame:
    """Plan completion per ``by`` (COMPLETION_COLUMNS, indexed by ``by``) from plan_items rows."""
    judged = items[items["status"] != status.SHOWN]
    finished = judged["status"] == status.DONE
    units_due = judged["units_due"].astype(int)
    flags = pd.DataFrame(
        {
            by: judged[by],
            "plan_due": (units_due > 0) | finished,
            "plan_done": finished | ((units_due > 0) & (judged["units_due_met"].astype(int) == units_due)),
            "plan_overdue": judged["status"] == status.OVERDUE,
        }
    )
    sums = flags.groupby(by, sort=False)[["plan_done", "plan_due", "plan_overdue"]].sum().astype(int)
    sums["plan_rate"] = (sums["plan_done"] / sums["plan_due"]).where(sums["plan_due"] > 0)
    return sums[COMPLETION_COLUMNS]
