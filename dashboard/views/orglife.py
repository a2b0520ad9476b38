import streamlit as st

from dashboard import charts, data, state
from dashboard import components as ui
from dashboard import strings as S
from etl.scoring.period import parse

ctx = state.page(S.PAGE_ORGLIFE)

year = parse(str(ctx.period.year))
compliance = data.compliance(ctx.branch, year)
if not compliance.empty:
    view = compliance[["requirement", "unit", "required", "held", "met"]]
    ui.chart(
        charts.calendar(
            compliance[["requirement", "party_group", "unit_end", "required", "held", "met"]],
            S.COMPLIANCE_CALENDAR.format(year=ctx.period.year),
        ),
        view,
        S.COMPLIANCE_FILE.format(year=ctx.period.year),
        "calendar",
    )

matrix = data.attendance_matrix(ctx.branch, ctx.period)
if not matrix.empty:
    ui.chart(
        charts.heatmap(matrix, "activity_type", "member", "attendance_rate", S.ATTENDANCE_BY_MEMBER),
        matrix,
        S.ATTENDANCE_BY_MEMBER,
        "matrix",
    )
absences = data.absence_trend(ctx.branch, ctx.period.year)
if not absences.empty:
    ui.chart(charts.bars(absences, "month", "count", "status", S.ABSENCE_TREND), absences, S.ABSENCE_TREND, "absences")

# The year's 三会一课 台账 in the meeting-ledger layout, as an inspection asks for it (etl ledger).
ledger_name = S.LEDGER_FILE.format(branch=ctx.branch, year=ctx.period.year)
st.download_button(
    S.LEDGER_DOWNLOAD.format(year=ctx.period.year),
    ui.audited(data.meeting_ledger(ctx.branch, ctx.period.year), ledger_name),
    ledger_name,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="ledger-xlsx",
    on_click="ignore",
    icon=":material/download:",
)
