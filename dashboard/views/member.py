import pandas as pd
import streamlit as st

from dashboard import auth, charts, data, frames, state
from dashboard import components as ui
from dashboard import strings as S
from etl.errors import UnknownMember
from etl.scoring import period

ctx = state.page(S.PAGE_MEMBER)

options = data.member_options(ctx.branch)
labels = {
    r.member_id: r.name + (f"（{r.party_group}）" if r.shared else "") + (S.LEFT_SUFFIX if r.status == "离开" else "")
    for r in options.itertuples()
}
order = frames.sorted_names(list(labels.values()))
ids = sorted(labels, key=lambda m: order.index(labels[m]))
linked = st.query_params.get("member")  # a link from an alert or a table names the member
if linked and linked.isdigit() and int(linked) in labels and st.session_state.get("_linked_member") != linked:
    st.session_state["member"], st.session_state["_linked_member"] = int(linked), linked
member_id = st.selectbox(S.MEMBER_PICK, ids, format_func=labels.get, key="member")
st.query_params["member"] = str(member_id)
auth.record_view_of_member(ctx.branch, member_id, labels[member_id])
_, members_trend = data.trend(ctx.branch, ctx.period)
history = members_trend[members_trend["member_id"] == member_id] if not members_trend.empty else pd.DataFrame()
if not history.empty:
    view = history[["period", "index", "base", "bonus", "discipline", "attendance_rate", "avg_daily", "stars"]]
    fig = charts.trend(
        view,
        "period",
        {
            "index": S.COLUMNS["index"],
            "base": S.COLUMNS["base"],
            "bonus": S.COLUMNS["bonus"],
            "discipline": S.COLUMNS["discipline"],
        },
        S.MEMBER_TREND.format(name=labels[member_id], span=S.trend_span(ctx.period)),
        chosen=ctx.period.label,
    )
    ui.chart(fig, view, S.MEMBER_TREND_FILE, "member-trend")

try:
    x = data.member_explanation(ctx.branch, ctx.period, member_id)
except UnknownMember:
    st.info(S.MEMBER_NO_DATA)
    st.stop()
m = x.member
cards = ui.kpi_row()
cards.metric(S.COLUMNS["index"], S.MEMBER_NO_DATA if pd.isna(m["index"]) else f"{m['index']:.2f}", border=True)
cards.metric(S.COLUMNS["stars"], ui.stars_text(m["stars"]), border=True)
cards.metric(S.COLUMNS["deduction"], f"{m['deduction']:g}", border=True)
if x.vetoes:
    st.error(S.MEMBER_VETO + "：" + ui.literal("；".join(x.vetoes)))
elif ctx.period.grain != "year":  # a veto elsewhere in the year is visible here too
    year = data.period_members(ctx.branch, ctx.period, of=period.parse(str(ctx.period.year)))
    in_year = year[year["member_id"] == member_id]
    if not in_year.empty and bool(in_year["vetoed"].iloc[0]):
        row = in_year.iloc[0]
        st.warning(
            ui.literal(
                S.MEMBER_YEAR_VETO.format(
                    year=ctx.period.year, detail="；".join(frames.veto_reasons(row, data.rules(ctx.branch)))
                )
            )
        )
st.subheader(S.MEMBER_COMPONENTS)
ui.table(x.components, S.MEMBER_COMPONENTS_FILE, "components")
# The rows behind the numbers, one kind at a time: a tab that is not open is not sent, and each
# table costs the browser 50–100 ms to draw on a page switch (bench/results.md)
items, attendance, study = st.tabs(
    [S.MEMBER_ITEMS, S.MEMBER_ATTENDANCE, S.MEMBER_STUDY], key="member-rows", on_change="rerun"
)
if items.open:
    with items:
        ui.table(
            x.items[
                [
                    "item",
                    "date",
                    "year",
                    "grade",
                    "level",
                    "value",
                    "effect",
                    "note",
                    "load_id",
                    "file_name",
                    "src_sheet",
                    "src_row",
                ]
            ],
            S.MEMBER_ITEMS_FILE,
            "items",
        )
if attendance.open:
    with attendance:
        ui.table(x.attendance, S.MEMBER_ATTENDANCE_FILE, "attendance")
if study.open:
    with study:
        ui.table(x.study, S.MEMBER_STUDY_FILE, "study")
