import pandas as pd
import streamlit as st

from dashboard import charts, data, state
from dashboard import components as ui
from dashboard import strings as S

branch, period, periods = state.district_page(S.PAGE_BRANCH_CARD, with_branch=True)

shown_periods = [p for p in periods if p.end <= period.end][-8:]  # up to the chosen period
card = data.branch_card(branch, period, shown_periods)
trend, mix = card["trend"], card["mix"]
now = trend[trend["period"] == period.label]
row = now.iloc[0] if not now.empty else None
if row is None or not isinstance(row["source"], str):
    st.info(S.CARD_NOT_IN_PERIOD)
elif row["source"] == "snapshot":
    created = ui.shanghai_time(pd.Series([row["created_at"]])).iloc[0]
    signed = S.SIGNED_WORDS[bool(row["signed"])]
    st.caption(S.CARD_SOURCE_SNAPSHOT.format(created=created, signed=signed))
    if card["freshness"] in ("early", "changed"):  # stale and unsigned are two things: both are said
        st.warning(S.FRESHNESS[card["freshness"]], icon=":material/history:")
else:
    st.caption(S.CARD_SOURCE_RAW)

if row is not None and isinstance(row["source"], str):
    cards = ui.kpi_row()
    ui.kpi(cards, f"{S.KPI_BRANCH_INDEX} {ui.stars_text(row['stars'])}", row["index"])
    ui.kpi(cards, S.KPI_MEMBER_MEAN, row["member_mean"])
    ui.kpi(cards, S.KPI_COMPLIANCE, row["compliance_rate"], fmt="{:.1%}")
    cards.metric(S.COLUMNS["members_scored"], int(row["members_scored"]), border=True)

title = S.CARD_TREND.format(n=len(shown_periods), grain=S.GRAINS[period.grain])
indicators = trend[["period", "index", "member_mean"]].rename(columns={"index": "branch_index"})
ui.chart(
    charts.trend(
        indicators,
        "period",
        {"branch_index": S.TREND_BRANCH, "member_mean": S.TREND_MEAN},
        title,
        chosen=period.label,
    ),
    trend[["period", "index", "stars", "member_mean", "compliance_rate", "members_scored", "source"]].rename(
        columns={"index": "branch_index"}
    ),
    S.CARD_TREND_FILE,
    "card-trend",
)

if not mix.empty:
    left, right = st.columns(2)
    with left:
        title = S.CARD_MIX.format(period=S.period_words(period))
        stars = mix[["branch", *[f"stars_{s}" for s in range(1, 6)]]]
        ui.chart(charts.member_mix(stars, title), stars, title, "card-mix")
    with right:
        st.markdown(f"**{S.CARD_PARTS.format(period=S.period_words(period))}**")
        parts = mix[["attendance_rate", "avg_daily", "base", "bonus", "deduction"]]
        ui.table(parts, S.CARD_PARTS_FILE, "card-parts")
