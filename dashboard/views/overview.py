import streamlit as st

from dashboard import charts, data, state
from dashboard import components as ui
from dashboard import strings as S
from etl.plan import brief
from etl.plan import checklist as plan

ctx = state.page(S.PAGE_OVERVIEW)
brief_name = brief.file_name(ctx.branch, ctx.period)
st.download_button(
    S.BRIEF_DOWNLOAD,
    ui.audited(data.brief(ctx.branch, ctx.period), brief_name),  # made when clicked
    brief_name,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    key="brief-docx",
    on_click="ignore",
    icon=":material/description:",
    help=S.BRIEF_HELP,
)

# Every panel below reads the one scoring pass of the period (data.page_scores), derived and cached.
now = data.period_summary(ctx.branch, ctx.period)
before = data.period_summary(ctx.branch, ctx.period, of=ctx.period.previous())
# A change is only shown against a period that had data: the months before the first upload are not zeros.
compared = before["members_scored"] > 0
delta = lambda key: None if not compared or now[key] is None or before[key] is None else now[key] - before[key]  # noqa: E731
explained = S.kpi_help(data.rules(ctx.branch), S.period_words(ctx.period.previous()))
cards = ui.kpi_row()
ui.kpi(
    cards,
    f"{S.KPI_BRANCH_INDEX} {ui.stars_text(now['stars'])}",
    now["index"],
    delta("index"),
    help_text=explained["branch_index"],
)
ui.kpi(cards, S.KPI_MEMBER_MEAN, now["member_mean"], delta("member_mean"), help_text=explained["member_mean"])
ui.kpi(cards, S.KPI_ATTENDANCE, now["attendance_rate"], delta("attendance_rate"), "{:.1%}", explained["attendance"])
ui.kpi(cards, S.KPI_COMPLIANCE, now["compliance_rate"], delta("compliance_rate"), "{:.1%}", explained["compliance"])
ui.kpi(cards, S.KPI_PARTICIPATION, now["participation"], delta("participation"), "{:.1%}", explained["participation"])

branch_trend, _ = data.trend(ctx.branch, ctx.period)
span = S.trend_span(ctx.period)
left, right = st.columns(2)
with left:
    fig = charts.trend(
        branch_trend,
        "period",
        {"branch_index": S.TREND_BRANCH, "member_mean": S.TREND_MEAN},
        S.TREND_TITLE.format(span=span),
        chosen=ctx.period.label,
    )
    ui.chart(fig, branch_trend, S.TREND_TITLE.format(span=span), "trend")
with right:
    counts = data.star_trend(ctx.branch, ctx.period)
    ui.chart(
        charts.stars_stacked(counts, S.STAR_TREND_TITLE.format(span=span), chosen=ctx.period.label),
        counts,
        S.STAR_TREND_TITLE.format(span=span),
        "star-trend",
    )

st.subheader(S.ALERTS_TITLE)
rules = data.rules(ctx.branch)
alerts = data.alerts(ctx.branch, ctx.period)
profile = lambda member_id: state.link("member", ctx, member=member_id)  # noqa: E731
shown = False
if not alerts["needs_help"].empty:
    shown = True
    with st.expander(
        S.ALERT_NEEDS_HELP.format(line=rules["stars"]["needs_help_below"], n=len(alerts["needs_help"])), expanded=True
    ):
        ui.member_table(alerts["needs_help"], profile, S.NEEDS_HELP_FILE, "needs-help")
if not alerts["veto_watch"].empty:
    shown = True
    with st.expander(
        S.ALERT_VETO_WATCH.format(months=rules["veto"]["absent_months"], n=len(alerts["veto_watch"])), expanded=True
    ):
        ui.member_table(alerts["veto_watch"], profile, S.VETO_WATCH_FILE, "veto-watch")
if not alerts["unmet"].empty:
    shown = True
    with st.expander(S.ALERT_UNMET.format(n=len(alerts["unmet"])), expanded=True):
        ui.table(alerts["unmet"], S.UNMET_FILE, "unmet")
if not alerts["year_unmet"].empty:
    shown = True
    with st.expander(S.ALERT_YEAR_UNMET.format(year=ctx.period.year, n=len(alerts["year_unmet"])), expanded=True):
        ui.table(alerts["year_unmet"], S.YEAR_UNMET_FILE, "year-unmet")
if alerts["study_drop"]:
    shown = True
    st.warning(S.ALERT_STUDY_DROP.format(**alerts["study_drop"]))
if alerts["unmeasured"]:
    st.info(S.ALERT_UNMEASURED.format(names="、".join(alerts["unmeasured"])))
if not shown:
    st.success(S.ALERT_NONE)

# The work plan's overdue items and those due in the next 30 days (the 工作计划 page has the rest).
st.subheader(S.PLAN_ALERTS)
checklist = data.plan_checklist(ctx.branch, ctx.period)
plan_alerts = [
    S.PLAN_ALERT_OVERDUE.format(**u)
    for u in plan.overdue(checklist)[["name", "unit", "due", "done", "required"]].to_dict("records")
] + [
    S.PLAN_ALERT_DUE.format(**u)
    for u in plan.due_within(checklist, 30)[["name", "unit", "due", "done", "required"]].to_dict("records")
]
if plan_alerts:
    st.warning("\n".join(f"- {ui.literal(line)}" for line in plan_alerts))
else:
    st.success(S.PLAN_ALERTS_NONE)
st.page_link("views/plan.py", label=S.PLAN_OPEN, icon=":material/checklist:", query_params=state.query(ctx))
