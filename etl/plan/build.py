"""From the plan and the evidence to the checklist's units: one builder per kind of item, pandas only.

A *line* is one row of the checklist: a plan item, or one 三会一课 type of a 三会一课 item. A *unit* is
what a line is counted over (a month, a month and a party group, a quarter, the year, a window). Every
builder returns the units with done and required, the evidence rows that count (file, sheet, row) and,
for per-member lines, the members still missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from pypinyin import lazy_pinyin

from etl.plan import evidence as ev
from etl.plan.calendar import units_of
from etl.plan.plan_file import Plan, PlanItem
from etl.rules import Rules

UNIT_COLUMNS = ["key", "unit", "start", "end", "due", "required", "done", "checkpoints", "rate"]
EVIDENCE_COLUMNS = ["key", "unit", "date", "what", "subject", "file", "sheet", "row", "source"]
MISSING_COLUMNS = ["key", "unit", "member_id", "name", "party_group", "category"]
_SOURCE_NAMES = {"activity": "考勤", "record": "工作记录", "assessment": "考评", "study": "学习强国"}


@dataclass(frozen=True)
class Line:
    key: str
    name: str
    per: str  # year | quarter | month | member, or a 三会一课 requirement's (month, month_per_group, quarter, year)
    kind: str  # compliance | events | study
    item: PlanItem
    requirement: str | None = None


@dataclass
class Parts:
    units: pd.DataFrame
    evidence: pd.DataFrame
    missing: pd.DataFrame


def lines_of(plan: Plan, rules: Rules, notes: list[str]) -> list[Line]:
    """The checklist's rows: a 三会一课 item of several types becomes one row per type the rules require."""
    required = rules["branch"].get("requirements", {})
    lines = []
    for item in plan.items:
        kind = item.evidence.kind
        if kind != "compliance":
            lines.append(Line(item.key, item.name, item.per, kind, item))
            continue
        several = len(item.evidence.requirements) > 1
        for name in item.evidence.requirements:
            if name not in required:
                notes.append(f"规则文件的 branch.requirements 没有“{name}”：计划事项“{item.name}”的这一类不列出")
                continue
            key, shown = (f"{item.key}·{name}", f"{item.name}：{name}") if several else (item.key, item.name)
            lines.append(Line(key, shown, required[name]["per"], kind, item, name))
    return lines


def selectors(lines: list[Line], rules: Rules) -> pd.DataFrame:
    """(item_key, source, name) of every activity type, record type and assessment item the lines name;
    a 三会一课 line names its requirement's activity types, so that its held meetings show their rows."""
    rows = []
    for line in lines:
        if line.kind == "compliance":
            spec = rules["branch"]["requirements"][line.requirement]
            rows += [(line.key, "activity", t) for t in [line.requirement, *spec.get("also", [])]]
        elif line.kind == "events":
            for field, source in ev.EVENT_SOURCES.items():
                rows += [(line.key, source, name) for name in getattr(line.item.evidence, field)]
    return pd.DataFrame(rows, columns=["item_key", "source", "name"])


def date_range(lines: list[Line], year: int) -> tuple[dt.date, dt.date]:
    """The dates evidence may have: the year, widened by any window reaching beyond it (春节 − 30 days
    can fall in December of the year before)."""
    units = [u for line in lines if line.kind == "events" for u in units_of(line.item, year)]
    return min([dt.date(year, 1, 1), *(u.start for u in units)]), max([dt.date(year, 12, 31), *(u.end for u in units)])


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame(columns=columns)


def _unit_label(per: str, start, group) -> str:
    start = pd.Timestamp(start)
    if per == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if per == "year":
        return str(start.year)
    month = f"{start.year}-{start.month:02d}"
    return f"{month} {group}" if isinstance(group, str) and group else month


