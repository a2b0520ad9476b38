"""Scores as the CLI, the pages and the snapshots ask for them: by branch name and period label."""

from __future__ import annotations

import math

import duckdb
import pandas as pd

from etl.db import Database, require_branch, statement
from etl.rules import Rules, rules_for
from etl.scoring import engine
from etl.scoring.period import Period, parse


def member_scores_con(con: duckdb.DuckDBPyConnection, branch: str, period: Period | str, rules: Rules) -> pd.DataFrame:
    period = parse(period) if isinstance(period, str) else period
    frame = engine.member_frame(con, require_branch(con, branch), period, rules)
    frame.insert(0, "member", engine.member_label(frame))
    return frame


def branch_score_con(con, branch: str, period: Period | str, rules: Rules) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """(branch row, member frame, compliance frame)."""
    period = parse(period) if isinstance(period, str) else period
    bid = require_branch(con, branch)
    members = engine.member_frame(con, bid, period, rules)
    compliance = engine.compliance_frame(con, bid, period, rules)
    return engine.branch_row(members, compliance, rules), members, compliance


def scores(db: Database, branch: str, period: str, level: str = "member", rules: Rules | None = None) -> pd.DataFrame:
    """The `etl scores` table: docs/cli.md's columns, numbers unrounded (format_csv rounds)."""
    rules = rules or rules_for(branch)
    p = parse(period)
    with db.connect() as con:
        if level == "branch":
            row, _, _ = branch_score_con(con, branch, p, rules)
            frame = pd.DataFrame([{"branch": branch, "period": p.label, **row}])[engine.BRANCH_CSV]
        else:
            members = member_scores_con(con, branch, p, rules)
            frame = members.assign(branch=branch, period=p.label, study_avg_daily=members["avg_daily"])[
                engine.MEMBER_CSV
            ]
    frame.attrs.update(rules_sha256=rules.sha256, rules_source=rules.source)
    return frame


def district_scores(db: Database, period: str, level: str = "member", rules: Rules | None = None) -> pd.DataFrame:
    """`etl scores --all-branches`: every branch's rows, as `scores` gives them one branch at a time,
    in one set-based pass per rules file (branches with their own rules file are scored by it)."""
    p = parse(period)
    with db.connect() as con:
        branches = con.execute(statement("etl.sql", "lookup/branches")).df()
        frame = district_frame(con, branches, p, level, rules)
    columns = engine.BRANCH_CSV if level == "branch" else engine.MEMBER_CSV
    if not len(frame.columns):  # no branches at all
        return pd.DataFrame(columns=columns)
    out = frame[columns].reset_index(drop=True)
    out.attrs.update(rules_sha256=frame.attrs["rules_sha256"], rules_source=frame.attrs["rules_source"])
    return out


def district_frame(
    con: duckdb.DuckDBPyConnection, branches: pd.DataFrame, p: Period, level: str, rules: Rules | None = None
) -> pd.DataFrame:
    """The rows of the ``branches`` given (columns branch_id, name) for one period, every column the
    engine gives plus ``branch`` and ``period``, in one set-based pass per rules file; ordered by
    branch name, and within a branch as `scores` orders it. Without columns when ``branches`` is empty."""
    frames = []
    by_rules: dict[str, tuple[Rules, list[int]]] = {}
    for bid, name in branches[["branch_id", "name"]].itertuples(index=False):
        own = rules or rules_for(name)
        by_rules.setdefault(own.sha256, (own, []))[1].append(int(bid))
    for own, ids in by_rules.values():
        members = engine.member_frames(con, ids, [p], own)
        if level == "branch":
            frames.append(engine.branch_frames(members, engine.compliance_frames(con, ids, [p], own), own))
        else:
            frames.append(members.assign(member=engine.member_label(members), study_avg_daily=members["avg_daily"]))
    if not frames:
        return pd.DataFrame()
    names = dict(zip(branches["branch_id"], branches["name"]))
    frame = pd.concat(frames, ignore_index=True)
    frame["branch"] = frame["branch_id"].map(names)
    frame = frame.sort_values("branch", kind="stable")  # within a branch, the order `scores` gives
    frame = frame.assign(period=p.label).reset_index(drop=True)
    frame.attrs.update(rules_sha256=list(by_rules), rules_source=[r.source for r, _ in by_rules.values()])
    return frame


def _fmt(value, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return f"{float(value):.{digits}f}"


RATE_COLUMNS = {"attendance_rate", "compliance_rate"}
SCORE_COLUMNS = {"study_avg_daily", "base", "bonus", "deduction", "index", "member_mean"}


def formatted(frame: pd.DataFrame) -> pd.DataFrame:
    """Strings as §5 writes them: rates 0–1 with four decimals, points and scores with two, an
    unscored member's score fields empty, vetoed true/false, stars an integer."""
    out = pd.DataFrame(index=frame.index)
    unscored = frame["index"].isna() if "member" in frame else pd.Series(False, index=frame.index)
    for col in frame.columns:
        values = frame[col]
        if col in RATE_COLUMNS:
            out[col] = [_fmt(v, 4) for v in values]
        elif col in SCORE_COLUMNS:
            out[col] = [
                "" if u and col in ("base", "bonus", "deduction") else _fmt(v, 2) for v, u in zip(values, unscored)
            ]
        elif col == "vetoed":
            out[col] = ["true" if bool(v) else "false" for v in values]
        elif col in ("stars", "members_scored"):
            out[col] = ["" if pd.isna(v) else str(int(v)) for v in values]
        else:
            out[col] = ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values]
    return out
