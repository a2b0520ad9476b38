"""The floor of the page benchmark: a bare Streamlit app on the same server set-up, with the two
pages bench_pages.py opens on it (the same titles as the dashboard's) — one with a small plotly
chart (a first view loads plotly's 4.7 MB script, as the dashboard's 总览 does), one with text.
What it takes is what Streamlit and Chromium cost on this machine before the dashboard does
anything; bench_pages.py reports the dashboard's times against it."""

import plotly.express as px
import streamlit as st

from dashboard import strings as S


def chart_page() -> None:
    st.title(S.PAGE_OVERVIEW)
    st.plotly_chart(px.line(x=[1, 2, 3, 4], y=[3, 1, 4, 1]))


def text_page() -> None:
    st.title(S.PAGE_GLOSSARY)
    st.write("一段文字。")


st.set_page_config(page_title=S.APP_TITLE, layout="wide")
st.navigation(
    [st.Page(chart_page, title=S.PAGE_OVERVIEW, default=True), st.Page(text_page, title=S.PAGE_GLOSSARY)]
).run()