def _collapse(rows: pd.DataFrame) -> pd.DataFrame:
    """Evidence as a reader looks for it: one row per source row (a ledger row naming twenty people is
    one row), its subjects joined by 、."""
    if rows.empty:
        return _empty(EVIDENCE_COLUMNS)
    keys = ["key", "unit", "source", "date", "what", "file", "sheet", "row"]
    grouped = rows.groupby(keys, dropna=False, sort=False)["subject"].agg(
        lambda s: "、".join(dict.fromkeys(v for v in s if isinstance(v, str) and v))
    )
    out = grouped.reset_index()
    out["source"] = out["source"].map(_SOURCE_NAMES)
    return out[EVIDENCE_COLUMNS]


def compliance_parts(lines: list[Line], comp: pd.DataFrame, events: pd.DataFrame, as_of: dt.date) -> Parts:
    """三会一课 lines from the scoring engine's compliance units: held and required are the engine's; only
    meetings after the as-of date are left out, so that the checklist says how things stood on that day."""
    keyed = {line.requirement: line.key for line in lines if line.kind == "compliance"}
    comp = comp[comp["requirement"].isin(list(keyed))]
    if comp.empty:
        return Parts(_empty(UNIT_COLUMNS), _empty(EVIDENCE_COLUMNS), _empty(MISSING_COLUMNS))
    day = as_of.isoformat()
    units = pd.DataFrame(
        {
            "key": comp["requirement"].map(keyed),
            "unit": [_unit_label(p, s, g) for p, s, g in zip(comp["per"], comp["unit_start"], comp["party_group"])],
            "start": pd.to_datetime(comp["unit_start"]).dt.date,
            "end": pd.to_datetime(comp["unit_end"]).dt.date,
            "required": comp["required"].astype(int),
            "held": [[d for d in v if d <= day] if hasattr(v, "__len__") else [] for v in comp["held_on"]],
            "party_group": comp["party_group"],
        }
    )
    units["due"], units["done"] = units["end"], units["held"].map(len)
    units["checkpoints"], units["rate"] = [()] * len(units), None
    held = units[["key", "unit", "party_group", "held"]].explode("held").dropna(subset=["held"])
    held["date"] = pd.to_datetime(held["held"]).dt.date
    rows = held.merge(events.rename(columns={"item_key": "key"}), on=["key", "date"])
    own_group = [
        not isinstance(g, str) or (groups is not None and g in list(groups))
        for g, groups in zip(rows["party_group"], rows["party_groups"])
    ]
    return Parts(units[UNIT_COLUMNS].reset_index(drop=True), _collapse(rows[own_group]), _empty(MISSING_COLUMNS))


