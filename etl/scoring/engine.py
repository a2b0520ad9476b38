"""Scores for a branch and a period, computed set-based in DuckDB (sql/*.sql).

Every rule value is a query parameter and every catalogue a registered relation, so a branch's own
rules file changes the numbers without changing any SQL text. Results carry the rules' hash.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from etl.db import statement
from etl.rules import APPRAISAL, GRADES, HONOUR, Rules
from etl.scoring.period import Period, month_index

MEMBER_CSV = [
    "branch",
    "period",
    "member",
    "party_group",
    "category",
    "attendance_rate",
    "study_avg_daily",
    "appraisal",
    "base",
    "bonus",
    "deduction",
    "vetoed",
    "index",
    "stars",
]
BRANCH_CSV = ["branch", "period", "members_scored", "member_mean", "compliance_rate", "index", "stars"]


def sql(name: str) -> str:
    """A scoring statement of etl/scoring/sql/."""
    return statement("etl.scoring.sql", name)


def _register_rules(con: duckdb.DuckDBPyConnection, rules: Rules) -> None:
    bonus, deduction, veto = rules["bonus"], rules["deduction"], rules["veto"]
    items = (
        [(k, "bonus", float(v)) for k, v in bonus["items"].items()]
        + [(bonus["volunteer_item"], "volunteer", float(bonus["volunteer_points"]))]
        + [(k, "deduction", -float(v)) for k, v in deduction["items"].items()]
        + [(k, "veto", None) for k in veto["items"]]
    )
    con.register("rule_items", pd.DataFrame(items, columns=["item", "kind", "points"]))
    con.register(
        "rule_levels",
        pd.DataFrame(list(bonus["honour_levels"].items()), columns=["level", "points"]).astype({"points": float}),
    )
    con.register(
        "rule_grades", pd.DataFrame([(g, float(rules["appraisal"][g])) for g in GRADES], columns=["grade", "points"])
    )
    reqs = [
        (name, r["per"], int(r["count"]), [name, *r.get("also", [])])
        for name, r in rules["branch"]["requirements"].items()
    ]
    con.register("rule_requirements", pd.DataFrame(reqs, columns=["requirement", "per", "required", "types"]))


def lookback_month(period: Period, months: int) -> int:
    """The month index (year × 12 + month − 1) where a run that vetoes the period may start."""
    return month_index(period.start) - (months - 1)


def _register_periods(con: duckdb.DuckDBPyConnection, periods: list[Period]) -> None:
    con.register(
        "scoring_periods",
        pd.DataFrame(
            [(p.label, p.start, p.end, p.year, p.grain, month_index(p.start), month_index(p.end)) for p in periods],
            columns=["period", "period_start", "period_end", "period_year", "grain", "first_month", "last_month"],
        ),
    )  # the dates stay Python dates, so DuckDB sees DATE columns


def _branch_params(branch_ids: int | Iterable[int]) -> dict:
    """The branches as SQL parameters: the list, and its least and greatest id. DuckDB carries a
    range filter across join keys into every live view (a function such as list_contains it does
    not), so the range is what keeps one branch's query to that branch's rows."""
    ids = [int(branch_ids)] if isinstance(branch_ids, int) else sorted({int(b) for b in branch_ids})
    return {"branch_ids": ids, "first_branch": min(ids, default=0), "last_branch": max(ids, default=-1)}


def member_frames(
    con: duckdb.DuckDBPyConnection, branch_ids: int | Iterable[int], periods: list[Period], rules: Rules
) -> pd.DataFrame:
    """One row per branch, period and member in scope, with every component, the index and the stars:
    the periods of a trend, or a district's branches, scored in one set-based pass, not one query
    each. All the branches are scored by the one ``rules``."""
    _register_rules(con, rules)
    _register_periods(con, periods)
    m, thresholds = rules["member"], rules["stars"]["thresholds"]
    params = {
        **_branch_params(branch_ids),
        "veto_months": int(rules["veto"]["absent_months"]),
        "veto_grade": rules["veto"]["appraisal_grade"],
        "appraisal_item": APPRAISAL,
        "honour_item": HONOUR,
        "volunteer_item": rules["bonus"]["volunteer_item"],
        "volunteer_cap": float(rules["bonus"]["volunteer_cap_per_period"]),
        "per_absence": float(rules["deduction"]["per_absence"]),
        "per_late": float(rules["deduction"]["per_late"]),
        "w_attendance": float(m["weights"]["attendance"]),
        "w_study": float(m["weights"]["study"]),
        "w_appraisal": float(m["weights"]["appraisal"]),
        "study_target": float(rules["study"]["daily_target"]),
        "grade_max": float(max(rules["appraisal"][g] for g in GRADES)) or 1.0,
        "base_max": float(m["base_max"]),
        "bonus_cap": float(m["bonus_cap"]),
        "discipline_max": float(m["discipline_max"]),
        "star5": thresholds[0],
        "star4": thresholds[1],
        "star3": thresholds[2],
        "star2": thresholds[3],
        "needs_help_below": float(rules["stars"]["needs_help_below"]),
    }
    frame = con.execute(sql("member_scores"), params).df()
    frame.attrs.update(rules_sha256=rules.sha256, rules_source=rules.source)
    return frame


def member_frame(con: duckdb.DuckDBPyConnection, branch_id: int, period: Period, rules: Rules) -> pd.DataFrame:
    """One row per member in scope for one period."""
    frame = member_frames(con, branch_id, [period], rules).drop(columns="period")
    frame.attrs.update(period=period.label)
    return frame


def compliance_frames(con, branch_ids: int | Iterable[int], periods: list[Period], rules: Rules) -> pd.DataFrame:
    """One row per branch, period, 三会一课 requirement and unit: required, held, met — many
    branches and periods in one pass."""
    _register_rules(con, rules)
    _register_periods(con, periods)
    return con.execute(
        sql("compliance"),
        {
            **_branch_params(branch_ids),
            "exempt_months": list(rules["branch"].get("exempt_months", [])),
            "committee_min_members": int(rules["branch"]["committee_min_members"]),
        },
    ).df()


def compliance_frame(con, branch_id: int, period: Period, rules: Rules) -> pd.DataFrame:
    """One row per 三会一课 requirement and unit in the period: required, held, met."""
    return compliance_frames(con, branch_id, [period], rules).drop(columns=["branch_id", "period"])


def stars_of(index: float | None, rules: Rules) -> int | None:
    if index is None or pd.isna(index):
        return None
    value = round(float(index), 2)
    return next((5 - i for i, t in enumerate(rules["stars"]["thresholds"]) if value >= t), 1)


BRANCH_ROW = [
    "members_scored",
    "member_mean",
    "compliance_rate",
    "compliance_required",
    "compliance_met",
    "index",
    "stars",
]


def branch_frames(members: pd.DataFrame, compliance: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """堡垒指数 of every (branch_id, period) in member_frames and compliance_frames, set-based.

    堡垒指数 = member weight × mean 先锋指数 + compliance weight × 100 × compliance rate. When one
    side has nothing to measure, the other stands alone (re-normalised, as the member base is)."""
    keys = ["branch_id", "period"]
    scored = members.groupby(keys)["index"].agg(members_scored="count", member_mean="mean")
    held = compliance.groupby(keys).agg(compliance_required=("required", "sum"), compliance_met=("met", "sum"))
    frame = scored.join(held, how="outer").astype(float)
    frame[["members_scored", "compliance_required", "compliance_met"]] = frame[
        ["members_scored", "compliance_required", "compliance_met"]
    ].fillna(0.0)
    frame["compliance_rate"] = (frame["compliance_met"] / frame["compliance_required"]).where(
        frame["compliance_required"] > 0
    )
    mw, cw = float(rules["branch"]["member_weight"]), float(rules["branch"]["compliance_weight"])
    has_mean, has_rate = frame["member_mean"].notna(), frame["compliance_rate"].notna()
    weight = mw * has_mean + cw * has_rate
    total = mw * frame["member_mean"].fillna(0.0) + cw * 100 * frame["compliance_rate"].fillna(0.0)
    frame["index"] = (total / weight).where(weight > 0)
    frame["stars"] = frame["index"].map(lambda v: stars_of(v, rules)).astype("Int64")
    frame["members_scored"] = frame["members_scored"].astype(int)
    return frame.reset_index()[[*keys, *BRANCH_ROW]]


def branch_row(members: pd.DataFrame, compliance: pd.DataFrame, rules: Rules) -> dict:
    """branch_frames for one branch and one period: a dict, None where there is nothing to measure."""
    one = {"branch_id": 0, "period": ""}
    frame = branch_frames(members.assign(**one), compliance.assign(**one), rules)
    if frame.empty:
        row = dict.fromkeys(BRANCH_ROW, None) | {"members_scored": 0, "compliance_required": 0.0, "compliance_met": 0.0}
        return row
    row = frame.iloc[0]
    return {k: (None if pd.isna(row[k]) else row[k].item() if hasattr(row[k], "item") else row[k]) for k in BRANCH_ROW}


def member_label(frame: pd.DataFrame) -> pd.Series:
    """The name, or name（党小组） where two members share it."""
    return frame["name"].where(
        ~frame["name_shared"], frame["name"] + "（" + frame["party_group"].fillna("未分组") + "）"
    )
