import pandas as pd
import streamlit as st

from dashboard import charts, data, state
from dashboard import components as ui
from dashboard import strings as S
from dashboard.queries import PLAN_FROM_RAW_MAX

_, period, periods = state.district_page(S.PAGE_DISTRICT)

comparison = data.district_comparison(period)
rows = comparison["branches"]
compared = rows.dropna(subset=["index"])
attention = rows[rows["freshness"] != "ok"]
cards = ui.kpi_row()
cards.metric(S.DISTRICT_KPI_BRANCHES, f"{len(compared)} / {len(rows)}", border=True, help=S.DISTRICT_KPI_BRANCHES_HELP)
ui.kpi(
    cards,
    S.DISTRICT_KPI_MEAN,
    compared["index"].mean() if len(compared) else None,
    help_text=S.DISTRICT_KPI_MEAN_HELP,
)
cards.metric(S.DISTRICT_KPI_HIGH, int((compared["stars"] >= 4).sum()), border=True)
cards.metric(S.DISTRICT_KPI_ATTENTION, len(attention), border=True, help=S.DISTRICT_KPI_ATTENTION_HELP)

st.subheader(S.DISTRICT_RANKING.format(period=S.period_words(period)))
st.caption(S.DISTRICT_RANKING_NOTE)
if not comparison["plan_from_raw"]:
    st.caption(S.DISTRICT_PLAN_RAW_SKIPPED.format(n=PLAN_FROM_RAW_MAX))
ranking = rows[
    [
        "rank",
        "branch",
        "school",
        "index",
        "stars",
        "change",
        "moved",
        "compliance_rate",
        "plan_rate",
        "plan_overdue",
        "members_scored",
        "member_mean",
        *[f"stars_{s}" for s in range(5, 0, -1)],
        "freshness",
        "signed",
        "created_at",
    ]
].assign(created_at=ui.shanghai_time(rows["created_at"]))
ui.table(ranking.rename(columns={"index": "branch_index"}), S.DISTRICT_RANKING_FILE, "ranking")

left, right = st.columns(2)
with left:
    title = S.DISTRICT_BRANCH_STARS
    shown = compared[["branch", "index", "stars"]].rename(columns={"index": "branch_index"})
    ui.chart(charts.branch_stars(compared[["stars"]], title), shown, title, "branch-stars")
with right:
    mix = compared[["branch", *[f"stars_{s}" for s in range(1, 6)]]]
    if len(mix) > 40:  # one bar per branch stops being readable: the district's members together
        mix = pd.DataFrame([{"branch": S.DISTRICT_FILE_SUBJECT, **mix.drop(columns="branch").sum().to_dict()}])
        title = S.DISTRICT_MEMBER_MIX_ALL.format(n=len(compared))
    else:
        title = S.DISTRICT_MEMBER_MIX
    ui.chart(charts.member_mix(mix, title), mix, title, "member-mix")

st.subheader(S.DISTRICT_MOVES.format(previous=S.period_words(period.previous())))
up, down = rows[rows["moved"] == "up"], rows[rows["moved"] == "down"]
if rows["before_index"].isna().all():
    st.caption(S.DISTRICT_NO_PREVIOUS)
elif up.empty and down.empty:
    st.caption(S.DISTRICT_NO_MOVES)
else:
    left, right = st.columns(2)
    for column, moved, heading in ((left, up, S.DISTRICT_UP), (right, down, S.DISTRICT_DOWN)):
        with column:
            st.markdown(f"**{heading}（{len(moved)}）**")
            for r in moved.sort_values("change", ascending=heading == S.DISTRICT_DOWN).itertuples():
                st.text(
                    S.DISTRICT_MOVE_LINE.format(
                        branch=r.branch,
                        before=ui.stars_text(r.before_stars),
                        now=ui.stars_text(r.stars),
                        change=r.change,
                    )
                )

if not attention.empty:
    with st.expander(S.DISTRICT_ATTENTION.format(n=len(attention)), expanded=len(attention) <= 10):
        shown = attention[["branch", "school", "freshness", "created_at"]].assign(
            created_at=ui.shanghai_time(attention["created_at"])
        )
        ui.table(shown, S.DISTRICT_ATTENTION.format(n=len(attention)), "attention")

shown_periods = [p for p in periods if p.end <= period.end][-8:]  # up to the chosen period
trend = data.district_trend(shown_periods)
means = trend.dropna(subset=["index"]).groupby("period", as_index=False)["index"].mean()
lines = means.assign(series=S.DISTRICT_TREND_MEAN)
picked = st.multiselect(
    S.DISTRICT_TREND_PICK, list(rows["branch"]), key="district-trend-branches", placeholder=S.DISTRICT_TREND_PLACEHOLDER
)
if picked:
    chosen = trend[trend["branch"].isin(picked)].dropna(subset=["index"])
    lines = pd.concat([lines, chosen[["period", "index"]].assign(series=chosen["branch"])], ignore_index=True)
title = S.DISTRICT_TREND.format(n=len(shown_periods), grain=S.GRAINS[period.grain])
wide = lines.pivot_table(index="period", columns="series", values="index").reset_index()
ui.chart(
    charts.trend(wide, "period", {c: c for c in wide.columns if c != "period"}, title, chosen=period.label),
    lines.rename(columns={"series": "branch", "index": "branch_index"}),
    S.DISTRICT_TREND_FILE,
    "trend",
)
