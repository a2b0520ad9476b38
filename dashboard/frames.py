"""The pandas side of the pages: reshaping query results (queries.py) into what a chart or a table
shows. No SQL and no Streamlit here. Values stay codes (``up``, ``down``); strings.py translates
them where they are shown."""

from __future__ import annotations

import hashlib
import pickle

import pandas as pd

from dashboard import strings as S
from etl.scoring import engine
from etl.scoring.period import Period

TREND_COLUMNS = [
    "period",
    "branch_index",
    "stars",
    "member_mean",
    "compliance_rate",
    "attendance_rate",
    "participation",
]
STUDY_DROP = 0.1  # a fall in participation of 10 points or more from the previous period is an alert


def fingerprint(frame: pd.DataFrame) -> bytes:
    """A frame's content as a cache key: its pickle's digest. Streamlit's own frame hash took 3.4 ms
    for a 36-row trend, this 0.14 ms. Equal frames built another way may pickle differently: that
    costs a cache miss, never a wrong chart or table (a pickle holds every value, index and dtype)."""
    return hashlib.blake2b(pickle.dumps(frame, protocol=5), digest_size=16).digest()


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


def with_kpis(branch_rows: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """engine.branch_frames rows with each period's attendance rate, study participation and the
    number needing help (computed from its members, as summary() does)."""
    kpis = [{"period": label, **summary({}, group)} for label, group in members.groupby("period", sort=False)]
    extra = pd.DataFrame(kpis, columns=["period", "attendance_rate", "participation", "needs_help"])
    return branch_rows.merge(extra, on="period", how="left")


def period_members(scores: dict, period: Period) -> pd.DataFrame:
    """The members of one period of page_scores, without the period column."""
    members = scores["members"]
    return members[members["period"] == period.label].drop(columns="period").reset_index(drop=True)


def with_year_veto(members: pd.DataFrame, scores: dict, period: Period) -> pd.DataFrame:
    """The members with ``year_vetoed``: 清零 in the period's year, so a month's stars never hide a
    veto of the same year."""
    year = scores["members"]
    vetoed = set(
        year.loc[(year["period"] == str(period.year)) & year["vetoed"].fillna(False).astype(bool), "member_id"]
    )
    return members.assign(year_vetoed=members["member_id"].isin(vetoed))


def members_with_year_veto(scores: dict, period: Period) -> pd.DataFrame:
    """period_members with ``year_vetoed`` (with_year_veto): the members wherever stars are shown."""
    return with_year_veto(period_members(scores, period), scores, period)


def period_summary(scores: dict, period: Period) -> dict:
    """The KPI numbers of one period of page_scores (members_scored 0 when it has no data)."""
    rows = scores["branch"][scores["branch"]["period"] == period.label]
    if rows.empty:
        return dict.fromkeys([*engine.BRANCH_ROW, "attendance_rate", "participation"], None) | {
            "members_scored": 0,
            "needs_help": 0,
        }
    row = rows.iloc[0]
    return {k: (None if pd.isna(row[k]) else row[k]) for k in rows.columns if k != "period"}


def trend(scores: dict, period: Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(branch per period, members per period) of the page's trend at the chosen grain, keeping
    only the periods with data (a month before the first upload is not a zero)."""
    labels = scores["periods"].loc[scores["periods"]["in_trend"], "period"].tolist()
    members = scores["members"][scores["members"]["period"].isin(labels)]
    has_data = (members["index"].notna() | members["expected"].notna()).groupby(members["period"]).any()
    kept = [label for label in labels if bool(has_data.get(label, False))]
    branch = scores["branch"].rename(columns={"index": "branch_index"})
    branch = branch[branch["period"].isin(kept)].set_index("period").reindex(kept).reset_index()
    return branch[TREND_COLUMNS], members[members["period"].isin(kept)].reset_index(drop=True)


def index_components(scores: dict, period: Period) -> pd.DataFrame:
    """先锋指数's 分项构成 of the period (component_breakdown of its members)."""
    return component_breakdown(period_members(scores, period))


def index_trend(scores: dict, period: Period, by: str) -> pd.DataFrame:
    """先锋指数's mean per period of the trend, by party group or campus (group_trend)."""
    return group_trend(trend(scores, period)[1], by)


def veto_reasons(row, rules) -> list[str]:
    """The causes of a member's 清零: the item and its date, the absence run, the appraisal."""
    parts = []
    if row.vetoed:
        if row.veto_by_item:
            parts.append(S.WHY_VETO_ITEM.format(detail=row.veto_detail or ""))
        if row.veto_by_absence:
            parts.append(S.WHY_VETO_ABSENCE.format(months=rules["veto"]["absent_months"]))
        if row.veto_by_appraisal:
            parts.append(S.WHY_VETO_APPRAISAL.format(grade=row.appraisal))
    return parts


def reasons(row, rules) -> str:
    """Why a member's 先锋指数 is low, in the words of its parts: the veto and its cause first."""
    parts = veto_reasons(row, rules)
    if pd.notna(row.attendance_rate) and (row.attendance_rate < 0.8 or (row.absences or 0) > 0):
        absences, unmarked = int(row.absences or 0), int(row.unmarked or 0)
        said = []
        if absences:  # a missing mark counts as 缺席: it is part of the absences, not beside them
            said.append(S.WHY_ABSENCES.format(n=absences) + (S.WHY_UNMARKED.format(n=unmarked) if unmarked else ""))
        said += [
            S.WHY_COUNT.format(what=S.WHY_COUNTS[k], n=int(v))
            for k in ("leaves", "lates")
            if (v := getattr(row, k)) and pd.notna(v)
        ]
        said = "、".join(said)
        parts.append(S.WHY_ATTENDANCE.format(rate=row.attendance_rate, expected=int(row.expected or 0), counts=said))
    target = float(rules["study"]["daily_target"])
    if pd.notna(row.avg_daily) and row.avg_daily < target:
        parts.append(S.WHY_STUDY.format(avg=row.avg_daily, target=target))
    if isinstance(row.appraisal, str) and row.appraisal not in ("优秀", "合格") and not row.veto_by_appraisal:
        parts.append(S.WHY_APPRAISAL.format(grade=row.appraisal))
    if (row.deduction or 0) > 0:
        parts.append(S.WHY_DEDUCTION.format(points=row.deduction))
    return "；".join(parts) or S.WHY_NOTHING


def needs_help(members: pd.DataFrame, rules) -> pd.DataFrame:
    """Members below the 需帮扶 line, most urgent first (a veto, then the lowest index), each with
    its reason and its member id (the page links it to the 党员档案)."""
    low = members[members["needs_help"].fillna(False).astype(bool)]
    if low.empty:
        return pd.DataFrame(columns=["member_id", "member", "party_group", "index", "stars", "why"])
    low = low.assign(why=[reasons(r, rules) for r in low.itertuples()])
    low = low.sort_values(["vetoed", "index"], ascending=[False, True], kind="stable")
    return low[["member_id", "member", "party_group", "index", "stars", "why"]].reset_index(drop=True)


def unmeasured(members: pd.DataFrame) -> list[str]:
    """Members in scope with nothing to score this period (no activity expected, no study, no
    appraisal): they have nothing to measure, which is not a low score."""
    return sorted_names(members.loc[members["index"].isna(), "member"].tolist())


def year_to_date_unmet(scores: dict, period: Period) -> pd.DataFrame:
    """三会一课 units of the period's year that have come due by the period's end and were not met."""
    year = scores["compliance"][scores["compliance"]["period"] == str(period.year)]
    due = year[(pd.to_datetime(year["unit_end"]).dt.date <= period.end) & (year["met"] < year["required"])]
    return due[["requirement", "unit", "required", "held"]].reset_index(drop=True)


def alerts(scores: dict, period: Period, watch: pd.DataFrame, rules=None) -> dict:
    members = period_members(scores, period)
    compliance = scores["compliance"][scores["compliance"]["period"] == period.label]
    helped = needs_help(members, rules) if rules is not None else members[members["needs_help"].fillna(False)]
    unmet = compliance[compliance["met"] < compliance["required"]][["requirement", "unit", "required", "held"]]
    now, before = period_summary(scores, period), period_summary(scores, period.previous())
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
            "points": 100 * (before["participation"] - now["participation"]),
        }
    return {
        "needs_help": helped.reset_index(drop=True),
        "veto_watch": watch,
        "unmet": unmet.reset_index(drop=True),
        # what this period missed is listed above it; the year's list adds the earlier periods'
        "year_unmet": _not_in(year_to_date_unmet(scores, period), unmet) if period.grain != "year" else unmet.iloc[0:0],
        "unmeasured": unmeasured(members),
        "study_drop": drop,
    }


NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九十", start=0)}


def group_key(group) -> tuple:
    """第一党小组 < 第二党小组 < … < 第十党小组 < other names (by pinyin) < no group."""
    from pypinyin import lazy_pinyin

    if not isinstance(group, str) or not group:
        return (2, 0, "")
    digits = "".join(ch for ch in group if ch.isdigit())
    numeral = next((group[i:] for i in range(len(group)) if group[i] in NUMERALS), "")
    value = int(digits) if digits else _chinese_number(numeral)
    return (0, value, "") if value else (1, 0, "".join(lazy_pinyin(group)))


def _chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23 (a group's number), 0 when there is none."""
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


def group_order(groups) -> list[str]:
    return sorted({g for g in groups if isinstance(g, str)}, key=group_key)


def ordered(members: pd.DataFrame, name: str = "member") -> pd.DataFrame:
    """Members by party group (第一, 第二, 第三 …), then by the pinyin of their name."""
    if members.empty:
        return members
    from pypinyin import lazy_pinyin

    keys = pd.DataFrame(
        {
            "g": members["party_group"].map(group_key) if "party_group" in members else 0,
            "n": members[name].map(lambda v: "".join(lazy_pinyin(v)) if isinstance(v, str) else ""),
        },
        index=members.index,
    )
    extra = ["period"] if "period" in members else []
    frame = members.assign(_g=keys["g"], _n=keys["n"])
    return frame.sort_values([*extra, "_g", "_n"], kind="stable").drop(columns=["_g", "_n"]).reset_index(drop=True)


def pinyin(name) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(name)) if isinstance(name, str) else ""


def _not_in(rows: pd.DataFrame, listed: pd.DataFrame) -> pd.DataFrame:
    keys = set(zip(listed["requirement"], listed["unit"]))
    return rows[[k not in keys for k in zip(rows["requirement"], rows["unit"])]].reset_index(drop=True)


def sorted_names(names: list[str]) -> list[str]:
    """Names in the order a Chinese reader looks for them: by pinyin, not by code point."""
    from pypinyin import lazy_pinyin

    return sorted(names, key=lambda name: ("".join(lazy_pinyin(name)), name))


def star_counts(members_monthly: pd.DataFrame) -> pd.DataFrame:
    if members_monthly.empty:
        return pd.DataFrame(columns=["period", "stars", "count"])
    scored = members_monthly.dropna(subset=["stars"]).astype({"stars": int})
    return scored.groupby(["period", "stars"]).size().reset_index(name="count")


def star_trend(scores: dict, period: Period) -> pd.DataFrame:
    """Members per star per period of the page's trend (star_counts of trend's members)."""
    return star_counts(trend(scores, period)[1])


def group_trend(members_monthly: pd.DataFrame, by: str) -> pd.DataFrame:
    """Mean 先锋指数 per month per party group or campus."""
    if members_monthly.empty:
        return pd.DataFrame(columns=["period", by, "index"])
    frame = members_monthly.assign(**{by: members_monthly[by].fillna(S.NOT_FILLED)})
    return frame.groupby(["period", by])["index"].mean().reset_index()


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
    cols = ["member_id", "member", "party_group", "index", "stars"] + (
        ["year_vetoed"] if "year_vetoed" in current else []
    )
    before = previous[["member_id", "stars"]].rename(columns={"stars": "previous_stars"})
    merged = current[cols].merge(before, on="member_id", how="left")
    merged = merged.dropna(subset=["stars", "previous_stars"]).astype({"stars": int, "previous_stars": int})
    change = merged["stars"] - merged["previous_stars"]
    merged["move"] = change.map(lambda d: "up" if d > 0 else "down" if d < 0 else "same")
    # current is in group, then pinyin order (page_scores): a stable sort by the move keeps it
    merged = merged.sort_values("move", key=lambda c: c.map(MOVE_ORDER), kind="stable")
    shown = ["member", "party_group", "previous_stars", "stars", "move", "index"]
    return merged[shown + [c for c in ("year_vetoed",) if c in merged]].reset_index(drop=True)


def study_summary(members: pd.DataFrame, target: float) -> dict | None:
    """The 学习 page's numbers for one period: participation, mean daily points of those with study
    days, the share at the daily target, and who did not study at all (names by pinyin). None when
    the period has no 学习强国 data (nothing uploaded is not 0 %)."""
    if members.empty or not members["study_days"].fillna(0).sum():
        return None
    active = members["active_days"].fillna(0) > 0
    with_days = members[members["study_days"].fillna(0) > 0]
    return {
        "participation": float(active.mean()),
        "avg_daily": float(with_days["avg_daily"].mean()) if len(with_days) else None,
        "on_target": float((members["avg_daily"].fillna(0) >= target).mean()),
        "no_study": int((~active).sum()),
        "no_study_names": sorted_names(members.loc[~active, "member"].tolist()),
    }


def study_by_group(members_monthly: pd.DataFrame) -> pd.DataFrame:
    """Participation (members with points ÷ members) and mean daily points per group and month."""
    if members_monthly.empty:
        return pd.DataFrame(columns=["period", "party_group", "participation", "avg_daily"])
    # a period with no 学习强国 data at all has no participation (not 0 %): drawn as a gap
    has_data = members_monthly.groupby("period")["study_days"].transform(lambda d: d.fillna(0).sum() > 0)
    frame = members_monthly.assign(
        party_group=members_monthly["party_group"].fillna(S.NO_GROUP),
        active=(members_monthly["active_days"].fillna(0) > 0).astype(float).where(has_data),
    )
    aggregations = {"participation": ("active", "mean"), "avg_daily": ("avg_daily", "mean")}
    by_group = frame.groupby(["period", "party_group"]).agg(**aggregations).reset_index()
    whole = frame.groupby("period").agg(**aggregations).reset_index()
    return pd.concat([by_group, whole.assign(party_group=S.WHOLE_BRANCH)], ignore_index=True)
