import streamlit as st

from dashboard import charts, data, frames, state
from dashboard import components as ui
from dashboard import strings as S

ctx = state.page(S.PAGE_STUDY)

st.caption(S.STUDY_NOTE)
members = data.period_members(ctx.branch, ctx.period)
rules = data.rules(ctx.branch)
study = frames.study_summary(members, float(rules["study"]["daily_target"]))
if study is None:
    st.info(S.STUDY_NONE)
    st.stop()
before = frames.study_summary(
    data.period_members(ctx.branch, ctx.period, of=ctx.period.previous()), float(rules["study"]["daily_target"])
)
change = lambda key: None if before is None else study[key] - before[key]  # noqa: E731
explained = S.kpi_help(rules, S.period_words(ctx.period.previous()))
cards = ui.kpi_row()
ui.kpi(
    cards, S.KPI_PARTICIPATION, study["participation"], change("participation"), "{:.1%}", explained["participation"]
)
ui.kpi(cards, S.STUDY_AVG_KPI, study["avg_daily"], change("avg_daily"), help_text=S.STUDY_AVG_HELP)
ui.kpi(
    cards,
    S.STUDY_ON_TARGET,
    study["on_target"],
    change("on_target"),
    "{:.1%}",
    S.STUDY_ON_TARGET_HELP.format(target=rules["study"]["daily_target"]),
)
cards.metric(S.STUDY_NOBODY, f"{study['no_study']} 人", border=True, help=S.STUDY_NOBODY_HELP)

_, members_trend = data.trend(ctx.branch, ctx.period)
groups = frames.study_by_group(members_trend)
span = S.trend_span(ctx.period)
left, right = st.columns(2)
with left:
    ui.chart(
        charts.group_bars(
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
        charts.group_bars(
            groups, "period", "avg_daily", "party_group", S.STUDY_AVERAGE.format(span=span), chosen=ctx.period.label
        ),
        groups[["period", "party_group", "avg_daily"]],
        S.STUDY_AVERAGE.format(span=span),
        "average",
    )

if study["no_study"] and data.scope().sees_names_of_non_studiers:
    # Who did not study at all is for the branch secretary to follow up, never a ranking.
    with st.expander(S.STUDY_NOBODY_LIST.format(n=study["no_study"])):
        st.markdown(ui.literal("、".join(study["no_study_names"])))
