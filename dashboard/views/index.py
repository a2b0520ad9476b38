import streamlit as st

from dashboard import charts, data, state
from dashboard import components as ui
from dashboard import strings as S

ctx = state.page(S.PAGE_INDEX)

members = data.members_with_year_veto(ctx.branch, ctx.period)
scored = members.dropna(subset=["index"])
if scored.empty:
    st.info(S.NO_SCORES)
    st.stop()
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
    parts = data.index_components(ctx.branch, ctx.period)
    ui.chart(charts.stacked_components(parts, S.INDEX_COMPONENTS), parts, S.INDEX_COMPONENTS, "components")
# One trend at a time, by group or by campus: a tab that is not open is not computed or sent, and
# every chart a page switch draws costs the browser about 75 ms (bench/results.md)
tabs = st.tabs(list(S.INDEX_TRENDS), key="index-trend", on_change="rerun")
for tab, (column, title) in zip(tabs, S.INDEX_TRENDS.values()):
    if tab.open:
        with tab:
            trend = data.index_trend(ctx.branch, ctx.period, column)
            name = title.format(span=span)
            chart = charts.by_group_lines(trend, "period", "index", column, name, chosen=ctx.period.label)
            ui.chart(chart, trend, name, f"trend-{column}")

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
