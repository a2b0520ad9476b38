"""Who is asking, for every script run: the signed-in account behind the session cookie, its scope
for the query layer, and what its role may do (pages and writes).

Two modes:
- **Accounts exist**: every run reads the signed cookie (dashboard/session_cookie, set by the sign-in
  route in dashboard/server.py) and the session behind it (etl.accounts.session_account). Without one
  the run shows how to sign in and stops; nothing else of the app is drawn.
- **No account yet** (a fresh installation, before `etl user add`): the app is a local tool for
  whoever sits at the machine — a secretary of every branch — and is served on a loopback address
  only (server.py refuses any other, and so does this module when the address says so).

The answer is cached per (token, database file signature, minute): any write to the database (a
sign-out, a disabled account, a changed scope) or a minute passing makes the next run read it afresh,
so the idle limit and a disabled account take effect at once, and a page switch costs no database read.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import streamlit as st

from dashboard import components as ui
from dashboard import data, session_cookie
from dashboard import strings as S
from dashboard.session_cookie import SIGNIN_PATH, is_loopback
from etl import accounts, audit
from etl.accounts import ROLE_NAMES, Account
from etl.scope import SECRETARY, OutOfScope, Scope

ACCOUNT_KEY = "_account"
MEMBER_VIEWED_KEY = "_member_viewed"
SIGNIN_LINK_HTML = (  # constant markup, no data in it
    f'<a href="{SIGNIN_PATH}" target="_self" style="display:inline-block;padding:.45rem 1rem;border-radius:.5rem;'
    f'background:#C8102E;color:#fff;text-decoration:none">{S.SIGNIN_LINK}</a>'
)
LOCAL_USER = S.UPLOAD_USER  # what a load made in local mode is recorded as


@dataclass(frozen=True)
class Caller:
    """The person behind this run: an account, or the local user when no account exists."""

    account: Account | None
    scope: Scope

    @property
    def name(self) -> str:
        return self.account.username if self.account else LOCAL_USER

    @property
    def role(self) -> str:
        return self.scope.role

    @property
    def local(self) -> bool:
        return self.account is None


LOCAL = Caller(None, SECRETARY)


@dataclass(frozen=True)
class PageSpec:
    key: str
    file: str
    title: str
    icon: str
    section: str
    roles: frozenset[str]

    @property
    def url_path(self) -> str:
        return self.file.rsplit("/", 1)[-1].removesuffix(".py")


_READERS = frozenset({"secretary", "leadership"})
PAGES = (  # the menu, in order; who may open each page (local mode: every page but 账号管理)
    PageSpec(
        "overview", "views/overview.py", S.PAGE_OVERVIEW, ":material/dashboard:", S.NAV_SECTION_DASHBOARD, _READERS
    ),
    PageSpec("index", "views/index.py", S.PAGE_INDEX, ":material/insights:", S.NAV_SECTION_DASHBOARD, _READERS),
    PageSpec("stars", "views/stars.py", S.PAGE_STARS, ":material/star:", S.NAV_SECTION_DASHBOARD, _READERS),
    PageSpec("orglife", "views/orglife.py", S.PAGE_ORGLIFE, ":material/groups:", S.NAV_SECTION_DASHBOARD, _READERS),
    PageSpec("study", "views/study.py", S.PAGE_STUDY, ":material/menu_book:", S.NAV_SECTION_DASHBOARD, _READERS),
    PageSpec("member", "views/member.py", S.PAGE_MEMBER, ":material/person:", S.NAV_SECTION_DASHBOARD, _READERS),
    PageSpec("plan", "views/plan.py", S.PAGE_PLAN, ":material/checklist:", S.NAV_SECTION_DASHBOARD, _READERS),
    PageSpec(
        "district",
        "views/district.py",
        S.PAGE_DISTRICT,
        ":material/leaderboard:",
        S.NAV_SECTION_DISTRICT,
        frozenset({"district"}),
    ),
    PageSpec(
        "branch_card",
        "views/branch_card.py",
        S.PAGE_BRANCH_CARD,
        ":material/badge:",
        S.NAV_SECTION_DISTRICT,
        frozenset({"district"}),
    ),
    PageSpec(
        "snapshot_import",
        "views/snapshot_import.py",
        S.PAGE_SNAPSHOT_IMPORT,
        ":material/move_to_inbox:",
        S.NAV_SECTION_DISTRICT,
        frozenset({"district"}),
    ),
    PageSpec(
        "glossary",
        "views/glossary.py",
        S.PAGE_GLOSSARY,
        ":material/help:",
        S.NAV_SECTION_DASHBOARD,
        frozenset({"secretary", "leadership", "district"}),
    ),
    PageSpec(
        "upload", "views/upload.py", S.PAGE_UPLOAD, ":material/upload:", S.NAV_SECTION_DATA, frozenset({"secretary"})
    ),
    PageSpec(
        "accounts",
        "views/accounts.py",
        S.PAGE_ACCOUNTS,
        ":material/manage_accounts:",
        S.NAV_SECTION_ACCOUNTS,
        frozenset({"secretary"}),
    ),
    PageSpec(
        "audit",
        "views/audit.py",
        S.PAGE_AUDIT,
        ":material/history:",
        S.NAV_SECTION_ACCOUNTS,
        frozenset({"secretary", "district"}),
    ),
)


def visible(spec: PageSpec, who: Caller) -> bool:
    """Whether the caller may open the page (the menu shows only these; the others refuse)."""
    if who.local:
        return spec.key != "accounts"  # no account exists to manage: `etl user add` makes the first
    return who.role in spec.roles


def page_allowed(key: str) -> bool:
    return visible(next(p for p in PAGES if p.key == key), caller())


# What each role may do besides reading its branches' pages (docs/accounts.md).
WRITES = {"secretary": {"upload", "undo", "snapshot", "accounts"}, "leadership": set(), "district": {"import"}}


def request_cookie() -> str | None:
    """This browser's session cookie as sent with the WebSocket handshake (st.context reads that
    request). AppTest cannot send cookies: tests replace this function."""
    return st.context.cookies.get(session_cookie.COOKIE)


def request_token() -> str | None:
    """The session token inside the cookie, when the cookie is ours (signed with our secret)."""
    return session_cookie.unsign(request_cookie())


def _signature() -> tuple:
    db = data.db()
    return data.file_signature(db.path)


@functools.lru_cache(maxsize=64)
def _accounts_exist(path: str, signature: tuple) -> bool:
    return accounts.has_accounts(data.database(path))


@functools.lru_cache(maxsize=256)
def _session(path: str, token: str, signature: tuple, minute: int) -> Account | None:
    return accounts.session_account(data.database(path), token)


def accounts_exist() -> bool:
    return _accounts_exist(str(data.db().path), _signature())


def signed_in() -> Account | None:
    token = request_token()
    if not token:
        return None
    return _session(str(data.db().path), token, _signature(), int(time.time() // 60))


def gate() -> Caller:
    """The caller of this run, or — when someone must sign in first — a sign-in prompt and a stop."""
    if not accounts_exist():
        if not _this_machine():
            st.error(S.SIGNIN_REFUSED_NON_LOCAL, icon=":material/block:")
            _stop_without_menu()
        caller = LOCAL
    else:
        account = signed_in()
        if account is None:
            _ask_to_sign_in()
        caller = Caller(account, account.scope())
    st.session_state[ACCOUNT_KEY] = caller
    st.session_state[data.SCOPE_KEY] = caller.scope
    return caller


def _this_machine() -> bool:
    """Whether local mode may serve this browser: it is on this machine (Streamlit gives no client
    address for localhost) and the server is not bound to another address. Checked on every run: a
    page opened from elsewhere while accounts existed must not fall into local mode when they are all
    disabled (the server's start-up check and gate only see new connections)."""
    from streamlit import config

    address = config.get_option("server.address")
    client = st.context.ip_address
    client = client if isinstance(client, str) else None  # a str or None from a browser (AppTest: a mock)
    return (not address or is_loopback(address)) and (client is None or is_loopback(client))


def _ask_to_sign_in() -> None:
    st.title(S.APP_TITLE)
    ended = st.session_state.pop("_signed_out", False)
    had_cookie = bool(request_cookie())
    st.info(S.SIGNED_OUT if ended else S.SESSION_ENDED if had_cookie else S.NOT_SIGNED_IN)
    # A constant link in this tab (st.link_button and Markdown links open a new tab). Reloading
    # the page works too: the server sends a page load without a session to the form and back here.
    st.markdown(SIGNIN_LINK_HTML, unsafe_allow_html=True)
    st.session_state.pop(ACCOUNT_KEY, None)
    st.session_state.pop(data.SCOPE_KEY, None)
    _stop_without_menu()


def _stop_without_menu() -> None:
    """End this run with every page registered but no menu. The browser keeps the menu of the last
    run that drew one (a sign-out, an ended session, a refusal would otherwise leave the previous
    role's menu in the sidebar), and an unregistered address would get Streamlit's "Page not found"."""
    st.navigation([st.Page(spec.file, title=spec.title, icon=spec.icon) for spec in PAGES], position="hidden")
    st.stop()


def caller() -> Caller:
    """This run's caller (gate() has run at the top of app.py). Fails closed: no gate, no caller."""
    found = st.session_state.get(ACCOUNT_KEY)
    if found is None:
        raise OutOfScope(S.NOT_SIGNED_IN)
    return found


def _permitted(who: Caller, action: str) -> bool:
    # Local mode is whoever sits at the machine, with the database file in reach: everything.
    return who.local or action in WRITES[who.role]


def may(action: str, branch: str | None = None) -> bool:
    who = caller()
    return _permitted(who, action) and (branch is None or who.scope.allows(branch))


def require(action: str, branch: str | None = None, what: str = "") -> Caller:
    """Refuse a write the caller's role may not make (checked in the functions that write, not only
    by hiding their buttons), or one on a branch outside her scope."""
    who = caller()
    if not _permitted(who, action):
        raise OutOfScope(S.ROLE_REFUSED.format(role=ROLE_NAMES[who.role], what=what or action))
    if branch is not None:
        who.scope.check(branch)
    return who


def sign_out() -> None:
    """on_click of 退出登录: the session ends in the database, so the cookie is worthless at once (in
    every tab); the next run shows the sign-in prompt."""
    token = request_token()
    accounts.end_session(data.db(), token)
    st.session_state["_signed_out"] = True


def sidebar(who: Caller) -> None:
    """Who is signed in, her scope, and the sign-out button — always visible."""
    with st.sidebar:
        if who.local:
            st.caption(S.LOCAL_MODE)
            return
        # the rule and the name in one element (every element is redrawn on every run); the scope stays a
        # caption of its own: user text inside a :gray[…] directive could close it early (literal() turns
        # text with a link in it into a code span, which does not escape "]")
        st.markdown("---\n\n" + ui.literal(S.SIGNED_IN_AS.format(label=who.account.label)))  # a name is user text
        branches = "、".join(sorted(who.scope.branches)) if who.scope.branches is not None else S.SCOPE_EVERY_BRANCH
        st.caption(ui.literal(S.SIGNED_IN_SCOPE.format(scope=branches)))
        st.button(S.SIGN_OUT, on_click=sign_out, icon=":material/logout:", key="_sign_out", type="tertiary")


def record(action: str, branch: str | None, target: str | None = None, detail: str | None = None) -> None:
    """Put one of the caller's actions in the audit log without making her wait: the buffer writes
    it from a background thread through the one writer (etl/audit.py), losing nothing on a clean stop."""
    audit.buffer_for(data.db()).add(audit.Event(action, caller().name, branch, target, detail, via="app"))


def record_view_of_member(branch: str, member_id: int, name: str) -> None:
    """A 党员档案 opened: recorded once each time the reader turns to a member, not on every rerun
    of the same page (a period change, a download); leaving the page ends the view (app.py)."""
    seen = (branch, member_id)
    if st.session_state.get(MEMBER_VIEWED_KEY) != seen:
        st.session_state[MEMBER_VIEWED_KEY] = seen
        record("view_member", branch, name)
