"""Every query the pages use, returning DataFrames. Each takes the connection, the branch and the
period (or year) it is for; nothing here knows about Streamlit, so tests call it directly and the
downloads use the very same frames as the charts."""
from __future__ import annotations

import pandas as pd

from dashboard import strings as S
from etl.load import branch_id
from etl.scoring import engine, explain, service
from etl.scoring.period import Period, month
from etl.scoring.rules import Rules

# The months a branch was active in: activities and study. An appraisal held in January for the
# year before does not make January a period worth opening on.
ACTIVE_DATES = """
    SELECT date FROM live_attendance WHERE branch_id = $b UNION ALL
    SELECT date FROM live_study_daily WHERE branch_id = $b UNION ALL
    SELECT as_of FROM live_study_totals WHERE branch_id = $b"""


def data_version(con) -> str:
    """Changes with every load and every undo, so caches keyed on it never serve stale numbers."""
    n, last, undone = con.execute("SELECT count(*) FILTER (WHERE undone_at IS NULL), max(load_id), max(undone_at) FROM loads").fetchall()[0]
    return f"{n}:{last}:{undone}"


def live_load_count(con) -> int:
    return con.execute("SELECT count(*) FROM live_loads").fetchall()[0][0]


def branches(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT name FROM branches ORDER BY branch_id").fetchall()]


def data_months(con, branch: str) -> list[Period]:
    """Every month that has data for the branch, oldest first."""
    bid = branch_id(con, branch)
    if bid is None:
        return []
    rows = con.execute(f"SELECT DISTINCT year(date), month(date) FROM ({ACTIVE_DATES}) ORDER BY 1, 2", {"b": bid}).fetchall()
    return [month(y, m) for y, m in rows]


def member_scores(con, branch: str, period: Period, rules: Rules) -> pd.DataFrame:
    return service.member_scores_con(con, branch, period, rules)


def branch_summary(con, branch: str, period: Period, rules: Rules) -> dict:
    """The KPI numbers of a period: 堡垒指数 and its parts, attendance rate, study participation."""
    row, members, _ = service.branch_score_con(con, branch, period, rules)
    return _summary(row, members)


def _summary(row: dict, members: pd.DataFrame) -> dict:
    row = dict(row)
    expected = members["expected"].fillna(0).sum()
    row["attendance_rate"] = members["attended"].fillna(0).sum() / expected if expected else None
    row["participation"] = float((members["active_days"].fillna(0) > 0).mean()) if len(members) else None
    row["needs_help"] = int(members["needs_help"].fillna(False).astype(bool).sum())
    return row


def compliance(con, branch: str, period: Period, rules: Rules) -> pd.DataFrame:
    return _with_units(engine.compliance_frame(con, service.require_branch(con, branch), period, rules))


def _with_units(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["unit"] = [_unit_label(r.per, r.unit_start, r.party_group) for r in frame.itertuples()]
    return frame


def _unit_label(per: str, start, group) -> str:
    start = pd.Timestamp(start)
    if per == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if per == "year":
        return f"{start.year}"
    return f"{start:%Y-%m}" + (f" {group}" if isinstance(group, str) else "")


def monthly(con, branch: str, year: int, rules: Rules) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(branch per month, members per month) for a year: the trends on every page."""
    branch_rows, member_frames = [], []
    for m in range(1, 13):
        p = month(year, m)
        row, members, _ = service.branch_score_con(con, branch, p, rules)
        if members["index"].notna().any() or members["expected"].notna().any():  # a month with data
            expected = members["expected"].fillna(0).sum()
            branch_rows.append({"month": p.label, "branch_index": row["index"], "stars": row["stars"],
                                "member_mean": row["member_mean"], "compliance_rate": row["compliance_rate"],
                                "attendance_rate": members["attended"].fillna(0).sum() / expected if expected else None,
                                "participation": float((members["active_days"].fillna(0) > 0).mean())})
            member_frames.append(members.assign(month=p.label, member=engine.member_label(members)))
    branch_frame = pd.DataFrame(branch_rows, columns=["month", "branch_index", "stars", "member_mean", "compliance_rate",
                                                      "attendance_rate", "participation"])
    members = pd.concat(member_frames, ignore_index=True) if member_frames else pd.DataFrame()
    return branch_frame, members


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
    means = scored.assign(party_group=scored["party_group"].fillna(S.NO_GROUP)).groupby("party_group")[["base", "bonus", "discipline"]].mean()
    return means.reset_index().melt("party_group", var_name="component", value_name="score")


def star_moves(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    cols = ["member_id", "member", "party_group", "stars"]
    merged = current[cols].merge(previous[["member_id", "stars"]].rename(columns={"stars": "previous_stars"}), on="member_id", how="left")
    merged = merged.dropna(subset=["stars", "previous_stars"]).astype({"stars": int, "previous_stars": int})
    merged["move"] = (merged["stars"] - merged["previous_stars"]).map(lambda d: S.STARS_UP if d > 0 else S.STARS_DOWN if d < 0 else S.STARS_SAME)
    return merged.drop(columns="member_id").sort_values(["move", "party_group", "member"]).reset_index(drop=True)


VETO_WATCH = """
WITH months AS (
    SELECT member_id, year(date) * 12 + month(date) - 1 AS mi, bool_and(status = '缺席') AS all_absent
    FROM expected_attendance
    WHERE branch_id = $b AND date <= $end AND activity_type <> '支委会' AND status <> '免'
    GROUP BY ALL),
last_month AS (SELECT max(mi) AS mi FROM months),
islands AS (SELECT member_id, mi, mi - row_number() OVER (PARTITION BY member_id ORDER BY mi) AS grp FROM months WHERE all_absent),
runs AS (SELECT member_id, max(mi) AS last_mi, count(*) AS run FROM islands GROUP BY member_id, grp)
SELECT m.name AS member, m.party_group, r.run
FROM runs r JOIN live_member_versions m USING (member_id)
WHERE r.last_mi = (SELECT mi FROM last_month) AND r.run BETWEEN $n - 2 AND $n - 1
ORDER BY r.run DESC, m.party_group, m.name"""


def alerts(con, branch: str, period: Period, rules: Rules) -> dict:
    row, members, comp = service.branch_score_con(con, branch, period, rules)
    members = members.assign(member=engine.member_label(members))
    needs_help = members[members["needs_help"].fillna(False).astype(bool)][["member", "party_group", "index", "vetoed"]]
    watch = con.execute(VETO_WATCH, {"b": service.require_branch(con, branch), "end": period.end,
                                     "n": int(rules["veto"]["absent_months"])}).df()
    comp = _with_units(comp)
    unmet = comp[comp["met"] < comp["required"]][["requirement", "unit", "required", "held"]]
    now, before = _summary(row, members), branch_summary(con, branch, period.previous(), rules)
    drop = None
    if now["participation"] is not None and before["participation"] is not None and before["participation"] - now["participation"] >= 0.1:
        drop = {"before": before["participation"], "after": now["participation"], "drop": before["participation"] - now["participation"]}
    return {"needs_help": needs_help.reset_index(drop=True), "veto_watch": watch, "unmet": unmet.reset_index(drop=True), "study_drop": drop}


ATTENDANCE_MATRIX = """
SELECT m.name AS member, m.party_group, e.activity_type,
       count(*) AS expected,
       count(*) FILTER (WHERE e.status IN ('出席', '迟到', '补学')) AS attended,
       count(*) FILTER (WHERE e.status IN ('出席', '迟到', '补学')) / count(*) AS attendance_rate
FROM expected_attendance e JOIN live_member_versions m USING (member_id)
WHERE e.branch_id = $b AND e.date BETWEEN $start AND $end AND e.status <> '免'
GROUP BY ALL ORDER BY m.party_group, m.name, e.activity_type"""

ABSENCE_TREND = """
SELECT strftime(date, '%Y-%m') AS month,
       CASE WHEN mark IS NULL THEN '未签到' ELSE status END AS status, count(*) AS count
FROM expected_attendance
WHERE branch_id = $b AND year(date) = $year AND (status IN ('缺席', '请假'))
GROUP BY ALL ORDER BY 1, 2"""


def attendance_matrix(con, branch: str, period: Period) -> pd.DataFrame:
    return con.execute(ATTENDANCE_MATRIX, {"b": service.require_branch(con, branch), "start": period.start, "end": period.end}).df()


def absence_trend(con, branch: str, year: int) -> pd.DataFrame:
    return con.execute(ABSENCE_TREND, {"b": service.require_branch(con, branch), "year": year}).df()


def study_by_group(members_monthly: pd.DataFrame) -> pd.DataFrame:
    """Participation (members with points ÷ members) and mean daily points per group and month."""
    if members_monthly.empty:
        return pd.DataFrame(columns=["month", "party_group", "participation", "avg_daily"])
    frame = members_monthly.assign(party_group=members_monthly["party_group"].fillna(S.NO_GROUP),
                                   active=members_monthly["active_days"].fillna(0) > 0)
    by_group = frame.groupby(["month", "party_group"]).agg(participation=("active", "mean"), avg_daily=("avg_daily", "mean")).reset_index()
    whole = frame.groupby("month").agg(participation=("active", "mean"), avg_daily=("avg_daily", "mean")).reset_index()
    return pd.concat([by_group, whole.assign(party_group=S.WHOLE_BRANCH)], ignore_index=True)


def member_options(con, branch: str) -> pd.DataFrame:
    return con.execute("""
        SELECT m.member_id, m.name, m.party_group, m.status, count(*) OVER (PARTITION BY m.name) > 1 AS shared
        FROM live_member_versions m JOIN branches b USING (branch_id) WHERE b.name = ?
        ORDER BY m.status, m.party_group NULLS LAST, m.name""", [branch]).df()


def member_explanation(con, branch: str, period: Period, member_id: int, rules: Rules) -> explain.MemberExplanation:
    return explain.explain_member(con, branch, period, int(member_id), rules)


def load_history(con, branch: str) -> pd.DataFrame:
    return con.execute("""
        SELECT l.load_id, l.kind, l.file_name, l.rows_read, l.rows_loaded, l.rows_replaced, l.loaded_by, l.loaded_at, l.undone_at
        FROM loads l JOIN branches b USING (branch_id) WHERE b.name = ? ORDER BY l.load_id DESC""", [branch]).df()
