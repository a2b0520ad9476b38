import streamlit as st

from dashboard import charts, data, frames, state
from dashboard import components as ui
from dashboard import strings as S

ctx = state.page(S.PAGE_STUDY)

st.caption(S.STUDY_NOTE)
summary = data.branch_summary(ctx.branch, ctx.period)
ui.kpi(st.columns(4)[0], S.KPI_PARTICIPATION, summary["participation"], fmt="{:.1%}")
_, members_monthly = data.monthly(ctx.branch, ctx.period.year)
groups = frames.study_by_group(members_monthly)
left, right = st.columns(2)
with left:
    ui.chart(
        charts.by_group_lines(groups, "month", "participation", "party_group", S.STUDY_PARTICIPATION, percent=True),
        groups[["month", "party_group", "participation"]],
        S.STUDY_PARTICIPATION,
        "participation",
    )
with right:
    ui.chart(
        charts.by_group_lines(groups, "month", "avg_daily", "party_group", S.STUDY_AVERAGE),
        groups[["month", "party_group", "avg_daily"]],
        S.STUDY_AVERAGE,
        "average",
    )
