import streamlit as st

from dashboard import charts, data, frames, state
from dashboard import components as ui
from dashboard import strings as S

ctx = state.page(S.PAGE_STUDY)

st.caption(S.STUDY_NOTE)
scores = data.page_scores(ctx.branch, ctx.period)
summary = frames.period_summary(scores, ctx.period)
ui.kpi(st.columns(4)[0], S.KPI_PARTICIPATION, summary["participation"], fmt="{:.1%}")
_, members_trend = frames.trend(scores, ctx.period)
groups = frames.study_by_group(members_trend)
span = S.trend_span(ctx.period)
left, right = st.columns(2)
with left:
    ui.chart(
        charts.by_group_lines(
            groups,
            "period",
            "participation",
            "party_group",
            S.STUDY_PARTICIPATION.format(span=span),
            percent=True,
            chosen=ctx.period.label,
        ),
        groups[["period", "party_group", "participation"]],
        S.STUDY_PARTICIPATION.format(span=span),
        "participation",
    )
with right:
    ui.chart(
        charts.by_group_lines(
            groups, "period", "avg_daily", "party_group", S.STUDY_AVERAGE.format(span=span), chosen=ctx.period.label
        ),
        groups[["period", "party_group", "avg_daily"]],
        S.STUDY_AVERAGE.format(span=span),
        "average",
    )
