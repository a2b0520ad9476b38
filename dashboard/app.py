"""先锋指数看板 — `streamlit run dashboard/server.py` (the sign-in route in front of this script; see
server.py). Who is asking, the navigation their role sees, the demo banner and the data version;
every page is one file in views/ and only lays out.

The page files live in views/, not pages/: a pages/ folder beside the entry script makes Streamlit
route deep links itself (its legacy multipage mode) on a freshly started server, bypassing this file.

Every page is registered for every caller, so a link to a page her role may not see opens that page's
address with a refusal in Chinese, before any of its code runs (an unregistered address would get
Streamlit's English "Page not found"); the menu in the sidebar lists only the pages she may see
(auth.PAGES), the others are registered hidden.
"""

from pathlib import Path

import streamlit as st

from dashboard import auth, data, state
from dashboard import components as ui
from dashboard import strings as S
from etl.errors import VanguardError

st.set_page_config(page_title=S.APP_TITLE, page_icon=S.APP_ICON, layout="wide")


LOGO = Path(__file__).parent / "assets" / "logo.svg"


def _menu(who: auth.Caller) -> tuple[dict[str, list], dict]:
    """(the menu for st.navigation: every page by section, those this caller may not open hidden;
    every page by its address, with the spec that says who may open it).

    Streamlit's own menu is one message per run, not 18 links and captions drawn by the script, which
    made each page switch about twice as slow in the browser (bench/results.md)."""
    default = next(p for p in auth.PAGES if auth.visible(p, who))
    # sections in the order of the caller's first page in each (the district's 区级 before 看板's
    # one page she sees), then the sections she sees nothing of
    sections = [spec.section for spec in auth.PAGES if auth.visible(spec, who)] + [s.section for s in auth.PAGES]
    menu: dict[str, list] = {section: [] for section in dict.fromkeys(sections)}
    every = {}
    for spec in auth.PAGES:
        shown = auth.visible(spec, who)
        page = st.Page(
            spec.file,
            title=spec.title,
            icon=spec.icon,
            default=spec is default,
            visibility="visible" if shown else "hidden",  # a section with nothing visible is not shown
        )
        every[page.url_path] = (page, spec)
        menu[spec.section].append(page)
    return menu, every


st.logo(str(LOGO), size="large")
try:
    caller = auth.gate()
    st.session_state[state.PICKERS_KEY] = st.sidebar.container()  # filled by the page (state.sidebar)
    menu, every = _menu(caller)
    navigation = st.navigation(menu, position="sidebar", expanded=True)
    auth.sidebar(caller)
    if data.is_demo():
        st.warning(S.DEMO_BANNER, icon=":material/science:")
    data.refresh_version()
    st.session_state[ui.AUDIT_BRANCH_KEY] = None  # a page about one branch says which (state.page)
    if navigation.url_path != "member":
        st.session_state.pop(auth.MEMBER_VIEWED_KEY, None)  # a later visit to a 党员档案 is a new view
    if auth.visible(every[navigation.url_path][1], caller):
        navigation.run()
    else:  # opened by its address: refused here, before the page's code runs
        st.title(navigation.title)
        st.error(S.PAGE_REFUSED, icon=":material/block:")
except VanguardError as exc:  # any refusal a page meets is shown here, never as a traceback
    ui.refusal(exc)
