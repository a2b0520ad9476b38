import streamlit as st

from dashboard import charts, data, frames, state
from dashboard import components as ui
from dashboard import strings as S

ctx = state.page(S.PAGE_INDEX)

members = data.members_with_year_veto(ctx.branch, ctx.period)
scored = members.dropna(subset=["index"])
if scored.empty:
    st.info(S.NO_SCORES)
    st.stop()
_, members_trend = data.trend(ctx.branch, ctx.period)
span = S.trend_span(ctx.period)

left, right = st.columns(2)
with left:
    ui.chart(
        charts.histogram(
            scored[["index"]], "index", f"{S.INDEX_DISTRIBUTION}（{ctx.period}）"
        ),  # what it draws: less to hash
        scored[["member", "party_group", "index"]],
        S.INDEX_DISTRIBUTION,
        "distribution",
    )
with right:
    parts = frames.component_breakdown(members)
    ui.chart(charts.stacked_components(parts, S.INDEX_COMPONENTS), parts, S.INDEX_COMPONENTS, "components")
left, right = st.columns(2)
with left:
    trend = frames.group_trend(members_trend, "party_group")
    ui.chart(
        charts.by_group_lines(
            trend, "period", "index", "party_group", S.INDEX_BY_GROUP.format(span=span), chosen=ctx.period.label
        ),
        trend,
        S.INDEX_BY_GROUP.format(span=span),
        "by-group",
    )
with right:
    trend = frames.group_trend(members_trend, "campus")
    ui.chart(
        charts.by_group_lines(
            trend, "period", "index", "campus", S.INDEX_BY_CAMPUS.format(span=span), chosen=ctx.period.label
        ),
        trend,
        S.INDEX_BY_CAMPUS.format(span=span),
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
            "year_vetoed",
            "index",
            "stars",
        ]
    ],
    S.INDEX_TABLE,
    "members",
)
