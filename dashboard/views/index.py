import streamlit as st

from dashboard import charts, data, frames, state
from dashboard import components as ui
from dashboard import strings as S

ctx = state.page(S.PAGE_INDEX)

members = data.member_scores(ctx.branch, ctx.period)
scored = members.dropna(subset=["index"])
if scored.empty:
    st.info(S.NO_SCORES)
    st.stop()
_, members_monthly = data.monthly(ctx.branch, ctx.period.year)

left, right = st.columns(2)
with left:
    ui.chart(
        charts.histogram(scored, "index", f"{S.INDEX_DISTRIBUTION}（{ctx.period}）"),
        scored[["member", "party_group", "index"]],
        S.INDEX_DISTRIBUTION,
        "distribution",
    )
with right:
    parts = frames.component_breakdown(members)
    ui.chart(charts.stacked_components(parts, S.INDEX_COMPONENTS), parts, S.INDEX_COMPONENTS, "components")
left, right = st.columns(2)
with left:
    trend = frames.group_trend(members_monthly, "party_group")
    ui.chart(
        charts.by_group_lines(trend, "month", "index", "party_group", S.INDEX_BY_GROUP),
        trend,
        S.INDEX_BY_GROUP,
        "by-group",
    )
with right:
    trend = frames.group_trend(members_monthly, "campus")
    ui.chart(
        charts.by_group_lines(trend, "month", "index", "campus", S.INDEX_BY_CAMPUS),
        trend,
        S.INDEX_BY_CAMPUS,
        "by-campus",
    )

st.subheader(S.INDEX_TABLE)
ui.table(
    members[
        [
            "member",
            "party_group",
            "campus",
            "category",
            "attendance_rate",
            "appraisal",
            "base",
            "bonus",
            "deduction",
            "discipline",
            "vetoed",
            "index",
            "stars",
        ]
    ],
    S.INDEX_TABLE,
    "members",
)
