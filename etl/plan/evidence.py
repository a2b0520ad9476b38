"""What the database holds for a plan: each query of etl/plan/sql/ or the scoring engine, one call each.

三会一课 comes from the scoring engine's compliance (the same units, requirements and exempt months as
the 堡垒指数), and 学习强国 participation from its member frames, read as the pages read it; nothing here
recomputes either a second way.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from etl.db import statement
from etl.rules import Rules
from etl.scoring import engine
from etl.scoring.period import month, parse

EVENT_SOURCES = {"activity_types": "activity", "record_types": "record", "assessment_items": "assessment"}


def sql(name: str) -> str:
    return statement("etl.plan.sql", name)


def events(
    con: duckdb.DuckDBPyConnection, branch_id: int, selectors: pd.DataFrame, first: dt.date, last: dt.date
) -> pd.DataFrame:
    """Every evidence row the ``selectors`` (item_key, source, name) name, dated ``first``…``last`` (an
    assessment: of a 年度 in those years), with file, sheet and row."""
    con.register("plan_selectors", selectors)
    params = {"branch_id": branch_id, "first": first, "last": last, "first_year": first.year, "last_year": last.year}
    frame = con.execute(sql("events"), params).df()
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


def members_on(con: duckdb.DuckDBPyConnection, branch_id: int, dates: pd.DataFrame) -> pd.DataFrame:
    """The members on the roster on each (key, unit, on_date) of ``dates``."""
    con.register("plan_dates", dates.rename(columns={"key": "item_key"}))
    return con.execute(sql("members_on"), {"branch_id": branch_id}).df().rename(columns={"item_key": "key"})


def compliance(con: duckdb.DuckDBPyConnection, branch_id: int, year: int, rules: Rules) -> pd.DataFrame:
    """The scoring engine's 三会一课 units of the year (months, groups, quarters, the year)."""
    return engine.compliance_frames(con, branch_id, [parse(str(year))], rules)


def study_months(
    con: duckdb.DuckDBPyConnection, branch_id: int, year: int, months: list[int], rules: Rules
) -> pd.DataFrame:
    """学习强国 participation per month, as the pages count it: members with a day of points ÷ members
    in the month's scope; ``rate`` is empty for a month without any study rows (nothing uploaded is not 0 %)."""
    columns = ["period", "members", "active", "rate"]
    if not months:
        return pd.DataFrame(columns=columns)
    members = engine.member_frames(con, branch_id, [month(year, m) for m in months], rules)
    grouped = members.assign(active=members["active_days"].fillna(0) > 0, days=members["study_days"].fillna(0))
    frame = grouped.groupby("period").agg(
        members=("member_id", "count"), active=("active", "sum"), days=("days", "sum")
    )
    frame["rate"] = (frame["active"] / frame["members"]).where(frame["days"] > 0)
    return frame.reset_index()[columns]


def study_sources(con: duckdb.DuckDBPyConnection, branch_id: int, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Per month and file: the first 学习强国 row (sheet, row) and how many rows the file has in the month."""
    frame = con.execute(sql("study_sources"), {"branch_id": branch_id, "first": first, "last": last}).df()
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame
