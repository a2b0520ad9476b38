"""The scores a 支委会 brief reads, counted as the 总览 counts them.

The 总览's numbers are dashboard/frames.py (period_summary, alerts) over the scoring engine; etl never
imports the dashboard, so the few pandas steps they add are taken here the same way over the same
engine calls: the branch row of engine.branch_frames with the period's attendance rate and 学习强国
participation, members below the 需帮扶 line (a veto first, then the lowest index, ties in party group
and pinyin order), members close to the absence veto, and 三会一课 units not met in the period and so
far in its year. tests/dashboard/test_brief_numbers.py holds every one of them equal to the page's.
"""

from __future__ import annotations

import duckdb
import pandas as pd
from pypinyin import lazy_pinyin

from etl.db import statement
from etl.rules import Rules
from etl.scoring import engine
from etl.scoring.period import Period, month_index, parse

SUMMARY_KEYS = [*engine.BRANCH_ROW, "attendance_rate", "participation", "needs_help"]
UNMET_COLUMNS = ["requirement", "unit", "required", "held"]


def periods_of(period: Period) -> list[Period]:
    """The period, the one before it (the change) and its year (三会一课 so far this year)."""
    year = parse(str(period.year))
    return [period, period.previous(), *([year] if year != period else [])]


def scores(con: duckdb.DuckDBPyConnection, branch_id: int, period: Period, rules: Rules) -> dict[str, pd.DataFrame]:
    """members (reading order, ``member`` the name or name（党小组）), compliance (with ``unit``) and the
    branch rows (with the KPIs) of periods_of(period), in one set-based pass of the engine."""
    periods = periods_of(period)
    members = engine.member_frames(con, branch_id, periods, rules)
    members.insert(1, "member", engine.member_label(members))
    members = reading_order(members)
    compliance = engine.compliance_frames(con, branch_id, periods, rules)
    compliance["unit"] = [unit_label(r.per, r.unit_start, r.party_group) for r in compliance.itertuples()]
    branch = engine.branch_frames(members, compliance, rules)
    kpis = pd.DataFrame(
        [{"period": label, **kpis_of(group)} for label, group in members.groupby("period", sort=False)],
        columns=["period", "attendance_rate", "participation", "needs_help"],
    )
    return {"members": members, "compliance": compliance, "branch": branch.merge(kpis, on="period", how="left")}


def kpis_of(members: pd.DataFrame) -> dict:
    """Attendance rate (attended ÷ expected), participation (members with a day of points ÷ members;
    None when the period has no 学习强国 data: nothing uploaded is not 0 %), and how many need help."""
    expected = members["expected"].fillna(0).sum()
    has_study = len(members) and members["study_days"].fillna(0).sum()
    return {
        "attendance_rate": members["attended"].fillna(0).sum() / expected if expected else None,
        "participation": float((members["active_days"].fillna(0) > 0).mean()) if has_study else None,
        "needs_help": int(members["needs_help"].fillna(False).astype(bool).sum()),
    }


def summary(found: dict[str, pd.DataFrame], period: Period) -> dict:
    """The KPI numbers of one period (None where nothing is measured; members_scored 0 without data)."""
    rows = found["branch"][found["branch"]["period"] == period.label]
    if rows.empty:
        return dict.fromkeys(SUMMARY_KEYS) | {"members_scored": 0, "needs_help": 0}
    row = rows.iloc[0]
    return {k: None if pd.isna(row[k]) else row[k].item() if hasattr(row[k], "item") else row[k] for k in SUMMARY_KEYS}


def members_of(found: dict[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    members = found["members"]
    return members[members["period"] == period.label].drop(columns="period").reset_index(drop=True)


def needs_help(members: pd.DataFrame) -> pd.DataFrame:
    """Members below the 需帮扶 line, most urgent first: a veto, then the lowest index."""
    low = members[members["needs_help"].fillna(False).astype(bool)]
    return low.sort_values(["vetoed", "index"], ascending=[False, True], kind="stable").reset_index(drop=True)


def veto_watch(con: duckdb.DuckDBPyConnection, branch_id: int, period: Period, rules: Rules) -> pd.DataFrame:
    """Members one or two all-absent months short of the absence veto at the period's end, the longest
    runs first (columns member_id, member, party_group, run)."""
    params = {
        "branch_id": branch_id,
        "end_month": month_index(period.end),
        "veto_months": int(rules["veto"]["absent_months"]),
    }
    frame = reading_order(con.execute(statement("etl.plan.sql", "veto_watch"), params).df())
    return frame.sort_values("run", ascending=False, kind="stable").reset_index(drop=True)


def unmet(found: dict[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """三会一课 units of the period not met."""
    units = found["compliance"][found["compliance"]["period"] == period.label]
    return units[units["met"] < units["required"]][UNMET_COLUMNS].reset_index(drop=True)


def year_unmet(found: dict[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """三会一课 units of the period's year, due by the period's end and not met, other than the period's
    own (listed by unmet); none for a year, whose own units are the year's."""
    if period.grain == "year":
        return pd.DataFrame(columns=UNMET_COLUMNS)
    year = found["compliance"][found["compliance"]["period"] == str(period.year)]
    due = year[(pd.to_datetime(year["unit_end"]).dt.date <= period.end) & (year["met"] < year["required"])]
    own = unmet(found, period)
    listed = set(zip(own["requirement"], own["unit"]))
    keep = [(r, u) not in listed for r, u in zip(due["requirement"], due["unit"])]
    return due[keep][UNMET_COLUMNS].reset_index(drop=True)


def unit_label(per: str, start, group) -> str:
    """A 三会一课 unit as the pages write it: 2025-03, 2025-03 第一党小组, 2025-Q1, 2025."""
    start = pd.Timestamp(start)
    if per == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if per == "year":
        return f"{start.year}"
    return f"{start:%Y-%m}" + (f" {group}" if isinstance(group, str) else "")


def reading_order(members: pd.DataFrame) -> pd.DataFrame:
    """Members by party group (第一, 第二 … 第十, other names by pinyin, no group last), then by the
    pinyin of the name: the order the pages list members in."""
    if members.empty:
        return members
    keyed = members.assign(
        _g=members["party_group"].map(group_rank),
        _n=members["member"].map(lambda v: "".join(lazy_pinyin(v)) if isinstance(v, str) else ""),
    )
    by = [*(["period"] if "period" in members else []), "_g", "_n"]
    return keyed.sort_values(by, kind="stable").drop(columns=["_g", "_n"]).reset_index(drop=True)


NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def group_rank(group) -> tuple:
    """第一党小组 < 第二党小组 < … < 第十二党小组 < groups without a number (by pinyin) < no group."""
    if not isinstance(group, str) or not group:
        return (2, 0, "")
    digits = "".join(ch for ch in group if ch.isdigit())
    numeral = next((group[i:] for i in range(len(group)) if group[i] in NUMERALS), "")
    value = int(digits) if digits else _chinese_number(numeral)
    return (0, value, "") if value else (1, 0, "".join(lazy_pinyin(group)))


def _chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23; 0 when the text does not start with a numeral."""
    run = ""
    for ch in text:
        if ch not in NUMERALS:
            break
        run += ch
    if not run:
        return 0
    if "十" in run:
        tens, _, ones = run.partition("十")
        return (NUMERALS.get(tens, 1) if tens else 1) * 10 + (NUMERALS.get(ones[:1], 0) if ones else 0)
    return NUMERALS[run[0]]
