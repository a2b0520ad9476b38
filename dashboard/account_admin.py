"""What the 账号管理 and 审计日志 pages do, checked here rather than by hiding buttons: only a
secretary manages accounts, only leadership accounts of her own branches (etl.accounts enforces that
too), and the audit log shows a caller the events of her scope only."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import auth, data
from dashboard import strings as S
from etl import accounts, audit
from etl.accounts import ROLE_NAMES


def _me() -> accounts.Account:
    who = auth.require("accounts", what=S.WHAT_ACCOUNTS)
    if who.account is None:  # local mode: nobody signed in can be "by"; accounts are made with `etl user`
        raise auth.OutOfScope(S.ROLE_REFUSED.format(role=S.SCOPE_EVERY_BRANCH, what=S.WHAT_ACCOUNTS))
    return who.account


def manageable() -> pd.DataFrame:
    """The leadership accounts she may manage (herself left out), as the page shows them."""
    me = _me()
    frame = accounts.list_users(data.db(), by=me)
    frame = frame[frame["username"] != me.username].reset_index(drop=True)
    frame["role"] = frame["role"].map(ROLE_NAMES)
    frame["branches"] = frame["branches"].map(lambda b: "、".join(sorted(b)))
    return frame[list(S.ACCOUNTS_COLUMNS)]


def my_branches() -> list[str]:
    return sorted(_me().branches)


def add_leader(username: str, password: str, branches: list[str]) -> str:
    return accounts.add_user(data.db(), username, password, "leadership", branches, by=_me()).username


def reset_password(username: str, password: str) -> None:
    accounts.set_password(data.db(), username, password, by=_me())


def disable(username: str) -> bool:
    return accounts.disable(data.db(), username, by=_me())


def audit_events(since: dt.date) -> pd.DataFrame:
    """The audit log of the caller's scope since a day (Beijing time): a secretary's branches, or
    every branch for the district (and local mode)."""
    who = auth.caller()
    if not auth.page_allowed("audit"):
        raise auth.OutOfScope(S.PAGE_REFUSED)
    frame = audit.events(data.db(), branches=who.scope.branches, since=since)
    frame["action"] = frame["action"].map(lambda a: audit.ACTION_NAMES.get(a, a))
    frame["via"] = frame["via"].map(lambda v: S.AUDIT_VIA.get(v, v))
    return frame
