"""账号管理: a secretary's leadership accounts — add, reset a password, disable."""

import streamlit as st

from dashboard import account_admin
from dashboard import components as ui
from dashboard import strings as S

st.title(S.PAGE_ACCOUNTS)
st.caption(S.ACCOUNTS_INTRO)

for level, message in st.session_state.pop("_accounts_said", []):
    (st.success if level == "success" else st.error)(ui.literal(message))


def _said(level: str, message: str) -> None:
    st.session_state.setdefault("_accounts_said", []).append((level, message))


st.subheader(S.ACCOUNTS_TABLE)
people = account_admin.manageable()
if people.empty:
    st.info(S.ACCOUNTS_NONE_MANAGEABLE)
else:
    shown = people.rename(columns=S.ACCOUNTS_COLUMNS)
    for column in (S.ACCOUNTS_COLUMNS["created_at"], S.ACCOUNTS_COLUMNS["password_changed_at"]):
        shown[column] = ui.shanghai_time(shown[column])
    shown[S.ACCOUNTS_COLUMNS["disabled_at"]] = ui.shanghai_time(shown[S.ACCOUNTS_COLUMNS["disabled_at"]])
    st.dataframe(shown, hide_index=True, key="accounts-table")

st.subheader(S.ACCOUNTS_ADD)
with st.form("add-leader", clear_on_submit=True):
    username = st.text_input(S.ACCOUNTS_NEW_USERNAME, max_chars=64)
    password = st.text_input(S.ACCOUNTS_NEW_PASSWORD, type="password", max_chars=1024)
    mine = account_admin.my_branches()
    branches = st.multiselect(S.ACCOUNTS_NEW_BRANCHES, mine, default=mine if len(mine) == 1 else [])
    if st.form_submit_button(S.ACCOUNTS_ADD_BUTTON, type="primary"):
        try:
            made = account_admin.add_leader(username, password, branches)
        except Exception as exc:  # a refusal's Chinese message, shown after the rerun
            _said("error", str(exc))
        else:
            _said("success", S.ACCOUNTS_ADDED.format(username=made))
        st.rerun()

active = people[people["disabled_at"].isna()]["username"].tolist() if not people.empty else []
if active:
    left, right = st.columns(2)
    with left, st.form("reset-password", clear_on_submit=True):
        st.markdown(f"**{S.ACCOUNTS_RESET}**")
        who = st.selectbox(S.ACCOUNTS_RESET_WHO, active, key="reset-who")
        new = st.text_input(S.ACCOUNTS_RESET_PASSWORD, type="password", max_chars=1024)
        if st.form_submit_button(S.ACCOUNTS_RESET_BUTTON):
            try:
                account_admin.reset_password(who, new)
            except Exception as exc:
                _said("error", str(exc))
            else:
                _said("success", S.ACCOUNTS_RESET_DONE.format(username=who))
            st.rerun()
    with right, st.form("disable-account"):
        st.markdown(f"**{S.ACCOUNTS_DISABLE}**")
        who = st.selectbox(S.ACCOUNTS_RESET_WHO, active, key="disable-who")
        if st.form_submit_button(S.ACCOUNTS_DISABLE_BUTTON):
            try:
                account_admin.disable(who)
            except Exception as exc:
                _said("error", str(exc))
            else:
                _said("success", S.ACCOUNTS_DISABLED.format(username=who))
            st.rerun()
