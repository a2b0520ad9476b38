"""先锋指数看板 — `streamlit run dashboard/app.py`. Navigation, the demo banner and the data version;
every page is one file in views/ and only lays out.

The page files live in views/, not pages/: a pages/ folder beside the entry script makes Streamlit
route deep links itself (its legacy multipage mode) on a freshly started server, bypassing this file.
"""

import streamlit as st

from dashboard import components as ui
from dashboard import data
from dashboard import strings as S
from etl.errors import VanguardError

st.set_page_config(page_title=S.APP_TITLE, page_icon="★", layout="wide")

navigation = st.navigation(
    {
        S.NAV_SECTION_DASHBOARD: [
            st.Page("views/overview.py", title=S.PAGE_OVERVIEW, icon=":material/dashboard:", default=True),
            st.Page("views/index.py", title=S.PAGE_INDEX, icon=":material/insights:"),
            st.Page("views/stars.py", title=S.PAGE_STARS, icon=":material/star:"),
            st.Page("views/orglife.py", title=S.PAGE_ORGLIFE, icon=":material/groups:"),
            st.Page("views/study.py", title=S.PAGE_STUDY, icon=":material/menu_book:"),
            st.Page("views/member.py", title=S.PAGE_MEMBER, icon=":material/person:"),
            st.Page("views/glossary.py", title=S.PAGE_GLOSSARY, icon=":material/help:"),
        ],
        S.NAV_SECTION_DATA: [st.Page("views/upload.py", title=S.PAGE_UPLOAD, icon=":material/upload:")],
        S.NAV_SECTION_DISTRICT: [
            st.Page("views/district.py", title=S.PAGE_DISTRICT, icon=":material/leaderboard:"),
            st.Page("views/branch_card.py", title=S.PAGE_BRANCH_CARD, icon=":material/badge:"),
            st.Page("views/snapshot_import.py", title=S.PAGE_SNAPSHOT_IMPORT, icon=":material/move_to_inbox:"),
        ],
    }
)

st.sidebar.markdown(f"### {S.APP_TITLE}")
if data.is_demo():
    st.warning(S.DEMO_BANNER, icon=":material/science:")
try:
    data.refresh_version()
    navigation.run()
except VanguardError as exc:  # any refusal a page meets is shown here, never as a traceback
    ui.refusal(exc)
