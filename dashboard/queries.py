"""Every query the pages use: SQL (dashboard/sql/ and the scoring engine) → DataFrame.

Each takes the connection, the branch and the period (or year) it is for; nothing here knows about
Streamlit, so tests call it directly and the downloads use the very same frames as the charts. The
pandas reshaping of these frames for charts lives in frames.py.
"""

from __future__ import annotations

import pandas as pd

from dashboard import frames
from etl.db import find_branch, require_branch, statement
from etl.rules import Rules
from etl.scoring import engine, explain, service
from etl.scoring.period import Period, month, month_index


def _sql(name: str) -> str:
    return statement("dashboard.sql", name)


def data_versions(con) -> tuple[str, dict[str, tuple[str, int]]]:
    """(the whole database's data version, branch → (its data version, its live loads)). A branch's
    changes only with that branch's loads and undos; the database's, derived from them, with any."""
    rows = con.execute(_sql("data_versions")).fetchall()
    branches = {branch: (f"{n}:{last}:{undone}", n) for branch, n, last, undone in rows}
    whole = (
        sum(r[1] for r in rows),
        max((r[2] for r in rows if r[2] is not None), default=None),
        max((r[3] for r in rows if r[3] is not None), default=None),
    )
    return f"{whole[0]}:{whole[1]}:{whole[2]}:{len(rows)}", branches


def branches(con) -> list[str]:
    return [r[0] for r in con.execute(_sql("branches")).fetchall()]


def data_months(con, branch: str) -> list[Period]:
    """Every month that has data for the branch, oldest first."""
    bid = find_branch(con, branch)
    if bid is None:
        return []
    return [month(y, m) for y, m in con.execute(_sql("active_months"), {"branch_id": bid}).fetchall()]


def member_scores(con, branch: str, period: Period, rules: Rules) -> pd.DataFrame:
    return service.member_scores_con(con, branch, period, rules)


def branch_summary(con, branch: str, period: Period, rules: Rules) -> dict:
    """The KPI numbers of a period: 堡垒指数 and its parts, attendance rate, study participation."""
    row, members, _ = service.branch_score_con(con, branch, period, rules)
    return frames.summary(row, members)


def compliance(con, branch: str, period: Period, rules: Rules) -> pd.DataFrame:
    return frames.with_units(engine.compliance_frame(con, require_branch(con, branch), period, rules))


def monthly(con, branch: str, year: int, rules: Rules) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(branch per month, members per month) for a year: the trends on every page. The twelve
    months' members are scored in one set-based pass."""
    bid = require_branch(con, branch)
    months = [month(year, m) for m in range(1, 13)]
    members = engine.member_frames(con, bid, months, rules)
    by_period = engine.branch_frames(members, engine.compliance_frames(con, bid, months, rules), rules)
    rows = {r["period"]: r for r in by_period.to_dict("records")}
    scored = []
    for period in months:
        of_month = members[members["period"] == period.label].drop(columns="period").reset_index(drop=True)
        row = {k: (None if pd.isna(v) else v) for k, v in rows.get(period.label, {}).items() if k in engine.BRANCH_ROW}
        nothing = pd.DataFrame(columns=["required", "met"])  # a month with no members and no requirement
        scored.append((period, row or engine.branch_row(of_month, nothing, rules), of_month))
    return frames.monthly(scored)


def veto_watch(con, branch: str, period: Period, rules: Rules) -> pd.DataFrame:
    """Members one or two all-absent months short of the absence veto at the period's end."""
    return con.execute(
        _sql("veto_watch"),
        {
            "branch_id": require_branch(con, branch),
            "end_month": month_index(period.end),
            "veto_months": int(rules["veto"]["absent_months"]),
        },
    ).df()


def alerts(con, branch: str, period: Period, rules: Rules) -> dict:
    """需帮扶, the absence-veto watch, unmet 三会一课 and a drop in study participation."""
    row, members, comp = service.branch_score_con(con, branch, period, rules)
    before = branch_summary(con, branch, period.previous(), rules)
    return frames.alerts(row, members, frames.with_units(comp), before, veto_watch(con, branch, period, rules))


def attendance_matrix(con, branch: str, period: Period) -> pd.DataFrame:
    return con.execute(
        _sql("attendance_matrix"), {"branch_id": require_branch(con, branch), "start": period.start, "end": period.end}
    ).df()


def absence_trend(con, branch: str, year: int) -> pd.DataFrame:
    return con.execute(_sql("absence_trend"), {"branch_id": require_branch(con, branch), "year": year}).df()


def member_options(con, branch: str) -> pd.DataFrame:
    return con.execute(_sql("member_options"), {"branch_id": require_branch(con, branch)}).df()


def member_explanation(con, branch: str, period: Period, member_id: int, rules: Rules) -> explain.MemberExplanation:
    return explain.explain_member(con, branch, period, int(member_id), rules)


def load_history(con, branch: str) -> pd.DataFrame:
    return con.execute(_sql("load_history"), {"branch_id": require_branch(con, branch)}).df()
