import streamlit as st

from dashboard import charts, data, frames, state
from dashboard import components as ui
from dashboard import strings as S

ctx = state.page(S.PAGE_STARS)

scores = data.page_scores(ctx.branch, ctx.period)
summary = frames.period_summary(scores, ctx.period)
st.metric(S.STARS_BRANCH, ui.stars_text(summary["stars"]), border=True)
_, members_trend = frames.trend(scores, ctx.period)
counts = frames.star_counts(members_trend)
title = S.STARS_OVER_TIME.format(span=S.trend_span(ctx.period))
ui.chart(charts.stars_stacked(counts, title, chosen=ctx.period.label), counts, title, "stars-over-time")

current = frames.period_members(scores, ctx.period)
previous = frames.period_members(scores, ctx.period.previous())
moves = frames.star_moves(current, previous)
st.subheader(S.STARS_MOVES.format(previous=ctx.period.previous(), current=ctx.period))
cols = st.columns(3)
for col, move in zip(cols, ("up", "down", "same")):
    col.metric(S.MOVES[move], int((moves["move"] == move).sum()) if not moves.empty else 0, border=True)
changed = moves[moves["move"] != "same"] if not moves.empty else moves
ui.table(changed, S.STARS_MOVES.format(previous=ctx.period.previous(), current=ctx.period), "moves")

st.subheader(S.STARS_TABLE)
ui.table(current[["member", "party_group", "index", "stars", "vetoed"]], S.STARS_TABLE, "member-stars")
