"""审计日志: who did what, when — a secretary's branches, or every branch for the district."""

import datetime as dt

import streamlit as st

from dashboard import account_admin, auth
from dashboard import components as ui
from dashboard import strings as S
from etl.rules import today

st.title(S.PAGE_AUDIT)
who = auth.caller()
st.caption(S.AUDIT_INTRO_ALL if who.scope.branches is None else S.AUDIT_INTRO_BRANCHES)

since = st.date_input(S.AUDIT_SINCE, value=today() - dt.timedelta(days=30), max_value=today(), key="audit-since")
events = account_admin.audit_events(since)
if events.empty:
    st.info(S.AUDIT_EMPTY)
else:
    actions = sorted(events["action"].unique())
    chosen = st.multiselect(S.AUDIT_ACTION, actions, key="audit-actions")
    if chosen:
        events = events[events["action"].isin(chosen)]
    events = events.assign(happened_at=ui.shanghai_time(events["happened_at"]).to_numpy())
    shown = events[list(S.AUDIT_COLUMNS)].rename(columns=S.AUDIT_COLUMNS)
    st.dataframe(shown, hide_index=True, key="audit-table")
    scope = S.SCOPE_EVERY_BRANCH if who.scope.branches is None else "、".join(sorted(who.scope.branches))
    st.session_state.pop(ui.SUBJECT_KEY, None)  # the file is named for the scope, not a page's branch
    ui.downloads(shown, S.AUDIT_FILE.format(scope=scope, since=since.isoformat()), "audit")
