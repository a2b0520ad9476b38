import streamlit as st

from dashboard import charts, data, frames, state
from dashboard import components as ui
from dashboard import strings as S

ctx = state.page(S.PAGE_STARS)

summary = data.period_summary(ctx.branch, ctx.period)
rules = data.rules(ctx.branch)
current = data.members_with_year_veto(ctx.branch, ctx.period)
cards = ui.kpi_row()
cards.metric(
    S.STARS_BRANCH,
    ui.stars_text(summary["stars"]),
    None if summary["index"] is None else S.STARS_SCORE.format(index=summary["index"]),
    "off",
    delta_arrow="off",
    border=True,
)
scored = current.dropna(subset=["stars"])
cards.metric(
    S.STARS_HIGH,
    int((scored["stars"] >= 4).sum()),
    border=True,
    help=S.STARS_HIGH_HELP.format(four=rules["stars"]["thresholds"][1]),
)
cards.metric(S.STARS_HELP_COUNT, int(current["needs_help"].fillna(False).astype(bool).sum()), border=True)
st.caption(S.stars_rule(rules))
counts = data.star_trend(ctx.branch, ctx.period)
title = S.STARS_OVER_TIME.format(span=S.trend_span(ctx.period))
ui.chart(charts.stars_stacked(counts, title, chosen=ctx.period.label), counts, title, "stars-over-time")

previous = data.period_members(ctx.branch, ctx.period, of=ctx.period.previous())
moves = frames.star_moves(current, previous)
st.subheader(S.STARS_MOVES.format(previous=S.period_words(ctx.period.previous()), current=S.period_words(ctx.period)))
cards = ui.kpi_row()
for move in ("up", "down", "same"):
    cards.metric(S.MOVES[move], int((moves["move"] == move).sum()) if not moves.empty else 0, border=True)
changed = moves[moves["move"] != "same"] if not moves.empty else moves
ui.table(changed, S.STARS_MOVES_FILE, "moves")

st.subheader(S.STARS_TABLE)
ui.table(current[["member", "party_group", "index", "stars", "vetoed", "year_vetoed"]], S.STARS_TABLE, "member-stars")
