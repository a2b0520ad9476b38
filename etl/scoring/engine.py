"""Scores for a branch and a period, computed set-based in DuckDB (sql/*.sql).

Every rule value is a query parameter and every catalogue a registered relation, so a branch's own
rules file changes the numbers without changing any SQL text. Results carry the rules' hash.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from etl.db import first_row, statement
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


def member_frames(con: duckdb.DuckDBPyConnection, branch_id: int, periods: list[Period], rules: Rules) -> pd.DataFrame:
    """One row per period and member in scope, with every component, the index and the stars: the
    periods of a trend scored in one set-based pass, not one query each."""
    _register_rules(con, rules)
    _register_periods(con, periods)
    m, thresholds = rules["member"], rules["stars"]["thresholds"]
    params = {
        "branch_id": branch_id,
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


def has_committee(con, branch_id: int, rules: Rules) -> bool:
    members, committee = first_row(con, sql("roster_size"), {"branch_id": branch_id})
    return committee > 0 and members >= rules["branch"]["committee_min_members"]


def compliance_frame(con, branch_id: int, period: Period, rules: Rules) -> pd.DataFrame:
    """One row per 三会一课 requirement and unit in the period: required, held, met."""
    _register_rules(con, rules)
    return con.execute(
        sql("compliance"),
        {
            "branch_id": branch_id,
            "start": period.start,
            "end": period.end,
            "grain": period.grain,
            "exempt_months": list(rules["branch"].get("exempt_months", [])),
            "has_committee": has_committee(con, branch_id, rules),
        },
    ).df()


def stars_of(index: float | None, rules: Rules) -> int | None:
    if index is None or pd.isna(index):
        return None
    value = round(float(index), 2)
    return next((5 - i for i, t in enumerate(rules["stars"]["thresholds"]) if value >= t), 1)


def branch_row(members: pd.DataFrame, compliance: pd.DataFrame, rules: Rules) -> dict:
    """堡垒指数 = member weight × mean 先锋指数 + compliance weight × 100 × compliance rate. When one
    side has nothing to measure, the other stands alone (re-normalised, as the member base is)."""
    scored = members["index"].dropna()
    mean = float(scored.mean()) if len(scored) else None
    required = float(compliance["required"].sum()) if len(compliance) else 0.0
    rate = float(compliance["met"].sum()) / required if required else None
    mw, cw = rules["branch"]["member_weight"], rules["branch"]["compliance_weight"]
    parts = [(mw, mean)] if mean is not None else []
    parts += [(cw, 100 * rate)] if rate is not None else []
    index = sum(w * v for w, v in parts) / sum(w for w, _ in parts) if parts else None
    return {
        "members_scored": len(scored),
        "member_mean": mean,
        "compliance_rate": rate,
        "compliance_required": required,
        "compliance_met": float(compliance["met"].sum()) if len(compliance) else 0.0,
        "index": index,
        "stars": stars_of(index, rules),
    }


def member_label(frame: pd.DataFrame) -> pd.Series:
    """The name, or name（党小组） where two members share it."""
    return frame["name"].where(
        ~frame["name_shared"], frame["name"] + "（" + frame["party_group"].fillna("未分组") + "）"
    )