def event_parts(
    con, branch_id: int, lines: list[Line], events: pd.DataFrame, year: int, as_of: dt.date, exempt_months
) -> Parts:
    """Lines counted from activities, 工作记录 and assessments: distinct days in each unit's window (the
    same 专题会 in a ledger and in a record file is one), or, per member, the members each covered."""
    lines = [line for line in lines if line.kind == "events"]
    by_key = {line.key: line for line in lines}
    units = pd.DataFrame(
        [
            {
                "key": line.key,
                "unit": u.label,
                "start": u.start,
                "end": u.end,
                "due": u.due,
                "required": line.item.required,
                "checkpoints": u.checkpoints,
            }
            for line in lines
            for u in units_of(line.item, year, exempt_months)
        ],
        columns=["key", "unit", "start", "end", "due", "required", "checkpoints"],
    )
    if units.empty:
        return Parts(_empty(UNIT_COLUMNS), _empty(EVIDENCE_COLUMNS), _empty(MISSING_COLUMNS))
    joined = units[["key", "unit", "start", "end"]].merge(events.rename(columns={"item_key": "key"}), on="key")
    day = pd.to_datetime(joined["date"])
    in_window = (day >= pd.to_datetime(joined["start"])) & (day <= pd.to_datetime(joined["end"]))
    in_unit = in_window.where(joined["source"] != "assessment", joined["year"] == year)  # an appraisal: its 年度
    counted = joined[in_unit & (day.isna() | (day <= pd.Timestamp(as_of)))]
    days = counted.groupby(["key", "unit"])["date"].nunique(dropna=False)
    units["done"] = [int(days.get((k, u), 0)) for k, u in zip(units["key"], units["unit"])]
    units["rate"] = None
    per_member = units[units["key"].map(lambda k: by_key[k].per == "member")]
    missing = _empty(MISSING_COLUMNS)
    if not per_member.empty:
        on = per_member.assign(on_date=[min(as_of, end) for end in per_member["end"]])[["key", "unit", "on_date"]]
        members = ev.members_on(con, branch_id, on)
        per_day = (
            counted.dropna(subset=["member_id"]).groupby(["key", "unit", "member_id"])["date"].nunique(dropna=False)
        )
        needed = members["key"].map(lambda k: by_key[k].item.required)
        got = [int(per_day.get((k, u, m), 0)) for k, u, m in zip(members["key"], members["unit"], members["member_id"])]
        members["covered"] = [g >= n for g, n in zip(got, needed)]
        tally = members.groupby(["key", "unit"])["covered"].agg(covered="sum", members="size").reset_index()
        units = units.merge(tally, on=["key", "unit"], how="left")
        mine = units["key"].map(lambda k: by_key[k].per == "member")
        units.loc[mine, "done"] = units.loc[mine, "covered"].fillna(0).astype(int)
        units.loc[mine, "required"] = units.loc[mine, "members"].fillna(0).astype(int)
        missing = in_pinyin_order(members[~members["covered"]])[MISSING_COLUMNS]
    return Parts(units[UNIT_COLUMNS], _collapse(counted), missing)


def study_parts(con, branch_id: int, lines: list[Line], year: int, as_of: dt.date, rules: Rules) -> Parts:
    """学习强国: participation per month up to the as-of date, against the target, shown and never judged."""
    lines = [line for line in lines if line.kind == "study"]
    if not lines:
        return Parts(_empty(UNIT_COLUMNS), _empty(EVIDENCE_COLUMNS), _empty(MISSING_COLUMNS))
    months = [m for m in range(1, 13) if dt.date(year, m, 1) <= as_of]
    rates = ev.study_months(con, branch_id, year, months, rules).set_index("period")
    first, last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), as_of)
    sources = ev.study_sources(con, branch_id, first, last) if months else _empty(["month", "date", "rows_in_month"])
    units, rows = [], []
    for line in lines:
        for u in units_of(line.item, year):
            has = u.label in rates.index
            units.append(
                {
                    "key": line.key,
                    "unit": u.label,
                    "start": u.start,
                    "end": u.end,
                    "due": u.due,
                    "required": int(rates.at[u.label, "members"]) if has else 0,
                    "done": int(rates.at[u.label, "active"]) if has else 0,
                    "checkpoints": (),
                    "rate": rates.at[u.label, "rate"] if has else None,
                }
            )
        rows.append(sources.assign(key=line.key, unit=sources["month"], source="study", subject=None))
    found = pd.concat(rows, ignore_index=True)
    found["what"] = [f"学习强国积分 {n} 行" for n in found["rows_in_month"]]
    return Parts(pd.DataFrame(units, columns=UNIT_COLUMNS), _collapse(found), _empty(MISSING_COLUMNS))


def in_pinyin_order(members: pd.DataFrame) -> pd.DataFrame:
    """Members by item, unit and the pinyin of their name, as a Chinese reader looks for a name (the
    order dashboard/frames.py gives; etl does not import the dashboard)."""
    key = members["name"].map(lambda n: "".join(lazy_pinyin(n)) if isinstance(n, str) else "")
    return members.assign(_p=key).sort_values(["key", "unit", "_p", "member_id"], kind="stable").drop(columns="_p")
