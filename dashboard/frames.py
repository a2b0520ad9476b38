"""The pandas side of the pages: reshaping query results (queries.py) into what a chart or a table
shows. No SQL and no Streamlit here. Values stay codes (``up``, ``down``); strings.py translates
them where they are shown."""

from __future__ import annotations

import pandas as pd

from dashboard import strings as S
from etl.scoring import engine
from etl.scoring.period import Period

BRANCH_MONTHLY = [
    "month",
    "branch_index",
    "stars",
    "member_mean",
    "compliance_rate",
    "attendance_rate",
    "participation",
]
STUDY_DROP = 0.1  # a fall in participation of 10 points or more from the previous period is an alert


def attendance_rate(members: pd.DataFrame) -> float | None:
    expected = members["expected"].fillna(0).sum()
    return members["attended"].fillna(0).sum() / expected if expected else None


def participation(members: pd.DataFrame) -> float | None:
    """Members with at least one day of points ÷ members in scope; None when the period has no
    学习强国 data at all (nothing uploaded is not 0 %)."""
    if not len(members) or not members["study_days"].fillna(0).sum():
        return None
    return float((members["active_days"].fillna(0) > 0).mean())


def summary(row: dict, members: pd.DataFrame) -> dict:
    """A branch row with the KPIs computed from its members."""
    return dict(
        row,
        attendance_rate=attendance_rate(members),
        participation=participation(members),
        needs_help=int(members["needs_help"].fillna(False).astype(bool).sum()),
    )


def with_units(compliance: pd.DataFrame) -> pd.DataFrame:
    """The compliance frame with a readable unit: 2025-03, 2025-03 第一党小组, 2025-Q1, 2025."""
    frame = compliance.copy()
    frame["unit"] = [_unit_label(r.per, r.unit_start, r.party_group) for r in frame.itertuples()]
    return frame


def _unit_label(per: str, start, group) -> str:
    start = pd.Timestamp(start)
    if per == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if per == "year":
        return f"{start.year}"
    return f"{start:%Y-%m}" + (f" {group}" if isinstance(group, str) else "")


def monthly(scored: list[tuple[Period, dict, pd.DataFrame]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """From (month, branch row, member frame) of every month: (branch per month, members per month),
    keeping only the months with data."""
    branch_rows, member_frames = [], []
    for period, row, members in scored:
        if not (members["index"].notna().any() or members["expected"].notna().any()):
            continue  # a month without data is not a zero
        branch_rows.append(
            {
                "month": period.label,
                "branch_index": row["index"],
                "stars": row["stars"],
                "member_mean": row["member_mean"],
                "compliance_rate": row["compliance_rate"],
                "attendance_rate": attendance_rate(members),
                "participation": participation(members),
            }
        )
        member_frames.append(members.assign(month=period.label, member=engine.member_label(members)))
    members = pd.concat(member_frames, ignore_index=True) if member_frames else pd.DataFrame()
    return pd.DataFrame(branch_rows, columns=BRANCH_MONTHLY), members


def alerts(row: dict, members: pd.DataFrame, compliance: pd.DataFrame, before: dict, watch: pd.DataFrame) -> dict:
    members = members.assign(member=engine.member_label(members))
    needs_help = members[members["needs_help"].fillna(False).astype(bool)][["member", "party_group", "index", "vetoed"]]
    unmet = compliance[compliance["met"] < compliance["required"]][["requirement", "unit", "required", "held"]]
    now = summary(row, members)
    drop = None
    if (
        now["participation"] is not None
        and before["participation"] is not None
        and before["participation"] - now["participation"] >= STUDY_DROP
    ):
        drop = {
            "before": before["participation"],
            "after": now["participation"],
            "drop": before["participation"] - now["participation"],
        }
    return {
        "needs_help": needs_help.reset_index(drop=True),
        "veto_watch": watch,
        "unmet": unmet.reset_index(drop=True),
        "study_drop": drop,
    }


def star_counts(members_monthly: pd.DataFrame) -> pd.DataFrame:
    if members_monthly.empty:
        return pd.DataFrame(columns=["month", "stars", "count"])
    scored = members_monthly.dropna(subset=["stars"]).astype({"stars": int})
    return scored.groupby(["month", "stars"]).size().reset_index(name="count")


def group_trend(members_monthly: pd.DataFrame, by: str) -> pd.DataFrame:
    """Mean 先锋指数 per month per party group or campus."""
    if members_monthly.empty:
        return pd.DataFrame(columns=["month", by, "index"])
    frame = members_monthly.assign(**{by: members_monthly[by].fillna(S.NOT_FILLED)})
    return frame.groupby(["month", by])["index"].mean().reset_index()


def component_breakdown(members: pd.DataFrame) -> pd.DataFrame:
    """Mean base / bonus / discipline per party group (scored members)."""
    scored = members.dropna(subset=["index"])
    if scored.empty:
        return pd.DataFrame(columns=["party_group", "component", "score"])
    grouped = scored.assign(party_group=scored["party_group"].fillna(S.NO_GROUP)).groupby("party_group")
    means = grouped[["base", "bonus", "discipline"]].mean()
    return means.reset_index().melt("party_group", var_name="component", value_name="score")


MOVE_ORDER = {"up": 0, "down": 1, "same": 2}


def star_moves(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Each member scored in both periods, with ``move`` = up, down or same."""
    cols = ["member_id", "member", "party_group", "stars"]
    before = previous[["member_id", "stars"]].rename(columns={"stars": "previous_stars"})
    merged = current[cols].merge(before, on="member_id", how="left")
    merged = merged.dropna(subset=["stars", "previous_stars"]).astype({"stars": int, "previous_stars": int})
    change = merged["stars"] - merged["previous_stars"]
    merged["move"] = change.map(lambda d: "up" if d > 0 else "down" if d < 0 else "same")
    merged = merged.sort_values(
        ["move", "party_group", "member"], key=lambda c: c.map(MOVE_ORDER) if c.name == "move" else c
    )
    return merged.drop(columns="member_id").reset_index(drop=True)


def study_by_group(members_monthly: pd.DataFrame) -> pd.DataFrame:
    """Participation (members with points ÷ members) and mean daily points per group and month."""
    if members_monthly.empty:
        return pd.DataFrame(columns=["month", "party_group", "participation", "avg_daily"])
    frame = members_monthly.assign(
        party_group=members_monthly["party_group"].fillna(S.NO_GROUP),
        active=members_monthly["active_days"].fillna(0) > 0,
    )
    aggregations = {"participation": ("active", "mean"), "avg_daily": ("avg_daily", "mean")}
    by_group = frame.groupby(["month", "party_group"]).agg(**aggregations).reset_index()
    whole = frame.groupby("month").agg(**aggregations).reset_index()
    return pd.concat([by_group, whole.assign(party_group=S.WHOLE_BRANCH)], ignore_index=True)
