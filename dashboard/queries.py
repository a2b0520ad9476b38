"""Every query the pages use: SQL (dashboard/sql/ and the scoring engine) → DataFrame.

Each takes the connection, the branch and the period (or year) it is for; nothing here knows about
Streamlit, so tests call it directly and the downloads use the very same frames as the charts. The
pandas reshaping of these frames for charts lives in frames.py.
"""

from __future__ import annotations

import functools

import pandas as pd

from dashboard import frames
from etl.db import find_branch, require_branch, statement
from etl.rules import Rules
from etl.scope import SECRETARY, Scope
from etl.scoring import engine, explain, service
from etl.scoring.period import Period, month, month_index, parse


def scoped(members: bool):
    """The query refuses a branch outside the caller's scope (and member rows to a caller who may not
    see them) before it touches the database. Every query about a branch is scoped."""

    def wrap(fn):
        @functools.wraps(fn)
        def run(con, branch, *args, scope: Scope = SECRETARY):
            scope.check(branch, members)
            return fn(con, branch, *args)

        return run

    return wrap


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


def branches(con, scope: Scope = SECRETARY) -> list[str]:
    return [r[0] for r in con.execute(_sql("branches")).fetchall() if scope.allows(r[0])]


@scoped(members=False)
def data_months(con, branch: str) -> list[Period]:
    """Every month that has data for the branch, oldest first."""
    bid = find_branch(con, branch)
    if bid is None:
        return []
    return [month(y, m) for y, m in con.execute(_sql("active_months"), {"branch_id": bid}).fetchall()]


@scoped(members=True)
def member_scores(con, branch: str, period: Period, rules: Rules) -> pd.DataFrame:
    return service.member_scores_con(con, branch, period, rules)


@scoped(members=False)
def branch_summary(con, branch: str, period: Period, rules: Rules) -> dict:
    """The KPI numbers of a period: 堡垒指数 and its parts, attendance rate, study participation."""
    row, members, _ = service.branch_score_con(con, branch, period, rules)
    return frames.summary(row, members)


@scoped(members=False)
def compliance(con, branch: str, period: Period, rules: Rules) -> pd.DataFrame:
    return frames.with_units(engine.compliance_frame(con, require_branch(con, branch), period, rules))


def page_periods(period: Period) -> list[Period]:
    """The periods a page shows for ``period``: its trend at the same grain — the year's months, the
    year's quarters, or the year and the four before — and the period before it (for changes)."""
    if period.grain == "month":
        trend = [month(period.year, m) for m in range(1, 13)]
    elif period.grain == "quarter":
        trend = [parse(f"{period.year}-Q{q}") for q in range(1, 5)]
    else:
        trend = [parse(str(y)) for y in range(period.year - 4, period.year + 1)]
    extra = [p for p in (period.previous(), parse(str(period.year))) if p not in trend]
    return [*trend, *extra]  # the year too: its vetoes and its 三会一课 so far show on every grain


def _years(period: Period) -> range:
    return range(period.year - 4, period.year + 1) if period.grain == "year" else range(period.year, period.year + 1)


@scoped(members=True)
def page_scores(con, branch: str, period: Period, rules: Rules) -> dict[str, pd.DataFrame]:
    """Everything a page scores for ``period``, in one set-based pass over page_periods(period):
    members, 三会一课 units and the branch row of every period (column ``period``). Every panel of
    every page takes its numbers from this one result, so no page scores a period twice, and
    switching pages at the same period is a cache hit."""
    bid = require_branch(con, branch)
    periods = page_periods(period)
    members = engine.member_frames(con, bid, periods, rules)
    members.insert(1, "member", engine.member_label(members))
    members = frames.ordered(members)
    compliance = frames.with_units(engine.compliance_frames(con, bid, periods, rules))
    branch_rows = engine.branch_frames(members, compliance, rules)
    return {
        "periods": pd.DataFrame(
            {
                "period": [p.label for p in periods],
                "in_trend": [p.grain == period.grain and p.year in _years(period) for p in periods],
            }
        ),
        "members": members,
        "compliance": compliance,
        "branch": frames.with_kpis(branch_rows, members),
    }


@scoped(members=True)
def veto_watch(con, branch: str, period: Period, rules: Rules) -> pd.DataFrame:
    """Members one or two all-absent months short of the absence veto at the period's end, the
    longest runs first, then by group and pinyin."""
    frame = con.execute(
        _sql("veto_watch"),
        {
            "branch_id": require_branch(con, branch),
            "end_month": month_index(period.end),
            "veto_months": int(rules["veto"]["absent_months"]),
        },
    ).df()
    ordered = frames.ordered(frame)
    return ordered.sort_values("run", ascending=False, kind="stable").reset_index(drop=True)


@scoped(members=True)
def attendance_matrix(con, branch: str, period: Period) -> pd.DataFrame:
    """Attendance per member and activity type, members by group, then by overall attendance
    (lowest first: whom to talk to), then by name."""
    frame = con.execute(
        _sql("attendance_matrix"), {"branch_id": require_branch(con, branch), "start": period.start, "end": period.end}
    ).df()
    if frame.empty:
        return frame
    # two members of one name are two rows: the name with the group, as everywhere
    shared = frame.groupby("member")["member_id"].transform("nunique") > 1
    frame["member"] = frame["member"].where(~shared, frame["member"] + "（" + frame["party_group"].fillna("") + "）")
    overall = frame.groupby("member_id")[["attended", "expected"]].transform("sum")
    frame["_rate"] = overall["attended"] / overall["expected"]
    frame["_g"] = frame["party_group"].map(frames.group_key)
    frame["_n"] = frame["member"].map(frames.pinyin)
    ordered = frame.sort_values(["_g", "_rate", "_n"], kind="stable")
    return ordered.drop(columns=["_g", "_rate", "_n", "member_id"]).reset_index(drop=True)


@scoped(members=False)
def absence_trend(con, branch: str, year: int) -> pd.DataFrame:
    return con.execute(_sql("absence_trend"), {"branch_id": require_branch(con, branch), "year": year}).df()


@scoped(members=True)
def member_options(con, branch: str) -> pd.DataFrame:
    return con.execute(_sql("member_options"), {"branch_id": require_branch(con, branch)}).df()


@scoped(members=True)
def member_explanation(con, branch: str, period: Period, member_id: int, rules: Rules) -> explain.MemberExplanation:
    return explain.explain_member(con, branch, period, int(member_id), rules)


@scoped(members=False)
def load_history(con, branch: str) -> pd.DataFrame:
    return con.execute(_sql("load_history"), {"branch_id": require_branch(con, branch)}).df()
