"""Every query the pages use: SQL (dashboard/sql/ and the scoring engine) → DataFrame.

Each takes the connection, the branch and the period (or year) it is for; nothing here knows about
Streamlit, so tests call it directly and the downloads use the very same frames as the charts. The
pandas reshaping of these frames for charts lives in frames.py.
"""

from __future__ import annotations

import functools
import zlib

import pandas as pd

from dashboard import frames
from etl.db import find_branch, require_branch, statement
from etl.rules import Rules
from etl.scope import Scope
from etl.scoring import engine, explain, service
from etl.scoring.period import Period, month, month_index, parse


def scoped(members: bool):
    """The query refuses a branch outside the caller's scope (and member rows to a caller who may not
    see them) before it touches the database. Every query about a branch is scoped."""

    def wrap(fn):
        @functools.wraps(fn)
        def run(con, branch, *args, scope: Scope):
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
    branches = {r[0]: (":".join(map(str, r[1:])), r[1]) for r in rows}
    whole = (
        sum(r[1] for r in rows),
        max((r[2] for r in rows if r[2] is not None), default=None),
        max((r[3] for r in rows if r[3] is not None), default=None),
        max((r[4] for r in rows if r[4] is not None), default=None),
        zlib.crc32("\n".join(sorted(f"{r[0]}\t{r[5] or ''}" for r in rows)).encode()),  # names and schools
    )
    return ":".join(map(str, [*whole, len(rows)])), branches


def branches(con, *, scope: Scope) -> list[str]:
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
        statement("etl.plan.sql", "veto_watch"),  # the brief's statement too: one rule, one text
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


# -- 区级: branches compared, branch level only --------------------------------------------------------
DISTRICT_MIX = [
    "stars_1",
    "stars_2",
    "stars_3",
    "stars_4",
    "stars_5",
    "base",
    "bonus",
    "deduction",
    "attendance_rate",
    "avg_daily",
]


def district_periods(con, *, scope: Scope) -> list[str]:
    """Every period the district can compare, newest first within each grain: those its snapshots
    cover, and the quarters and years of the months with raw rows."""
    labels = set()
    for branch, label, source in con.execute(_sql("district_periods")).fetchall():
        if not scope.allows(branch):
            continue
        if source == "snapshot":
            labels.add(label)
        else:
            m = parse(label)
            labels.update((f"{m.year}-Q{(m.start.month - 1) // 3 + 1}", str(m.year)))
    return sorted(labels, key=lambda label: parse(label).end, reverse=True)


def _member_mix(members: pd.DataFrame) -> pd.DataFrame:
    """Per branch: members at each star and the means of the index's parts, from member rows that
    never leave this function (a district caller sees branch level only)."""
    if members.empty:
        return pd.DataFrame(columns=["branch_id", *DISTRICT_MIX])
    scored = members.dropna(subset=["stars"]).astype({"stars": int})
    counts = (
        scored.groupby(["branch_id", "stars"]).size().unstack(fill_value=0).reindex(columns=range(1, 6), fill_value=0)
    )
    counts.columns = [f"stars_{s}" for s in counts.columns]
    means = members.groupby("branch_id")[MIX_SOURCE[2:]].mean()
    return counts.join(means, how="outer").fillna(dict.fromkeys(counts.columns, 0)).reset_index()


MIX_SOURCE = ["branch_id", "stars", "base", "bonus", "deduction", "attendance_rate", "avg_daily"]


def _district_mix(con, rows: pd.DataFrame, ids: dict[str, int], period: Period) -> pd.DataFrame:
    """_member_mix of every branch in ``rows``: its snapshot's members, or its raw rows scored set-based."""
    frozen = [ids[b] for b in rows.loc[rows["source"] == "snapshot", "branch"]]
    raw = rows.loc[rows["source"] == "raw", "branch"].tolist()
    parts = [pd.DataFrame(columns=MIX_SOURCE)]
    if frozen:
        parts.append(con.execute(_sql("district_members"), {"branch_ids": frozen, "period": period.label}).df())
    if raw:
        branches = pd.DataFrame({"branch_id": [ids[b] for b in raw], "name": raw})
        parts.append(service.district_frame(con, branches, period, "member")[MIX_SOURCE])
    members = pd.concat([p for p in parts if not p.empty] or parts[:1], ignore_index=True)
    mix = _member_mix(members)
    names = {v: k for k, v in ids.items()}
    return mix.assign(branch=mix["branch_id"].map(names)).drop(columns="branch_id")


PLAN_FROM_RAW_MAX = 30


def district_comparison(con, period: Period, *, scope: Scope) -> dict[str, pd.DataFrame]:
    """The district's table for ``period``: every branch in scope with its frozen (or else computed)
    堡垒指数, stars, compliance, rank, member star mix and change since the previous period, and
    which branches have no snapshot or a stale one. Branch level only, so every scope may call it."""
    from etl.snapshot import district

    rows = district.branch_rows(con, period, scope=scope)
    before = district.branch_rows(con, period.previous(), scope=scope)[["branch", "index", "stars"]]
    rows = rows.merge(before.rename(columns={"index": "before_index", "stars": "before_stars"}), on="branch")
    rows["change"] = rows["index"] - rows["before_index"]
    rows["moved"] = [
        None if pd.isna(now) or pd.isna(was) else "up" if now > was else "down" if now < was else "same"
        for now, was in zip(rows["stars"], rows["before_stars"])
    ]
    rows["rank"] = rows["index"].rank(method="min", ascending=False).astype("Int64")
    ids = dict(con.execute(_sql("district_branch_ids")).fetchall())
    rows = rows.merge(_district_mix(con, rows, ids, period), on="branch", how="left")
    rows["freshness"] = _freshness(con, rows, ids, period)
    # Each branch's work-plan completion: from its snapshot, or computed from its raw rows while that
    # stays quick (a checklist per branch costs ~0.7 s; above PLAN_FROM_RAW_MAX such branches show none).
    from_raw = int((rows["source"] == "raw").sum()) <= PLAN_FROM_RAW_MAX
    plans = district.plan_rows(con, period, scope=scope, from_raw_rows=from_raw)
    rows = rows.merge(plans[["branch", "plan_done", "plan_due", "plan_overdue", "plan_rate"]], on="branch", how="left")
    ranked = rows.sort_values(["rank", "branch"], na_position="last").reset_index(drop=True)
    return {"branches": ranked, "plan_from_raw": from_raw}


def _freshness(con, rows: pd.DataFrame, ids: dict[str, int], period: Period) -> list[str]:
    """Per branch: missing (nothing to compare), raw (computed from its rows, no snapshot), early
    (frozen before the period was over), changed (its raw rows of the period changed after the
    snapshot was made), unsigned, or ok. Whether it is signed is also a column of its own, so an
    early or changed snapshot that is unsigned is seen as both. Snapshots are stamped in UTC, loads in the server's local time."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    local = dt.datetime.now().astimezone().utcoffset() or dt.timedelta(0)
    changed = {
        b: t - local
        for b, t in con.execute(
            _sql("district_last_loads"), {"branch_ids": list(ids.values()), "start": period.start, "end": period.end}
        ).fetchall()
    }
    over = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), ZoneInfo("Asia/Shanghai"))
    over = over.astimezone(dt.UTC).replace(tzinfo=None)  # the period's end in the branches' own time
    status = []
    for r in rows.itertuples(index=False):
        if not isinstance(r.source, str):
            status.append("missing")
        elif r.source == "raw":
            status.append("raw")
        elif r.created_at < over:
            status.append("early")
        elif (last := changed.get(ids[r.branch])) is not None and last > r.created_at:
            status.append("changed")
        else:
            status.append("ok" if r.signed else "unsigned")
    return status


def district_trend(con, periods: list[Period], *, scope: Scope) -> pd.DataFrame:
    """district.branch_rows of each period (oldest first), one frame: the district's indicators over time."""
    from etl.snapshot import district

    frames_ = [district.branch_rows(con, p, scope=scope) for p in sorted(periods, key=lambda p: p.end)]
    return pd.concat(frames_, ignore_index=True) if frames_ else pd.DataFrame()


@scoped(members=False)
def branch_card(con, branch: str, period: Period, periods: list[Period]) -> dict[str, pd.DataFrame]:
    """One branch for the district: its indicators over ``periods`` and, for ``period``, its member
    star mix and the means of the index's parts (aggregates: no member row leaves this function)."""
    only = Scope("district", frozenset({branch}))  # branch level, whoever asks
    trend = district_trend(con, periods, scope=only)
    rows = trend[trend["period"] == period.label]
    ids = dict(con.execute(_sql("district_branch_ids")).fetchall())
    if rows.empty:
        return {"trend": trend, "mix": pd.DataFrame(columns=["branch", *DISTRICT_MIX]), "freshness": "missing"}
    return {
        "trend": trend,
        "mix": _district_mix(con, rows, ids, period),
        "freshness": _freshness(con, rows, ids, period)[0],
    }


def snapshot_imports(con, *, scope: Scope) -> pd.DataFrame:
    """Every imported snapshot file of the branches in scope, newest first."""
    from etl.snapshot import district

    return district.imports(con, scope=scope)


# -- 工作计划 (issue 13) ---------------------------------------------------------------------------
@scoped(members=True)
def plan_checklist(con, branch: str, year: int, as_of, plan_sha256: str, rules: Rules):
    """The branch's work plan for ``year`` on ``as_of`` (etl.plan.checklist.Checklist: items, units,
    evidence, missing members — names, so the branch's own readers only). ``plan_sha256`` only keys
    the cache: the checklist reads the plan file afresh."""
    from etl.plan.checklist import checklist

    return checklist(con, branch, year, as_of, rules)


@scoped(members=True)
def meeting_ledger(con, branch: str, year: int) -> bytes:
    """The year's 三会一课 台账 as an xlsx (etl.plan.ledger), for the 组织生活 page's download."""
    from etl.plan.ledger import ledger_workbook

    return ledger_workbook(con, branch, year)


@scoped(members=True)
def brief(con, branch: str, period: Period, rules: Rules) -> bytes:
    """The 支委会's one-page brief of the period (etl.plan.brief), numbers as the 总览's."""
    from etl.plan.brief import brief_document

    return brief_document(con, branch, period, rules=rules)
